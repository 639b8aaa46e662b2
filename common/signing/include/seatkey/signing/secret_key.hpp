// Vendor side only: k4.secret keys, k4.sid, k4.secret-pw wrapping and v4.public signing.
// Not linked into the verifier.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "seatkey/common/paserk.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey {

// Argon2id cost of a k4.secret-pw wrap.
struct PasswordCost {
  std::uint64_t memlimit_bytes = 256ull * 1024 * 1024;
  std::uint32_t opslimit = 3;
  std::uint32_t parallelism = 1;
};

class SecretKey {
 public:
  static constexpr std::size_t kSize = 64;  // seed || public key, as libsodium keeps it

  static Result<SecretKey> generate();
  // 64 bytes; refused unless the public half is the one the seed derives.
  static Result<SecretKey> from_bytes(std::string_view bytes);
  static Result<SecretKey> from_seed(std::string_view seed32);
  static Result<SecretKey> from_paserk(std::string_view paserk);  // "k4.secret."
  // "k4.secret-pw."; Errc::wrong_passphrase when the tag does not authenticate.
  static Result<SecretKey> from_password_paserk(std::string_view paserk, std::string_view passphrase);

  SecureBuffer to_paserk() const;  // "k4.secret." + base64url(64 bytes)
  Result<std::string> to_password_paserk(std::string_view passphrase, PasswordCost cost = {}) const;
  std::string id() const;  // k4.sid
  const PublicKey& public_key() const noexcept { return public_; }
  const SecureBuffer& bytes() const noexcept { return bytes_; }

  // A v4.public token over payload and footer; checked against public_key() before return.
  Result<std::string> sign(std::string_view payload, std::string_view footer,
                           std::string_view implicit_assertion = {}) const;

 private:
  SecretKey(SecureBuffer bytes, PublicKey pub) : bytes_(std::move(bytes)), public_(std::move(pub)) {}
  SecureBuffer bytes_;
  PublicKey public_;
};

}  // namespace seatkey
