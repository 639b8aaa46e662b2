// install_license_file(): the PBX's "upload license" (docs/firmware.md, "Activating an
// appliance"). The file is judged as the boot check would judge the licenses folder with it,
// then written so that the folder boots the old licenses or the new ones at every moment.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <thread>

#include "internal.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::verifier {
namespace {

// Hidden names (the boot check skips names starting with '.'): a kill leaves nothing it reads.
constexpr const char* kTempName = ".license.lic.tmp";
constexpr const char* kPreviousTempName = ".license.lic.previous.tmp";
constexpr int kLockWaitMillis = 10000;

Error io_error(std::string message) {
  return Error{ErrorCode::io_error, std::move(message)};
}

std::string errno_text(int err) {
  return std::strerror(err);
}

// The licenses folder, open and locked for the whole install: installs into one folder take
// turns, and the temporary files have fixed names that only the holder of the lock touches.
class Folder {
 public:
  std::optional<Error> open(const std::string& dir) {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0)
      return io_error("cannot open licenses folder " + dir + ": " + errno_text(errno));
    if (!S_ISDIR(st.st_mode)) return io_error("licenses folder " + dir + " is not a directory");
    fd_ = seatkey::FileDescriptor(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd_.get() < 0) return io_error("cannot open licenses folder " + dir + ": " + errno_text(errno));
    prefix_ = dir.back() == '/' ? dir : dir + "/";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLockWaitMillis);
    while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK)
        return io_error("cannot lock licenses folder " + dir + ": " + errno_text(errno));
      if (std::chrono::steady_clock::now() >= deadline) {
        return io_error("another install held the lock on licenses folder " + dir + " for " +
                        std::to_string(kLockWaitMillis / 1000) + " seconds");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }
  int fd() const { return fd_.get(); }
  std::string path(const char* name) const { return prefix_ + name; }

 private:
  seatkey::FileDescriptor fd_;
  std::string prefix_;
};

// The real path of `path`, or empty.
std::string real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> p(::realpath(path.c_str(), nullptr), &std::free);
  return p ? std::string(p.get()) : std::string();
}

// A file already in the folder is read by the boot check as it is: installing it would read
// it twice. A hidden one is not read (.license.lic.previous: installing it puts the previous
// licenses back).
std::optional<Error> check_outside(const std::string& file, const std::string& dir) {
  const std::size_t slash = file.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
  const std::string name = slash == std::string::npos ? file : file.substr(slash + 1);
  if (name.empty() || name[0] == '.') return std::nullopt;
  const std::string a = real_path(parent);
  if (!a.empty() && a == real_path(dir)) {
    return io_error(file + " lies in the licenses folder " + dir +
                    ", where the boot check reads it as it is: install a file from elsewhere");
  }
  return std::nullopt;
}

Expected<std::string> read_new_file(const std::string& file) {
  auto text = seatkey::read_file_bounded(file, kMaxLicenseSetBytes);
  if (!text) return io_error("cannot read license file " + text.error().message);
  if (text->size() > kMaxLicenseSetBytes) {
    return Error{ErrorCode::too_large,
                 "license file " + file + " is over " + kLicenseSetLimitText + ": not a license file"};
  }
  return std::move(*text);
}

// What `installed` (licenses_dir/license.lic) is now: nothing, or a regular file (through a
// symbolic link too) to keep as the previous one.
Expected<bool> installed_exists(const std::string& installed) {
  struct stat st;
  if (::lstat(installed.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return io_error("cannot read " + installed + ": " + errno_text(errno));
  }
  if (::stat(installed.c_str(), &st) != 0)
    return io_error("cannot read " + installed + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode))
    return io_error(installed + " is not a regular file: remove it, then install again");
  return true;
}

void refuse(InstallResult* r, InstallRefusal why, const std::string& message) {
  r->refusals.push_back(why);
  r->message += (r->message.empty() ? "" : "; ") + message;
}

bool damages(Reason reason) {
  return reason == Reason::malformed || reason == Reason::unknown_key || reason == Reason::bad_signature ||
         reason == Reason::invalid_claims;
}

