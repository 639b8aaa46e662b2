// Grace (docs/format.md, "Grace"): boots of one appliance with a state file, through the public
// API, one scenario per test.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

constexpr UnixTime kDay = 86400;
const UnixTime kT0 = at("2026-11-28T10:00:00Z");  // the first boot of every scenario

// One appliance's boots, each with its clock, license set and ID, sharing one state file.
struct Appliance {
  ScratchDir dir;
  int grace_days = 30;
  bool saves = true;  // false: the state file cannot be written, every boot warns so

  std::string state() const { return dir.file("state.json"); }

  v::Entitlement boot(const v::Expected<v::LicenseSet>& set, UnixTime now,
                      const std::string& id = kAppliance) {
    v::EvaluationContext c;
    c.now = now;
    c.state_path = state();
    c.grace_days = grace_days;
    auto e = v::evaluate(set, id, dev_trust(), c);
    REQUIRE_MESSAGE(e.ok(), (e.ok() ? std::string() : e.error().message));
    for (const auto& w : e->warnings) {
      // A state file is made at the first boot; after that it is always read and written.
      CHECK_MESSAGE(w.code != v::WarningCode::state_damaged, w.message);
      if (saves) CHECK_MESSAGE(w.code != v::WarningCode::state_not_saved, w.message);
    }
    if (!saves) CHECK(e->warnings.back().code == v::WarningCode::state_not_saved);
    return std::move(*e);
  }
  // From now on the state file cannot be written: its temporary file cannot be made (a full
  // disk fails the same step), whoever the tests run as.
  void stop_saving() {
    REQUIRE(::mkdir(dir.file("state.json.tmp").c_str(), 0700) == 0);
    saves = false;
  }
  void resume_saving() {
    REQUIRE(::rmdir(dir.file("state.json.tmp").c_str()) == 0);
    saves = true;
  }
};

// A Compact with 3 + 5 users; its licenses.
std::vector<std::string> compact8() {
  return {server("1001", Edition::compact).token(), pack("1002", 5).token()};
}

v::Expected<v::LicenseSet> missing() {
  return v::Error{v::ErrorCode::io_error,
                  "cannot read licenses /etc/seatkey/licenses: No such file or directory"};
}

void check_in_grace(const v::Entitlement& e, UnixTime since, UnixTime until, v::GraceReason reason) {
  CHECK(e.licensed);
  CHECK(e.licensed_users == 8);
  CHECK(e.edition == v::Edition::compact);
  CHECK(e.server_license == "1001");
  REQUIRE(e.grace);
  CHECK(e.grace->since == since);
  CHECK(e.grace->until == until);
  CHECK(e.grace->reason == reason);
  CHECK_FALSE(e.grace->message.empty());
}

}  // namespace

