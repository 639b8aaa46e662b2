// Standby licenses (docs/back-office.md, "Standby appliances"): the issuing rules, --replace
// voiding the previous one in the same transaction, the export of a standby, and what the
// verifier computes from that file.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/verifier.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::kNow;
using test::packs;
using test::server;
using test::standby;

namespace {

constexpr const char* kPrimary = "001A2B3C4D5E";
constexpr const char* kStandby = "00AABBCCDDEE";
constexpr const char* kOther = "00FFEEDDCCBB";

IssueOptions at(UnixTime now) {
  return test::at(now, "desk");
}

struct Fixture : test::LedgerFixture {
  IssueResult issue_one(const Order& o, UnixTime now = kNow) {
    return test::ok(issue(ledger, key, {o}, at(now)));
  }
  // The refusal's message; nothing written.
  std::string last_hint;  // the command the last refusal named for seatkey-keygen
  std::string refusal(const Order& o, UnixTime now = kNow) {
    const std::string before = test::ledger_snapshot(path);
    auto e = test::error_of([&] { issue_one(o, now); });
    REQUIRE(e);
    CHECK(e->kind == Kind::refused);
    CHECK(test::ledger_snapshot(path) == before);
    last_hint = e->command_hint;
    return e->message;
  }
  ApplianceState state(const std::string& appliance, UnixTime now = kNow) {
    return ApplianceState(appliance, test::ok(ledger.licenses().of_appliance(appliance)), now);
  }
};

}  // namespace

TEST_CASE("standby: issued for a primary with a commercial server license, with the claims of the format" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.issue_one(server(kPrimary, Edition::compact));
  f.issue_one(packs(kPrimary, 5));
  auto o = standby(kStandby, kPrimary);
  o.customer = "Acme";
  o.expires = kNow + 86400 * 365;
  const auto r = f.issue_one(o, kNow + 10);
  REQUIRE(r.orders.size() == 1);
  REQUIRE(r.orders[0].entries.size() == 1);
  const LedgerEntry& e = r.orders[0].entries[0];
  CHECK(e.kind == LicenseKind::standby);
  CHECK(e.appliance == kStandby);
  CHECK(e.primary_appliance == std::optional<std::string>(kPrimary));
  CHECK(e.users == 0);
  CHECK(r.orders[0].voided.empty());
  // The summary is the primary's: what the standby counts.
  CHECK(r.orders[0].after.appliance == kPrimary);
  CHECK(r.orders[0].after.users.licensed_users == 8);

  auto v = verify_v4_public(f.key.public_key(), e.token);
  REQUIRE(v);
  auto claims = parse_claims(v->payload);
  REQUIRE(claims);
  CHECK(claims->kind == LicenseKind::standby);
  CHECK(claims->appliance == kStandby);
  CHECK(claims->primary == std::optional<std::string>(kPrimary));
  CHECK(claims->customer == std::optional<std::string>("Acme"));
  CHECK(claims->expires == o.expires);
  CHECK(v->payload.find("\"users\"") == std::string::npos);

  // Recorded with its primary (the row is a link of the chain like every row).
  const auto row = test::ok(f.ledger.licenses().find(e.serial));
  REQUIRE(row);
  CHECK(row->primary_appliance == std::optional<std::string>(kPrimary));
  CHECK(row->chain_hash);
  CHECK(test::ok(f.ledger.licenses().standbys_of(kPrimary)).size() == 1);
  CHECK(test::ok(f.ledger.licenses().standbys_of(kStandby)).empty());
  CHECK(f.state(kStandby, kNow + 10).active_standby() != nullptr);
  CHECK(f.state(kStandby, kNow + 10).status_of(*row) == "active");
}

