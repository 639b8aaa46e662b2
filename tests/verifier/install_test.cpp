// install_license_file(): the PBX's "upload license". What it installs, what it keeps, what it
// refuses and why, and that a refusal or an error changes nothing in the licenses folder.
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <map>
#include <set>

#include "token_kit.hpp"

using namespace seatkey::test;
using seatkey::Edition;

namespace {

std::string lines(const std::vector<std::string>& tokens) {
  std::string text = "# licenses of appliance 001A2B3C4D5E\n";
  for (const auto& t : tokens) text += t + "\n";
  return text;
}

// The names in a folder (hidden ones too) and each file's contents: what an install may change.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    REQUIRE(stat((dir + "/" + name).c_str(), &st) == 0);
    out[name] = S_ISREG(st.st_mode) ? read_file(dir + "/" + name) : std::string("<not a file>");
  }
  closedir(d);
  return out;
}

struct Folder {
  ScratchDir scratch;
  std::string dir = scratch.file("licenses");
  Folder() { REQUIRE(mkdir(dir.c_str(), 0755) == 0); }

  v::Expected<v::InstallResult> install(const std::string& file, bool force = false,
                                        const std::string& appliance = "00:1a:2b:3c:4d:5e") const {
    v::EvaluationContext context;
    context.now = at(kNow);
    return v::install_license_file(file, dir, appliance, dev_trust(), context, force);
  }
  // Installs `text` (written to a file outside the folder); requires that it was installed.
  v::InstallResult installed(const std::string& text, bool force = false) const {
    auto r = install(scratch.write("upload.lic", text), force);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
    REQUIRE_MESSAGE(r->installed, r->message);
    return std::move(*r);
  }
  // What the boot check reads in the folder now.
  v::Entitlement boot() const {
    auto set = v::load_licenses(dir);
    REQUIRE(set.ok());
    return evaluate_ok(*set);
  }
};

const std::string kCompact8 =
    lines({server("1001", Edition::compact).code(1234).token(), pack("1002", 5).token()});
const std::string kCompact13 = lines({server("1001", Edition::compact).code(1234).token(),
                                      pack("1002", 5).token(), pack("1003", 5).code(1240).token()});

// The refusal of `text` over the folder's licenses: nothing changed; then `force` installs it.
void check_refused(const Folder& f, const std::string& text, const std::vector<v::InstallRefusal>& refusals,
                   const std::string& message) {
  const auto before = snapshot(f.dir);
  const int users_before = f.boot().licensed_users;
  auto r = f.install(f.scratch.write("upload.lic", text));
  REQUIRE(r.ok());
  CHECK_FALSE(r->installed);
  CHECK(r->refusals == refusals);
  CHECK(r->message == message);
  CHECK_FALSE(r->previous);
  CHECK(r->entitlement.licensed_users == users_before);
  CHECK(snapshot(f.dir) == before);
  const v::InstallResult forced = f.installed(text, true);
  CHECK(forced.refusals == refusals);
  CHECK(forced.message == message);
  CHECK(read_file(forced.path) == text);
}

}  // namespace

