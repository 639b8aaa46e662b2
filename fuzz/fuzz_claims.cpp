// Claims parsing. Never crashes; accepted claims survive a write/parse round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "seatkey/common/claims.hpp"

using namespace seatkey;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = parse_claims(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) return 0;
  const std::string json = to_payload_json(*parsed);
  auto again = parse_claims(json);
  if (!again || to_payload_json(*again) != json) std::abort();
  return 0;
}