TEST_CASE("standby: refusals name why, and write nothing" * doctest::test_suite("ledger")) {
  Fixture f;
  CHECK(test::contains(f.refusal(standby(kStandby, kPrimary)),
                       "primary 001A2B3C4D5E has no active server license on record: a standby runs on its "
                       "primary's licenses"));
  f.issue_one(server(kPrimary, Edition::free));
  CHECK(test::contains(
      f.refusal(standby(kStandby, kPrimary)),
      "primary 001A2B3C4D5E runs the free edition (server license 1): a standby needs a primary "
      "with a commercial server license"));
  f.issue_one(server(kPrimary, Edition::vm));
  CHECK(test::contains(f.refusal(standby(kPrimary, kPrimary)),
                       "a standby license pairs two appliances, but the standby and its primary are both "
                       "001A2B3C4D5E"));
  auto expired = standby(kStandby, kPrimary);
  expired.expires = kNow;
  CHECK(test::contains(f.refusal(expired), "is not in the future"));
  CHECK(test::contains(f.refusal(standby(kStandby, kPrimary, true)),
                       "nothing to replace: primary 001A2B3C4D5E has no active standby license on record"));

  // A standby with licenses of its own: they would stop counting.
  f.issue_one(server(kOther, Edition::compact));
  CHECK(
      test::contains(f.refusal(standby(kOther, kPrimary)),
                     "appliance 00FFEEDDCCBB has licenses of its own on record (serial 3): a standby counts "
                     "only its primary's licenses"));

  // One standby per primary, unless --replace.
  f.issue_one(standby(kStandby, kPrimary));
  CHECK(test::contains(
      f.refusal(standby("00ABCDEF0001", kPrimary)),
      "primary 001A2B3C4D5E already has standby license 4 (appliance 00AABBCCDDEE, the standby of "
      "001A2B3C4D5E"));
  CHECK(test::contains(
      f.refusal(standby("00ABCDEF0001", kPrimary)),
      "one standby per primary: issue the new one as its replacement (the old one is voided)"));
  CHECK(f.last_hint ==
        "seatkey-keygen issue standby --appliance 00ABCDEF0001 --primary 001A2B3C4D5E --replace");

  // A standby is not a primary, and is the standby of one primary at a time.
  CHECK(test::contains(f.refusal(standby("00ABCDEF0001", kStandby)),
                       "appliance 00AABBCCDDEE is itself the standby of 001A2B3C4D5E"));
  f.issue_one(server("00ABCDEF0002", Edition::appliance));
  CHECK(test::contains(f.refusal(standby(kStandby, "00ABCDEF0002")),
                       "appliance 00AABBCCDDEE is already the standby of 001A2B3C4D5E"));

  // Licenses for a standby would not count there.
  CHECK(test::contains(f.refusal(server(kStandby, Edition::vm)),
                       "appliance 00AABBCCDDEE is the standby of 001A2B3C4D5E (standby license 4): a standby "
                       "counts only its primary's licenses, so its own would not count"));
  CHECK(test::contains(f.refusal(packs(kStandby, 5)), "or void standby license 4 first"));
  CHECK(f.last_hint == "seatkey-keygen void 4 --reason TEXT");
}

TEST_CASE("standby: --replace voids the previous standby license in the same transaction" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.issue_one(server(kPrimary, Edition::vm));
  f.issue_one(standby(kStandby, kPrimary));  // serial 2
  const auto r = f.issue_one(standby(kOther, kPrimary, true), kNow + 60);
  REQUIRE(r.orders[0].voided.size() == 1);
  CHECK(r.orders[0].voided[0].serial == 2);
  const auto events = test::ok(f.ledger.events().of_license(2));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::voided);
  CHECK(events[0].reason == std::optional<std::string>("replaced by standby license 3"));
  CHECK(events[0].who == "desk");
  CHECK(events[0].at == kNow + 60);
  CHECK(test::ok(f.ledger.licenses().find(2))->voided == EventKind::voided);
  CHECK(f.state(kStandby, kNow + 60).active_standby() == nullptr);
  CHECK(f.state(kOther, kNow + 60).active_standby()->serial == 3);
  // The old standby appliance is free again: it may get licenses of its own.
  CHECK(f.issue_one(server(kStandby, Edition::vm), kNow + 70).orders.size() == 1);
  // Reissuing the standby for the same appliance is a replacement too.
  const auto again = f.issue_one(standby(kOther, kPrimary, true), kNow + 80);
  CHECK(again.orders[0].voided[0].serial == 3);
  CHECK(f.state(kOther, kNow + 80).active_standby()->serial == again.orders[0].entries[0].serial);
}

