// The state file reader of older builds (older_state_reader.cpp), for the tests that firmware
// rolled back to such a build still reads what this build writes.
#pragma once

#include <string_view>

#include "seatkey/common/result.hpp"
#include "state.hpp"

namespace seatkey::test::older {

seatkey::Result<seatkey::verifier::detail::State> parse_state(std::string_view text);

}  // namespace seatkey::test::older