TEST_CASE(
    "grace: the appliance ID changes after a good boot - 30 days from the first worse boot, then "
    "unlicensed") {
  Appliance a;
  const auto set = set_of(compact8());
  v::Entitlement e = a.boot(set, kT0);
  CHECK(e.licensed_users == 8);
  CHECK_FALSE(e.grace);
  REQUIRE(e.warnings.size() == 1);
  CHECK(e.warnings[0].code == v::WarningCode::state_missing);

  const UnixTime t1 = kT0 + 2 * kDay;
  const UnixTime until = t1 + 30 * kDay;
  e = a.boot(set, t1, kOtherAppliance);
  check_in_grace(e, t1, until, v::GraceReason::appliance_changed);
  CHECK(e.appliance == kOtherAppliance);
  CHECK(outcomes(e) == std::vector<std::string>{"wrong_appliance", "wrong_appliance"});
  CHECK(e.grace->message.find(kAppliance) != std::string::npos);
  CHECK(e.grace->message.find(kOtherAppliance) != std::string::npos);
  CHECK(e.warnings.empty());

  // Ten more boots over the next days, the license files deleted and restored in between:
  // the same since and until every time.
  for (int i = 1; i <= 10; ++i) {
    CAPTURE(i);
    const bool deleted = i % 3 == 0;
    e = deleted ? a.boot(missing(), t1 + i * kDay, kOtherAppliance)
                : a.boot(set, t1 + i * kDay, kOtherAppliance);
    check_in_grace(e, t1, until, v::GraceReason::appliance_changed);
  }
  e = a.boot(set, until - 1, kOtherAppliance);
  check_in_grace(e, t1, until, v::GraceReason::appliance_changed);
  e = a.boot(set, until, kOtherAppliance);
  CHECK_FALSE(e.licensed);
  CHECK_FALSE(e.grace);
  // Used up: later boots, the clock set back into the grace, the files deleted: no grace.
  for (UnixTime now : {until + kDay, t1 + kDay, kT0}) {
    e = a.boot(set, now, kOtherAppliance);
    CHECK_FALSE(e.licensed);
    CHECK_FALSE(e.grace);
    CHECK(e.evaluated_at >= until);
  }
  e = a.boot(missing(), until + 2 * kDay, kOtherAppliance);
  CHECK_FALSE(e.licensed);
  CHECK_FALSE(e.grace);

  // The old ID again (the VM moved back): licensed, and a later move gets a grace of its own.
  e = a.boot(set, until + 3 * kDay);
  CHECK(e.licensed_users == 8);
  CHECK_FALSE(e.grace);
  e = a.boot(set, until + 4 * kDay, kOtherAppliance);
  check_in_grace(e, until + 4 * kDay, until + 34 * kDay, v::GraceReason::appliance_changed);
}

TEST_CASE("grace: an expired pack never gets grace, the fewer users are the new last good entitlement") {
  Appliance a;
  const UnixTime exp = kT0 + 10 * kDay;
  Lic rental = pack("1003", 5);
  rental.l.expires = exp;
  const auto set =
      set_of({server("1001", Edition::compact).token(), pack("1002", 5).token(), rental.token()});
  CHECK(a.boot(set, kT0).licensed_users == 13);
  v::Entitlement e = a.boot(set, exp);
  CHECK(e.licensed_users == 8);
  CHECK_FALSE(e.grace);
  CHECK(report_of(e, "t:3").reason == v::Reason::expired);
  // With the rental's file gone too, or the clock set back: still 8, never 13.
  e = a.boot(set_of({server("1001", Edition::compact).token(), pack("1002", 5).token()}), exp + kDay);
  CHECK(e.licensed_users == 8);
  CHECK_FALSE(e.grace);
  e = a.boot(set, kT0);
  CHECK(e.licensed_users == 8);
  CHECK(e.evaluated_at == exp + kDay);
}

