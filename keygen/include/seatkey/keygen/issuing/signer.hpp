// What issuing needs of the vendor key: its public key, and v4.public tokens signed with it.
// The command line signs in its own process (KeySigner); a server keeps the key in a separate
// signer process and implements the same interface over a socket, so the issuing code never
// needs to hold the key itself.
#pragma once

#include <string>
#include <string_view>

#include "seatkey/common/paserk.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::keygen {

class Signer {
 public:
  virtual ~Signer() = default;
  virtual const PublicKey& public_key() const = 0;
  // A v4.public token over `payload` and `footer`, verified against public_key() before it
  // is returned; Errc::bad_signature when it does not verify, Errc::io_error when the signer
  // cannot be reached, other errors as they come. (The format's errors: a signer is a piece of
  // cryptography, which the issuing code turns into the back office's errors.)
  virtual seatkey::Result<std::string> sign(std::string_view payload, std::string_view footer) const = 0;
};

// Signs with a key in this process's secure memory (SecretKey::sign checks its own output).
class KeySigner final : public Signer {
 public:
  explicit KeySigner(const SecretKey& key) : key_(key) {}
  const PublicKey& public_key() const override { return key_.public_key(); }
  seatkey::Result<std::string> sign(std::string_view payload, std::string_view footer) const override {
    return key_.sign(payload, footer);
  }

 private:
  const SecretKey& key_;
};

}  // namespace seatkey::keygen
