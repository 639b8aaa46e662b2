// Offline activation requests (docs/format.md, "Activation requests"): one line an appliance
// without internet shows its admin, to paste into the vendor's activation page or read out on
// the phone. It carries the appliance's ID, the codes to redeem, the appliance's clock and a
// random nonce, in Crockford base32 after the version prefix "SKR1", with check symbols. It
// carries no secret and proves nothing: whoever has the codes could have typed the same.
//
// Layout (bits, most significant first, then 5 bits per symbol; docs/format.md has the table):
//   ID mode (1: 0 hex digits, 4 bits each; 1 digits and letters, 6 bits each), ID length - 4 (6),
//   the ID's characters, code count (4, at most 8), each code's 80 random bits, time (36: Unix
//   seconds), nonce (40), zero bits to a whole symbol; then 4 symbols of BLAKE2b-256 over
//   kRequestHashPrefix, "SKR1" and the symbols so far, then a Damm check symbol over everything
//   from the S of SKR1 on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/activation_code.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey {

inline constexpr std::string_view kRequestMagic = "SKR";  // then the version, one symbol
inline constexpr unsigned kRequestVersion = 1;
inline constexpr std::size_t kMaxRequestCodes = 8;
inline constexpr int kRequestTimeBits = 36;   // Unix seconds to the year 4147
inline constexpr int kRequestNonceBits = 40;  // tells requests apart in the log, nothing more
inline constexpr UnixTime kMaxRequestTime = (UnixTime{1} << kRequestTimeBits) - 1;
inline constexpr std::uint64_t kMaxRequestNonce = (std::uint64_t{1} << kRequestNonceBits) - 1;
inline constexpr std::size_t kRequestHashSymbols = 4;  // 20 bits of BLAKE2b-256
inline constexpr std::string_view kRequestHashPrefix = "seatkey-activation-request:";
// Symbols are printed in groups of this many, after "SKR1", each group after a '-'.
inline constexpr std::size_t kRequestGroupLength = 5;

namespace detail {
constexpr std::size_t request_symbols(std::size_t id_bits_per_char, std::size_t id_length,
                                      std::size_t codes) {
  const std::size_t bits = 1 + 6 + id_bits_per_char * id_length + 4 + codes * 8 * kCodeRandomBytes +
                           kRequestTimeBits + kRequestNonceBits;
  return (bits + 4) / 5 + kRequestHashSymbols + 1;
}
constexpr std::size_t request_length(std::size_t symbols) {
  return kRequestMagic.size() + 1 + symbols + (symbols + kRequestGroupLength - 1) / kRequestGroupLength;
}
}  // namespace detail

// The fewest and most symbols after "SKR1": a 4-digit hex ID without codes; a 64-character ID
// of digits and letters with 8 codes.
inline constexpr std::size_t kMinRequestSymbols = detail::request_symbols(4, kMinApplianceIdLength, 0);
inline constexpr std::size_t kMaxRequestSymbols =
    detail::request_symbols(6, kMaxApplianceIdLength, kMaxRequestCodes);
// The longest request format_activation_request() prints (with its hyphens).
inline constexpr std::size_t kMaxRequestLength = detail::request_length(kMaxRequestSymbols);
// Longer input is refused unread (a pasted request may carry spaces and line breaks).
inline constexpr std::size_t kMaxTypedRequestBytes = 1024;

struct ActivationRequest {
  std::string appliance;              // canonical appliance ID
  std::vector<ActivationCode> codes;  // 0 to kMaxRequestCodes, no two alike
  UnixTime time = 0;                  // the appliance's clock: 0 to kMaxRequestTime
  std::uint64_t nonce = 0;            // 0 to kMaxRequestNonce
};

// "SKR1-XXXXX-XXXXX-...". The appliance ID is canonicalized first. Errc::invalid_appliance_id,
// Errc::invalid_time (before 1970 or after kMaxRequestTime), Errc::too_large (over 8 codes),
// Errc::malformed (a code given twice, a nonce over 40 bits), each naming what is wrong.
Result<std::string> format_activation_request(const ActivationRequest& request);

// Reads a request as pasted or typed: either case, spaces, line breaks and hyphens anywhere, O
// for 0, I and L for 1. One of the request_* problems otherwise (nothing in the request is
// believed before its checks match).
ActivationResult<ActivationRequest> parse_activation_request(std::string_view text);

}  // namespace seatkey
