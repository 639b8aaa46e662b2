// Hostile-input limits (docs/format.md).
#pragma once

#include <cstddef>

namespace seatkey {

inline constexpr std::size_t kMaxTokenBytes = 4096;                  // larger tokens are rejected unread
inline constexpr std::size_t kMaxLicenseSetBytes = 4 * 1024 * 1024;  // a license set over this is refused
inline constexpr std::size_t kMaxLicenseSetTokens = 10000;           // as is one with more tokens
inline constexpr std::size_t kMaxJsonDepth = 16;                     // deeper payloads are invalid claims

}  // namespace seatkey
