#include "privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace seatkey::server {
namespace {

keygen::Error failed(const std::string& what) {
  return keygen::Error(keygen::Code::internal_error, "--user: " + what + ": " + std::strerror(errno));
}

}  // namespace

keygen::Result<void> become_user(const std::string& user) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr) {
    return keygen::Error(keygen::Code::bad_input,
                         "--user " + user + ": no such user (adduser --system " + user + " makes one)");
  }
  if (entry.pw_uid == 0) {
    return keygen::Error(
        keygen::Code::bad_input,
        "--user " + user + " is root: the HTTP process must run as a user without privileges");
  }
  const gid_t group = entry.pw_gid;
  if (::setgroups(1, &group) != 0) return failed("setgroups");
  if (::setgid(group) != 0) return failed("setgid");
  if (::setuid(entry.pw_uid) != 0) return failed("setuid");
  // Every id is the user's now, the saved ones included: root cannot come back.
  uid_t r = 0, e = 0, s = 0;
  gid_t rg = 0, eg = 0, sg = 0;
  if (::getresuid(&r, &e, &s) != 0 || ::getresgid(&rg, &eg, &sg) != 0) return failed("getresuid");
  if (r != entry.pw_uid || e != r || s != r || rg != group || eg != rg || sg != rg || ::setuid(0) == 0 ||
      ::setgid(0) == 0) {
    errno = EPERM;
    return failed("the process could become root again");
  }
  // A change of user makes the process dumpable as fs.suid_dumpable says: not dumpable again.
  if (::prctl(PR_SET_DUMPABLE, 0) != 0) return failed("prctl(PR_SET_DUMPABLE)");
  return {};
}

}  // namespace seatkey::server
