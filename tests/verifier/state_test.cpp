// The state file (docs/format.md, "The state file"): its format, what counts as damaged, and
// how it is read and written (verifier/src/state.hpp, private to the library).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "older_state_reader.hpp"
#include "state.hpp"
#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;
namespace d = seatkey::verifier::detail;

namespace {

d::State full_state() {
  d::LastGood g;
  g.appliance = kAppliance;
  g.at = at("2026-11-28T10:00:00Z");
  g.edition = v::Edition::compact;
  g.server_license = "1001";
  g.included_users = 3;
  g.pack_users = 18;
  g.licensed_users = 20;
  g.max_users = 20;
  g.excess_users = 1;
  g.updates_until = at("2027-12-31T23:59:59Z");
  g.good_until = at("2027-01-01T00:00:00Z");
  d::State s;
  s.high_water = at("2026-12-01T00:00:00Z");
  s.last_good = g;
  s.grace = d::GraceRecord{at("2026-11-30T00:00:00Z"), at("2026-12-30T00:00:00Z"),
                           v::GraceReason::appliance_changed};
  return s;
}

const char* kText = R"({
  "seatkey_state": 1,
  "high_water": "2026-12-01T00:00:00Z",
  "good_appliance": "001A2B3C4D5E",
  "good_at": "2026-11-28T10:00:00Z",
  "good_edition": "compact",
  "good_server_license": "1001",
  "good_included_users": 3,
  "good_pack_users": 18,
  "good_licensed_users": 20,
  "good_max_users": 20,
  "good_excess_users": 1,
  "good_updates_until": "2027-12-31T23:59:59Z",
  "good_until": "2027-01-01T00:00:00Z",
  "grace_since": "2026-11-30T00:00:00Z",
  "grace_until": "2026-12-30T00:00:00Z",
  "grace_reason": "appliance_changed"
}
)";

// kText with the first `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = kText;
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

std::string why_damaged(const std::string& text) {
  auto s = d::parse_state(text);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::malformed);
  CHECK_FALSE(s.error().message.empty());
  return s.error().message;
}

// The state `text` holds; fails the test when it is damaged.
d::State parsed(const std::string& text) {
  auto s = d::parse_state(text);
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
  return std::move(*s);
}

}  // namespace

// An open StateFile holds its folder's lock, and a second open waits up to 10 s for it. A test
// that keeps one open while opening another would sit out that wait and still pass; the 5 s
// limit on every case here makes such a test fail instead.
TEST_SUITE_BEGIN("state" * doctest::timeout(5));

TEST_CASE("state format: the documented text is what format_state() writes, and reads back equal") {
  const d::State s = full_state();
  CHECK(d::format_state(s) == kText);
  CHECK(parsed(kText) == s);

  // Without a last good entitlement and a grace: nulls; unlimited users: max_users null.
  d::State small;
  small.high_water = 0;
  CHECK(d::format_state(small) ==
        "{\n  \"seatkey_state\": 1,\n  \"high_water\": \"1970-01-01T00:00:00Z\"\n}\n");
  CHECK(parsed(d::format_state(small)) == small);
  d::State vm = full_state();
  vm.last_good->edition = v::Edition::vm;
  vm.last_good->max_users.reset();
  vm.last_good->updates_until.reset();
  vm.last_good->good_until.reset();
  vm.grace.reset();
  CHECK(parsed(d::format_state(vm)) == vm);

  // Unknown members are ignored (a later version may add some); offsets are read as UTC.
  CHECK(parsed(edited("\"seatkey_state\": 1,", "\"seatkey_state\": 1, \"later\": [1, {}],")) == s);
  CHECK(parsed(edited("2026-12-01T00:00:00Z", "2026-12-01T01:00:00+01:00")) == s);
}

