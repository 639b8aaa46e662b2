// A strict, bounded JSON object scan for what seatkey reads from outside in one flat object
// (footers, claims, the verifier's state file). Reads the top-level members of one JSON object
// without building a DOM; fails on invalid JSON or UTF-8, a NUL byte, a duplicated key at any
// depth, or nesting deeper than kMaxJsonDepth.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/packed_strings.hpp"
#include "seatkey/common/result.hpp"

namespace seatkey::detail {

struct JsonMember {
  enum class Type { null, boolean, integer, floating, string, object, array };
  std::string key;
  Type type = Type::null;
  bool boolean = false;
  bool integer_fits = false;  // integer within int64
  std::int64_t integer = 0;
  std::string string;
  // An array: its string elements, in order, and whether every element was a string. (The one
  // array of strings in a token is a revocation list's serials, hence their packed form.)
  PackedStrings strings;
  bool only_strings = true;
};

const char* json_type_name(JsonMember::Type type) noexcept;

// The object's top-level members, or an error (Errc::malformed) with a short reason.
Result<std::vector<JsonMember>> scan_json_object(std::string_view text);

}  // namespace seatkey::detail
