// Token decoding: split, base64url, footer kid, signature check. Never crashes; a token that
// decodes re-encodes to the same text (strict base64url has one spelling per byte string).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "seatkey/common/base64url.hpp"
#include "seatkey/common/paseto.hpp"

using namespace seatkey;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  static const PublicKey key =
      *PublicKey::from_paserk("k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs");
  auto decoded = decode_v4_public(token);
  if (!decoded) return 0;
  std::string again = std::string(kV4PublicHeader) + base64url_encode(decoded->payload + decoded->signature);
  if (!decoded->footer.empty()) again += "." + base64url_encode(decoded->footer);
  if (again != token) std::abort();
  (void)footer_kid(decoded->footer);
  (void)signature_valid(key, *decoded);
  return 0;
}