TEST_CASE("grace: a pack that expires during a grace drops out alone, the rest is kept for the whole grace") {
  Appliance a;
  const UnixTime exp = kT0 + 10 * kDay;
  Lic rental = pack("1003", 5);
  rental.l.expires = exp;
  CHECK(a.boot(set_of({server("1001", Edition::compact).token(), rental.token()}), kT0).licensed_users == 8);
  // The file is lost a day later: grace for 30 days, with the rental's 5 users until its exp.
  v::Entitlement e = a.boot(missing(), kT0 + kDay);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::licenses_unreadable);
  e = a.boot(missing(), exp - 1);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::licenses_unreadable);
  for (UnixTime now : {exp, kT0 + 31 * kDay - 1}) {
    CAPTURE(now);
    e = a.boot(missing(), now);
    REQUIRE(e.grace);
    CHECK(e.licensed);
    CHECK(e.edition == v::Edition::compact);
    CHECK(e.licensed_users == 3);
    CHECK(e.pack_users == 0);
    CHECK(e.max_users == 20);
    CHECK(e.grace->since == kT0 + kDay);
    CHECK(e.grace->until == kT0 + 31 * kDay);
    CHECK(e.grace->message.find("(compact edition, 3 users, server license 1001)") != std::string::npos);
  }
  e = a.boot(missing(), kT0 + 31 * kDay);
  CHECK_FALSE(e.licensed);
  CHECK_FALSE(e.grace);
  // Lost on the day of the expiry: grace keeps what did not expire.
  Appliance b;
  b.boot(set_of({server("1001", Edition::compact).token(), rental.token()}), kT0);
  e = b.boot(missing(), exp);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 3);
  CHECK(e.grace->until == exp + 30 * kDay);
  // Only the pack expired, the server license is there: no grace, 3 users is the new baseline.
  Appliance r;
  r.boot(set_of({server("1001", Edition::compact).token(), rental.token()}), kT0);
  e = r.boot(set_of({server("1001", Edition::compact).token(), rental.token()}), exp);
  CHECK_FALSE(e.grace);
  CHECK(e.licensed_users == 3);
  // A pack that the Compact's maximum cut off takes no users when it expires.
  Appliance c;
  std::vector<std::string> full = {server("1001", Edition::compact).token()};
  for (int i = 0; i < 4; ++i) full.push_back(pack(std::to_string(2000 + i), 5).token());
  full.push_back(rental.token());  // 3 + 25 users, capped at 20
  CHECK(c.boot(set_of(full), kT0).licensed_users == 20);
  e = c.boot(missing(), exp + kDay);
  CHECK(e.licensed_users == 20);
  REQUIRE(e.grace);
  CHECK(e.grace->until == exp + 31 * kDay);
}

TEST_CASE(
    "grace: a 1-user rental pack expiring in 24 days leaves a Compact's grace at 3 users, not unlicensed") {
  Appliance a;
  Lic rental = pack("1003", 1);
  rental.l.expires = kT0 + 24 * kDay;
  CHECK(a.boot(set_of({server("1001", Edition::compact).token(), rental.token()}), kT0).licensed_users == 4);
  v::Entitlement e = a.boot(missing(), kT0 + kDay, kAppliance);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 4);
  CHECK(e.grace->until == kT0 + 31 * kDay);  // the full 30 days, not the rental's 24
  e = a.boot(missing(), kT0 + 25 * kDay);
  REQUIRE(e.grace);
  CHECK(e.licensed);
  CHECK(e.licensed_users == 3);  // Compact minus 1 user
  CHECK(e.included_users == 3);
  CHECK(e.pack_users == 0);
  e = a.boot(missing(), kT0 + 31 * kDay);
  CHECK_FALSE(e.licensed);
}

TEST_CASE("grace: a server license with an exp limits grace to it") {
  Appliance a;
  Lic trial = server("1001", Edition::compact);
  trial.l.expires = kT0 + 5 * kDay;
  a.boot(set_of({trial.token(), pack("1002", 5).token()}), kT0);
  v::Entitlement e = a.boot(set_of({"v4.public.damaged"}), kT0 + kDay);
  check_in_grace(e, kT0 + kDay, kT0 + 5 * kDay, v::GraceReason::licenses_damaged);
  CHECK(outcomes(e) == std::vector<std::string>{"malformed"});
}

TEST_CASE("grace: a damaged license file, restored - the grace ends, damaged again later - a new grace") {
  Appliance a;
  const auto good = set_of(compact8());
  a.boot(good, kT0);
  std::string altered = compact8()[0];
  altered[30] = altered[30] == 'A' ? 'B' : 'A';
  const auto damaged = set_of({altered, compact8()[1]});
  v::Entitlement e = a.boot(damaged, kT0 + kDay);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::licenses_damaged);
  CHECK(outcomes(e) == std::vector<std::string>{"bad_signature", "no_server_license"});
  e = a.boot(good, kT0 + 2 * kDay);
  CHECK_FALSE(e.grace);
  CHECK(e.licensed_users == 8);
  e = a.boot(damaged, kT0 + 40 * kDay);
  check_in_grace(e, kT0 + 40 * kDay, kT0 + 70 * kDay, v::GraceReason::licenses_damaged);
}

