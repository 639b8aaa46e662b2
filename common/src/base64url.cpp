#include "seatkey/common/base64url.hpp"

#include <array>
#include <cstdint>

namespace seatkey {
namespace {

// A table lookup per character, several times faster than libsodium's constant-time codec,
// which the signing library keeps for secrets. For public data only: the lookups' timing
// depends on the bytes.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr std::array<std::int8_t, 256> kDecode = make_decode_table();

int value_of(char c) {
  return kDecode[static_cast<unsigned char>(c)];
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::string out((n * 4 + 2) / 3, '\0');
  char* o = out.data();
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16;
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool base64url_decode_append(std::string_view text, std::string* out) {
  const std::size_t rem = text.size() % 4;
  if (rem == 1) return false;
  const std::size_t full = text.size() - rem;
  const std::size_t start = out->size();
  out->resize(start + full / 4 * 3 + (rem == 0 ? 0 : rem - 1));
  char* o = out->data() + start;
  int bad = 0;
  for (std::size_t i = 0; i < full; i += 4) {
    const int a = value_of(text[i]), b = value_of(text[i + 1]), c = value_of(text[i + 2]),
              d = value_of(text[i + 3]);
    bad |= a | b | c | d;  // any -1 sets the sign bit
    const std::uint32_t v = (static_cast<std::uint32_t>(a & 63) << 18) |
                            (static_cast<std::uint32_t>(b & 63) << 12) |
                            (static_cast<std::uint32_t>(c & 63) << 6) | static_cast<std::uint32_t>(d & 63);
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>((v >> 8) & 0xff);
    *o++ = static_cast<char>(v & 0xff);
  }
  if (rem != 0) {
    const int a = value_of(text[full]), b = value_of(text[full + 1]);
    const int c = rem == 3 ? value_of(text[full + 2]) : 0;
    bad |= a | b | c;
    if (bad < 0) return false;
    const std::uint32_t v = (static_cast<std::uint32_t>(a) << 18) | (static_cast<std::uint32_t>(b) << 12) |
                            (static_cast<std::uint32_t>(c) << 6);
    if ((v & (rem == 2 ? 0xffff : 0xff)) != 0) return false;  // leftover bits must be zero
    *o++ = static_cast<char>(v >> 16);
    if (rem == 3) *o++ = static_cast<char>((v >> 8) & 0xff);
  }
  return bad >= 0;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  if (!base64url_decode_append(text, &out)) return std::nullopt;
  return out;
}

}  // namespace seatkey
