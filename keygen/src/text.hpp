// Internal: small text helpers shared by the keygen sources.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seatkey::keygen::detail {

// Strips spaces, tabs and '\r' from both ends.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits on '\n' without copying (the views point into `text`).
inline std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A JSON string literal of `s` (quotes, escapes; invalid UTF-8 replaced): safe in one line.
std::string quoted(std::string_view s);

}  // namespace seatkey::keygen::detail
