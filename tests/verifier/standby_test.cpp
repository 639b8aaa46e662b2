// Standby licenses on the appliance (docs/format.md, "Standby"): a valid standby license makes
// the primary's licenses count, and only them; without one the primary's are wrong_appliance.
#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

constexpr const char* kPrimary = "0099AABBCCDD";  // kOtherAppliance
constexpr const char* kThird = "00CAFE000003";

// The primary's license file: a Compact and a pack of 5.
std::vector<std::string> primary_licenses() {
  return {server("2001", Edition::compact).appliance(kPrimary).token(),
          pack("2002", 5).appliance(kPrimary).token()};
}

std::vector<std::string> with(std::vector<std::string> tokens, const std::string& more) {
  tokens.insert(tokens.begin(), more);
  return tokens;
}

}  // namespace

TEST_CASE(
    "standby: with the primary's license file, the standby reports the primary's users and standby_for") {
  const auto e = evaluate_ok(set_of(with(primary_licenses(), standby("3001", kPrimary).token())));
  CHECK(e.licensed);
  CHECK(e.appliance == kAppliance);
  CHECK(e.standby_for == std::optional<std::string>(kPrimary));
  CHECK(e.edition == v::Edition::compact);
  CHECK(e.server_license == "2001");
  CHECK(e.licensed_users == 8);
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "accepted", "accepted"});
  const auto& s = report_of(e, "t:1");
  CHECK(s.kind == v::LicenseKind::standby);
  CHECK(s.serial == "3001");
  CHECK_FALSE(s.users);
  CHECK(s.message ==
        "the active standby license: this appliance is the standby of 0099AABBCCDD and counts its licenses");
  CHECK(std::string(v::kind_name(v::LicenseKind::standby)) == "standby");
  // The clock floor counts the standby license's issue time like any other.
  CHECK(e.clock_floor == at("2026-11-03T09:00:00Z"));
}

TEST_CASE("standby: no standby license - the primary's licenses are wrong_appliance") {
  const auto e = evaluate_ok(set_of(primary_licenses()));
  CHECK_FALSE(e.licensed);
  CHECK_FALSE(e.standby_for);
  CHECK(outcomes(e) == std::vector<std::string>{"wrong_appliance", "wrong_appliance"});
  CHECK(report_of(e, "t:1").message == "issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E)");
}

TEST_CASE("standby: a standby license bound to another appliance is wrong_appliance, and counts nothing") {
  auto other = standby("3001", kPrimary);
  other.l.appliance = kThird;
  const auto e = evaluate_ok(set_of(with(primary_licenses(), other.token())));
  CHECK_FALSE(e.licensed);
  CHECK_FALSE(e.standby_for);
  CHECK(outcomes(e) == std::vector<std::string>{"wrong_appliance", "wrong_appliance", "wrong_appliance"});
  CHECK(report_of(e, "t:1").message == "issued for appliance 00CAFE000003, not for this one (001A2B3C4D5E)");
  CHECK(report_of(e, "t:1").kind == v::LicenseKind::standby);
}

TEST_CASE("standby: an expired or not yet valid standby license - the primary's licenses do not count") {
  SUBCASE("expired") {
    const auto e = evaluate_ok(
        set_of(with(primary_licenses(), standby("3001", kPrimary).exp("2026-11-20T00:00:00Z").token())));
    CHECK_FALSE(e.licensed);
    CHECK_FALSE(e.standby_for);
    CHECK(outcomes(e) == std::vector<std::string>{"expired", "wrong_appliance", "wrong_appliance"});
    CHECK(report_of(e, "t:2").message ==
          "issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E); it counts here only while a "
          "valid "
          "standby license names 0099AABBCCDD as the primary");
  }
  SUBCASE("not yet valid") {
    const auto e = evaluate_ok(
        set_of(with(primary_licenses(), standby("3001", kPrimary).nbf("2026-12-01T00:00:00Z").token())));
    CHECK_FALSE(e.licensed);
    CHECK(outcomes(e) == std::vector<std::string>{"not_yet_valid", "wrong_appliance", "wrong_appliance"});
  }
  SUBCASE("valid until its exp, listed as expiring") {
    const auto e = evaluate_ok(
        set_of(with(primary_licenses(), standby("3001", kPrimary).exp("2026-12-01T00:00:00Z").token())));
    CHECK(e.licensed);
    REQUIRE(e.expiring.size() == 1);
    CHECK(e.accepted[e.expiring[0]].serial == "3001");
  }
}

TEST_CASE("standby: the standby's own licenses do not count while a standby license applies") {
  auto tokens = with(primary_licenses(), standby("3001", kPrimary).token());
  tokens.push_back(server("4001", Edition::vm).token());
  tokens.push_back(pack("4002", 5).token());
  const auto e = evaluate_ok(set_of(tokens));
  CHECK(e.standby_for == std::optional<std::string>(kPrimary));
  CHECK(e.server_license == "2001");
  CHECK(e.licensed_users == 8);
  CHECK(outcomes(e) ==
        std::vector<std::string>{"accepted", "accepted", "accepted", "wrong_appliance", "wrong_appliance"});
  CHECK(report_of(e, "t:4").message ==
        "issued for this appliance, but this appliance is the standby of 0099AABBCCDD (standby license 3001 "
        "from "
        "t:1): only the primary's licenses count on a standby");
  // Without the standby license, they count.
  tokens.erase(tokens.begin());
  const auto own = evaluate_ok(set_of(tokens));
  CHECK(own.server_license == "4001");
  CHECK(own.licensed_users == 6);
}

TEST_CASE("standby: two standby licenses - the later issued one applies, the other is superseded") {
  auto third = server("5001", Edition::vm).appliance(kThird);
  auto tokens = primary_licenses();
  tokens.push_back(third.token());
  tokens.push_back(standby("3001", kPrimary).token());
  tokens.push_back(standby("3002", kThird).iat("2026-11-04T09:00:00Z").token());
  const auto e = evaluate_ok(set_of(tokens));
  CHECK(e.standby_for == std::optional<std::string>(kThird));
  CHECK(e.server_license == "5001");
  CHECK(outcomes(e) ==
        std::vector<std::string>{"wrong_appliance", "wrong_appliance", "accepted", "superseded", "accepted"});
  CHECK(report_of(e, "t:4").message ==
        "replaced by the standby license 3002 (standby of 00CAFE000003) from t:5 (it was issued later)");
  CHECK(
      report_of(e, "t:1").message ==
      "issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E); this appliance is the standby of "
      "00CAFE000003 (standby license 3002 from t:5)");
}

TEST_CASE("standby: a standby of an unlicensed primary is not licensed, and still names the primary") {
  const auto e = evaluate_ok(set_of({standby("3001", kPrimary).token()}));
  CHECK_FALSE(e.licensed);
  CHECK(e.standby_for == std::optional<std::string>(kPrimary));
}
