#include "token.hpp"

#include <array>
#include <cstdint>

#include "seatkey/common/paseto.hpp"

namespace seatkey::verifier::detail {
namespace {

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<std::int8_t>(i);
    t['a' + i] = static_cast<std::int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<std::int8_t>(52 + i);
  t['-'] = 62;
  t['_'] = 63;
  return t;
}
constexpr std::array<std::int8_t, 256> kTable = make_table();

int value_of(char c) {
  return kTable[static_cast<unsigned char>(c)];
}

}  // namespace

bool base64url_append(std::string_view text, std::string* out) {
  const std::size_t rem = text.size() % 4;
  if (rem == 1) return false;
  const std::size_t full = text.size() - rem;
  const std::size_t start = out->size();
  out->resize(start + full / 4 * 3 + (rem == 0 ? 0 : rem - 1));
  char* o = &(*out)[0] + start;
  int bad = 0;
  for (std::size_t i = 0; i < full; i += 4) {
    const int a = value_of(text[i]), b = value_of(text[i + 1]), c = value_of(text[i + 2]),
              d = value_of(text[i + 3]);
    bad |= a | b | c | d;  // any -1 sets the sign bit
    const std::uint32_t n = (static_cast<std::uint32_t>(a & 63) << 18) |
                            (static_cast<std::uint32_t>(b & 63) << 12) |
                            (static_cast<std::uint32_t>(c & 63) << 6) | static_cast<std::uint32_t>(d & 63);
    *o++ = static_cast<char>(n >> 16);
    *o++ = static_cast<char>((n >> 8) & 0xff);
    *o++ = static_cast<char>(n & 0xff);
  }
  if (rem != 0) {
    const int a = value_of(text[full]), b = value_of(text[full + 1]);
    const int c = rem == 3 ? value_of(text[full + 2]) : 0;
    bad |= a | b | c;
    if (bad < 0) return false;
    const std::uint32_t n = (static_cast<std::uint32_t>(a) << 18) | (static_cast<std::uint32_t>(b) << 12) |
                            (static_cast<std::uint32_t>(c) << 6);
    if (rem == 2) {
      if ((n & 0xffff) != 0) return false;  // leftover bits must be zero
      *o++ = static_cast<char>(n >> 16);
    } else {
      if ((n & 0xff) != 0) return false;
      *o++ = static_cast<char>(n >> 16);
      *o++ = static_cast<char>((n >> 8) & 0xff);
    }
  }
  return bad >= 0;
}

bool split_v4_public(std::string_view token, std::string* body, TokenView* out, const char** why) {
  if (token.substr(0, kV4PublicHeader.size()) != kV4PublicHeader) {
    *why = "not a v4.public token";
    return false;
  }
  std::string_view rest = token.substr(kV4PublicHeader.size());
  std::string_view body_text = rest;
  std::string_view footer_text;
  const auto dot = rest.find('.');
  if (dot != std::string_view::npos) {
    body_text = rest.substr(0, dot);
    footer_text = rest.substr(dot + 1);
    if (footer_text.empty()) {
      *why = "token ends with an empty footer";
      return false;
    }
    if (footer_text.find('.') != std::string_view::npos) {
      *why = "token has too many parts";
      return false;
    }
  }
  body->clear();
  if (!base64url_append(body_text, body)) {
    *why = "token body is not valid base64url";
    return false;
  }
  if (body->size() < kEd25519SignatureSize) {
    *why = "token body is shorter than a signature";
    return false;
  }
  const std::string_view all(*body);
  const std::size_t payload_size = all.size() - kEd25519SignatureSize;
  out->payload = all.substr(0, payload_size);
  out->signature = all.substr(payload_size);
  out->footer_text = footer_text;
  return true;
}

}  // namespace seatkey::verifier::detail
