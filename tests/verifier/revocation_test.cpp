// Revocation lists (docs/format.md, "Revocation lists"): the one with the highest seq among
// the set's and the built-in one applies, the others are superseded, the licenses it names are
// revoked; sizes, bad lists, grace.
#include <doctest/doctest.h>

#include <algorithm>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

// A revocation list token: serial, seq, the revoked serials (any order), signed by `key`.
std::string revocation(std::string serial, std::int64_t seq, std::vector<std::string> revoked,
                       const SecretKey& key = dev_key(), const char* iat = "2026-11-20T09:00:00Z") {
  RevocationList list;
  list.issuer = "Example PBX Vendor";
  list.serial = std::move(serial);
  list.issued_at = at(iat);
  list.seq = seq;
  std::sort(revoked.begin(), revoked.end(),
            [](const std::string& a, const std::string& b) { return compare_serials(a, b) < 0; });
  for (const std::string& s : revoked) list.revoked.push_back(s);
  return sign_payload(to_payload_json(list), key);
}

// A Compact (1001) with two 5-user packs (1002, 1003).
std::vector<std::string> compact13() {
  return {server("1001", Edition::compact).token(), pack("1002", 5).token(), pack("1003", 5).token()};
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// evaluate() at kNow with the given built-in lists (sources "built-in").
v::Entitlement evaluate_with(const v::LicenseSet& set, const std::vector<std::string>& built_in,
                             const v::TrustStore& trust = dev_trust()) {
  v::EvaluationContext c;
  c.now = at(kNow);
  c.revocation_lists.emplace();
  for (const auto& t : built_in) c.revocation_lists->push_back({t, "built-in"});
  auto e = v::evaluate(set, kAppliance, trust, c);
  REQUIRE_MESSAGE(e.ok(), (e.ok() ? std::string() : e.error().message));
  return std::move(*e);
}

// Every token's outcome, the set's in order and then the built-in lists': "accepted" or its
// reason code.
std::vector<std::string> reasons(const v::Entitlement& e) {
  std::vector<std::string> out;
  for (std::size_t i = 1;; ++i) {
    const std::string source = "t:" + std::to_string(i);
    const auto is = [&](const v::LicenseReport& r) { return r.source == source; };
    const auto a = std::find_if(e.accepted.begin(), e.accepted.end(), is);
    const auto r = std::find_if(e.rejected.begin(), e.rejected.end(), is);
    if (a != e.accepted.end()) {
      out.push_back("accepted");
    } else if (r != e.rejected.end()) {
      out.push_back(v::reason_name(*r->reason));
    } else {
      break;
    }
  }
  for (const auto& r : e.accepted)
    if (r.source == "built-in") out.push_back("accepted");
  for (const auto& r : e.rejected)
    if (r.source == "built-in") out.push_back(v::reason_name(*r.reason));
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("revocation: a license the list names is revoked, the list is accepted, its seq reported") {
  const auto e = evaluate_ok(set_of(plus(compact13(), {revocation("2001", 1, {"1003", "77"})})));
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "accepted", "revoked", "accepted"});
  CHECK(e.licensed_users == 8);
  REQUIRE(e.revocation_seq);
  CHECK(*e.revocation_seq == 1);
  const auto& list = report_of(e, "t:4");
  CHECK(list.kind == v::LicenseKind::revocation);
  CHECK(list.serial == "2001");
  CHECK_FALSE(list.users);  // a list has no users
  CHECK_FALSE(list.expires);
  CHECK(list.message == "the revocation list that applies: seq 1, 2 serials revoked");
  const auto& revoked = report_of(e, "t:3");
  CHECK(revoked.serial == "1003");
  CHECK(revoked.kind == v::LicenseKind::users);
  CHECK(revoked.message == "revoked by the vendor: named in revocation list 2001 (seq 1) from t:4");
}

TEST_CASE("revocation: no list, or only lists that do not verify - revocation_seq is null") {
  CHECK_FALSE(evaluate_ok(set_of(compact13())).revocation_seq);
  const auto e = evaluate_ok(set_of(plus(compact13(), {revocation("2001", 1, {"1003"}, key_a())})));
  CHECK_FALSE(e.revocation_seq);
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "accepted", "accepted", "unknown_key"});
  CHECK(e.licensed_users == 13);
}