TEST_CASE("state format: a standby's last good entitlement names its primary and its standby license") {
  d::State s = full_state();
  s.last_good->standby_for = "0099AABBCCDD";
  s.last_good->standby_license = "3001";
  const std::string text = d::format_state(s);
  CHECK(text.find("\"good_standby_for\": \"0099AABBCCDD\",\n  \"good_standby_license\": \"3001\"") !=
        std::string::npos);
  CHECK(parsed(text) == s);
  // Both or neither, the primary canonical, the serial one the claims allow.
  const std::string until = "\"good_until\": \"2027-01-01T00:00:00Z\",";
  CHECK(why_damaged(edited(until, until + " \"good_standby_for\": \"0099AABBCCDD\",")) ==
        "good_standby_license is missing");
  CHECK(why_damaged(edited(until, until + " \"good_standby_license\": \"3001\",")) ==
        "good_standby_for is missing");
  CHECK(why_damaged(edited(until, until + " \"good_standby_for\": \"00:99:aa:bb:cc:dd\", "
                                          "\"good_standby_license\": \"3001\",")) ==
        "good_standby_for is not a canonical appliance ID");
  CHECK(why_damaged(edited(until, until + " \"good_standby_for\": \"0099AABBCCDD\", "
                                          "\"good_standby_license\": \"30 01\",")) ==
        "good_standby_license is not a license serial");
}

// full_state() whose last good entitlement has a rental pack of 5 and two of 1 that expire.
d::State rental_state() {
  d::State s = full_state();
  s.last_good->pack_users = 18;
  s.last_good->expiries = d::Expiries{at("2027-06-01T00:00:00Z"),
                                      {{at("2026-12-24T00:00:00Z"), 5}, {at("2027-01-01T00:00:00Z"), 2}}};
  return s;
}

TEST_CASE("state format: the pack expiries are two optional members, both or neither") {
  const d::State s = rental_state();
  const std::string text = d::format_state(s);
  const std::string members =
      "  \"good_until\": \"2027-01-01T00:00:00Z\",\n"
      "  \"good_ends\": \"2027-06-01T00:00:00Z\",\n"
      "  \"good_pack_expiries\": [\n"
      "    \"2026-12-24T00:00:00Z 5\",\n"
      "    \"2027-01-01T00:00:00Z 2\"\n"
      "  ],\n";
  CHECK(text.find(members) != std::string::npos);
  CHECK(parsed(text) == s);
  d::State forever = s;
  forever.last_good->expiries->ends.reset();
  CHECK(parsed(d::format_state(forever)) == forever);
  // Without them (an older build's file, or no pack that expires): none, as written before.
  CHECK(d::format_state(full_state()) == kText);
  CHECK_FALSE(parsed(kText).last_good->expiries);

  const std::string until = "\"good_until\": \"2027-01-01T00:00:00Z\",";
  const auto with = [&](const std::string& more) { return edited(until, until + " " + more); };
  CHECK(why_damaged(with("\"good_ends\": null,")) == "good_pack_expiries is missing");
  CHECK(why_damaged(with("\"good_pack_expiries\": [],")) == "good_ends is missing");
  CHECK(why_damaged(with("\"good_ends\": 5, \"good_pack_expiries\": [],")) ==
        "good_ends is not an RFC 3339 time");
  CHECK(why_damaged(with("\"good_ends\": \"2026-11-01T00:00:00Z\", \"good_pack_expiries\": [],")) ==
        "good_ends is not after good_at");
  for (const char* list :
       {"\"2026-12-24T00:00:00Z 5\"", "[1]", "[\"2026-12-24T00:00:00Z\"]", "[\"2026-12-24T00:00:00Z 0\"]",
        "[\"2026-12-24T00:00:00Z -1\"]", "[\"2026-12-24T00:00:00Z 5 \"]", "[\"2026-12-24 5\"]",
        "[[\"2026-12-24T00:00:00Z\", 5]]", "[\"2026-12-24T00:00:00Z 1000001\"]"}) {
    CAPTURE(list);
    CHECK(why_damaged(with("\"good_ends\": null, \"good_pack_expiries\": " + std::string(list) + ",")) ==
          "good_pack_expiries is not a list of \"TIME USERS\" strings");
  }
  CHECK(why_damaged(with("\"good_ends\": null, \"good_pack_expiries\": [\"2027-01-01T00:00:00Z 1\", "
                         "\"2026-12-24T00:00:00Z 1\"],")) ==
        "good_pack_expiries is not in time order after good_at");
  CHECK(why_damaged(with("\"good_ends\": null, \"good_pack_expiries\": [\"2026-12-24T00:00:00Z 1\", "
                         "\"2026-12-24T00:00:00Z 1\"],")) ==
        "good_pack_expiries is not in time order after good_at");
  CHECK(why_damaged(with("\"good_ends\": null, \"good_pack_expiries\": [\"2026-11-28T10:00:00Z 1\"],")) ==
        "good_pack_expiries is not in time order after good_at");
  CHECK(why_damaged(with("\"good_ends\": \"2026-12-24T00:00:00Z\", \"good_pack_expiries\": "
                         "[\"2026-12-24T00:00:00Z 1\"],")) ==
        "good_pack_expiries holds an expiry not before good_ends");
  CHECK(why_damaged(with("\"good_ends\": null, \"good_pack_expiries\": [\"2026-12-24T00:00:00Z 19\"],")) ==
        "good_pack_expiries takes more users than good_pack_users");
  std::string many;
  for (int i = 0; i <= 100; ++i) {
    many += std::string(i == 0 ? "" : ", ") + "\"" + format_rfc3339(at("2027-01-01T00:00:00Z") + i) + " 1\"";
  }
  CHECK(why_damaged(with("\"good_ends\": null, \"good_pack_expiries\": [" + many + "],")) ==
        "good_pack_expiries holds over 100 expiries");
}