TEST_CASE(
    "grace: a pack removed keeps the users until the grace ends, then fewer users are the new baseline") {
  Appliance a;
  a.boot(set_of(compact8()), kT0);
  const auto server_only = set_of({compact8()[0]});
  v::Entitlement e = a.boot(server_only, kT0 + kDay);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::licenses_damaged);
  CHECK(e.accepted.size() == 1);  // the reports are today's
  e = a.boot(server_only, kT0 + 31 * kDay);
  CHECK(e.licensed_users == 3);
  CHECK_FALSE(e.grace);
  // 3 users is now the last good entitlement: losing the server license too starts a grace
  // that keeps 3, never 8.
  e = a.boot(missing(), kT0 + 32 * kDay);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 3);
  CHECK(e.grace->since == kT0 + 32 * kDay);
}

TEST_CASE("grace: licenses for the new appliance ID end the grace and become the last good entitlement") {
  Appliance a;
  a.boot(set_of(compact8()), kT0);
  REQUIRE(a.boot(set_of(compact8()), kT0 + kDay, kOtherAppliance).grace);
  const auto moved = set_of({server("3001", Edition::vm).appliance(kOtherAppliance).token()});
  // Fewer users (a VM edition's 1) than the last good 8: still in grace.
  v::Entitlement e = a.boot(moved, kT0 + 2 * kDay, kOtherAppliance);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 8);
  // As many users as before: the new licenses count, the grace is over.
  auto moved8 = set_of({server("3001", Edition::vm).appliance(kOtherAppliance).token(),
                        pack("3002", 5).appliance(kOtherAppliance).token(),
                        pack("3003", 1).appliance(kOtherAppliance).token(),
                        pack("3004", 1).appliance(kOtherAppliance).token()});
  e = a.boot(moved8, kT0 + 3 * kDay, kOtherAppliance);
  CHECK_FALSE(e.grace);
  CHECK(e.edition == v::Edition::vm);
  CHECK(e.licensed_users == 8);
  // Back on the old ID with only the new ID's licenses: grace keeps the VM edition's 8.
  e = a.boot(moved8, kT0 + 4 * kDay);
  REQUIRE(e.grace);
  CHECK(e.grace->reason == v::GraceReason::appliance_changed);
  CHECK(e.edition == v::Edition::vm);
  CHECK(e.server_license == "3001");
}

TEST_CASE("grace: a newer server license from the vendor that gives fewer users is no case for grace") {
  Appliance a;
  a.boot(
      set_of({server("1001", Edition::appliance).token(), pack("1002", 5).token(), pack("1003", 5).token()}),
      kT0);
  // A Compact server license issued later (3 included) supersedes the Appliance one.
  auto replaced = set_of({server("1001", Edition::appliance).token(),
                          server("1004", Edition::compact).iat("2026-11-29T00:00:00Z").token()});
  v::Entitlement e = a.boot(replaced, kT0 + 2 * kDay);
  CHECK(report_of(e, "t:1").reason == v::Reason::superseded);
  CHECK(e.licensed_users == 3);
  CHECK_FALSE(e.grace);
}

