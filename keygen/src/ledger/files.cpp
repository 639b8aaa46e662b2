#include "ledger/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "raise.hpp"
#include "text.hpp"

namespace seatkey::keygen::detail {
namespace {

// Makes an empty file at `path`, exclusively (never over a file or through a link) and 0600
// whatever the umask. 0, or the errno of the failure (no file is left then).
int create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int err = errno;
  ::close(fd);
  if (ok) return 0;
  ::unlink(path.c_str());
  return err;
}

// The modes of the ledger's files that group or others may write, and may read.
struct Exposure {
  std::string writable, readable, files;
};

Exposure exposure_of(const std::string& path) {
  Exposure out;
  for (const std::string& file : ledger_files(path)) {
    struct stat fs {};
    if (::stat(file.c_str(), &fs) != 0) continue;
    const std::string entry = file + " (mode " + octal_mode(fs.st_mode) + ")";
    if ((fs.st_mode & 022) != 0) out.writable += (out.writable.empty() ? "" : ", ") + entry;
    if ((fs.st_mode & 044) != 0) out.readable += (out.readable.empty() ? "" : ", ") + entry;
    if ((fs.st_mode & 066) != 0) out.files += " " + file;
  }
  return out;
}

// SQLite opens a file it may not write read-only and fails only at the first write with
// "unable to open database file": say what is wrong before anything is signed. The folder
// must be writable too, for the -wal and -shm files.
void require_write_access(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(path.c_str(), W_OK) != 0)
    raise_input("cannot write ledger " + path + ": " + std::strerror(errno));
  if (::access(folder.c_str(), W_OK) != 0) {
    raise_input("cannot write ledger " + path + ": its folder " + folder + ": " + std::strerror(errno) +
                " (SQLite keeps the -wal and -shm files there)");
  }
}

}  // namespace

std::vector<std::string> ledger_files(const std::string& path) {
  return {path, path + "-wal", path + "-shm"};
}

std::string how_to_create(const std::string& path) {
  return "seatkey-keygen ledger init --ledger " + path + " --key FILE";
}

void check_access(const std::string& path, Ledger::Access access, std::vector<std::string>* warnings) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) {
      raise_input("cannot open ledger " + path + ": " + std::strerror(err) +
                      " (create the ledger first; issuing never creates one)",
                  how_to_create(path));
    }
    raise_input("cannot open ledger " + path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) raise_input("ledger " + path + " is not a regular file");
  const Exposure e = exposure_of(path);
  const std::string chmod = "run: chmod 600" + e.files;
  if (!e.writable.empty()) {
    if (access == Ledger::Access::read_write) {
      raise_input("group or others may write the ledger: " + e.writable +
                      "; a ledger is written only while its owner alone may write it",
                  "chmod 600" + e.files);
    }
    warnings->push_back("group or others may write the ledger: " + e.writable + " (" + chmod + ")");
  } else if (!e.readable.empty()) {
    warnings->push_back("group or others may read the ledger, which holds every customer, order and token: " +
                        e.readable + " (" + chmod + ")");
  }
  if (access == Ledger::Access::read_write) require_write_access(path);
}

void create_ledger_file(const std::string& path) {
  struct stat st {};
  // Also reached by ledger copy, so the message names no command.
  const std::string exists = path + " already exists: a new ledger is never made over an existing file";
  if (::lstat(path.c_str(), &st) == 0) raise_input(exists);
  // SQLite would replay a -wal left by an earlier ledger at this path into the new one.
  for (const std::string& file : {path + "-wal", path + "-shm"}) {
    if (::lstat(file.c_str(), &st) == 0) {
      raise_input(file +
                  " exists, left by an earlier ledger at this path: move it away first (a new ledger must "
                  "not start from another's write-ahead log)");
    }
  }
  if (const int err = create_private_file(path); err != 0) {
    if (err == EEXIST) raise_input(exists);
    raise_input("cannot create ledger " + path + ": " + std::strerror(err));
  }
}

void create_backup_file(const std::string& path) {
  if (const int err = create_private_file(path); err != 0) {
    raise_input("cannot create the backup " + path + ": " + std::strerror(err) +
                (err == EEXIST ? " (a backup never replaces a file)" : ""));
  }
}

}  // namespace seatkey::keygen::detail
