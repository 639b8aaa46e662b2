// Hostile-input limits (docs/format.md).
#pragma once

#include <cstddef>

namespace seatkey {

// The most bytes a token may have, by what it is. A token over its limit is rejected unread.
// Licenses are small; a revocation list names every serial the vendor ever voided. A reader
// that does not know yet what a token is decodes it under the larger limit and checks the
// license limit once the signature and the claims say it is a license.
enum class TokenLimit { license, revocation_list };
inline constexpr std::size_t kMaxLicenseTokenBytes = 4096;
inline constexpr std::size_t kMaxRevocationTokenBytes = 1024 * 1024;
constexpr std::size_t max_token_bytes(TokenLimit limit) {
  return limit == TokenLimit::license ? kMaxLicenseTokenBytes : kMaxRevocationTokenBytes;
}
// "the 4096-byte limit of a license", "the 1048576-byte limit of a revocation list"
constexpr const char* token_limit_text(TokenLimit limit) {
  return limit == TokenLimit::license ? "the 4096-byte limit of a license"
                                      : "the 1048576-byte limit of a revocation list";
}
static_assert(kMaxLicenseTokenBytes == 4096 && kMaxRevocationTokenBytes == 1048576,
              "token_limit_text() names the limits");
// What readers that know only licenses check (the same as max_token_bytes(TokenLimit::license)).
inline constexpr std::size_t kMaxTokenBytes = kMaxLicenseTokenBytes;

inline constexpr std::size_t kMaxLicenseSetBytes = 4 * 1024 * 1024;  // a license set over this is refused
inline constexpr std::size_t kMaxLicenseSetTokens = 10000;           // as is one with more tokens
inline constexpr std::size_t kMaxJsonDepth = 16;                     // deeper payloads are invalid claims

}  // namespace seatkey
