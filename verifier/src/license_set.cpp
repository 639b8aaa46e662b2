// License sets: a file or a directory of files, one token per line.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "internal.hpp"
#include "seatkey/common/limits.hpp"

namespace seatkey::verifier {
namespace {

Error io_error(const std::string& path, int err) {
  return Error{ErrorCode::io_error, path + ": " + std::strerror(err)};
}

Error too_large_bytes(const std::string& where) {
  return Error{ErrorCode::too_large,
               "the license set is over the 4 MiB limit (at " + where + "); refusing all of it"};
}

// Closes a file descriptor on scope exit.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Appends the tokens of `text` (from file `name`) to *set; *bytes counts the set's size.
std::optional<Error> append_lines(std::string_view text, const std::string& name, LicenseSet* set,
                                  std::size_t* bytes) {
  *bytes += text.size();
  if (*bytes > kMaxLicenseSetBytes) return too_large_bytes(name);
  // Room for this file's tokens at once (an exported file is half comments): no doubling slack.
  std::size_t count = 0;
  for (std::string_view rest = text; !rest.empty();) {
    const auto nl = rest.find('\n');
    count += detail::is_skipped_line(detail::trim_line(rest.substr(0, nl))) ? 0 : 1;
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  const std::size_t want = std::min(set->tokens.size() + count, kMaxLicenseSetTokens);
  if (want > set->tokens.capacity()) set->tokens.reserve(std::max(want, set->tokens.capacity() * 2));
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = detail::trim_line(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (detail::is_skipped_line(line)) continue;
    if (set->tokens.size() >= kMaxLicenseSetTokens) {
      return Error{ErrorCode::too_large, "the license set holds over 10,000 licenses (at " + name + ":" +
                                             std::to_string(line_no) + "); refusing all of it"};
    }
    set->tokens.push_back(LicenseToken{std::string(line), name + ":" + std::to_string(line_no)});
  }
  return std::nullopt;
}

// Reads one license file into *set, within what is left of the 4 MiB budget.
std::optional<Error> append_file(const std::string& path, LicenseSet* set, std::size_t* bytes) {
  auto text = detail::read_file_bounded(path, kMaxLicenseSetBytes - *bytes);
  if (!text) return Error{text.error().code, "cannot read license file " + text.error().message};
  return append_lines(*text, path, set, bytes);
}

std::optional<Error> append_directory(const std::string& dir, LicenseSet* set, std::size_t* bytes) {
  std::vector<std::string> names;
  {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
      return Error{ErrorCode::io_error, "cannot read license directory " + dir + ": " + std::strerror(errno)};
    struct Closer {
      DIR* d;
      ~Closer() { ::closedir(d); }
    } closer{d};
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(d);
      if (entry == nullptr) {
        if (errno != 0) {
          return Error{ErrorCode::io_error,
                       "cannot read license directory " + dir + ": " + std::strerror(errno)};
        }
        break;
      }
      if (entry->d_name[0] == '.') continue;  // ".", "..", hidden files, editor swap files
      names.emplace_back(entry->d_name);
    }
  }
  std::sort(names.begin(), names.end());
  const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  for (const auto& name : names) {
    const std::string path = prefix + name;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      struct stat lst;
      if (err == ENOENT && ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        return Error{ErrorCode::io_error,
                     "cannot read license file " + path + ": a symbolic link to nothing (broken link)"};
      }
      return Error{ErrorCode::io_error, "cannot read license file " + io_error(path, err).message};
    }
    if (!S_ISREG(st.st_mode)) continue;  // subdirectories, FIFOs, sockets, devices
    if (auto e = append_file(path, set, bytes)) return e;
  }
  return std::nullopt;
}

}  // namespace

namespace detail {

Expected<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) return io_error(path, errno);
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return io_error(path, errno);
  if (S_ISDIR(st.st_mode)) return Error{ErrorCode::io_error, path + ": is a directory"};
  if (!S_ISREG(st.st_mode)) return Error{ErrorCode::io_error, path + ": not a regular file"};
  const std::size_t want = max_bytes + 1;
  std::string out;
  out.resize(std::min<std::size_t>(want, static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)) + 1));
  std::size_t used = 0;
  while (used < want) {
    if (used == out.size()) out.resize(std::min(want, out.size() * 2));
    const ssize_t n = ::read(f.fd, &out[used], out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  out.resize(used);
  return out;
}

}  // namespace detail

Expected<LicenseSet> parse_licenses(std::string_view text, std::string_view source_name) noexcept {
  try {
    LicenseSet set;
    std::size_t bytes = 0;
    if (auto e = append_lines(text, std::string(source_name), &set, &bytes)) return std::move(*e);
    return set;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  }
}

Expected<LicenseSet> load_licenses(const std::string& path) noexcept {
  try {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return Error{ErrorCode::io_error, "cannot read licenses " + io_error(path, errno).message};
    }
    LicenseSet set;
    std::size_t bytes = 0;
    std::optional<Error> e;
    if (S_ISDIR(st.st_mode)) {
      e = append_directory(path, &set, &bytes);
    } else if (S_ISREG(st.st_mode)) {
      e = append_file(path, &set, &bytes);
    } else {
      return Error{ErrorCode::io_error, "cannot read licenses " + path + ": neither a file nor a directory"};
    }
    if (e) return std::move(*e);
    return set;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  }
}

}  // namespace seatkey::verifier
