#include "seatkey/signing/secret_key.hpp"

#include <sodium.h>

#include <cstring>

#include "seatkey/common/base64url.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/signing/secure_base64url.hpp"

namespace seatkey {
namespace {

constexpr std::string_view kSecretHeader = "k4.secret.";
constexpr std::string_view kSecretPwHeader = "k4.secret-pw.";
constexpr std::string_view kSidHeader = "k4.sid.";
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kNonceSize = crypto_stream_xchacha20_NONCEBYTES;  // 24
constexpr std::size_t kTagSize = 32;
constexpr std::size_t kParamsSize = 8 + 4 + 4;
constexpr std::size_t kWrappedSize = kSaltSize + kParamsSize + kNonceSize + SecretKey::kSize + kTagSize;
// Bounds on the Argon2id cost a key file may ask for (a hostile file must not exhaust memory).
constexpr std::uint64_t kMaxMemlimit = 4ull * 1024 * 1024 * 1024;
constexpr std::uint32_t kMaxOpslimit = 64;

Error oom() {
  return make_error(Errc::out_of_memory, "out of secure memory");
}
const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void put_be(unsigned char* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
}
std::uint64_t get_be(const unsigned char* in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[i];
  return v;
}

// Argon2id pre-key, then Ek = BLAKE2b-256(0xFF || k) and Ak = BLAKE2b-256(0xFE || k).
bool derive_wrap_keys(std::string_view passphrase, const unsigned char* salt, std::uint64_t memlimit,
                      std::uint32_t opslimit, SecureBuffer* ek, SecureBuffer* ak) {
  SecureBuffer pre(32);
  *ek = SecureBuffer(32);
  *ak = SecureBuffer(32);
  if (pre.empty() || ek->empty() || ak->empty()) return false;
  if (crypto_pwhash(pre.data(), pre.size(), passphrase.data(), passphrase.size(), salt, opslimit,
                    static_cast<std::size_t>(memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return false;
  }
  for (unsigned char domain : {static_cast<unsigned char>(0xFF), static_cast<unsigned char>(0xFE)}) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 32);
    crypto_generichash_update(&st, &domain, 1);
    crypto_generichash_update(&st, pre.data(), pre.size());
    crypto_generichash_final(&st, domain == 0xFF ? ek->data() : ak->data(), 32);
    sodium_memzero(&st, sizeof st);
  }
  return true;
}

// t = BLAKE2b-256(key = Ak, msg = h || salt || params || nonce || edk)
void wrap_tag(const SecureBuffer& ak, const unsigned char* body, std::size_t body_size, unsigned char* tag) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, ak.data(), ak.size(), kTagSize);
  crypto_generichash_update(&st, u8(kSecretPwHeader), kSecretPwHeader.size());
  crypto_generichash_update(&st, body, body_size);
  crypto_generichash_final(&st, tag, kTagSize);
}

}  // namespace

Result<SecretKey> SecretKey::from_bytes(std::string_view bytes) {
  if (sodium_init() < 0) return make_error(Errc::out_of_memory, "libsodium failed to initialize");
  if (bytes.size() != kSize) {
    return make_error(Errc::invalid_key,
                      "an Ed25519 secret key is 64 bytes, got " + std::to_string(bytes.size()));
  }
  SecureBuffer sk(kSize);
  if (sk.empty()) return oom();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_seed_keypair(pk, sk.data(), u8(bytes));
  if (sodium_memcmp(sk.data() + 32, bytes.data() + 32, 32) != 0) {
    return make_error(Errc::invalid_key, "secret key's public half does not match its seed");
  }
  auto pub = PublicKey::from_bytes(std::string_view(reinterpret_cast<const char*>(pk), sizeof pk));
  if (!pub) return pub.error();
  return SecretKey(std::move(sk), std::move(*pub));
}

Result<SecretKey> SecretKey::from_seed(std::string_view seed32) {
  if (sodium_init() < 0) return make_error(Errc::out_of_memory, "libsodium failed to initialize");
  if (seed32.size() != crypto_sign_SEEDBYTES)
    return make_error(Errc::invalid_key, "an Ed25519 seed is 32 bytes");
  SecureBuffer sk(kSize);
  if (sk.empty()) return oom();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_seed_keypair(pk, sk.data(), u8(seed32));
  return from_bytes(sk.view());
}

Result<SecretKey> SecretKey::generate() {
  if (sodium_init() < 0) return make_error(Errc::out_of_memory, "libsodium failed to initialize");
  SecureBuffer seed(crypto_sign_SEEDBYTES);
  if (seed.empty()) return oom();
  randombytes_buf(seed.data(), seed.size());
  return from_seed(seed.view());
}

Result<SecretKey> SecretKey::from_paserk(std::string_view paserk) {
  if (paserk.substr(0, kSecretHeader.size()) != kSecretHeader) {
    return make_error(Errc::invalid_key, "not a k4.secret PASERK key");
  }
  auto raw = base64url_decode_secure(paserk.substr(kSecretHeader.size()));
  if (!raw) return make_error(Errc::invalid_key, "k4.secret key is not valid base64url");
  return from_bytes(raw->view());
}