TEST_CASE("revocation: the highest seq applies, whatever the order, the others are superseded") {
  // Lists are cumulative: seq 3 names 1002 only (1003 was restored); seq 2 named both.
  const std::string older = revocation("2002", 2, {"1002", "1003"});
  const std::string newest = revocation("2003", 3, {"1002"});
  const std::string oldest = revocation("2001", 1, {"1001"});
  const auto e = evaluate_ok(set_of(plus(compact13(), {older, newest, oldest})));
  CHECK(outcomes(e) ==
        std::vector<std::string>{"accepted", "revoked", "accepted", "superseded", "accepted", "superseded"});
  CHECK(*e.revocation_seq == 3);
  CHECK(e.licensed_users == 8);
  CHECK(report_of(e, "t:4").kind == v::LicenseKind::revocation);
  CHECK(report_of(e, "t:4").message ==
        "replaced by revocation list 2003 (seq 3) from t:5 (a higher seq: lists are cumulative)");
  CHECK(report_of(e, "t:6").message ==
        "replaced by revocation list 2003 (seq 3) from t:5 (a higher seq: lists are cumulative)");
}

TEST_CASE("revocation: revoked is checked after wrong_appliance, before not_yet_valid and expired") {
  const std::string list = revocation("2001", 1, {"1002", "1003", "1004", "1005"});
  const auto e = evaluate_ok(set_of({
      server("1001", Edition::appliance).token(),
      pack("1002", 5).appliance(kOtherAppliance).token(),  // another appliance's
      pack("1003", 5).nbf("2027-01-01T00:00:00Z").token(),
      pack("1004", 5).exp("2026-11-20T00:00:00Z").token(),
      pack("1005", 5).token(),
      pack("1005", 5).token(),  // a copy of a revoked license is revoked too, not a duplicate
      list,
  }));
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "wrong_appliance", "revoked", "revoked",
                                                "revoked", "revoked", "accepted"});
  CHECK(e.licensed_users == 1);
}

TEST_CASE("revocation: a revoked server license - the appliance is not licensed, its packs have no server") {
  const auto e = evaluate_ok(set_of(plus(compact13(), {revocation("2001", 1, {"1001"})})));
  CHECK(outcomes(e) ==
        std::vector<std::string>{"revoked", "no_server_license", "no_server_license", "accepted"});
  CHECK_FALSE(e.licensed);
}

TEST_CASE(
    "revocation: a serial is named exactly - 0042 is not 42, a-7 is not A-7, found in a list of any order") {
  // The list is in compare_serials() order (numeric values first by size): 9 < 0042 < 42 < 100.
  const auto e =
      evaluate_ok(set_of({server("1001", Edition::vm).token(), pack("42", 1).token(), pack("A-7", 1).token(),
                          pack("a-7", 1).token(), pack("0042", 1).token(),
                          revocation("2001", 1, {"0042", "100", "9", "A-7", "9999999999999999999999"})}));
  CHECK(outcomes(e) ==
        std::vector<std::string>{"accepted", "accepted", "revoked", "accepted", "revoked", "accepted"});
}

TEST_CASE("revocation: bad lists get the usual reasons and apply nothing") {
  std::string tampered = revocation("2001", 1, {"1002"});
  tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
  // A revocation list of claims that are not a valid list (unsorted serials).
  const std::string unsorted = sign_payload(
      R"({"iss":"Example PBX Vendor","jti":"2002","iat":"2026-11-20T09:00:00Z","kind":"revocation","seq":2,"revoked":["1003","1002"]})");
  const auto e =
      evaluate_ok(set_of(plus(compact13(), {revocation("2003", 3, {"1002"}, key_a()), tampered, unsorted})));
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "accepted", "accepted", "unknown_key",
                                                "bad_signature", "invalid_claims"});
  CHECK_FALSE(e.revocation_seq);
  CHECK(contains(report_of(e, "t:4").message,
                 "signed by a key this system does not trust (" + key_a().public_key().id() + ")"));
  CHECK(report_of(e, "t:5").message == "the signature does not match: the license was altered or damaged");
  CHECK(contains(report_of(e, "t:6").message, "the license content is invalid: "));
  CHECK(contains(report_of(e, "t:6").message, "revoked"));
}

