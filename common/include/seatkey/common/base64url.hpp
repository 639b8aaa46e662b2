// Strict base64url without padding (RFC 4648 section 5), as PASETO and PASERK use it, for
// public data (tokens, footers, public keys): a table lookup per character. Secrets use the
// constant-time codec of the signing library (seatkey/signing/secure_base64url.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seatkey {

std::string base64url_encode(std::string_view bytes);
// Rejects '=', bytes outside the alphabet, impossible lengths and non-zero trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);
// The same, appended to *out (reusable buffers on hot paths); *out unspecified on false.
bool base64url_decode_append(std::string_view text, std::string* out);

}  // namespace seatkey