TEST_CASE(
    "state format: the reader of older builds reads what this build writes, with the same entitlement") {
  // Firmware rolled back to an older build must read this build's state file: the new members
  // are unknown to it (ignored), every member it requires is there as it requires it.
  d::State standby = rental_state();
  standby.last_good->standby_for = "0099AABBCCDD";
  standby.last_good->standby_license = "3001";
  d::State small;
  small.high_water = at(kNow);
  for (const d::State& s : {rental_state(), standby, full_state(), small}) {
    const std::string text = d::format_state(s);
    CAPTURE(text);
    auto old = seatkey::test::older::parse_state(text);
    REQUIRE_MESSAGE(old.ok(), (old.ok() ? std::string() : old.error().message));
    d::State expected = s;
    if (expected.last_good) expected.last_good->expiries.reset();
    CHECK(*old == expected);  // good_until included: an older build ends its grace there
  }
  // The older reader refuses what it always refused, so the test would see a file it rejects.
  CHECK_FALSE(seatkey::test::older::parse_state(edited("\"seatkey_state\": 1", "\"seatkey_state\": 2")).ok());
}

TEST_CASE("state format: a state file an older build wrote is read as it was written") {
  // tests/fixtures/state-v1-*.json: written by the build before good_ends and good_pack_expiries
  // (tests/fixtures/README.md), a Compact with a pack of 5 and a rental pack of 5.
  const std::string dir = std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/";
  const d::State s = parsed(read_file(dir + "state-v1-rental.json"));
  REQUIRE(s.last_good);
  CHECK(s.last_good->licensed_users == 13);
  CHECK(s.last_good->good_until == at("2026-12-08T10:00:00Z"));
  CHECK_FALSE(s.last_good->expiries);
  CHECK_FALSE(s.grace);
  CHECK(d::end_of(*s.last_good) == at("2026-12-08T10:00:00Z"));  // as that build would end a grace
  const d::State g = parsed(read_file(dir + "state-v1-rental-grace.json"));
  REQUIRE(g.grace);
  CHECK(g.grace->reason == v::GraceReason::appliance_changed);
  CHECK(g.grace->until == at("2026-12-08T10:00:00Z"));
}

TEST_CASE("state format: docs/format.md's example is what format_state() writes") {
  const std::string doc = read_file(std::string(SEATKEY_SOURCE_DIR) + "/docs/format.md");
  const auto section = doc.find("\n## The state file\n");
  REQUIRE(section != std::string::npos);
  const auto begin = doc.find("```json\n", section);
  REQUIRE(begin != std::string::npos);
  const auto end = doc.find("```\n", begin + 8);
  REQUIRE(end != std::string::npos);
  CHECK(doc.substr(begin + 8, end - begin - 8) == kText);
}

