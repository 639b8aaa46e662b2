#include "seatkey/keygen/ledger/api_tokens.hpp"

#include <sodium.h>

#include <cstring>

#include "raise.hpp"
#include "seatkey/common/base64url.hpp"
#include "seatkey/signing/secure_base64url.hpp"

namespace seatkey::keygen {
namespace {

constexpr std::size_t encoded_size(std::size_t bytes) {
  return (bytes * 4 + 2) / 3;  // base64url without padding
}
constexpr std::size_t kIdChars = encoded_size(kBearerIdBytes);
constexpr std::size_t kSecretChars = encoded_size(kBearerSecretBytes);

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool all_base64url(std::string_view s) {
  for (char c : s) {
    if (!is_base64url_char(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<Role> parse_role(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string role_list(std::string_view separator) {
  std::string out;
  for (std::string_view name : kRoleNames)
    out += (out.empty() ? "" : std::string(separator)) + std::string(name);
  return out;
}

Result<NewBearer> make_bearer() {
  return detail::guarded([] {
    if (sodium_init() < 0) detail::raise_internal("libsodium failed to initialize");
    NewBearer out;
    std::uint8_t id[kBearerIdBytes];
    randombytes_buf(id, sizeof id);
    out.lookup_id = base64url_encode(std::string_view(reinterpret_cast<const char*>(id), sizeof id));
    SecureBuffer secret(kBearerSecretBytes);
    if (secret.empty()) detail::raise(Code::out_of_memory, "out of secure memory making an API token");
    randombytes_buf(secret.data(), secret.size());
    const SecureBuffer secret_text = base64url_encode_secure(secret.view());
    const std::size_t size = kBearerPrefix.size() + out.lookup_id.size() + 1 + secret_text.size();
    out.text = SecureBuffer(size);
    if (out.text.empty() || secret_text.empty()) {
      detail::raise(Code::out_of_memory, "out of secure memory making an API token");
    }
    char* p = reinterpret_cast<char*>(out.text.data());
    std::memcpy(p, kBearerPrefix.data(), kBearerPrefix.size());
    p += kBearerPrefix.size();
    std::memcpy(p, out.lookup_id.data(), out.lookup_id.size());
    p += out.lookup_id.size();
    *p++ = '.';
    std::memcpy(p, secret_text.data(), secret_text.size());
    out.hash = bearer_hash(out.text.view());
    return out;
  });
}

std::optional<std::string> bearer_lookup_id(std::string_view bearer) {
  if (bearer.size() != kBearerPrefix.size() + kIdChars + 1 + kSecretChars) return std::nullopt;
  if (bearer.substr(0, kBearerPrefix.size()) != kBearerPrefix) return std::nullopt;
  const std::string_view id = bearer.substr(kBearerPrefix.size(), kIdChars);
  if (bearer[kBearerPrefix.size() + kIdChars] != '.') return std::nullopt;
  const std::string_view secret = bearer.substr(kBearerPrefix.size() + kIdChars + 1);
  if (!all_base64url(id) || !all_base64url(secret)) return std::nullopt;
  return std::string(id);
}

std::array<std::uint8_t, kBearerHashBytes> bearer_hash(std::string_view bearer) {
  std::array<std::uint8_t, kBearerHashBytes> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bearer.data()),
                     bearer.size(), nullptr, 0);
  return out;
}

bool bearer_matches(std::string_view bearer, std::string_view stored_hash) {
  const auto presented = bearer_hash(bearer);
  if (stored_hash.size() != presented.size()) return false;
  return crypto_verify_32(presented.data(), reinterpret_cast<const unsigned char*>(stored_hash.data())) == 0;
}

}  // namespace seatkey::keygen