TEST_CASE("standby: a batch applies the rules in order - server, standby, a second standby refused" *
          doctest::test_suite("ledger")) {
  Fixture f;
  std::vector<Order> ok{Order{server(kPrimary, Edition::compact)}, Order{standby(kStandby, kPrimary)}};
  CHECK(test::ok(issue(f.ledger, f.key, ok, at(kNow))).orders.size() == 2);
  Fixture g;
  std::vector<Order> twice{Order{server(kPrimary, Edition::compact)}, Order{standby(kStandby, kPrimary)},
                           Order{standby(kOther, kPrimary)}};
  const std::string before = test::ledger_snapshot(g.path);
  auto e = test::error_of([&] { test::ok(issue(g.ledger, g.key, twice, at(kNow))); });
  REQUIRE(e);
  CHECK(test::contains(e->message,
                       "order 3 (standby license for 00FFEEDDCCBB, the standby of 001A2B3C4D5E): "
                       "primary 001A2B3C4D5E already has standby license 2"));
  CHECK(test::ledger_snapshot(g.path) == before);
  // With replace, the second one voids the first within the batch.
  twice[2] = Order{standby(kOther, kPrimary, true)};
  const auto r = test::ok(issue(g.ledger, g.key, twice, at(kNow)));
  CHECK(r.orders[2].voided.at(0).serial == 2);
  CHECK(test::ok(g.ledger.licenses().find(2))->voided == EventKind::voided);
}

TEST_CASE("standby: export writes the standby license and the primary's licenses, the verifier counts them" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.issue_one(server(kPrimary, Edition::compact));
  f.issue_one(packs(kPrimary, 5, 2));
  f.issue_one(standby(kStandby, kPrimary));
  const ApplianceState s = f.state(kStandby);
  const ApplianceState p = f.state(kPrimary);
  const std::string file = test::ok(standby_license_file_text(s, p));
  CHECK(test::contains(file,
                       "# seatkey license file for appliance 00AABBCCDDEE, the standby of 001A2B3C4D5E\n"));
  CHECK(test::contains(file, "# standby license 4: the standby of 001A2B3C4D5E, issued "));
  CHECK(test::contains(file, test::ok(license_file_text(p))));

  auto trust = verifier::TrustStore::from_keys({f.key.public_key().to_paserk()});
  REQUIRE(trust);
  auto set = verifier::parse_licenses(file, "standby.lic");
  REQUIRE(set);
  auto e = verifier::evaluate(*set, kStandby, *trust, kNow + 1);
  REQUIRE(e);
  CHECK(e->licensed);
  CHECK(e->standby_for == std::optional<std::string>(kPrimary));
  CHECK(e->licensed_users == 13);
  CHECK(e->rejected.empty());
  // The same file on the primary: the standby license is for another appliance.
  auto on_primary = verifier::evaluate(*set, kPrimary, *trust, kNow + 1);
  REQUIRE(on_primary);
  CHECK(on_primary->licensed_users == 13);
  CHECK_FALSE(on_primary->standby_for);
  REQUIRE(on_primary->rejected.size() == 1);
  CHECK(on_primary->rejected[0].reason == verifier::Reason::wrong_appliance);

  // Without an active standby license there is nothing to export as a standby.
  auto none = test::error_of([&] { test::ok(standby_license_file_text(p, s)); });
  REQUIRE(none);
  CHECK(none->code == Code::no_active_standby_license);
  CHECK(
      test::contains(none->message, "appliance 001A2B3C4D5E has no active standby license for 00AABBCCDDEE"));
}
