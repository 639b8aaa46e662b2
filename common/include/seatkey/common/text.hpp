// Text rules both sides share: the lines of license, key and trusted-keys files, UTF-8, and
// untrusted text made safe to show on a terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seatkey {

// A UTF-8 byte order mark (Windows tools write one at the start of a text file).
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A line without its trailing '\r' and without spaces and tabs at either end.
std::string_view trim_line(std::string_view line) noexcept;
// Blank lines and '#' comments carry nothing.
inline bool is_skipped_line(std::string_view trimmed) noexcept {
  return trimmed.empty() || trimmed.front() == '#';
}

// Walks the lines of a text file: a UTF-8 byte order mark at its very start is skipped, each
// line is trimmed (trim_line), blank lines and '#' comments are skipped; f(line_number,
// trimmed_line) is called for the others, line numbers 1-based. f returns false to stop.
template <class F>
void for_each_content_line(std::string_view text, F&& f) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim_line(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (is_skipped_line(line)) continue;
    if (!f(line_number, line)) return;
  }
}

// Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) noexcept;

// Untrusted text (a file name, a claim, a key ID) for a line a person reads on a terminal:
// C0 and C1 control characters, DEL and the bidirectional formatting characters (U+200E,
// U+200F, U+061C, U+202A-U+202E, U+2066-U+2069) and invisible characters (U+200B, U+2028,
// U+2029, U+2060-U+2064, U+FEFF) become visible escapes ("\x1b", "\u202e"),
// as does every byte that is not part of valid UTF-8, and a backslash becomes "\\" (so that
// text which holds "\x1b" itself cannot pass for an escape). Everything else is kept as it is.
std::string terminal_safe(std::string_view untrusted);
// `s` as a JSON string literal ("Acme \"Phones\" GmbH") for a line a person reads: JSON's own
// escapes for quotes, backslashes and C0 controls (its backslashes are not escaped again),
// terminal_safe()'s for what JSON leaves as it is (DEL, C1 controls, bidirectional formatting
// characters); a byte that is not UTF-8 becomes U+FFFD.
std::string terminal_quoted(std::string_view s);

// A code point that terminal_safe() escapes because it could disguise what a terminal shows.
struct DisguisingCharacter {
  std::uint32_t code_point = 0;
  bool control = false;    // a C0 or C1 control or DEL
  bool invisible = false;  // a zero-width or invisible character, or a line or paragraph separator
  // neither: a bidirectional formatting character
};
// The first such code point of `text`, or nullopt when there is none (a backslash, which
// terminal_safe() escapes too, disguises nothing; bytes that are not UTF-8 are skipped).
std::optional<DisguisingCharacter> find_disguising_character(std::string_view text) noexcept;
// "U+0085": a code point named so that no terminal escape is mistaken for it.
std::string code_point_name(std::uint32_t code_point);

// "1 user", "5 users".
std::string users_text(long long n);

}  // namespace seatkey