SecureBuffer SecretKey::to_paserk() const {
  SecureBuffer body = base64url_encode_secure(bytes_.view());
  SecureBuffer out(kSecretHeader.size() + body.size());
  if (out.empty() || body.empty()) return SecureBuffer();
  std::memcpy(out.data(), kSecretHeader.data(), kSecretHeader.size());
  std::memcpy(out.data() + kSecretHeader.size(), body.data(), body.size());
  return out;
}

std::string SecretKey::id() const {
  SecureBuffer paserk = to_paserk();
  return paserk_id(kSidHeader, paserk.view());
}

Result<std::string> SecretKey::to_password_paserk(std::string_view passphrase, PasswordCost cost) const {
  if (cost.parallelism != 1) return make_error(Errc::invalid_key, "Argon2id parallelism must be 1");
  if (cost.memlimit_bytes > kMaxMemlimit || cost.opslimit > kMaxOpslimit ||
      cost.opslimit < crypto_pwhash_OPSLIMIT_MIN || cost.memlimit_bytes < crypto_pwhash_MEMLIMIT_MIN) {
    return make_error(Errc::invalid_key, "Argon2id cost out of range");
  }
  unsigned char body[kWrappedSize];
  unsigned char* salt = body;
  unsigned char* params = salt + kSaltSize;
  unsigned char* nonce = params + kParamsSize;
  unsigned char* edk = nonce + kNonceSize;
  unsigned char* tag = edk + kSize;
  randombytes_buf(salt, kSaltSize);
  put_be(params, cost.memlimit_bytes, 8);
  put_be(params + 8, cost.opslimit, 4);
  put_be(params + 12, cost.parallelism, 4);
  randombytes_buf(nonce, kNonceSize);
  SecureBuffer ek, ak;
  if (!derive_wrap_keys(passphrase, salt, cost.memlimit_bytes, cost.opslimit, &ek, &ak)) {
    return make_error(Errc::out_of_memory, "Argon2id failed (not enough memory?)");
  }
  crypto_stream_xchacha20_xor(edk, bytes_.data(), kSize, nonce, ek.data());
  wrap_tag(ak, body, kWrappedSize - kTagSize, tag);
  return std::string(kSecretPwHeader) +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(body), kWrappedSize));
}

Result<SecretKey> SecretKey::from_password_paserk(std::string_view paserk, std::string_view passphrase) {
  if (sodium_init() < 0) return make_error(Errc::out_of_memory, "libsodium failed to initialize");
  if (paserk.substr(0, kSecretPwHeader.size()) != kSecretPwHeader) {
    return make_error(Errc::invalid_key, "not a k4.secret-pw PASERK key");
  }
  auto body = base64url_decode(paserk.substr(kSecretPwHeader.size()));
  if (!body || body->size() != kWrappedSize) {
    return make_error(Errc::invalid_key, "k4.secret-pw key is corrupt (bad encoding or length)");
  }
  const auto* b = u8(*body);
  const unsigned char* params = b + kSaltSize;
  const unsigned char* nonce = params + kParamsSize;
  const unsigned char* edk = nonce + kNonceSize;
  const unsigned char* tag = edk + kSize;
  const std::uint64_t memlimit = get_be(params, 8);
  const std::uint64_t opslimit = get_be(params + 8, 4);
  const std::uint64_t parallelism = get_be(params + 12, 4);
  if (parallelism != 1)
    return make_error(Errc::invalid_key, "k4.secret-pw key uses Argon2id parallelism other than 1");
  if (memlimit > kMaxMemlimit || opslimit > kMaxOpslimit || opslimit < crypto_pwhash_OPSLIMIT_MIN ||
      memlimit < crypto_pwhash_MEMLIMIT_MIN) {
    return make_error(Errc::invalid_key, "k4.secret-pw key asks for an Argon2id cost out of range");
  }
  SecureBuffer ek, ak;
  if (!derive_wrap_keys(passphrase, b, memlimit, static_cast<std::uint32_t>(opslimit), &ek, &ak)) {
    return make_error(Errc::out_of_memory, "Argon2id failed (not enough memory?)");
  }
  unsigned char expected[kTagSize];
  wrap_tag(ak, b, kWrappedSize - kTagSize, expected);
  if (sodium_memcmp(expected, tag, kTagSize) != 0) {
    return make_error(Errc::wrong_passphrase, "wrong passphrase (or the key file was altered)");
  }
  SecureBuffer sk(kSize);
  if (sk.empty()) return oom();
  crypto_stream_xchacha20_xor(sk.data(), edk, kSize, nonce, ek.data());
  return from_bytes(sk.view());
}

Result<std::string> SecretKey::sign(std::string_view payload, std::string_view footer,
                                    std::string_view implicit_assertion) const {
  const std::string m2 = pae({kV4PublicHeader, payload, footer, implicit_assertion});
  std::string body(payload);
  body.resize(payload.size() + crypto_sign_BYTES);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(body.data() + payload.size()), nullptr, u8(m2),
                       m2.size(), bytes_.data());
  std::string token = std::string(kV4PublicHeader) + base64url_encode(body);
  if (!footer.empty()) token += "." + base64url_encode(footer);
  // Checked under the largest limit of any token: the caller knows what it signed and checks
  // its kind's limit.
  auto check = verify_v4_public(public_, token, implicit_assertion, TokenLimit::revocation_list);
  if (!check)
    return make_error(Errc::bad_signature, "signed token failed to verify: " + check.error().message);
  return token;
}

}  // namespace seatkey
