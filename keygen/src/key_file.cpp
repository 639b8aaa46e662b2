#include "seatkey/keygen/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include "seatkey/keygen/error.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using detail::lines;
using detail::starts_with;
using detail::trim;

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;
constexpr std::size_t kMaxPassphraseFileBytes = 4096;
constexpr std::size_t kMaxPublicKeyFileBytes = 1024 * 1024;
constexpr std::string_view kSecretPwPrefix = "k4.secret-pw.";
constexpr std::string_view kSecretPrefix = "k4.secret.";
constexpr std::string_view kPublicPrefix = "k4.public.";

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string errno_text() {
  return std::strerror(errno);
}

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Reads a file holding a secret into secure memory, refusing one that group or others may
// access (as ssh does for private keys).
SecureBuffer read_secret_file(const std::string& path, const std::string& what, std::size_t max_bytes) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) throw_input_error("cannot open " + what + " " + path + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    throw_input_error("cannot stat " + what + " " + path + ": " + errno_text());
  if (S_ISDIR(st.st_mode)) throw_input_error(what + " " + path + " is a directory");
  if ((st.st_mode & 077) != 0) {
    throw_input_error("permissions " + octal_mode(st.st_mode) + " for " + what + " " + path +
                      " are too open: it must be readable by its owner only (run: chmod 600 " + path + ")");
  }
  SecureBuffer buf(max_bytes + 1);
  if (buf.empty()) throw_input_error("out of secure memory reading " + what + " " + path);
  std::size_t total = 0;
  while (total < buf.size()) {
    const ssize_t n = ::read(fd.get(), buf.data() + total, buf.size() - total);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_input_error("cannot read " + what + " " + path + ": " + errno_text());
    }
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  if (total > max_bytes) {
    throw_input_error(what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  buf.truncate(total);
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

}  // namespace

SecretKey load_key_file(const std::string& path, const PassphraseSource& passphrase) {
  const SecureBuffer text = read_secret_file(path, "key file", kMaxKeyFileBytes);
  std::string_view key_line;
  int keys = 0;
  int line_no = 0;
  for (std::string_view raw : lines(text.view())) {
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (starts_with(line, kPublicPrefix)) {
      throw_input_error("key file " + path +
                        " holds a k4.public key: that is the public half; --key needs the " +
                        "secret key file (k4.secret-pw or k4.secret)");
    }
    if (!starts_with(line, kSecretPwPrefix) && !starts_with(line, kSecretPrefix)) {
      // Never echo the line: it may be secret.
      throw_input_error("key file " + path + ", line " + std::to_string(line_no) +
                        ": not a k4.secret-pw or k4.secret key (nor a '#' comment)");
    }
    key_line = line;
    ++keys;
  }
  if (keys == 0) throw_input_error("key file " + path + " holds no k4.secret-pw or k4.secret key line");
  if (keys > 1) {
    throw_input_error("key file " + path + " holds " + std::to_string(keys) +
                      " keys; a key file holds exactly one");
  }
  if (starts_with(key_line, kSecretPwPrefix)) {
    const SecureBuffer pw = passphrase();
    auto key = SecretKey::from_password_paserk(key_line, pw.view());
    if (!key && key.error().code == Errc::wrong_passphrase) {
      throw_input_error("wrong passphrase for key file " + path + " (or the file was altered)");
    }
    if (!key) throw_input_error("key file " + path + ": " + key.error().message);
    return std::move(*key);
  }
  auto key = SecretKey::from_paserk(key_line);
  if (!key) throw_input_error("key file " + path + ": " + key.error().message);
  return std::move(*key);
}

void write_new_key_file(const std::string& path, const SecretKey& key, const SecureBuffer* passphrase,
                        PasswordCost cost) {
  const PublicKey& pub = key.public_key();
  const std::string header = "# seatkey vendor signing key " + pub.id() +
                             "\n# public key: " + pub.to_paserk() + "\n# " +
                             (passphrase ? "k4.secret-pw: the key wrapped under a passphrase (Argon2id)"
                                         : "k4.secret: NOT passphrase-protected") +
                             ". Keep this file secret: mode 0600, never in version control.\n";
  SecureBuffer key_line;
  if (passphrase != nullptr) {
    auto wrapped = key.to_password_paserk(passphrase->view(), cost);
    if (!wrapped) throw_input_error("cannot wrap the new key: " + wrapped.error().message);
    key_line = SecureBuffer::copy_of(*wrapped);
  } else {
    key_line = key.to_paserk();
  }
  SecureBuffer content(header.size() + key_line.size() + 1);
  if (content.empty() || key_line.empty()) throw_input_error("out of secure memory writing " + path);
  std::memcpy(content.data(), header.data(), header.size());
  std::memcpy(content.data() + header.size(), key_line.data(), key_line.size());
  content.data()[content.size() - 1] = '\n';

  FileDescriptor fd(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) {
      throw_input_error(path + " already exists: seatkey-keygen never overwrites a file with a new key");
    }
    throw_input_error("cannot create key file " + path + ": " + errno_text());
  }
  try {
    if (::fchmod(fd.get(), 0600) != 0) throw std::system_error(errno, std::generic_category());
    write_all(fd.get(), content.view());
    if (::fsync(fd.get()) != 0) throw std::system_error(errno, std::generic_category());
    if (::close(fd.release()) != 0) throw std::system_error(errno, std::generic_category());
  } catch (const std::system_error& e) {
    ::unlink(path.c_str());
    throw_input_error("cannot write key file " + path + ": " + e.code().message());
  }
}

SecureBuffer read_passphrase_file(const std::string& path) {
  const SecureBuffer text = read_secret_file(path, "passphrase file", kMaxPassphraseFileBytes);
  std::string_view first = text.view();
  first = first.substr(0, first.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.empty())
    throw_input_error("passphrase file " + path + " is empty (its first line is the passphrase)");
  SecureBuffer out = SecureBuffer::copy_of(first);
  if (out.empty()) throw_input_error("out of secure memory reading passphrase file " + path);
  return out;
}

std::vector<PublicKey> read_public_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error("cannot open public key file " + path + ": " + errno_text());
  std::string text(kMaxPublicKeyFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPublicKeyFileBytes) throw_input_error("public key file " + path + " is too large");
  std::vector<PublicKey> keys;
  int line_no = 0;
  for (std::string_view raw : lines(text)) {
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (starts_with(line, kSecretPrefix) || starts_with(line, kSecretPwPrefix)) {
      throw_input_error("public key file " + path + ", line " + std::to_string(line_no) +
                        " holds a SECRET key; give the k4.public key instead (seatkey-keygen key public)");
    }
    auto key = PublicKey::from_paserk(line);
    if (!key) {
      throw_input_error("public key file " + path + ", line " + std::to_string(line_no) + ": " +
                        key.error().message);
    }
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) throw_input_error("public key file " + path + " holds no k4.public key line");
  return keys;
}

std::string public_key_file_text(const PublicKey& key) {
  return "# seatkey vendor public key " + key.id() + "\n" + key.to_paserk() + "\n";
}

}  // namespace seatkey::keygen
