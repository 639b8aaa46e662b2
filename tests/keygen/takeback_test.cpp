// Taking licenses back: void, transfer and revocation lists, all or nothing, each a link of the
// chain, each judged by the rules the verifier runs.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/ledger/audit.hpp"
#include "seatkey/signing/claims_writer.hpp"
#include "seatkey/verifier.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::kAppliance;
using test::kNow;

namespace {

constexpr const char* kNew = "00AABBCCDD99";

struct Fixture : test::LedgerFixture {
  IssueResult order(Order o, UnixTime t = kNow) {
    return test::ok(issue(ledger, key, {std::move(o)}, test::at(t)));
  }
  IssueResult server(Edition e, const std::string& appliance = kAppliance, bool replace = false) {
    return order(Order{test::server(appliance, e, "Acme GmbH", "SO-1", replace)});
  }
  IssueResult packs(int users, int count, const std::string& appliance = kAppliance,
                    std::optional<UnixTime> expires = std::nullopt) {
    PackOrder o = test::packs(appliance, users, count);
    o.expires = expires;
    return order(Order{o});
  }
  VoidResult void_(std::vector<std::int64_t> serials, UnixTime t = kNow + 10) {
    EventOptions o;
    o.who = "alice";
    o.now = t;
    return test::ok(void_licenses(ledger, serials, "refund", o));
  }
  TransferResult move(const std::string& from, const std::string& to, UnixTime t = kNow + 20) {
    TransferOptions o;
    o.event.who = "bob";
    o.event.now = t;
    o.reason = "RMA 1234";
    return test::ok(transfer(ledger, key, from, to, o));
  }
  IssuedRevocationList list(UnixTime t = kNow + 30) {
    IssueOptions o;
    o.now = t;
    return test::ok(issue_revocation_list(ledger, key, o));
  }
  ApplianceState state(const std::string& appliance = kAppliance, UnixTime t = kNow + 100) {
    return ApplianceState(appliance, test::ok(ledger.licenses().of_appliance(appliance)), t);
  }
  void verifies() {
    const AuditResult r = test::ok(audit_ledger(ledger));
    CHECK_MESSAGE(r.ok, r.problem);
  }
};

// What seatkey-verify's library makes of `tokens` on `appliance`.
verifier::Entitlement evaluate_tokens(const std::vector<std::string>& tokens, const std::string& appliance,
                                      const PublicKey& key) {
  std::string text;
  for (const auto& t : tokens) text += t + "\n";
  auto set = verifier::parse_licenses(text, "test.lic");
  REQUIRE(set);
  auto trust = verifier::TrustStore::from_keys({key.to_paserk()});
  REQUIRE(trust);
  auto e = verifier::evaluate(*set, appliance, *trust, kNow + 100);
  REQUIRE(e);
  return *e;
}

}  // namespace

TEST_CASE("void: an event per serial, the rows unchanged, the license leaves the rules and export" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::compact);
  f.packs(5, 3);  // 2-4
  f.packs(1, 2);  // 5-6: 20 users
  const std::string rows_before = test::ledger_snapshot(
      f.path, "SELECT serial, customer, token, chain_hash FROM licenses ORDER BY serial");
  CHECK(test::error_of([&] { f.packs(1, 1); }));  // full

  const VoidResult r = f.void_({3, 5});
  REQUIRE(r.voided.size() == 2);
  CHECK(r.voided[0].serial == 3);
  CHECK(r.at == kNow + 10);
  REQUIRE(r.after.size() == 1);
  CHECK(r.after[0].users.licensed_users == 14);
  CHECK(test::ledger_snapshot(f.path,
                              "SELECT serial, customer, token, chain_hash FROM licenses ORDER BY serial") ==
        rows_before);
  const auto events = test::ok(f.ledger.events().all());
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == EventKind::voided);
  CHECK(events[0].serial == 3);
  CHECK(events[0].reason == std::optional<std::string>("refund"));
  CHECK(events[0].who == "alice");
  CHECK(events[0].at == kNow + 10);
  CHECK(events[0].chain_seq == 7);
  CHECK(events[1].chain_seq == 8);

  // The room is back: 5 + 1 users fit again; export leaves the voided ones out.
  const ApplianceState s = f.state();
  CHECK(s.status_of(*test::ok(f.ledger.licenses().find(3))) == "voided");
  CHECK(s.users().licensed_users == 14);
  const std::string file = test::ok(license_file_text(s));
  CHECK_FALSE(test::contains(file, test::ok(f.ledger.licenses().find(3))->token));
  CHECK_FALSE(test::contains(file, test::ok(f.ledger.licenses().find(5))->token));
  CHECK(test::contains(file, test::ok(f.ledger.licenses().find(4))->token));
  f.packs(5, 1);
  f.packs(1, 1);
  CHECK(f.state().users().licensed_users == 20);
  f.verifies();
}

