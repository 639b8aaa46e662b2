#include "seatkey/keygen/io/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "raise.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/text.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using detail::guarded;
using detail::raise_input;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;
constexpr std::size_t kMaxPassphraseFileBytes = 4096;
constexpr std::size_t kMaxPublicKeyFileBytes = 1024 * 1024;
constexpr std::string_view kSecretPwPrefix = "k4.secret-pw.";
constexpr std::string_view kSecretPrefix = "k4.secret.";
constexpr std::string_view kPublicPrefix = "k4.public.";

std::string errno_text() {
  return std::strerror(errno);
}

// Reads a file holding a secret into secure memory, refusing one that group or others may
// access (as ssh does for private keys).
SecureBuffer read_secret_file(const std::string& path, const std::string& what, std::size_t max_bytes) {
  unsigned mode = 0;
  auto fd = open_regular_file(path, &mode);
  if (!fd) raise_input("cannot read " + what + " " + fd.error().message);
  if ((mode & 077) != 0) {
    raise_input("permissions " + detail::octal_mode(mode) + " for " + what + " " + path +
                " are too open: it must be readable by its owner only (run: chmod 600 " + path + ")");
  }
  SecureBuffer buf(max_bytes + 1);
  if (buf.empty()) raise_input("out of secure memory reading " + what + " " + path);
  auto total = read_up_to(fd->get(), reinterpret_cast<char*>(buf.data()), buf.size(), path);
  if (!total) raise_input("cannot read " + what + " " + total.error().message);
  if (*total > max_bytes) {
    raise_input(what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  buf.truncate(*total);
  return buf;
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category());
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Creates `path` (never an existing file or symlink: O_EXCL|O_NOFOLLOW) with `bytes`, synced to
// disk. `mode` 0600 is forced whatever the umask; others are left to it. A partial file is
// removed.
void write_new_file(const std::string& path, std::string_view bytes, mode_t mode, const std::string& what) {
  FileDescriptor fd(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode));
  if (fd.get() < 0) {
    if (errno == EEXIST) {
      raise_input(path + " already exists: a new key never overwrites a file");
    }
    raise_input("cannot create " + what + " " + path + ": " + errno_text());
  }
  try {
    if (mode == 0600 && ::fchmod(fd.get(), 0600) != 0)
      throw std::system_error(errno, std::generic_category());
    write_all(fd.get(), bytes);
    if (::fsync(fd.get()) != 0) throw std::system_error(errno, std::generic_category());
    if (::close(fd.release()) != 0) throw std::system_error(errno, std::generic_category());
  } catch (const std::system_error& e) {
    ::unlink(path.c_str());
    raise_input("cannot write " + what + " " + path + ": " + e.code().message());
  }
}

SecretKey load_key(const std::string& path, const PassphraseSource& passphrase) {
  const SecureBuffer text = read_secret_file(path, "key file", kMaxKeyFileBytes);
  std::string_view key_line;
  int keys = 0;
  for_each_content_line(text.view(), [&](std::size_t line_number, std::string_view line) {
    if (starts_with(line, kPublicPrefix)) {
      raise_input("key file " + path + " holds a k4.public key: that is the public half; signing needs the " +
                  "secret key file (k4.secret-pw or k4.secret)");
    }
    if (!starts_with(line, kSecretPwPrefix) && !starts_with(line, kSecretPrefix)) {
      // Never echo the line: it may be secret.
      raise_input("key file " + path + ", line " + std::to_string(line_number) +
                  ": not a k4.secret-pw or k4.secret key (nor a '#' comment)");
    }
    key_line = line;
    ++keys;
    return true;
  });
  if (keys == 0) raise_input("key file " + path + " holds no k4.secret-pw or k4.secret key line");
  if (keys > 1) {
    raise_input("key file " + path + " holds " + std::to_string(keys) +
                " keys; a key file holds exactly one");
  }
  if (starts_with(key_line, kSecretPwPrefix)) {
    const SecureBuffer pw = detail::take(passphrase());
    auto key = SecretKey::from_password_paserk(key_line, pw.view());
    if (!key && key.error().code == Errc::wrong_passphrase) {
      raise_input("wrong passphrase for key file " + path + " (or the file was altered)");
    }
    if (!key) raise_input("key file " + path + ": " + key.error().message);
    return std::move(*key);
  }
  auto key = SecretKey::from_paserk(key_line);
  if (!key) raise_input("key file " + path + ": " + key.error().message);
  return std::move(*key);
}

}  // namespace

Result<SecretKey> load_key_file(const std::string& path, const PassphraseSource& passphrase) {
  return guarded([&] { return load_key(path, passphrase); });
}

Result<void> write_new_key_file(const std::string& path, const SecretKey& key, const SecureBuffer* passphrase,
                                PasswordCost cost) {
  return guarded([&] {
    const PublicKey& pub = key.public_key();
    const std::string header = "# seatkey vendor signing key " + pub.id() +
                               "\n# public key: " + pub.to_paserk() + "\n# " +
                               (passphrase ? "k4.secret-pw: the key wrapped under a passphrase (Argon2id)"
                                           : "k4.secret: NOT passphrase-protected") +
                               ". Keep this file secret: mode 0600, never in version control.\n";
    SecureBuffer key_line;
    if (passphrase != nullptr) {
      auto wrapped = key.to_password_paserk(passphrase->view(), cost);
      if (!wrapped) raise_input("cannot wrap the new key: " + wrapped.error().message);
      key_line = SecureBuffer::copy_of(*wrapped);
    } else {
      key_line = key.to_paserk();
    }
    SecureBuffer content(header.size() + key_line.size() + 1);
    if (content.empty() || key_line.empty()) raise_input("out of secure memory writing " + path);
    std::memcpy(content.data(), header.data(), header.size());
    std::memcpy(content.data() + header.size(), key_line.data(), key_line.size());
    content.data()[content.size() - 1] = '\n';

    write_new_file(path, content.view(), 0600, "key file");
  });
}

Result<void> write_public_key_file(const std::string& path, const PublicKey& key) {
  // Public: readable by all (as far as the umask lets it).
  return guarded([&] { write_new_file(path, public_key_file_text(key), 0644, "public key file"); });
}

namespace {

SecureBuffer read_passphrase(const std::string& path) {
  const SecureBuffer text = read_secret_file(path, "passphrase file", kMaxPassphraseFileBytes);
  std::string_view first = text.view();
  first = first.substr(0, first.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.empty()) raise_input("passphrase file " + path + " is empty (its first line is the passphrase)");
  SecureBuffer out = SecureBuffer::copy_of(first);
  if (out.empty()) raise_input("out of secure memory reading passphrase file " + path);
  return out;
}

}  // namespace

Result<SecureBuffer> read_passphrase_file(const std::string& path) {
  return guarded([&] { return read_passphrase(path); });
}

Result<std::vector<PublicKey>> read_public_key_file(const std::string& path) {
  return guarded([&]() -> std::vector<PublicKey> {
    auto text = read_file_bounded(path, kMaxPublicKeyFileBytes);
    if (!text) raise_input("cannot read public key file " + text.error().message);
    if (text->size() > kMaxPublicKeyFileBytes) raise_input("public key file " + path + " is too large");
    auto keys = parse_public_key_file(*text, "public key file " + path);
    if (!keys) raise_input(keys.error().message);
    return std::move(*keys);
  });
}

std::string public_key_file_text(const PublicKey& key) {
  return "# seatkey vendor public key " + key.id() + "\n" + key.to_paserk() + "\n";
}

}  // namespace seatkey::keygen
