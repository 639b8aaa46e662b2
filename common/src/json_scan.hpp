// The scanner's declarations are public: the verifier's state file reader uses it too.
#pragma once

#include "seatkey/common/json_scan.hpp"
