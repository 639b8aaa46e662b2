// Private: splitting and decoding v4.public tokens into reused buffers. The same rules and
// messages as seatkey::decode_v4_public (tests/verifier/support_test.cpp checks that they
// agree), without its per-token allocations (bodies decode with seatkey::base64url_decode_append
// into reused buffers): evaluation should cost little beyond the Ed25519 checks.
#pragma once

#include <string>
#include <string_view>

namespace seatkey::verifier::detail {

struct TokenView {
  std::string_view payload;      // into *body
  std::string_view signature;    // into *body, 64 bytes
  std::string_view footer_text;  // base64url text of the footer, into the token; may be empty
};

// Splits "v4.public." body ["." footer]; decodes the body into *body. Does not decode the
// footer (callers cache its meaning by its text). On failure returns false and sets *why.
bool split_v4_public(std::string_view token, std::string* body, TokenView* out, const char** why);

}  // namespace seatkey::verifier::detail
