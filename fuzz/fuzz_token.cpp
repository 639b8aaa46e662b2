// Token decoding as the verifier runs it: one V4PublicDecoder reused from input to input
// (split, strict base64url of body and footer), the footer's kid, the signature check. Never
// crashes; a token that decodes re-encodes to the same text (strict base64url has one
// spelling per byte string), and the convenience decoder agrees with the reused one.
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
  static V4PublicDecoder decoder;  // reused, as evaluate() reuses one across a license set
  const char* why = decoder.decode(token);
  const auto convenience = decode_v4_public(token);
  if ((why == nullptr) != convenience.ok()) std::abort();
  if (why != nullptr) return 0;
  std::string again = std::string(kV4PublicHeader) +
                      base64url_encode(std::string(decoder.payload()) + std::string(decoder.signature()));
  if (!decoder.footer().empty()) again += "." + base64url_encode(decoder.footer());
  if (again != token) std::abort();
  if (convenience->payload != decoder.payload() || convenience->footer != decoder.footer()) std::abort();
  (void)footer_kid(decoder.footer());
  (void)decoder.signature_valid(key);
  return 0;
}