// The file on its own: some token, each one a license of a trusted key, none for another
// appliance. `alone` is the file evaluated by itself.
void judge_file(const std::string& file, const LicenseSet& set, const Entitlement& alone, InstallResult* r) {
  if (set.tokens.empty()) {
    refuse(r, InstallRefusal::no_license, file + " holds no license");
    return;
  }
  const LicenseReport* damaged = nullptr;
  const LicenseReport* wrong = nullptr;
  for (const LicenseReport& report : alone.rejected) {
    if (damaged == nullptr && damages(*report.reason)) damaged = &report;
    if (wrong == nullptr && *report.reason == Reason::wrong_appliance) wrong = &report;
  }
  if (damaged != nullptr) {
    refuse(r, InstallRefusal::damaged,
           damaged->source + " is damaged or not from this vendor (" + reason_name(*damaged->reason) + ": " +
               damaged->message + "): get the file again");
  }
  if (wrong != nullptr) {
    refuse(r, InstallRefusal::wrong_appliance,
           wrong->source + " is a license for another appliance: " + wrong->message);
  }
}

std::string edition_text(Edition e) {
  return std::string(seatkey::rules_of(static_cast<seatkey::Edition>(e)).display_name) + " edition";
}

// The folder with the file against the folder now.
void compare(const Entitlement& before, const Entitlement& after, InstallResult* r) {
  if (!after.licensed) {
    refuse(r, InstallRefusal::not_licensed,
           std::string("with it, this appliance would ") + (before.licensed ? "no longer" : "still not") +
               " be licensed: no valid server license for it");
    return;
  }
  if (!before.licensed) return;
  if (after.licensed_users < before.licensed_users) {
    refuse(r, InstallRefusal::fewer_users,
           "it would license fewer users: " + std::to_string(after.licensed_users) + ", against " +
               std::to_string(before.licensed_users) + " now");
  }
  const auto from = static_cast<seatkey::Edition>(*before.edition);
  const auto to = static_cast<seatkey::Edition>(*after.edition);
  if (seatkey::is_lower_edition(to, from)) {
    refuse(r, InstallRefusal::lower_edition,
           "it would license a lower edition: the " + edition_text(*after.edition) + ", against the " +
               edition_text(*before.edition) + " now");
  } else if (seatkey::rules_of(from).updates && after.updates_until &&
             (!before.updates_until || *after.updates_until < *before.updates_until)) {
    refuse(r, InstallRefusal::earlier_updates,
           "its update option would end earlier: at " + format_time(*after.updates_until) + ", against " +
               (before.updates_until ? format_time(*before.updates_until) : std::string("no end")) + " now");
  }
}