TEST_CASE("revocation: sizes - a list may take 1 MiB, a license 4 KiB") {
  // 20,000 serials: about 200 KB, far over a license's 4 KiB.
  std::vector<std::string> many;
  for (int i = 0; i < 20000; ++i) many.push_back(std::to_string(100000 + i));
  many.push_back("1002");
  const std::string big = revocation("2001", 1, many);
  REQUIRE(big.size() > 100000);
  auto e = evaluate_ok(set_of(plus(compact13(), {big})));
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "revoked", "accepted", "accepted"});
  CHECK(report_of(e, "t:4").message == "the revocation list that applies: seq 1, 20001 serials revoked");

  // A signed license over 4 KiB (a long customer name) is malformed once its claims say it is one.
  Lic fat = pack("1004", 5);
  fat.l.customer = std::string(5000, 'x');
  const std::string fat_token = fat.token();
  REQUIRE(fat_token.size() > 4096);
  // A signed token over 4 KiB whose claims are not valid is malformed too (it is no list).
  const std::string junk =
      sign_payload(R"({"kind":"revocation","seq":1,"filler":")" + std::string(5000, 'y') + "\"}");
  // Over 1 MiB nothing is read, whatever it is.
  const std::string huge = "v4.public." + std::string(1024 * 1024, 'A');
  e = evaluate_ok(set_of(plus(compact13(), {fat_token, junk, huge})));
  CHECK(outcomes(e) ==
        std::vector<std::string>{"accepted", "accepted", "accepted", "malformed", "malformed", "malformed"});
  CHECK(report_of(e, "t:4").message ==
        "not a valid license: " + std::to_string(fat_token.size()) +
            " bytes, over the 4096-byte limit of a license (only a revocation list may be larger)");
  CHECK_FALSE(report_of(e, "t:4").serial);  // nothing of an oversized license is reported
  CHECK(report_of(e, "t:5").message ==
        "not a valid license: " + std::to_string(junk.size()) +
            " bytes, over the 4096-byte limit of a license (only a revocation list may be larger)");
  CHECK(report_of(e, "t:6").message ==
        "not a valid license: " + std::to_string(huge.size()) +
            " bytes, over the 1048576-byte limit of a revocation list (not read)");

  // An unsigned or wrongly signed big token gets the signature's reasons.
  const std::string big_other_key = revocation("2002", 2, many, key_a());
  e = evaluate_ok(set_of({big_other_key}));
  CHECK(outcomes(e) == std::vector<std::string>{"unknown_key"});
}

TEST_CASE("revocation: the built-in list applies without any list in the folder") {
  const std::string built_in = revocation("2001", 1, {"1002"});
  // The folder's list was deleted: the built-in one still revokes 1002.
  auto e = evaluate_with(set_of(compact13()), {built_in});
  CHECK(report_of(e, "t:1").reason == std::nullopt);
  CHECK(report_of(e, "t:2").reason == v::Reason::revoked);
  CHECK(report_of(e, "t:3").reason == std::nullopt);
  CHECK(e.licensed_users == 8);
  CHECK(*e.revocation_seq == 1);
  REQUIRE(e.accepted.size() == 3);
  CHECK(e.accepted.back().source == "built-in");  // reported after the set's tokens
  CHECK(e.accepted.back().kind == v::LicenseKind::revocation);
  CHECK(report_of(e, "t:2").message ==
        "revoked by the vendor: named in revocation list 2001 (seq 1) from built-in");
}

