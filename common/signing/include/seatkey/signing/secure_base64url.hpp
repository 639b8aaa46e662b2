// Strict base64url without padding for secrets (k4.secret keys): libsodium's constant-time
// codec, into and out of sodium_malloc memory.
#pragma once

#include <optional>
#include <string_view>

#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey {

// The same strictness as base64url_decode(): no '=', only the alphabet, no impossible length,
// zero trailing bits.
std::optional<SecureBuffer> base64url_decode_secure(std::string_view text);
SecureBuffer base64url_encode_secure(std::string_view bytes);

}  // namespace seatkey
