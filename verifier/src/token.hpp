// Private: splitting and decoding v4.public tokens into reused buffers. The same rules and
// messages as seatkey::decode_v4_public (tests/verifier/support_test.cpp checks that they
// agree), without its per-token allocations and libsodium's constant-time base64 decoder,
// which public tokens do not need: evaluation should cost little beyond the Ed25519 checks.
#pragma once

#include <string>
#include <string_view>

namespace seatkey::verifier::detail {

// Strict base64url without padding, appended to *out: only A-Z a-z 0-9 - _, no length of
// 1 mod 4, zero leftover bits. False (and *out unspecified) otherwise.
bool base64url_append(std::string_view text, std::string* out);

struct TokenView {
  std::string_view payload;      // into *body
  std::string_view signature;    // into *body, 64 bytes
  std::string_view footer_text;  // base64url text of the footer, into the token; may be empty
};

// Splits "v4.public." body ["." footer]; decodes the body into *body. Does not decode the
// footer (callers cache its meaning by its text). On failure returns false and sets *why.
bool split_v4_public(std::string_view token, std::string* body, TokenView* out, const char** why);

}  // namespace seatkey::verifier::detail
