// Reading files that may be hostile: a FIFO, a device or a directory where a file was
// expected is a clear error, never a hang, and nothing is read without bound.
#pragma once

#include <cstddef>
#include <string>

#include "seatkey/common/result.hpp"

namespace seatkey {

// An open file descriptor, closed when it goes out of scope.
class FileDescriptor {
 public:
  FileDescriptor() noexcept = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const noexcept { return fd_; }
  int release() noexcept;

 private:
  int fd_ = -1;
};

// Opens `path` for reading, symbolic links followed. Only a regular file is accepted (the
// pseudo-files of /proc and /sys are regular files): a directory, FIFO, socket or device is
// Errc::io_error ("PATH: not a regular file (a FIFO)"), found without blocking. *mode, when
// given, receives the file's st_mode.
Result<FileDescriptor> open_regular_file(const std::string& path, unsigned* mode = nullptr);

// Reads from `fd` until end of file or until `capacity` bytes are in `buffer`; the count
// read. Errc::io_error naming `name`.
Result<std::size_t> read_up_to(int fd, char* buffer, std::size_t capacity, const std::string& name);

// At most max_bytes + 1 bytes of the regular file at `path`, so that the caller can tell a
// file over its limit ("too large") without reading an endless one.
Result<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes);
// The same from an already open descriptor (standard input: a pipe or a terminal is fine).
Result<std::string> read_fd_bounded(int fd, std::size_t max_bytes, const std::string& name);

}  // namespace seatkey