TEST_CASE("state format: times outside 0000..9999 are written clamped, so the file always reads back") {
  d::State s;
  s.high_water = 253402300799 + 1000;
  CHECK(*parsed(d::format_state(s)).high_water == 253402300799);
  s.high_water = std::numeric_limits<UnixTime>::min();
  CHECK(*parsed(d::format_state(s)).high_water == -62167219200);
}

TEST_CASE("state format: anything else is damaged, with the reason") {
  CHECK(why_damaged("") == "not valid JSON");
  CHECK(why_damaged("{\"seatkey_state\": 1") == "not valid JSON");
  CHECK(why_damaged("[]") == "not a JSON object");
  CHECK(why_damaged(std::string("{\"seatkey_state\": 1}\0", 21)) ==
        "not valid JSON: a NUL byte at offset 20");
  CHECK(why_damaged(edited("{\n  \"seatkey_state\": 1,", "{\"seatkey_state\": 1, \"seatkey_state\": 1,")) ==
        "duplicated key \"seatkey_state\"");
  CHECK(why_damaged(edited("\"seatkey_state\": 1,", "\"x\": {\"a\": 1, \"a\": 2}, \"seatkey_state\": 1,")) ==
        "duplicated key \"a\"");
  CHECK(why_damaged(edited("\"seatkey_state\": 1,", "\"x\": " + std::string(16, '[') + std::string(16, ']') +
                                                        ", \"seatkey_state\": 1,")) == "nested too deeply");
  CHECK(why_damaged(edited("\"seatkey_state\": 1", "\"seatkey_state\": 2")) ==
        "seatkey_state is not 1 (a state file of another version)");
  CHECK(why_damaged(edited("\"seatkey_state\": 1", "\"seatkey_state\": \"1\"")) ==
        "seatkey_state is not 1 (a state file of another version)");
  CHECK(why_damaged(edited("\"seatkey_state\": 1,", "")) == "seatkey_state is missing");
  CHECK(why_damaged(edited("\"high_water\"", "\"high_water_\"")) == "high_water is missing");
  CHECK(why_damaged(edited("2026-12-01T00:00:00Z", "2026-12-01")) == "high_water is not an RFC 3339 time");
  CHECK(why_damaged(edited("\"2026-12-01T00:00:00Z\"", "1796083200")) ==
        "high_water is not an RFC 3339 time");
  CHECK(why_damaged(edited("2026-12-01T00:00:00Z", "10000-01-01T00:00:00Z")) ==
        "high_water is not an RFC 3339 time");
  CHECK(why_damaged(edited("\"001A2B3C4D5E\"", "\"00:1a:2b:3c:4d:5e\"")) ==
        "good_appliance is not a canonical appliance ID");
  CHECK(why_damaged(edited("\"compact\"", "\"gold\"")) ==
        "good_edition is not one of free, compact, appliance, vm");
  CHECK(why_damaged(edited("\"good_server_license\": \"1001\"", "\"good_server_license\": \"\"")) ==
        "good_server_license is not a license serial");
  CHECK(why_damaged(edited("\"good_server_license\": \"1001\"", "\"good_server_license\": \"10 01\"")) ==
        "good_server_license is not a license serial");
  CHECK(why_damaged(edited("\"good_licensed_users\": 20", "\"good_licensed_users\": -1")) ==
        "good_licensed_users is not a whole number from 0 to 1000000");
  CHECK(why_damaged(edited("\"good_licensed_users\": 20", "\"good_licensed_users\": 1000001")) ==
        "good_licensed_users is not a whole number from 0 to 1000000");
  CHECK(why_damaged(edited("\"good_licensed_users\": 20", "\"good_licensed_users\": 18446744073709551615")) ==
        "good_licensed_users is not a whole number from 0 to 1000000");
  CHECK(why_damaged(edited("\"good_licensed_users\": 20", "\"good_licensed_users\": 20.0")) ==
        "good_licensed_users is not a whole number");
  CHECK(why_damaged(edited("\"good_licensed_users\": 20", "\"good_licensed_users\": 0")) ==
        "good_licensed_users is 0: a last good entitlement is licensed");
  CHECK(why_damaged(edited("\"good_max_users\": 20", "\"good_max_users\": \"20\"")) ==
        "good_max_users is not a whole number");
  CHECK(why_damaged(edited("\"good_pack_users\": 18,", "")) == "good_pack_users is missing");
  CHECK(why_damaged(edited("\"good_until\": \"2027-01-01T00:00:00Z\"",
                           "\"good_until\": \"2026-11-28T10:00:00Z\"")) == "good_until is not after good_at");
  CHECK(why_damaged(edited("\"good_at\": \"2026-11-28T10:00:00Z\"",
                           "\"good_at\": \"2026-12-02T00:00:00Z\"")) == "good_at is after high_water");
  CHECK(why_damaged(edited("\"appliance_changed\"", "\"bored\"")) == "grace_reason is not a grace reason");
  CHECK(why_damaged(edited("\"grace_until\": \"2026-12-30T00:00:00Z\"",
                           "\"grace_until\": \"2026-11-29T00:00:00Z\"")) ==
        "grace_until is before grace_since");
  CHECK(why_damaged(edited("\"grace_since\": \"2026-11-30T00:00:00Z\"",
                           "\"grace_since\": \"2026-12-02T00:00:00Z\"")) ==
        "grace_since is after high_water");
  CHECK(why_damaged(edited("\"grace_reason\": \"appliance_changed\"\n",
                           "\"grace_reasons\": \"appliance_changed\"\n")) == "grace_reason is missing");
  const std::string no_last_good = d::format_state(d::State{at(kNow), std::nullopt, std::nullopt});
  CHECK(why_damaged(no_last_good.substr(0, no_last_good.rfind('}')) +
                    ", \"grace_since\": \"2026-11-01T00:00:00Z\", \"grace_until\": \"2026-11-02T00:00:00Z\", "
                    "\"grace_reason\": \"licenses_damaged\"}") == "a grace without a last good entitlement");
}