TEST_CASE("revocation: a newer list in the folder replaces the built-in one, an older one does not") {
  const std::string built_in = revocation("2002", 2, {"1002"});
  // Newer: seq 3 names 1002 and 1003 (lists are cumulative).
  auto e = evaluate_with(set_of(plus(compact13(), {revocation("2003", 3, {"1002", "1003"})})), {built_in});
  CHECK(e.accepted.size() + e.rejected.size() == 5);
  CHECK(report_of(e, "t:2").reason == v::Reason::revoked);
  CHECK(report_of(e, "t:3").reason == v::Reason::revoked);
  CHECK(report_of(e, "t:4").reason == std::nullopt);
  CHECK(report_of(e, "built-in").reason == v::Reason::superseded);
  CHECK(report_of(e, "built-in").message ==
        "replaced by revocation list 2003 (seq 3) from t:4 (a higher seq: lists are cumulative)");
  CHECK(*e.revocation_seq == 3);
  CHECK(e.licensed_users == 3);

  // Older: seq 1 (which named nothing of 1002) is superseded by the built-in seq 2.
  e = evaluate_with(set_of(plus(compact13(), {revocation("2001", 1, {"1003"})})), {built_in});
  CHECK(report_of(e, "t:2").reason == v::Reason::revoked);
  CHECK(report_of(e, "t:3").reason == std::nullopt);
  CHECK(report_of(e, "t:4").reason == v::Reason::superseded);
  CHECK(report_of(e, "built-in").reason == std::nullopt);
  CHECK(*e.revocation_seq == 2);

  // The same list in the folder: the built-in copy applies, the folder's is superseded.
  e = evaluate_with(set_of(plus(compact13(), {built_in})), {built_in});
  CHECK(report_of(e, "built-in").reason == std::nullopt);
  CHECK(report_of(e, "t:4").reason == v::Reason::superseded);
  CHECK(report_of(e, "t:4").message == "a copy of revocation list 2002 (seq 2) from built-in");
}

TEST_CASE(
    "revocation: the built-in list is a floor - a rogue list of seq 9007199254740991 revokes nothing less") {
  // A list signed with the highest seq there is and nothing revoked (a taken signer could sign
  // one) outranks every list the vendor will ever issue; it must not revive what the firmware's
  // own list revoked.
  const std::string built_in = revocation("2002", 2, {"1002", "1003"});
  const std::string rogue = revocation("9999", 9007199254740991, {});
  auto e = evaluate_with(set_of(plus(compact13(), {rogue})), {built_in});
  CHECK(reasons(e) == std::vector<std::string>{"accepted", "revoked", "revoked", "accepted", "accepted"});
  CHECK(e.licensed_users == 3);
  CHECK(*e.revocation_seq == 9007199254740991);
  CHECK(report_of(e, "t:4").message ==
        "the revocation list that applies: seq 9007199254740991, 0 serials revoked");
  CHECK(report_of(e, "built-in").reason == std::nullopt);
  CHECK(report_of(e, "built-in").message ==
        "applies as a floor, which no newer list lowers: seq 2, 2 serials revoked, 2 of them left out by "
        "revocation list 9999 (seq 9007199254740991) from t:4");
  CHECK(report_of(e, "t:2").message ==
        "revoked by the vendor: named in revocation list 2002 (seq 2) from built-in");

  // A newer list that leaves out one of them (a restored void, or a pruned expired one): the
  // built-in list keeps it revoked; what the newer one adds is revoked too.
  e = evaluate_with(set_of(plus(compact13(), {revocation("2003", 3, {"1003", "1001"})})), {built_in});
  CHECK(reasons(e) == std::vector<std::string>{"revoked", "revoked", "revoked", "accepted", "accepted"});
  CHECK(report_of(e, "t:1").message ==
        "revoked by the vendor: named in revocation list 2003 (seq 3) from t:4");
  CHECK(report_of(e, "t:2").message ==
        "revoked by the vendor: named in revocation list 2002 (seq 2) from built-in");
  CHECK(report_of(e, "built-in").reason == std::nullopt);
  CHECK(contains(report_of(e, "built-in").message, "1 of them left out by revocation list 2003 (seq 3)"));
  CHECK_FALSE(e.licensed);

  // A list in the folder is no floor: a newer one in the folder replaces it as before.
  e = evaluate_ok(set_of(plus(compact13(), {revocation("2002", 2, {"1002"}), rogue})));
  CHECK(outcomes(e) ==
        std::vector<std::string>{"accepted", "accepted", "accepted", "superseded", "accepted"});
  CHECK(e.licensed_users == 13);
}