TEST_CASE("void: a voided server license is no longer active, packs then have nothing to count with" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::vm);
  f.packs(5, 1);
  f.void_({1});
  const ApplianceState s = f.state();
  CHECK(s.active_server() == nullptr);
  CHECK(s.status_of(*test::ok(f.ledger.licenses().find(1))) == "voided");
  auto e = test::error_of(license_file_text(s));
  REQUIRE(e);
  CHECK(test::contains(e->message, "has no active server license on record: nothing to export"));
  e = test::error_of([&] { f.packs(5, 1); });
  REQUIRE(e);
  CHECK(test::contains(e->message, "has no server license on record"));
  // A new server license may be issued without --replace: the voided one does not count.
  f.server(Edition::appliance);
  CHECK(f.state().users().licensed_users == 6);
}

TEST_CASE("void: all or nothing, unknown, repeated, revocation-list and already taken back serials refused" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::compact);
  f.packs(5, 2);
  f.void_({2});
  f.list();  // serial 4
  const auto before = test::ledger_snapshot(f.path);
  const auto refused = [&](std::vector<std::int64_t> serials, const std::string& says) {
    CAPTURE(says);
    auto e = test::error_of([&] { f.void_(serials); });
    REQUIRE(e);
    CHECK(e->kind == Kind::refused);
    CHECK_MESSAGE(test::contains(e->message, says), std::string(e->message));
    CHECK(test::ledger_snapshot(f.path) == before);
  };
  refused({3, 99}, "ledger " + f.path + " has no license 99: nothing was voided");
  refused({3, 2},
          "license 2 was voided at 2026-11-18T11:06:50Z (refund): a license is taken back once; nothing was "
          "voided");
  refused({4}, "serial 4 is a revocation list, not a license (a newer list replaces it): nothing was voided");
  const auto input = [&](std::vector<std::int64_t> serials, const std::string& reason, const std::string& who,
                         const std::string& says) {
    CAPTURE(says);
    EventOptions o;
    o.who = who;
    auto e = test::error_of(void_licenses(f.ledger, serials, reason, o));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK_MESSAGE(test::contains(e->message, says), std::string(e->message));
    CHECK(test::ledger_snapshot(f.path) == before);
  };
  input({}, "refund", "alice", "no serial to void");
  input({3, 3}, "refund", "alice", "serial 3 is given twice");
  input({3}, "", "alice", "--reason is empty");
  input({3}, "a\x1b[2Jb", "alice", "--reason contains a control character");
  input({3}, "refund", "", "the name recorded with the event: who is empty");
}