TEST_CASE("grace: none without a state file, with a missing or damaged one, or with 0 grace days") {
  v::EvaluationContext c;
  c.now = kT0;
  auto e = v::evaluate(missing(), kAppliance, dev_trust(), c);
  REQUIRE_FALSE(e.ok());  // no state file: an unreadable set stays an error
  CHECK(e.error().code == v::ErrorCode::io_error);

  Appliance a;
  v::Entitlement first = a.boot(missing(), kT0);
  CHECK_FALSE(first.licensed);
  CHECK_FALSE(first.grace);
  REQUIRE(first.warnings.size() == 2);
  CHECK(first.warnings[0].code == v::WarningCode::licenses_unreadable);
  CHECK(first.warnings[0].message ==
        "cannot read licenses /etc/seatkey/licenses: No such file or directory: evaluated as no licenses");
  CHECK(first.warnings[1].code == v::WarningCode::state_missing);

  Appliance b;
  b.boot(set_of(compact8()), kT0);
  b.dir.write("state.json", "{ damaged");
  c.state_path = b.state();
  auto damaged = v::evaluate(set_of({compact8()[1]}), kAppliance, dev_trust(), c);
  REQUIRE(damaged.ok());
  CHECK_FALSE(damaged->licensed);
  CHECK_FALSE(damaged->grace);
  REQUIRE(damaged->warnings.size() == 1);
  CHECK(damaged->warnings[0].code == v::WarningCode::state_damaged);

  Appliance z;
  z.grace_days = 0;
  z.boot(set_of(compact8()), kT0);
  v::Entitlement none = z.boot(missing(), kT0 + kDay);
  CHECK_FALSE(none.licensed);
  CHECK_FALSE(none.grace);
}

TEST_CASE("grace: fewer grace days in a later build shorten a grace in progress, more never lengthen it") {
  Appliance a;
  a.boot(set_of(compact8()), kT0);
  REQUIRE(a.boot(missing(), kT0 + kDay).grace->until == kT0 + 31 * kDay);
  a.grace_days = 10;
  v::Entitlement e = a.boot(missing(), kT0 + 2 * kDay);
  REQUIRE(e.grace);
  CHECK(e.grace->until == kT0 + 11 * kDay);
  a.grace_days = 60;
  e = a.boot(missing(), kT0 + 3 * kDay);
  REQUIRE(e.grace);
  CHECK(e.grace->until == kT0 + 11 * kDay);
  e = a.boot(missing(), kT0 + 11 * kDay);
  CHECK_FALSE(e.licensed);
}

TEST_CASE("state file: the high-water mark is the clock floor - a clock set back does not revive an expiry") {
  Appliance a;
  Lic rental = pack("1003", 5);
  rental.l.expires = kT0 + kDay;
  const auto set = set_of({server("1001", Edition::compact).token(), rental.token()});
  CHECK(a.boot(set, kT0 + 2 * kDay).licensed_users == 3);
  v::Entitlement e = a.boot(set, kT0 - 365 * kDay);
  CHECK(e.licensed_users == 3);
  CHECK(e.clock_behind);
  CHECK(*e.clock_floor == kT0 + 2 * kDay);
  CHECK(e.evaluated_at == kT0 + 2 * kDay);
  CHECK(report_of(e, "t:2").reason == v::Reason::expired);
  // A set over the limits with a state file is a warning and an empty set, not an error.
  std::string huge;
  for (int i = 0; i < 10001; ++i) huge += "x\n";
  e = a.boot(v::parse_licenses(huge, "huge"), kT0 + 3 * kDay);
  REQUIRE(e.grace);
  CHECK(e.grace->reason == v::GraceReason::licenses_unreadable);
  CHECK(e.licensed_users == 3);
  CHECK(e.warnings.at(0).code == v::WarningCode::licenses_unreadable);
  v::LicenseSet big;
  for (int i = 0; i < 10001; ++i) big.tokens.push_back({"x", "t:" + std::to_string(i + 1)});
  e = a.boot(big, kT0 + 4 * kDay);
  REQUIRE(e.grace);
  CHECK(e.warnings.at(0).message.find("over the limit of 10,000") != std::string::npos);
}