TEST_CASE("state file: rewritten when anything changed, or when the high-water mark moved an hour") {
  const d::State s = full_state();
  d::State later = s;
  *later.high_water += 3599;
  later.last_good->at += 3599;
  CHECK_FALSE(d::needs_saving(s, later));  // a re-check within the hour
  CHECK_FALSE(d::needs_saving(s, s));
  *later.high_water += 1;
  CHECK(d::needs_saving(s, later));  // an hour later
  d::State changed = s;
  changed.last_good->licensed_users = 19;
  CHECK(d::needs_saving(s, changed));
  changed = s;
  changed.last_good->good_until.reset();
  CHECK(d::needs_saving(s, changed));
  changed = s;
  changed.grace.reset();
  CHECK(d::needs_saving(s, changed));
  changed = s;
  changed.grace->until -= 1;
  CHECK(d::needs_saving(s, changed));
  changed = s;
  changed.last_good.reset();
  changed.grace.reset();
  CHECK(d::needs_saving(s, changed));
  CHECK(d::needs_saving(d::State{}, s));  // nothing valid on disk
}

TEST_CASE("state file: missing, written 0600 atomically, read back, damaged is empty with a warning") {
  ScratchDir dir;
  const std::string path = dir.file("state.json");
  {
    d::StateFile f;
    std::vector<v::Warning> w;
    f.open(path, &w);
    CHECK(f.state().empty());
    REQUIRE(w.size() == 1);
    CHECK(w[0].code == v::WarningCode::state_missing);
    CHECK(w[0].message ==
          "state file " + path + " does not exist yet: evaluated without one; a new one is written");
    const mode_t old_umask = ::umask(0277);  // the file is 0600 whatever the umask
    f.save(full_state(), &w);
    ::umask(old_umask);
    CHECK(w.size() == 1);
  }
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(read_file(path) == kText);
  CHECK(::access((path + ".tmp").c_str(), F_OK) != 0);
  {
    d::StateFile f;
    std::vector<v::Warning> w;
    f.open(path, &w);
    CHECK(w.empty());
    CHECK(f.state() == full_state());
  }
  dir.write("state.json", "{\"seatkey_state\": 1, \"high_water\": \"2026-");
  std::vector<v::Warning> w;
  {
    d::StateFile f;  // closed before the next open, which would otherwise wait for its lock
    f.open(path, &w);
    CHECK(f.state().empty());
    REQUIRE(w.size() == 1);
    CHECK(w[0].code == v::WarningCode::state_damaged);
    CHECK(w[0].message ==
          "state file " + path + " is damaged (not valid JSON): evaluated without one; it is rewritten");
  }
  dir.write("state.json", std::string(64 * 1024 + 1, ' '));
  w.clear();
  d::StateFile big;
  big.open(path, &w);
  CHECK(w.at(0).message ==
        "state file " + path + " is damaged (over 64 KiB): evaluated without one; it is rewritten");
}