TEST_CASE("transfer: new serials, the same terms, links to what they stand in for, the old ones taken back" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::free);               // 1
  f.server(Edition::compact);            // 2 supersedes 1
  f.packs(5, 2);                         // 3-4
  f.packs(1, 1, kAppliance, kNow + 15);  // 5: expires before the transfer
  f.packs(1, 1);                         // 6
  f.void_({4});
  CHECK(f.state(kAppliance, kNow + 20).users().licensed_users == 9);

  const TransferResult r = f.move(kAppliance, "00:aa:bb:cc:dd:99");
  CHECK(r.from == kAppliance);
  CHECK(r.to == kNew);
  REQUIRE(r.issued.size() == 3);  // server 2, packs 3 and 6
  CHECK(r.issued[0].serial == 7);
  CHECK(r.issued[0].kind == LicenseKind::server);
  CHECK(r.issued[0].edition == Edition::compact);
  CHECK(r.issued[0].customer == std::optional<std::string>("Acme GmbH"));
  CHECK(r.issued[0].order == std::optional<std::string>("SO-1"));
  CHECK(r.issued[0].transferred_from == std::optional<std::int64_t>(2));
  CHECK_FALSE(r.issued[0].replaces);
  CHECK(r.issued[1].transferred_from == std::optional<std::int64_t>(3));
  CHECK(r.issued[2].transferred_from == std::optional<std::int64_t>(6));
  CHECK(r.after.users.licensed_users == 9);
  CHECK(r.before.users.licensed_users == 9);
  // Taken back: the re-issued ones and the superseded free license (it would be active again).
  std::vector<std::int64_t> taken;
  for (const auto& e : r.taken_back) taken.push_back(e.serial);
  CHECK(taken == std::vector<std::int64_t>{1, 2, 3, 6});
  for (std::int64_t s : taken) {
    const auto events = test::ok(f.ledger.events().of_license(s));
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == EventKind::transferred);
    CHECK(events[0].transfer_to == std::optional<std::string>(kNew));
    CHECK(events[0].reason == std::optional<std::string>("RMA 1234"));
    CHECK(events[0].who == "bob");
  }
  CHECK(test::ok(f.ledger.events().of_license(5)).empty());  // expired: nothing to take back
  CHECK(f.state(kAppliance).active_server() == nullptr);
  CHECK(f.state(kAppliance).status_of(*test::ok(f.ledger.licenses().find(2))) == "transferred");

  // The new appliance's tokens verify there with the same users, and the verifier agrees.
  const auto ent = evaluate_tokens(r.tokens(), kNew, f.key.public_key());
  CHECK(ent.licensed);
  CHECK(ent.licensed_users == 9);
  CHECK(ent.rejected.empty());
  for (const auto& e : r.issued) {
    auto v = verify_v4_public(f.key.public_key(), e.token);
    REQUIRE(v);
    auto l = parse_claims(v->payload);
    REQUIRE(l);
    CHECK(l->appliance == kNew);
    CHECK(l->serial == std::to_string(e.serial));
  }
  f.verifies();

  // The next revocation list names every license taken back, the void's too.
  const IssuedRevocationList list = f.list();
  CHECK(list.claims.revoked.to_strings() == std::vector<std::string>{"1", "2", "3", "4", "6"});
}

TEST_CASE("transfer: refused without an active server license, onto an appliance with licenses, onto itself" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::vm);
  f.server(Edition::vm, "00AABBCCDD77");
  ServerOrder expiring;
  expiring.appliance = "00AABBCCDD55";
  expiring.edition = Edition::vm;
  expiring.expires = kNow + 5;
  f.order(Order{expiring});
  const auto before = test::ledger_snapshot(f.path);
  const auto refused = [&](const std::string& from, const std::string& to, const std::string& says) {
    CAPTURE(says);
    auto e = test::error_of([&] { f.move(from, to); });
    REQUIRE(e);
    CHECK(e->kind == Kind::refused);
    CHECK_MESSAGE(test::contains(e->message, says), std::string(e->message));
    CHECK(test::ledger_snapshot(f.path) == before);
  };
  refused("00AABBCCDD88", kNew,
          "appliance 00AABBCCDD88 has no active server license on record: nothing to transfer");
  refused("00AABBCCDD55", kNew,
          "appliance 00AABBCCDD55 has no active server license on record (server license 3 expired at "
          "2026-11-18T11:06:45Z): nothing to transfer");
  refused(kAppliance, "00:aa:bb:cc:dd:77",
          "appliance 00AABBCCDD77 already has licenses on record (serial 2): a transfer moves licenses to an "
          "appliance that has none");
  refused(kAppliance, "001a2b3c4d5e",
          "--from and --to are the same appliance 001A2B3C4D5E: nothing to transfer");
  // Once the new appliance's licenses are taken back it may receive them.
  f.void_({2});
  CHECK(f.move(kAppliance, "00AABBCCDD77").issued.size() == 1);
  f.verifies();
  // A key the ledger does not know signs nothing.
  const auto other = SecretKey::generate();
  REQUIRE(other);
  TransferOptions o;
  o.event.who = "bob";
  auto e = test::error_of(transfer(f.ledger, *other, "00AABBCCDD77", kNew, o));
  REQUIRE(e);
  CHECK(test::contains(e->message, "is not a signing key of ledger"));
}