TEST_CASE("grace: a standby license that expires ends the standby without grace, a damaged file gets grace") {
  Appliance a;
  const UnixTime exp = kT0 + 10 * kDay;
  const std::string primary = kOtherAppliance;
  const auto set = set_of({standby("1005", primary).exp("2026-12-08T10:00:00Z").token(),
                           server("1001", Edition::compact).appliance(primary).token(),
                           pack("1002", 5).appliance(primary).token()});
  v::Entitlement e = a.boot(set, kT0);
  CHECK(e.licensed_users == 8);
  CHECK(e.standby_for == primary);
  // The standby license's exp ends the standby: the licenses of the primary no longer count,
  // and no grace keeps them.
  e = a.boot(set, exp);
  CHECK_FALSE(e.licensed);
  CHECK_FALSE(e.grace);
  CHECK_FALSE(e.standby_for);
  CHECK(report_of(e, "t:1").reason == v::Reason::expired);
  CHECK(report_of(e, "t:2").reason == v::Reason::wrong_appliance);
  // Before it expires, a lost license file is grace as on any appliance, up to that exp.
  Appliance b;
  CHECK(b.boot(set, kT0).licensed_users == 8);
  e = b.boot(missing(), kT0 + kDay);
  check_in_grace(e, kT0 + kDay, exp, v::GraceReason::licenses_unreadable);
}

TEST_CASE(
    "grace: a grace whose start cannot be written counts from the last good boot and ends, boot after boot") {
  Appliance a;
  const auto set = set_of(compact8());
  a.boot(set, kT0);
  a.stop_saving();  // a full disk, say
  const UnixTime until = kT0 + 30 * kDay;
  // Ten days later the license file is gone: grace, counted from the last good boot the state
  // file holds, not from today (tomorrow's boot could not know today's).
  v::Entitlement e = a.boot(missing(), kT0 + 10 * kDay);
  check_in_grace(e, kT0, until, v::GraceReason::licenses_unreadable);
  CHECK(e.warnings.back().message.find("was not updated") != std::string::npos);
  CHECK(e.grace->message.find("the state file cannot be written, so this grace counts from the last good "
                              "check, 2026-11-28T10:00:00Z") != std::string::npos);
  e = a.boot(missing(), kT0 + 29 * kDay);
  check_in_grace(e, kT0, until, v::GraceReason::licenses_unreadable);
  // Then it ends, and stays ended at every later boot.
  for (UnixTime now : {until, kT0 + 53 * kDay, kT0 + 185 * kDay, kT0 + 399 * kDay}) {
    CAPTURE(now);
    e = a.boot(missing(), now);
    CHECK_FALSE(e.licensed);
    CHECK_FALSE(e.grace);
  }
  // The licenses back, the disk still full: licensed (a good boot needs no grace).
  e = a.boot(set, kT0 + 400 * kDay);
  CHECK(e.licensed_users == 8);
  CHECK_FALSE(e.grace);
}

TEST_CASE("grace: a state file that cannot be written and a replaced board do not stop the PBX on the spot") {
  Appliance a;
  const auto set = set_of(compact8());
  a.boot(set, kT0);
  a.stop_saving();
  v::Entitlement e = a.boot(set, kT0 + kDay, kOtherAppliance);
  check_in_grace(e, kT0, kT0 + 30 * kDay, v::GraceReason::appliance_changed);
  // The disk has room again: the grace is written from then on and ends when it says.
  a.resume_saving();
  e = a.boot(set, kT0 + 2 * kDay, kOtherAppliance);
  check_in_grace(e, kT0 + 2 * kDay, kT0 + 32 * kDay, v::GraceReason::appliance_changed);
  a.stop_saving();
  e = a.boot(set, kT0 + 20 * kDay, kOtherAppliance);
  check_in_grace(e, kT0 + 2 * kDay, kT0 + 32 * kDay, v::GraceReason::appliance_changed);
  e = a.boot(set, kT0 + 32 * kDay, kOtherAppliance);
  CHECK_FALSE(e.licensed);
}

