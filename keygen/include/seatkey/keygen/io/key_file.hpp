// Vendor key files: exactly one `k4.secret-pw.` or `k4.secret.` line, blank lines and lines
// starting with '#' allowed. Like ssh, a key file that group or others may access is refused.
// Secret text and passphrases only ever live in SecureBuffer (sodium_malloc) memory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "seatkey/common/paserk.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/signing/secret_key.hpp"
#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey::keygen {

// The Argon2id cost of new k4.secret-pw keys: PasswordCost{} (256 MiB, 3 passes).
inline PasswordCost default_password_cost() {
  return PasswordCost{};
}
// 8 MiB, 1 pass: only for throwaway test keys (`key new --insecure-fast-kdf`).
inline PasswordCost insecure_fast_password_cost() {
  return PasswordCost{8ull * 1024 * 1024, 1, 1};
}

// Supplies the passphrase of a k4.secret-pw key; called at most once, only when needed.
using PassphraseSource = std::function<Result<SecureBuffer>()>;

// Loads the secret key of a key file. An input error when the file is missing, not a
// regular file, accessible by group or others (message says `chmod 600`), holds no key line
// or several, holds a public key, or when the passphrase is wrong (never a garbage key).
Result<SecretKey> load_key_file(const std::string& path, const PassphraseSource& passphrase);

// Writes a new key file: open(O_CREAT|O_EXCL|O_WRONLY|O_NOFOLLOW, 0600), so an existing file
// or symlink is never replaced; k4.secret-pw under `passphrase` with `cost`, or k4.secret when
// `passphrase` is null. The key line follows '#' lines naming the k4.pid and the k4.public key.
// An input error if the file exists or cannot be written (a partial file is removed).
Result<void> write_new_key_file(const std::string& path, const SecretKey& key, const SecureBuffer* passphrase,
                                PasswordCost cost = default_password_cost());

// Writes a new public key file (public_key_file_text), never over an existing file; mode 0644
// less the umask. An input error if the file exists or cannot be written.
Result<void> write_public_key_file(const std::string& path, const PublicKey& key);

// A passphrase file: its first line (without the line break), into secure memory. Refused like
// key files when group or others may access it, or when empty.
Result<SecureBuffer> read_passphrase_file(const std::string& path);

// A public key file (inspect --public, trusted keys): `k4.public.` lines, '#' comments and
// blank lines allowed, at least one key. An input error otherwise.
Result<std::vector<PublicKey>> read_public_key_file(const std::string& path);

// The text `key new` and `key public` print: "# seatkey vendor public key k4.pid...." and the
// k4.public line, usable as it is as a public key / trusted-keys file.
std::string public_key_file_text(const PublicKey& key);

}  // namespace seatkey::keygen
