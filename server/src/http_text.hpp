// Internal: the HTTP text the server reads from clients, parsed strictly. Nothing here trusts
// the client: every function bounds what it reads and says what is wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seatkey/keygen/error.hpp"

namespace seatkey::server::detail {

inline constexpr std::size_t kMaxTargetBytes = 8192;

// A request-target in origin form ("/v1/licenses?kind=users"), decoded.
struct Target {
  std::vector<std::string> segments;  // the path's segments, percent-decoded: "/v1/x" -> {"v1", "x"}
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space), in order
};

// Percent-decoding of one path segment or query component. An input error for a '%' not
// followed by two hex digits, a NUL or other control character (raw or escaped), or bytes that
// are not UTF-8 once decoded (the message names which). `plus_is_space`: in a query, '+' stands
// for a space.
keygen::Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

// An input error for a target that is not a path ("*", "http://host/..."), is longer than
// kMaxTargetBytes, or has a component percent_decode() refuses.
keygen::Result<Target> parse_target(std::string_view raw);

// An Idempotency-Key header's value: a token of 1 to 255 visible ASCII characters, or the same
// as an RFC 8941 string ("..." quoted, as draft-ietf-httpapi-idempotency-key-header writes it).
// nullopt for anything else.
std::optional<std::string> idempotency_key(std::string_view header);

// Whether a Content-Type header names JSON: application/json, any case, with optional
// parameters (charset=utf-8 only, if a charset is given).
bool is_json_content_type(std::string_view header);

// A bearer token from an Authorization header ("Bearer <token>", the scheme in any case);
// nullopt for another scheme or an empty token.
std::optional<std::string> bearer_token(std::string_view header);

// Untrusted text for one line of the server's log: escaped (terminal_safe) and cut to `max`
// bytes, "..." marking the cut.
std::string log_text(std::string_view untrusted, std::size_t max = 200);

}  // namespace seatkey::server::detail