TEST_CASE("revocation and grace: a license the built-in list revokes gets no grace under a rogue list") {
  ScratchDir dir;
  // The last good boot was before the vendor revoked the server license.
  v::EvaluationContext before;
  before.now = at(kNow);
  before.state_path = dir.file("state.json");
  before.revocation_lists.emplace();
  REQUIRE(v::evaluate(set_of(compact13()), kAppliance, dev_trust(), before)->licensed_users == 13);
  // The next firmware has a list that revokes it; a rogue list with the highest seq arrives too.
  v::EvaluationContext c = before;
  c.revocation_lists->push_back({revocation("2002", 2, {"1001"}), "built-in"});
  c.now = at(kNow) + 86400;
  auto e = v::evaluate(set_of(plus(compact13(), {revocation("9999", 9007199254740991, {})})), kAppliance,
                       dev_trust(), c);
  REQUIRE(e.ok());
  CHECK_FALSE(e->licensed);
  CHECK_FALSE(e->grace);
}

TEST_CASE("revocation: only a revocation list belongs among the built-in lists") {
  const auto e = evaluate_with(set_of(compact13()), {pack("1004", 5).token()});
  REQUIRE(e.rejected.size() == 1);
  CHECK(e.rejected[0].source == "built-in");
  CHECK(e.rejected[0].reason == v::Reason::invalid_claims);
  CHECK(e.rejected[0].message ==
        "a user pack where only a revocation list belongs (a built-in revocation list)");
  CHECK(e.licensed_users == 13);  // the pack did not count
}

TEST_CASE("revocation: the built-in list is checked against the evaluation's trust store") {
  const auto trust_a = v::TrustStore::from_keys({key_a().public_key().to_paserk()}).value();
  const auto e = evaluate_with(set_of({}), {revocation("2001", 1, {"1002"})}, trust_a);
  REQUIRE(e.rejected.size() == 1);
  CHECK(e.rejected[0].reason == v::Reason::unknown_key);
  CHECK_FALSE(e.revocation_seq);
}

TEST_CASE("revocation: the list's issue time raises the clock floor") {
  v::EvaluationContext c;
  c.now = at("1970-01-01T00:00:00Z");
  const auto e = v::evaluate(set_of({revocation("2001", 1, {}, dev_key(), "2027-03-01T00:00:00Z")}),
                             kAppliance, dev_trust(), c);
  REQUIRE(e.ok());
  CHECK(e->clock_floor == at("2027-03-01T00:00:00Z"));
}

TEST_CASE("revocation: this build has no built-in list (SEATKEY_REVOCATIONS is not set for the tests)") {
  CHECK_FALSE(v::built_in_revocation_list());
  // Without an EvaluationContext::revocation_lists the built-in list (none) is used.
  const auto e = evaluate_ok(set_of(compact13()));
  CHECK(e.accepted.size() == 3);
  CHECK(e.rejected.empty());
}

// Grace (docs/format.md, "Grace") never covers a revocation.
namespace {

struct Boots {
  ScratchDir dir;
  v::Entitlement boot(const std::vector<std::string>& tokens, UnixTime now,
                      const std::vector<std::string>& built_in = {}) {
    v::EvaluationContext c;
    c.now = now;
    c.state_path = dir.file("state.json");
    c.grace_days = 30;
    c.revocation_lists.emplace();
    for (const auto& t : built_in) c.revocation_lists->push_back({t, "built-in"});
    auto e = v::evaluate(set_of(tokens), kAppliance, dev_trust(), c);
    REQUIRE_MESSAGE(e.ok(), (e.ok() ? std::string() : e.error().message));
    return std::move(*e);
  }
};

}  // namespace

TEST_CASE("revocation and grace: a revoked pack costs its users at once, no grace") {
  Boots b;
  const UnixTime t0 = at(kNow);
  CHECK(b.boot(compact13(), t0).licensed_users == 13);
  const auto e = b.boot(plus(compact13(), {revocation("2001", 1, {"1003"})}), t0 + 3600);
  CHECK_FALSE(e.grace);
  CHECK(e.licensed_users == 8);
  // The revoked pack's file deleted as well: still no grace (the list names a license that
  // counted), and 8 is the last good entitlement now.
  const auto later = b.boot({compact13()[0], compact13()[1], revocation("2001", 1, {"1003"})}, t0 + 7200);
  CHECK_FALSE(later.grace);
  CHECK(later.licensed_users == 8);
}

