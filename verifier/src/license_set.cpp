// License sets: a file or a directory of files, one token per line.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "internal.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/text.hpp"

namespace seatkey::verifier {
namespace {

Error io_error(const std::string& path, int err) {
  return Error{ErrorCode::io_error, path + ": " + std::strerror(err)};
}

Error too_large_bytes(const std::string& where) {
  return Error{ErrorCode::too_large, std::string("the license set is over the ") + kLicenseSetLimitText +
                                         " limit (at " + where + "); refusing all of it"};
}

// Appends the tokens of `text` (from file `name`) to *set; *bytes counts the set's size.
std::optional<Error> append_lines(std::string_view text, const std::string& name, LicenseSet* set,
                                  std::size_t* bytes) {
  *bytes += text.size();
  if (*bytes > kMaxLicenseSetBytes) return too_large_bytes(name);
  // Room for this file's tokens at once (an exported file is half comments): no doubling slack.
  std::size_t count = 0;
  for_each_content_line(text,
                        [&count](std::size_t, std::string_view) { return ++count <= kMaxLicenseSetTokens; });
  const std::size_t want = std::min(set->tokens.size() + count, kMaxLicenseSetTokens);
  if (want > set->tokens.capacity()) set->tokens.reserve(std::max(want, set->tokens.capacity() * 2));
  std::optional<Error> error;
  for_each_content_line(text, [&](std::size_t line_number, std::string_view line) {
    if (set->tokens.size() >= kMaxLicenseSetTokens) {
      error = Error{ErrorCode::too_large, "the license set holds over 10,000 licenses (at " + name + ":" +
                                              std::to_string(line_number) + "); refusing all of it"};
      return false;
    }
    set->tokens.push_back(LicenseToken{std::string(line), name + ":" + std::to_string(line_number)});
    return true;
  });
  return error;
}

// Reads one license file into *set, within what is left of the 5 MiB budget.
std::optional<Error> append_file(const std::string& path, LicenseSet* set, std::size_t* bytes) {
  auto text = seatkey::read_file_bounded(path, kMaxLicenseSetBytes - *bytes);
  if (!text) return Error{ErrorCode::io_error, "cannot read license file " + text.error().message};
  return append_lines(*text, path, set, bytes);
}

// A file's contents that stand in for what the directory holds under its name.
struct Replacement {
  std::string name;
  std::string_view text;
};

std::optional<Error> append_directory(const std::string& dir, LicenseSet* set, std::size_t* bytes,
                                      const Replacement* replacement = nullptr) {
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
  if (replacement != nullptr && std::find(names.begin(), names.end(), replacement->name) == names.end())
    names.push_back(replacement->name);
  std::sort(names.begin(), names.end());
  const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  for (const auto& name : names) {
    const std::string path = prefix + name;
    if (replacement != nullptr && name == replacement->name) {
      if (auto e = append_lines(replacement->text, path, set, bytes)) return e;
      continue;
    }
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

namespace detail {

Expected<LicenseSet> load_directory_with(const std::string& dir, const std::string& name,
                                         std::string_view text) {
  LicenseSet set;
  std::size_t bytes = 0;
  const Replacement replacement{name, text};
  if (auto e = append_directory(dir, &set, &bytes, &replacement)) return std::move(*e);
  return set;
}

}  // namespace detail

}  // namespace seatkey::verifier
