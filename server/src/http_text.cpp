#include "http_text.hpp"

#include "seatkey/common/text.hpp"

namespace seatkey::server::detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

keygen::Error bad(std::string message) {
  return keygen::Error(keygen::Code::bad_input, std::move(message));
}

}  // namespace

keygen::Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return bad("a '%' that is not followed by two hex digits");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return bad(u == 0 ? "a NUL byte" : "a control character");
    out.push_back(c);
  }
  if (!is_valid_utf8(out)) return bad("bytes that are not UTF-8");
  return out;
}

keygen::Result<Target> parse_target(std::string_view raw) {
  if (raw.size() > kMaxTargetBytes) {
    return bad("the request target is longer than " + std::to_string(kMaxTargetBytes) + " bytes");
  }
  if (raw.empty() || raw.front() != '/') return bad("the request target must be a path starting with '/'");
  Target out;
  const std::size_t q = raw.find('?');
  std::string_view path = raw.substr(0, q);
  path.remove_prefix(1);
  for (;;) {
    const std::size_t slash = path.find('/');
    auto segment = percent_decode(path.substr(0, slash), false);
    if (!segment) return bad("the request path holds " + segment.error().message);
    out.segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (q == std::string_view::npos) return out;
  std::string_view query = raw.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    if (!name) return bad("the query holds " + name.error().message);
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!value) return bad("the query holds " + value.error().message);
    out.query.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> idempotency_key(std::string_view header) {
  std::string_view key = trim(header);
  if (key.size() >= 2 && key.front() == '"' && key.back() == '"') key = key.substr(1, key.size() - 2);
  if (key.empty() || key.size() > 255) return std::nullopt;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return std::nullopt;
  }
  return std::string(key);
}

bool is_json_content_type(std::string_view header) {
  const std::size_t semi = header.find(';');
  if (!equals_ignoring_case(trim(header.substr(0, semi)), "application/json")) return false;
  if (semi == std::string_view::npos) return true;
  std::string_view parameters = header.substr(semi + 1);
  for (;;) {
    const std::size_t next = parameters.find(';');
    const std::string_view parameter = trim(parameters.substr(0, next));
    if (!parameter.empty()) {
      const std::size_t eq = parameter.find('=');
      if (eq == std::string_view::npos) return false;
      if (equals_ignoring_case(trim(parameter.substr(0, eq)), "charset")) {
        std::string_view value = trim(parameter.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
          value = value.substr(1, value.size() - 2);
        if (!equals_ignoring_case(value, "utf-8")) return false;
      }
    }
    if (next == std::string_view::npos) return true;
    parameters.remove_prefix(next + 1);
  }
}

std::optional<std::string> bearer_token(std::string_view header) {
  const std::string_view h = trim(header);
  if (h.size() < 7 || !equals_ignoring_case(h.substr(0, 6), "bearer") || h[6] != ' ') return std::nullopt;
  const std::string_view token = trim(h.substr(7));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

std::string log_text(std::string_view untrusted, std::size_t max) {
  std::string safe = terminal_safe(untrusted);
  if (safe.size() > max) safe = safe.substr(0, max) + "...";
  return safe;
}

}  // namespace seatkey::server::detail
