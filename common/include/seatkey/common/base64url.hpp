// Strict base64url without padding (RFC 4648 section 5), as PASETO and PASERK use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "seatkey/common/secure_buffer.hpp"

namespace seatkey {

std::string base64url_encode(std::string_view bytes);
// Rejects '=', bytes outside the alphabet, impossible lengths and non-zero trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);
// The same, appended to *out (reusable buffers on hot paths); *out unspecified on false.
bool base64url_decode_append(std::string_view text, std::string* out);
// The same, into sodium_malloc memory, for secrets.
std::optional<SecureBuffer> base64url_decode_secure(std::string_view text);
SecureBuffer base64url_encode_secure(std::string_view bytes);

}  // namespace seatkey
