// Times as seconds since the Unix epoch; RFC 3339 in text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "seatkey/common/result.hpp"

namespace seatkey {

using UnixTime = std::int64_t;

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)" ('t'/'z' too); fractions truncate.
// Errc::invalid_time otherwise (bad digits, month 13, Feb 30, hour 24, ...).
Result<UnixTime> parse_rfc3339(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ"
std::string format_rfc3339(UnixTime t);
UnixTime unix_now();

}  // namespace seatkey
