#include "seatkey/common/paserk.hpp"

#include <sodium.h>

#include <cstring>
#include <optional>

#include "seatkey/common/base64url.hpp"
#include "seatkey/common/text.hpp"

namespace seatkey {
namespace {
constexpr std::string_view kPublicHeader = "k4.public.";
constexpr std::string_view kPidHeader = "k4.pid.";
constexpr std::size_t kIdHashSize = 33;  // BLAKE2b-264
}  // namespace

std::string paserk_id(std::string_view id_header, std::string_view paserk) {
  unsigned char digest[kIdHashSize];
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kIdHashSize);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(id_header.data()),
                            id_header.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(paserk.data()), paserk.size());
  crypto_generichash_final(&state, digest, kIdHashSize);
  return std::string(id_header) +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), kIdHashSize));
}

Result<PublicKey> PublicKey::from_bytes(std::string_view bytes) {
  if (sodium_init() < 0) return make_error(Errc::out_of_memory, "libsodium failed to initialize");
  if (bytes.size() != kSize) {
    return make_error(Errc::invalid_key,
                      "an Ed25519 public key is 32 bytes, got " + std::to_string(bytes.size()));
  }
  PublicKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kSize);
  key.id_ = paserk_id(kPidHeader, key.to_paserk());
  return key;
}

Result<PublicKey> PublicKey::from_paserk(std::string_view paserk) {
  if (paserk.substr(0, kPublicHeader.size()) != kPublicHeader) {
    return make_error(Errc::invalid_key, "not a k4.public PASERK key");
  }
  auto raw = base64url_decode(paserk.substr(kPublicHeader.size()));
  if (!raw) return make_error(Errc::invalid_key, "k4.public key is not valid base64url");
  return from_bytes(*raw);
}

Result<PublicKey> parse_public_key_line(std::string_view line, std::string_view where) {
  if (line.rfind("k4.secret", 0) == 0) {
    return make_error(Errc::invalid_key,
                      std::string(where) +
                          "this is a secret key (k4.secret); give its k4.public key instead "
                          "(seatkey-keygen key public prints it)");
  }
  auto key = PublicKey::from_paserk(line);
  if (!key)
    return make_error(Errc::invalid_key,
                      std::string(where) + "expected a k4.public key: " + key.error().message);
  return key;
}

Result<std::vector<PublicKey>> parse_public_key_file(std::string_view text, std::string_view origin) {
  std::vector<PublicKey> keys;
  std::optional<Error> failure;
  for_each_content_line(text, [&](std::size_t line_number, std::string_view line) {
    auto key = parse_public_key_line(line, std::string(origin) + ":" + std::to_string(line_number) + ": ");
    if (!key) {
      failure = key.error();
      return false;
    }
    keys.push_back(std::move(*key));
    return true;
  });
  if (failure) return *failure;
  if (keys.empty()) return make_error(Errc::invalid_key, std::string(origin) + ": holds no k4.public key");
  return keys;
}

std::string PublicKey::to_paserk() const {
  return std::string(kPublicHeader) +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes_.data()), kSize));
}

}  // namespace seatkey
