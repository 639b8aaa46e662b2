// Claims parsing, every kind (licenses and revocation lists). Never crashes; accepted claims
// survive a write/parse round trip unchanged, and parse_claims() agrees with
// parse_token_claims() on what is a license.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "seatkey/common/claims.hpp"
#include "seatkey/signing/claims_writer.hpp"

using namespace seatkey;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_token_claims(payload);
  const auto license = parse_claims(payload);
  if (!parsed) {
    if (license) std::abort();
    return 0;
  }
  if (static_cast<bool>(license) != is_license(kind_of(*parsed))) std::abort();
  const std::string json = to_payload_json(*parsed);
  auto again = parse_token_claims(json);
  if (!again || kind_of(*again) != kind_of(*parsed) || to_payload_json(*again) != json) std::abort();
  return 0;
}
