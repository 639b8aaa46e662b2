#include "seatkey/common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace seatkey {
namespace {

Error io_error(const std::string& name, int err) {
  return make_error(Errc::io_error, name + ": " + std::strerror(err));
}

const char* file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "not a regular file (a FIFO)";
  if (S_ISSOCK(mode)) return "is a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "not a regular file (a device)";
  return "not a regular file";
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

int FileDescriptor::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Result<FileDescriptor> open_regular_file(const std::string& path, unsigned* mode) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    // open() refuses a socket with ENXIO, "No such device or address": say what it is.
    const int err = errno;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      return make_error(Errc::io_error, path + ": " + file_type(st.st_mode));
    }
    return io_error(path, err);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return io_error(path, errno);
  if (!S_ISREG(st.st_mode)) return make_error(Errc::io_error, path + ": " + file_type(st.st_mode));
  // Reads block as usual from here on (a regular file never makes them wait).
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) return io_error(path, errno);
  if (mode != nullptr) *mode = static_cast<unsigned>(st.st_mode);
  return Result<FileDescriptor>(std::move(fd));
}

Result<std::size_t> read_up_to(int fd, char* buffer, std::size_t capacity, const std::string& name) {
  std::size_t used = 0;
  while (used < capacity) {
    const ssize_t n = ::read(fd, buffer + used, capacity - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(name, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  return used;
}

Result<std::string> read_fd_bounded(int fd, std::size_t max_bytes, const std::string& name) {
  const std::size_t want = max_bytes + 1;
  struct stat st;
  const std::size_t hint = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                               ? static_cast<std::size_t>(std::max<off_t>(st.st_size, 0))
                               : 0;
  std::string out(std::min(want, std::max<std::size_t>(hint + 1, 4096)), '\0');
  std::size_t used = 0;
  for (;;) {
    auto n = read_up_to(fd, out.data() + used, out.size() - used, name);
    if (!n) return n.error();
    used += *n;
    if (used < out.size() || out.size() == want) break;  // end of file, or the limit reached
    out.resize(std::min(want, out.size() * 2));
  }
  out.resize(used);
  return out;
}

Result<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes) {
  auto fd = open_regular_file(path);
  if (!fd) return fd.error();
  return read_fd_bounded(fd->get(), max_bytes, path);
}

}  // namespace seatkey