TEST_CASE("state file: a directory or FIFO is unreadable at once, a FIFO is replaced, a directory is not") {
  ScratchDir dir;
  REQUIRE(::mkdir(dir.file("a-dir").c_str(), 0700) == 0);
  REQUIRE(::mkfifo(dir.file("a-fifo").c_str(), 0600) == 0);
  for (const char* name : {"a-dir", "a-fifo"}) {
    CAPTURE(name);
    const auto start = std::chrono::steady_clock::now();
    d::StateFile f;
    std::vector<v::Warning> w;
    f.open(dir.file(name), &w);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    REQUIRE(w.size() == 1);
    CHECK(w[0].code == v::WarningCode::state_unreadable);
    const std::string what = std::string(name) == "a-dir" ? "is a directory" : "not a regular file (a FIFO)";
    CHECK(w[0].message ==
          "cannot read state file " + dir.file(name) + ": " + what + ": evaluated without one");
    f.save(full_state(), &w);
    if (std::string(name) == "a-dir") {
      REQUIRE(w.size() == 2);
      CHECK(w[1].code == v::WarningCode::state_not_saved);
      CHECK(w[1].message == "state file " + dir.file(name) + " was not updated: rename of " + dir.file(name) +
                                ".tmp: Is a directory");
      CHECK(::access((dir.file(name) + ".tmp").c_str(), F_OK) != 0);
    } else {
      CHECK(w.size() == 1);
      CHECK(read_file(dir.file(name)) == kText);
    }
  }
}

TEST_CASE("state file: in a folder that does not exist, missing and not saved") {
  ScratchDir dir;
  d::StateFile f;
  std::vector<v::Warning> w;
  const std::string nowhere = dir.file("no-such-folder/state.json");
  f.open(nowhere, &w);
  CHECK(w.at(0).code == v::WarningCode::state_missing);
  f.save(full_state(), &w);
  REQUIRE(w.size() == 2);
  CHECK(w[1].code == v::WarningCode::state_not_saved);
  CHECK(w[1].message == "state file " + nowhere + " was not updated: cannot open its folder " +
                            dir.file("no-such-folder") + ": No such file or directory");
}

TEST_CASE("state file: a stale temporary file is replaced, a link in its place is never followed") {
  ScratchDir dir;
  const std::string path = dir.file("state.json");
  dir.write("state.json.tmp", "half a state fr");
  {
    d::StateFile f;
    std::vector<v::Warning> w;
    f.open(path, &w);
    f.save(full_state(), &w);
    CHECK(w.size() == 1);  // state_missing only
  }
  CHECK(read_file(path) == kText);
  // A link where the temporary file goes, pointing at a file someone wants overwritten: the
  // link is removed and a new file made; the target is untouched.
  const std::string target = dir.write("precious", "do not touch");
  REQUIRE(::symlink(target.c_str(), (path + ".tmp").c_str()) == 0);
  d::StateFile f;
  std::vector<v::Warning> w;
  f.open(path, &w);
  d::State s = full_state();
  s.grace.reset();
  f.save(s, &w);
  CHECK(w.empty());
  CHECK(read_file(target) == "do not touch");
  CHECK(parsed(read_file(path)) == s);
}