TEST_CASE(
    "revocation lists: cumulative, seq one more each time, serials in numeric order, refused when nothing "
    "is new" *
    doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::appliance);
  f.packs(5, 10);  // 2-11
  auto e = test::error_of([&] { f.list(); });
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::contains(e->message,
                       "no license of ledger " + f.path +
                           " was ever voided or transferred: a revocation list would revoke nothing"));
  f.void_({10, 9});
  const IssuedRevocationList first = f.list();
  CHECK(first.claims.seq == 1);
  CHECK(first.claims.revoked.to_strings() == std::vector<std::string>{"9", "10"});
  CHECK(first.added == 2);
  CHECK(first.entry.serial == 12);
  CHECK(first.entry.kind == LicenseKind::revocation);
  CHECK(first.entry.appliance.empty());
  CHECK(first.entry.revocation_seq == std::optional<std::int64_t>(1));
  // The token: signed by the ledger's key, its claims a revocation list like the struct.
  auto v = verify_v4_public(f.key.public_key(), first.entry.token, {}, TokenLimit::revocation_list);
  REQUIRE(v);
  auto claims = parse_token_claims(v->payload);
  REQUIRE(claims);
  CHECK(to_payload_json(*claims) == to_payload_json(first.claims));
  CHECK(test::contains(v->payload, R"("kind":"revocation","seq":1,"revoked":["9","10"])"));
  CHECK_FALSE(test::contains(v->payload, "appliance"));

  const auto before = test::ledger_snapshot(f.path);
  e = test::error_of([&] { f.list(); });
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::contains(e->message,
                       "revocation list 1 (serial 12, issued 2026-11-18T11:07:10Z) already names every "
                       "license taken back (2): nothing new to revoke"));
  CHECK(test::ledger_snapshot(f.path) == before);

  f.void_({2});
  const IssuedRevocationList second = f.list(kNow + 40);
  CHECK(second.claims.seq == 2);
  CHECK(second.claims.revoked.to_strings() == std::vector<std::string>{"2", "9", "10"});
  CHECK(second.added == 1);
  const auto lists = test::ok(revocation_lists(f.ledger));
  REQUIRE(lists.size() == 2);
  CHECK(lists[0].claims.seq == 1);
  CHECK(lists[1].claims.seq == 2);
  CHECK(lists[1].entry.serial == second.entry.serial);
  // A revocation list is no license: it is not voided, not exported, not counted.
  e = test::error_of([&] { f.void_({12}); });
  REQUIRE(e);
  CHECK(test::contains(e->message, "is a revocation list"));
  CHECK(f.state().users().licensed_users == 1 + 7 * 5);  // packs 2, 9 and 10 voided
  f.verifies();
}

TEST_CASE("revocation lists: a list over 1 MiB is refused, nothing recorded" *
          doctest::test_suite("ledger")) {
  Fixture f;
  // 45,000 voided serials of 16 digits: about 1.1 MiB of token. Rows written directly (their
  // tokens need not verify for this).
  {
    auto tx = test::ok(f.ledger.begin());
    for (std::int64_t i = 0; i < 45000; ++i) {
      auto e = test::pack_entry(1000000000000000 + i, 5, kNow);
      e.token = "v4.public.fake" + std::to_string(i);
      test::ok(tx.licenses().insert(e));
      LedgerEvent ev;
      ev.serial = e.serial;
      ev.at = kNow;
      ev.who = "test";
      test::ok(tx.events().insert(ev));
    }
    test::ok(tx.commit());
  }
  const auto before = test::ledger_snapshot(f.path, "SELECT COUNT(*), MAX(serial) FROM licenses");
  auto e = test::error_of([&] { f.list(); });
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK_MESSAGE(
      test::contains(e->message, "over the 1048576-byte limit of a revocation list (45000 serials)"),
      std::string(e->message));
  CHECK(test::ledger_snapshot(f.path, "SELECT COUNT(*), MAX(serial) FROM licenses") == before);
}