TEST_CASE(
    "revocation and grace: a revoked server license unlicenses at once, also after its file is deleted") {
  Boots b;
  const UnixTime t0 = at(kNow);
  const std::string list = revocation("2001", 1, {"1001"});
  CHECK(b.boot(compact13(), t0).licensed);
  // The revoked license's file is gone and the built-in list names it: a missing license would
  // be grace (licenses_damaged), a revoked one is not.
  auto e = b.boot({compact13()[1], compact13()[2]}, t0 + 3600, {list});
  CHECK_FALSE(e.grace);
  CHECK_FALSE(e.licensed);
  // Without the list the same loss is a damaged license set: grace.
  Boots other;
  CHECK(other.boot(compact13(), t0).licensed);
  e = other.boot({compact13()[1], compact13()[2]}, t0 + 3600);
  REQUIRE(e.grace);
  CHECK(e.grace->reason == v::GraceReason::licenses_damaged);
}

TEST_CASE(
    "revocation and grace: a revoked standby license unlicenses at once, also after its file is deleted") {
  constexpr const char* primary = "0099AABBCCDD";
  const std::string standby_license = standby("3001", primary).token();
  const std::vector<std::string> primary_licenses = {
      server("2001", Edition::compact).appliance(primary).token(),
      pack("2002", 5).appliance(primary).token()};
  const UnixTime t0 = at(kNow);
  Boots b;
  CHECK(b.boot(plus({standby_license}, primary_licenses), t0).standby_for == primary);
  // The standby license's file is gone and the built-in list names it: no grace.
  auto e = b.boot(primary_licenses, t0 + 3600, {revocation("4001", 1, {"3001"})});
  CHECK_FALSE(e.grace);
  CHECK_FALSE(e.licensed);
  // Without the list the same loss is grace, and what grace keeps is the primary's
  // entitlement, still naming the primary.
  Boots other;
  CHECK(other.boot(plus({standby_license}, primary_licenses), t0).licensed_users == 8);
  e = other.boot(primary_licenses, t0 + 3600);
  REQUIRE(e.grace);
  CHECK(e.licensed_users == 8);
  CHECK(e.standby_for == primary);
}

TEST_CASE("revocation and grace: a list that arrives during a grace period ends it") {
  Boots b;
  const UnixTime t0 = at(kNow);
  CHECK(b.boot(compact13(), t0).licensed);
  auto e = b.boot({}, t0 + 3600);  // the license files are gone: grace
  REQUIRE(e.grace);
  e = b.boot({}, t0 + 7200, {revocation("2001", 1, {"1001"})});
  CHECK_FALSE(e.grace);
  CHECK_FALSE(e.licensed);
}

TEST_CASE(
    "revocation: a revoked standby license ends the standby and a revoked primary pack stops counting") {
  constexpr const char* primary = "0099AABBCCDD";
  const std::vector<std::string> pair = {standby("3001", primary).token(),
                                         server("2001", Edition::compact).appliance(primary).token(),
                                         pack("2002", 5).appliance(primary).token()};
  // The primary's pack revoked: the standby still runs as the primary's standby, without it.
  const auto pack_revoked = evaluate_ok(set_of(plus(pair, {revocation("4001", 1, {"2002"})})));
  CHECK(pack_revoked.standby_for == std::optional<std::string>(primary));
  CHECK(pack_revoked.licensed_users == 3);
  CHECK(outcomes(pack_revoked) == std::vector<std::string>{"accepted", "accepted", "revoked", "accepted"});
  // The standby license revoked: no standby, so the primary's licenses are another appliance's.
  const auto standby_revoked = evaluate_ok(set_of(plus(pair, {revocation("4001", 1, {"3001"})})));
  CHECK_FALSE(standby_revoked.standby_for);
  CHECK_FALSE(standby_revoked.licensed);
  CHECK(outcomes(standby_revoked) ==
        std::vector<std::string>{"revoked", "wrong_appliance", "wrong_appliance", "accepted"});
}