TEST_CASE("install: a file into an empty folder becomes license.lic, private, and the folder boots it") {
  Folder f;
  const v::InstallResult r = f.installed(kCompact8);
  CHECK(r.path == f.dir + "/license.lic");
  CHECK_FALSE(r.previous);
  CHECK(r.refusals.empty());
  CHECK(r.message.empty());
  CHECK(r.entitlement.licensed);
  CHECK(r.entitlement.licensed_users == 8);
  CHECK(read_file(r.path) == kCompact8);
  struct stat st;
  REQUIRE(stat(r.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // license files name the customer
  CHECK(snapshot(f.dir).size() == 1);
  const v::Entitlement booted = f.boot();
  CHECK(booted.licensed_users == 8);
  CHECK(report_of(booted, r.path + ":2").code == 1234);
  CHECK(report_of(r.entitlement, r.path + ":2").source == report_of(booted, r.path + ":2").source);
}

TEST_CASE(
    "install: the file it replaces is kept as .license.lic.previous, which the boot check does not read") {
  Folder f;
  f.installed(kCompact8);
  const v::InstallResult r = f.installed(kCompact13);
  REQUIRE(r.previous);
  CHECK(*r.previous == f.dir + "/.license.lic.previous");
  CHECK(read_file(*r.previous) == kCompact8);
  CHECK(read_file(r.path) == kCompact13);
  CHECK(r.entitlement.licensed_users == 13);
  const v::Entitlement booted = f.boot();
  CHECK(booted.licensed_users == 13);
  CHECK(booted.accepted.size() + booted.rejected.size() == 3);  // license.lic's tokens only
  // Installed again: the previous copy is the one just replaced.
  f.installed(kCompact13);
  CHECK(read_file(f.dir + "/.license.lic.previous") == kCompact13);
  CHECK(snapshot(f.dir).size() == 2);
}

TEST_CASE(
    "install: the previous file installed again puts the previous licenses back, and keeps the others") {
  Folder f;
  f.installed(kCompact13);
  f.installed(kCompact8, true);
  auto r = f.install(f.dir + "/.license.lic.previous");
  REQUIRE(r.ok());
  CHECK(r->installed);
  CHECK(r->entitlement.licensed_users == 13);
  CHECK(read_file(f.dir + "/license.lic") == kCompact13);
  CHECK(read_file(f.dir + "/.license.lic.previous") == kCompact8);
}

TEST_CASE("install: more users, a higher edition, a later update option or the same licenses are installed") {
  Folder f;
  f.installed(lines({server("1", Edition::free).token()}));
  f.installed(lines({server("2", Edition::compact)
                         .iat("2026-11-02T09:00:00Z")
                         .updates_until("2027-06-30T00:00:00Z")
                         .token()}));
  f.installed(lines({server("2", Edition::compact)
                         .iat("2026-11-02T09:00:00Z")
                         .updates_until("2027-06-30T00:00:00Z")
                         .token()}));
  const v::InstallResult r = f.installed(lines({server("3", Edition::appliance)
                                                    .iat("2026-11-03T09:00:00Z")
                                                    .updates_until("2027-12-31T23:59:59Z")
                                                    .token(),
                                                pack("4", 5).token()}));
  CHECK(r.entitlement.edition == v::Edition::appliance);
  CHECK(r.entitlement.licensed_users == 6);
  CHECK(r.refusals.empty());
  f.installed(lines({server("5", Edition::vm).iat("2026-11-04T09:00:00Z").token(), pack("4", 5).token()}));
  CHECK_FALSE(f.boot().updates_until);
}

TEST_CASE("install: fewer users are refused naming both counts, and installed with force") {
  Folder f;
  f.installed(kCompact13);
  check_refused(f, kCompact8, {v::InstallRefusal::fewer_users},
                "it would license fewer users: 8, against 13 now");
  CHECK(f.boot().licensed_users == 8);
  CHECK(read_file(f.dir + "/.license.lic.previous") == kCompact13);
}

TEST_CASE(
    "install: a lower edition is refused naming both editions - commercial to free, or a lower maximum") {
  Folder f;
  f.installed(lines({server("1", Edition::appliance).token(), pack("2", 5).token(), pack("3", 1).token()}));
  check_refused(
      f, lines({server("4", Edition::compact).iat("2026-11-05T09:00:00Z").token(), pack("2", 5).token()}),
      {v::InstallRefusal::lower_edition},
      "it would license a lower edition: the Compact edition, against the Appliance edition now");
  check_refused(f, lines({server("5", Edition::free).iat("2026-11-06T09:00:00Z").token()}),
                {v::InstallRefusal::fewer_users, v::InstallRefusal::lower_edition},
                "it would license fewer users: 3, against 8 now; it would license a lower edition: the Free "
                "edition, against the Compact edition now");
}

TEST_CASE("install: an earlier end of the update option is refused naming both ends") {
  Folder f;
  f.installed(lines({server("1", Edition::compact).token()}));
  const std::string june = lines({server("2", Edition::compact)
                                      .iat("2026-11-02T09:00:00Z")
                                      .updates_until("2027-06-30T00:00:00Z")
                                      .token()});
  check_refused(f, june, {v::InstallRefusal::earlier_updates},
                "its update option would end earlier: at 2027-06-30T00:00:00Z, against no end now");
  check_refused(
      f,
      lines({server("3", Edition::compact)
                 .iat("2026-11-03T09:00:00Z")
                 .updates_until("2027-03-31T00:00:00Z")
                 .token()}),
      {v::InstallRefusal::earlier_updates},
      "its update option would end earlier: at 2027-03-31T00:00:00Z, against 2027-06-30T00:00:00Z now");
}

TEST_CASE("install: several refusals are named together, in order") {
  Folder f;
  f.installed(kCompact13);
  check_refused(f,
                lines({server("9", Edition::compact)
                           .iat("2026-11-09T09:00:00Z")
                           .updates_until("2027-01-01T00:00:00Z")
                           .token()}),
                {v::InstallRefusal::fewer_users, v::InstallRefusal::earlier_updates},
                "it would license fewer users: 3, against 13 now; its update option would end earlier: at "
                "2027-01-01T00:00:00Z, against no end now");
}

TEST_CASE("install: a file that leaves the appliance without a server license is refused unless forced") {
  Folder f;
  check_refused(f, lines({pack("2", 5).token()}), {v::InstallRefusal::not_licensed},
                "with it, this appliance would still not be licensed: no valid server license for it");
  f.installed(kCompact8, true);
  check_refused(f, lines({pack("2", 5).token()}), {v::InstallRefusal::not_licensed},
                "with it, this appliance would no longer be licensed: no valid server license for it");
  CHECK_FALSE(f.boot().licensed);
}

TEST_CASE("install: an empty or damaged file, or one for another appliance, is refused even with force") {
  Folder f;
  f.installed(kCompact8);
  const auto before = snapshot(f.dir);
  const auto refused = [&](const std::string& text, v::InstallRefusal why, const std::string& message) {
    for (bool force : {false, true}) {
      auto r = f.install(f.scratch.write("bad.lic", text), force);
      REQUIRE(r.ok());
      CHECK_FALSE(r->installed);
      CHECK(r->refusals == std::vector<v::InstallRefusal>{why});
      CHECK(r->message == message);
      CHECK(r->entitlement.licensed_users == 8);
      CHECK_FALSE(v::install_refusal_overridable(why));
      CHECK(snapshot(f.dir) == before);
    }
  };
  const std::string bad = f.scratch.file("bad.lic");
  refused("# nothing here\n\n", v::InstallRefusal::no_license, bad + " holds no license");
  refused(
      lines({server("1001", Edition::compact).token(), "v4.public.not-a-license"}),
      v::InstallRefusal::damaged,
      bad +
          ":3 is damaged or not from this vendor (malformed: not a valid license: token body is not valid "
          "base64url): get the file again");
  refused(
      lines({server("1001", Edition::compact).token(key_a())}), v::InstallRefusal::damaged,
      bad +
          ":2 is damaged or not from this vendor (unknown_key: signed by a key this system does not trust (" +
          key_a().public_key().id() + ")): get the file again");
  refused(lines({server("7", Edition::vm).appliance(kOtherAppliance).token()}),
          v::InstallRefusal::wrong_appliance,
          bad +
              ":2 is a license for another appliance: issued for appliance 0099AABBCCDD, not for this one "
              "(001A2B3C4D5E)");
  CHECK(std::string(v::install_refusal_name(v::InstallRefusal::wrong_appliance)) == "wrong_appliance");
}

TEST_CASE("install: the folder's other license files still count, before and after") {
  Folder f;
  std::ofstream(f.dir + "/extra.lic") << lines({pack("2", 5).token()});
  const v::InstallResult r = f.installed(lines({server("1", Edition::compact).token()}));
  CHECK(r.entitlement.licensed_users == 8);
  CHECK(f.boot().licensed_users == 8);
  // A pack of the other file again in the new one is a harmless duplicate.
  f.installed(lines({server("1", Edition::compact).token(), pack("2", 5).token()}));
  CHECK(f.boot().licensed_users == 8);
}

TEST_CASE(
    "install: a temporary file left by a killed install is never read, and the next install removes it") {
  Folder f;
  f.installed(kCompact8);
  std::ofstream(f.dir + "/.license.lic.tmp") << "v4.public.half-writ";
  std::ofstream(f.dir + "/.license.lic.previous.tmp") << "v4.public.half";
  CHECK(f.boot().licensed_users == 8);
  CHECK(f.boot().rejected.empty());
  f.installed(kCompact13);
  const auto names = snapshot(f.dir);
  CHECK(names.count(".license.lic.tmp") == 0);
  CHECK(names.count(".license.lic.previous.tmp") == 0);
  CHECK(names.size() == 2);
}

TEST_CASE("install: hostile inputs get clear errors and change nothing") {
  Folder f;
  f.installed(kCompact8);
  const auto before = snapshot(f.dir);
  const auto error = [&](v::Expected<v::InstallResult> r, v::ErrorCode code, const std::string& message) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(r.error().message == message);
    CHECK(snapshot(f.dir) == before);
  };
  const std::string fifo = f.scratch.file("fifo");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  error(f.install(fifo), v::ErrorCode::io_error,
        "cannot read license file " + fifo + ": not a regular file (a FIFO)");
  error(f.install(f.scratch.path), v::ErrorCode::io_error,
        "cannot read license file " + f.scratch.path + ": is a directory");
  error(f.install(f.scratch.file("missing.lic")), v::ErrorCode::io_error,
        "cannot read license file " + f.scratch.file("missing.lic") + ": No such file or directory");
  const std::string huge = f.scratch.write("huge.lic", std::string(5 * 1024 * 1024 + 1, '#'));
  error(f.install(huge), v::ErrorCode::too_large,
        "license file " + huge + " is over 5 MiB: not a license file");
  const std::string upload = f.scratch.write("upload.lic", kCompact13);
  error(f.install(upload, false, "00 1a"), v::ErrorCode::invalid_appliance_id,
        "invalid appliance ID: a space at position 3 (allowed: letters, digits, '-' and ':')");
  error(f.install(f.dir + "/license.lic"), v::ErrorCode::io_error,
        f.dir + "/license.lic lies in the licenses folder " + f.dir +
            ", where the boot check reads it as it is: install a file from elsewhere");
  v::EvaluationContext with_state;
  with_state.state_path = f.scratch.file("state");
  error(v::install_license_file(upload, f.dir, kAppliance, dev_trust(), with_state, false),
        v::ErrorCode::invalid_argument, "an install reads no state file: its context sets none");
  for (const std::string& missing : {f.scratch.file("nowhere"), upload}) {
    auto r = v::install_license_file(upload, missing, kAppliance, dev_trust(), v::EvaluationContext{}, false);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == v::ErrorCode::io_error);
  }
  CHECK(v::install_license_file(upload, upload, kAppliance, dev_trust(), {}, false).error().message ==
        "licenses folder " + upload + " is not a directory");
  CHECK(v::install_license_file(upload, f.scratch.file("nowhere"), kAppliance, dev_trust(), {}, false)
            .error()
            .message ==
        "cannot open licenses folder " + f.scratch.file("nowhere") + ": No such file or directory");
}

TEST_CASE(
    "install: a license.lic that is not a file, or a write that fails, is an error and changes nothing") {
  Folder f;
  REQUIRE(mkdir((f.dir + "/license.lic").c_str(), 0755) == 0);
  const std::string upload = f.scratch.write("upload.lic", kCompact8);
  auto r = f.install(upload);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == v::ErrorCode::io_error);
  CHECK(r.error().message == f.dir + "/license.lic is not a regular file: remove it, then install again");
  REQUIRE(rmdir((f.dir + "/license.lic").c_str()) == 0);
  // A directory where the temporary file goes: it cannot be removed, nothing is written.
  REQUIRE(mkdir((f.dir + "/.license.lic.tmp").c_str(), 0755) == 0);
  const auto before = snapshot(f.dir);
  r = f.install(upload);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == v::ErrorCode::io_error);
  CHECK(r.error().message ==
        "cannot install " + upload + ": cannot remove " + f.dir + "/.license.lic.tmp: Is a directory");
  CHECK(snapshot(f.dir) == before);
}