// `text` into the folder as `name`, atomically: the hidden `temp` (a leftover of a killed
// install removed first), written, fsynced, renamed over `name`.
std::optional<Error> replace_file(const Folder& folder, const char* temp, const char* name,
                                  std::string_view text) {
  if (::unlinkat(folder.fd(), temp, 0) != 0 && errno != ENOENT)
    return io_error("cannot remove " + folder.path(temp) + ": " + errno_text(errno));
  // O_EXCL | O_NOFOLLOW: never write through a link someone put in the temporary file's place.
  seatkey::FileDescriptor fd(
      ::openat(folder.fd(), temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return io_error("cannot create " + folder.path(temp) + ": " + errno_text(errno));
  const char* step = nullptr;
  if (::fchmod(fd.get(), 0600) != 0) {
    step = "chmod";
  } else if (!detail::write_all(fd.get(), text)) {
    step = "write";
  } else if (::fsync(fd.get()) != 0) {
    step = "fsync";
  } else if (::close(fd.release()) != 0) {
    step = "close";
  } else if (::renameat(folder.fd(), temp, folder.fd(), name) != 0) {
    step = "rename";
  }
  if (step == nullptr) return std::nullopt;
  const int err = errno;
  ::unlinkat(folder.fd(), temp, 0);
  return io_error(std::string(step) + " of " + folder.path(temp) + ": " + errno_text(err));
}

// The previous license.lic kept as .license.lic.previous, then the new one in its place.
std::optional<Error> write_install(const Folder& folder, const std::string& text, bool has_previous,
                                   InstallResult* r) {
  if (has_previous) {
    auto old = seatkey::read_file_bounded(r->path, kMaxLicenseSetBytes);
    if (!old) return io_error("cannot read " + old.error().message);
    if (auto e = replace_file(folder, kPreviousTempName, kPreviousLicenseName, *old)) return e;
    r->previous = folder.path(kPreviousLicenseName);
  }
  if (auto e = replace_file(folder, kTempName, kInstalledLicenseName, text)) return e;
  if (::fsync(folder.fd()) != 0) {
    return io_error("fsync of the licenses folder: " + errno_text(errno) +
                    " (the new file is in place, but may not survive a power loss)");
  }
  return std::nullopt;
}

Expected<InstallResult> install(const std::string& file, const std::string& dir,
                                std::string_view appliance_id, const TrustStore& trust,
                                EvaluationContext context, bool force) {
  if (!context.state_path.empty())
    return Error{ErrorCode::invalid_argument, "an install reads no state file: its context sets none"};
  if (dir.empty()) return io_error("no licenses folder was given");
  auto id = seatkey::canonical_appliance_id(appliance_id);
  if (!id) return detail::from_common(id.error());
  context.now = context.now.value_or(current_time());  // one time for every evaluation below
  auto text = read_new_file(file);
  if (!text) return text.error();
  auto set = parse_licenses(*text, file);
  if (!set) return set.error();
  Folder folder;
  if (auto e = folder.open(dir)) return *e;
  if (auto e = check_outside(file, dir)) return *e;
  InstallResult r;
  r.path = folder.path(kInstalledLicenseName);
  auto exists = installed_exists(r.path);
  if (!exists) return exists.error();
  auto before = evaluate(load_licenses(dir), *id, trust, context);
  if (!before) return before.error();
  auto alone = evaluate(*set, *id, trust, context);
  if (!alone) return alone.error();
  judge_file(file, *set, *alone, &r);
  if (!r.refusals.empty()) {
    r.entitlement = std::move(*before);
    return r;
  }
  auto after = evaluate(detail::load_directory_with(dir, kInstalledLicenseName, *text), *id, trust, context);
  if (!after) return after.error();
  compare(*before, *after, &r);
  if (!r.refusals.empty() && !force) {
    r.entitlement = std::move(*before);
    return r;
  }
  if (auto e = write_install(folder, *text, *exists, &r)) {
    e->message = "cannot install " + file + ": " + e->message;
    return *e;
  }
  r.installed = true;
  r.entitlement = std::move(*after);
  return r;
}

constexpr std::array<const char*, 7> kRefusalNames{{"no_license", "damaged", "wrong_appliance",
                                                    "not_licensed", "fewer_users", "lower_edition",
                                                    "earlier_updates"}};
static_assert(kRefusalNames.size() == static_cast<std::size_t>(InstallRefusal::earlier_updates) + 1,
              "a name for every InstallRefusal");

}  // namespace

const char* install_refusal_name(InstallRefusal refusal) noexcept {
  const auto i = static_cast<std::size_t>(refusal);
  return i < kRefusalNames.size() ? kRefusalNames[i] : "unknown";
}

bool install_refusal_overridable(InstallRefusal refusal) noexcept {
  return refusal == InstallRefusal::not_licensed || refusal == InstallRefusal::fewer_users ||
         refusal == InstallRefusal::lower_edition || refusal == InstallRefusal::earlier_updates;
}

Expected<InstallResult> install_license_file(const std::string& file, const std::string& licenses_dir,
                                             std::string_view appliance_id, const TrustStore& trust,
                                             const EvaluationContext& context, bool force) noexcept {
  try {
    return install(file, licenses_dir, appliance_id, trust, context, force);
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorCode::internal_error, std::string("internal error: ") + e.what()};
  }
}

}  // namespace seatkey::verifier
