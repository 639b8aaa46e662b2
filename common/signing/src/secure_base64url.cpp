#include "seatkey/signing/secure_base64url.hpp"

#include <sodium.h>

namespace seatkey {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

bool in_alphabet(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// libsodium's decoder stops at '=' or any ASCII byte outside the alphabet and rejects
// non-zero leftover bits and lengths of 1 mod 4 (with no b64_end pointer it fails unless
// every byte was consumed), but 1.0.18 silently skips bytes >= 0x80 (found by fuzzing):
// so every byte is checked against the alphabet first, without branching on its value.
bool decode_into(std::string_view text, unsigned char* out, std::size_t capacity, std::size_t* len) {
  unsigned char bad = 0;
  for (char c : text) bad |= static_cast<unsigned char>(!in_alphabet(static_cast<unsigned char>(c)));
  if (bad != 0) return false;
  return sodium_base642bin(out, capacity, text.data(), text.size(), nullptr, len, nullptr, kVariant) == 0;
}

}  // namespace

std::optional<SecureBuffer> base64url_decode_secure(std::string_view text) {
  SecureBuffer out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  if (out.empty() || !decode_into(text, out.data(), out.size(), &len)) return std::nullopt;
  out.truncate(len);
  return out;
}

SecureBuffer base64url_encode_secure(std::string_view bytes) {
  SecureBuffer out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant));
  if (out.empty()) return out;
  sodium_bin2base64(reinterpret_cast<char*>(out.data()), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), kVariant);
  out.truncate(out.size() - 1);
  return out;
}

}  // namespace seatkey
