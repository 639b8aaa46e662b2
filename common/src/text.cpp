#include "seatkey/common/text.hpp"

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace seatkey {
namespace {

// The length of the UTF-8 sequence at text[i] and its code point, or 0 when it is not valid.
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::uint32_t* code_point) noexcept {
  const auto c = static_cast<unsigned char>(text[i]);
  const std::size_t extra = c < 0x80           ? 0
                            : (c >> 5) == 0x6  ? 1
                            : (c >> 4) == 0xE  ? 2
                            : (c >> 3) == 0x1E ? 3
                                               : 9;
  if (extra == 9 || text.size() - i <= extra) return 0;
  std::uint32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc >> 6) != 0x2) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return extra + 1;
}

bool is_bidirectional_format(std::uint32_t cp) noexcept {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// Characters that show as nothing, or break a line where a terminal shows none: "Acme" with a
// zero-width space in it is another name that reads the same, and a line separator can make one
// line of output pass for two. (The zero-width joiners are left alone: scripts and emoji need them.)
bool is_invisible(std::uint32_t cp) noexcept {
  return cp == 0x200B || cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF;
}

bool needs_escape(std::uint32_t cp) noexcept {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_bidirectional_format(cp) || is_invisible(cp);
}

// terminal_safe(), with backslashes kept as they are when `escape_backslashes` is false (for
// text in a syntax that escapes its own backslashes, a JSON string literal).
std::string make_terminal_safe(std::string_view untrusted, bool escape_backslashes) {
  std::string out;
  out.reserve(untrusted.size());
  char escape[12];
  for (std::size_t i = 0; i < untrusted.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = utf8_sequence(untrusted, i, &cp);
    if (n == 0) {
      std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(untrusted[i]));
      out += escape;
      ++i;
      continue;
    }
    if (cp == '\\' && escape_backslashes) {
      // Escaped too, so that every escape in the output is one: a file really named
      // "a\x1b" shows as "a\\x1b", never as what an ESC shows as.
      out += "\\\\";
    } else if (needs_escape(cp)) {
      std::snprintf(escape, sizeof escape, cp < 0x100 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(cp));
      out += escape;
    } else {
      out.append(untrusted.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string_view trim_line(std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

bool is_valid_utf8(std::string_view text) noexcept {
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::optional<DisguisingCharacter> find_disguising_character(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, &cp);
    if (n == 0) {
      ++i;
      continue;
    }
    if (needs_escape(cp))
      return DisguisingCharacter{cp, cp < 0x20 || (cp >= 0x7F && cp <= 0x9F), is_invisible(cp)};
    i += n;
  }
  return std::nullopt;
}

std::string code_point_name(std::uint32_t code_point) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(code_point));
  return name;
}

std::string terminal_safe(std::string_view untrusted) {
  return make_terminal_safe(untrusted, true);
}

std::string terminal_quoted(std::string_view s) {
  // JSON escapes quotes, backslashes and C0 controls, and its backslashes are its own escapes;
  // terminal_safe() what JSON leaves as it is (DEL, C1 controls, bidirectional characters).
  return make_terminal_safe(
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false);
}

std::string users_text(long long n) {
  return std::to_string(n) + (n == 1 ? " user" : " users");
}

}  // namespace seatkey
