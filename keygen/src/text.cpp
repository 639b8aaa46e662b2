#include "text.hpp"

#include <locale.h>
#include <wctype.h>

#include <cstdio>
#include <cwchar>

#include "seatkey/common/text.hpp"

namespace seatkey::keygen::detail {
namespace {

// The C library's Unicode character classes (glibc's C.UTF-8, built in since 2.35): the case
// mapping of every script, not only ASCII's. Made once; never freed.
locale_t unicode_locale() {
  static const locale_t kLocale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  return kLocale;
}

// Where the bytes that are not UTF-8 go: U+10FE00 + the byte, in Supplementary Private Use
// Area-B, which no customer name uses.
constexpr char32_t kStrayByteBase = 0x10FE00;

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string quoted(std::string_view s) {
  return terminal_quoted(s);
}

std::string octal_mode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

std::string search_folded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const locale_t utf8 = unicode_locale();
  // mbrtowc reads the thread's locale: C.UTF-8 for the length of the loop.
  const locale_t previous = utf8 != locale_t{} ? uselocale(utf8) : locale_t{};
  std::mbstate_t state{};
  for (std::size_t at = 0; at < text.size();) {
    wchar_t c = 0;
    std::size_t n = utf8 != locale_t{} ? std::mbrtowc(&c, text.data() + at, text.size() - at, &state)
                                       : static_cast<std::size_t>(-1);
    char32_t folded = 0;
    if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2)) {
      // Without the locale, ASCII letters are still folded.
      const auto byte = static_cast<unsigned char>(text[at]);
      folded = byte < 0x80 ? static_cast<char32_t>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte)
                           : kStrayByteBase + byte;
      n = 1;
      state = std::mbstate_t{};
    } else {
      if (n == 0) n = 1;  // a NUL byte
      folded = static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), utf8));
    }
    append_utf8(out, folded);
    at += n;
  }
  if (utf8 != locale_t{}) uselocale(previous);
  return out;
}

std::size_t folded_length(std::string_view folded) {
  std::size_t n = 0;
  for (char c : folded) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace seatkey::keygen::detail