TEST_CASE("grace: the reason and the message name today's cause, not the one that started the grace") {
  Appliance a;
  const auto set = set_of(compact8());
  a.boot(set, kT0);
  // A moved VM starts the grace.
  v::Entitlement e = a.boot(set, kT0 + kDay, kOtherAppliance);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::appliance_changed);
  CHECK(e.grace->message.find("a moved VM or a replaced board?") != std::string::npos);
  // Back on its own ID, its license file deleted: the same grace, today's cause.
  e = a.boot(missing(), kT0 + 2 * kDay);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::licenses_unreadable);
  CHECK(e.grace->message ==
        "the licenses could not be read; the last good ones (compact edition, 8 users, server license 1001) "
        "are kept: restore the license files");
  // A file that is there but holds only the pack.
  e = a.boot(set_of({compact8()[1]}), kT0 + 3 * kDay);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::licenses_damaged);
  CHECK(e.grace->message ==
        "licenses that counted at the last good check (compact edition, 8 users, server license 1001) no "
        "longer do: restore the license files the vendor sent");
  // Moved again.
  e = a.boot(set, kT0 + 4 * kDay, kOtherAppliance);
  check_in_grace(e, kT0 + kDay, kT0 + 31 * kDay, v::GraceReason::appliance_changed);
  CHECK(e.grace->message.find("and this is " + std::string(kOtherAppliance)) != std::string::npos);
}

TEST_CASE(
    "grace: on a state file of an older build, a grace ends where that build ended it, until a good boot") {
  // tests/fixtures/state-v1-rental.json: a Compact with 3 + 5 + 5 users, the second pack a
  // rental ending 2026-12-08T10:00:00Z, as the build before the pack expiries wrote it.
  const std::string fixture =
      read_file(std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/state-v1-rental.json");
  const UnixTime rental_end = at("2026-12-08T10:00:00Z");
  Appliance a;
  a.dir.write("state.json", fixture);
  // It does not know when the server license ends: its good_until (the rental's end) ends it all.
  v::Entitlement e = a.boot(missing(), kT0 + kDay);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 13);
  CHECK(e.grace->until == rental_end);
  e = a.boot(missing(), rental_end);
  CHECK_FALSE(e.licensed);
  // A good boot of this build records the expiries; a later loss then keeps the 8 users that do
  // not expire for the whole grace.
  Appliance b;
  b.dir.write("state.json", fixture);
  Lic rental = pack("1003", 5);
  rental.l.expires = rental_end;
  e = b.boot(set_of({server("1001", Edition::compact).token(), pack("1002", 5).token(), rental.token()}),
             kT0);
  CHECK(e.licensed_users == 13);
  CHECK(read_file(b.state()).find("\"good_pack_expiries\": [\n    \"2026-12-08T10:00:00Z 5\"\n  ]") !=
        std::string::npos);
  e = b.boot(missing(), kT0 + kDay);
  REQUIRE(e.grace);
  CHECK(e.grace->until == kT0 + 31 * kDay);
  e = b.boot(missing(), rental_end);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 8);
}

TEST_CASE(
    "grace: with over 100 pack expiry times the state keeps the first 100, and grace ends at the 101st") {
  Appliance a;
  std::vector<std::string> tokens = {server("1001", Edition::appliance).token()};
  for (int i = 0; i < 101; ++i) {
    Lic rental = pack(std::to_string(2000 + i), 1);
    rental.l.expires = kT0 + (i + 1) * 3600;
    tokens.push_back(rental.token());
  }
  CHECK(a.boot(set_of(tokens), kT0).licensed_users == 102);
  const std::string state = read_file(a.state());
  CHECK(state.find("\"good_ends\": \"2026-12-02T15:00:00Z\"") != std::string::npos);   // the 101st
  CHECK(state.find("\"2026-12-02T14:00:00Z 1\"") != std::string::npos);                // the 100th
  CHECK(state.find("\"good_until\": \"2026-11-28T11:00:00Z\"") != std::string::npos);  // the first
  v::Entitlement e = a.boot(missing(), kT0 + 1800);
  REQUIRE(e.grace);
  CHECK(e.grace->until == kT0 + 101 * 3600);
  e = a.boot(missing(), kT0 + 50 * 3600 + 1800);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 52);
  e = a.boot(missing(), kT0 + 101 * 3600);
  CHECK_FALSE(e.licensed);
}