TEST_CASE(
    "state file: the lock file's lock makes a second evaluation wait, and give up writing after the wait") {
  ScratchDir dir;
  const std::string path = dir.file("state.json");
  {
    d::StateFile first;  // makes the lock file
    std::vector<v::Warning> w;
    first.open(path, &w, 300);
  }
  const int held = ::open((path + ".lock").c_str(), O_RDONLY);
  REQUIRE(held >= 0);
  REQUIRE(::flock(held, LOCK_EX) == 0);
  d::StateFile f;
  std::vector<v::Warning> w;
  const auto start = std::chrono::steady_clock::now();
  f.open(path, &w, 300);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
  CHECK_FALSE(f.save(full_state(), &w));
  REQUIRE(w.size() == 2);
  CHECK(w[1].code == v::WarningCode::state_not_saved);
  CHECK(w[1].message == "state file " + path + " was not updated: another evaluation held the lock on " +
                            path + ".lock for 300 ms");
  CHECK(::access(path.c_str(), F_OK) != 0);
  ::close(held);
  // Free again: saved.
  d::StateFile g;
  w.clear();
  g.open(path, &w, 300);
  CHECK(g.save(full_state(), &w));
  CHECK(w.size() == 1);
  CHECK(read_file(path) == kText);
}

TEST_CASE(
    "state file: a lock held on its folder does not stop it - the lock is a 0600 lock file of its own") {
  ScratchDir dir;
  const std::string path = dir.file("state.json");
  // Whoever may read the folder may open and lock it: that must not keep the state from being
  // written (which would freeze the high-water mark and restart a grace at every boot).
  const int folder = ::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(folder >= 0);
  REQUIRE(::flock(folder, LOCK_EX) == 0);
  std::vector<v::Warning> w;
  {
    const mode_t old_umask = ::umask(0);  // the lock file is 0600 whatever the umask
    d::StateFile f;
    const auto start = std::chrono::steady_clock::now();
    f.open(path, &w, 300);
    ::umask(old_umask);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(300));
    CHECK(f.save(full_state(), &w));
    REQUIRE(w.size() == 1);  // state_missing only
    CHECK(read_file(path) == kText);
  }
  ::close(folder);
  struct stat st;
  REQUIRE(::lstat((path + ".lock").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  // One made more open by someone who could write the folder is made 0600 again.
  REQUIRE(::chmod((path + ".lock").c_str(), 0644) == 0);
  d::StateFile g;
  w.clear();
  g.open(path, &w, 300);
  REQUIRE(::stat((path + ".lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(g.save(full_state(), &w));
  CHECK(w.empty());
}

TEST_CASE(
    "state file: a lock file that is a link or a FIFO is never followed or waited on, and not written") {
  ScratchDir dir;
  const std::string path = dir.file("state.json");
  const std::string target = dir.write("precious", "do not touch");
  REQUIRE(::symlink(target.c_str(), (path + ".lock").c_str()) == 0);
  d::StateFile f;
  std::vector<v::Warning> w;
  f.open(path, &w, 300);
  CHECK_FALSE(f.save(full_state(), &w));
  REQUIRE(w.size() == 2);
  CHECK(w[1].message == "state file " + path + " was not updated: cannot open its lock file " + path +
                            ".lock: Too many levels of symbolic links");
  CHECK(read_file(target) == "do not touch");
  CHECK(::access(path.c_str(), F_OK) != 0);
  REQUIRE(::unlink((path + ".lock").c_str()) == 0);
  REQUIRE(::mkfifo((path + ".lock").c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  d::StateFile g;
  w.clear();
  g.open(path, &w, 300);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK_FALSE(g.save(full_state(), &w));
  REQUIRE(w.size() == 2);
  CHECK(w[1].message ==
        "state file " + path + " was not updated: its lock file " + path + ".lock is not a regular file");
}

TEST_SUITE_END();
