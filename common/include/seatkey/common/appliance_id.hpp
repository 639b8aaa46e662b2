// Appliance IDs: ASCII letters, digits, '-' and ':'; canonical form is upper case with
// '-' and ':' removed, 4 to 64 characters. "00:1a:2b:3c:4d:5e" == "001A2B3C4D5E".
#pragma once

#include <string>
#include <string_view>

#include "seatkey/common/result.hpp"

namespace seatkey {

inline constexpr std::size_t kMinApplianceIdLength = 4;
inline constexpr std::size_t kMaxApplianceIdLength = 64;

// Errc::invalid_appliance_id with a message naming the offending character or length.
Result<std::string> canonical_appliance_id(std::string_view typed);

}  // namespace seatkey
