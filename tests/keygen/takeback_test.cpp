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
  CHECK_FALSE(events[0].written_by);  // at the desk: who is a login name
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

TEST_CASE("void: an event an API token recorded names the token apart from who, in the chain" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::compact);
  f.packs(5, 2);  // 2-3
  (void)f.void_({2});
  EventOptions o;
  o.who = "alice";
  o.written_by = "alice";
  o.now = kNow + 11;
  (void)test::ok(void_licenses(f.ledger, {3}, "refund", o));
  const auto events = test::ok(f.ledger.events().all());
  REQUIRE(events.size() == 2);
  CHECK_FALSE(events[0].written_by);
  CHECK(events[1].written_by == std::optional<std::string>("alice"));
  CHECK(test::ok(audit_ledger(f.ledger)).ok);
  // The token's name is part of the link: clearing it by hand breaks the chain.
  test::tamper(f.path, "UPDATE events SET written_by = NULL WHERE serial = 3");
  const AuditResult v = test::ok(audit_ledger(f.ledger));
  CHECK_FALSE(v.ok);
  CHECK_MESSAGE(test::contains(v.problem, "void of license 3"), v.problem);
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
  input({3}, "", "alice", "reason is empty");
  input({3}, "a\x1b[2Jb", "alice", "reason contains a control character");
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

  // The transfer signed the next revocation list (after its licenses: serial 10): it names every
  // license taken back, the void's too; a list issued now would name nothing new.
  const IssuedRevocationList& list = r.revocation_list;
  CHECK(list.entry.serial == 10);
  CHECK(list.claims.seq == 1);
  CHECK(list.claims.issued_at == kNow + 20);
  CHECK(list.claims.revoked.to_strings() == std::vector<std::string>{"1", "2", "3", "4", "6"});
  CHECK_FALSE(r.carries_list);  // the new appliance had nothing taken back
  CHECK(test::ok(f.ledger.licenses().newest_revocation_list())->token == list.entry.token);
  auto e = test::error_of([&] { f.list(); });
  REQUIRE(e);
  CHECK(test::contains(e->message, "already names every license taken back (5): nothing new to revoke"));
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
          "the old and the new appliance are the same, 001A2B3C4D5E: nothing to transfer");
  // Once the new appliance's licenses are taken back it may receive them; its tokens come with
  // the list, which names the one it had.
  f.void_({2});
  const TransferResult back = f.move(kAppliance, "00AABBCCDD77");
  CHECK(back.issued.size() == 1);
  CHECK(back.carries_list);
  CHECK(back.tokens().back() == back.revocation_list.entry.token);
  f.verifies();
  // A key the ledger does not know signs nothing.
  const auto other = SecretKey::generate();
  REQUIRE(other);
  TransferOptions o;
  o.event.who = "bob";
  auto e = test::error_of(transfer(f.ledger, *other, "00AABBCCDD77", kNew, o));
  REQUIRE(e);
  CHECK(e->code == Code::unknown_signing_key);
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

TEST_CASE(
    "revocation lists: licenses expired by the list's issue time are left out, and ledger verify agrees" *
    doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::appliance);           // 1
  f.packs(5, 1, kAppliance, kNow + 100);  // 2: expires at kNow + 100
  f.packs(5, 1);                          // 3
  f.void_({2, 3});
  CHECK(f.list(kNow + 30).claims.revoked.to_strings() == std::vector<std::string>{"2", "3"});
  // At its expiry a pack is expired (the verifier's rule): the next list leaves it out.
  CHECK(list_names(kNow + 100, kNow + 99));
  CHECK_FALSE(list_names(kNow + 100, kNow + 100));
  CHECK(list_names(std::nullopt, kNow + 100));
  f.packs(1, 1);  // 5
  f.void_({5}, kNow + 40);
  const IssuedRevocationList later = f.list(kNow + 100);
  CHECK(later.claims.revoked.to_strings() == std::vector<std::string>{"3", "5"});
  CHECK(later.added == 1);
  f.verifies();

  // Nothing new once the rest is named, even though the expired one dropped out.
  auto e = test::error_of([&] { f.list(kNow + 200); });
  REQUIRE(e);
  CHECK(test::contains(e->message, "already names every license taken back (2, leaving out 1 expired)"));

  // Every license taken back expired: a list would revoke nothing.
  Fixture g;
  g.server(Edition::appliance);
  g.packs(5, 1, kAppliance, kNow + 100);
  g.void_({2});
  e = test::error_of([&] { g.list(kNow + 100); });
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::contains(e->message, "taken back (1) has expired: a revocation list would revoke nothing"));
}

TEST_CASE("transfer: back to an appliance, its kept file and its new export count its users once" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::appliance);  // 1: 1 user included
  f.packs(5, 1);                 // 2
  const std::string first = test::ok(export_license_file(f.ledger, f.state(), kNow + 10));
  f.move(kAppliance, kNew, kNow + 20);                              // 3, 4; list 5
  const TransferResult back = f.move(kNew, kAppliance, kNow + 30);  // 6, 7; list 8
  CHECK(back.revocation_list.claims.revoked.to_strings() == std::vector<std::string>{"1", "2", "3", "4"});
  CHECK(back.carries_list);

  // The newest export carries list 2; beside the kept file, the old licenses are revoked.
  const ExportedLicenseFile now =
      test::ok(export_license(f.ledger, f.state(kAppliance, kNow + 40), kNow + 40));
  REQUIRE(now.revocation_list);
  CHECK(now.revocation_list->serial == 8);
  CHECK(now.tokens == 3);
  CHECK(test::contains(now.text, "# revocation list 2 (serial 8, issued "));
  CHECK(test::contains(now.text, back.revocation_list.entry.token + "\n"));
  auto set = verifier::parse_licenses(first + now.text, "folder");
  REQUIRE(set);
  auto trust = verifier::TrustStore::from_keys({f.key.public_key().to_paserk()});
  REQUIRE(trust);
  auto ent = verifier::evaluate(*set, kAppliance, *trust, kNow + 100);
  REQUIRE(ent);
  CHECK(ent->licensed_users == 6);
  CHECK(ent->revocation_seq == std::optional<std::int64_t>(2));
  // So do the transfer back's own tokens, which end with the list.
  std::vector<std::string> folder{first};
  for (const std::string& t : back.tokens()) folder.push_back(t);
  CHECK(evaluate_tokens(folder, kAppliance, f.key.public_key()).licensed_users == 6);
  // Without the list, the kept file's pack would count again: 1 + 5 + 5.
  folder.pop_back();
  CHECK(evaluate_tokens(folder, kAppliance, f.key.public_key()).licensed_users == 11);
  f.verifies();
}

TEST_CASE("export: carries the newest list only when it names a license of the appliance taken back" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.server(Edition::appliance);           // 1
  f.packs(5, 2);                          // 2, 3
  f.server(Edition::vm, "00AABBCCDD77");  // 4
  const auto exported = [&](const std::string& appliance) {
    return test::ok(export_license(f.ledger, f.state(appliance, kNow + 50), kNow + 50));
  };
  CHECK_FALSE(exported(kAppliance).revocation_list);  // no list yet
  f.void_({3});
  CHECK_FALSE(exported(kAppliance).revocation_list);  // voided, but no list names it yet
  f.list(kNow + 30);                                  // 5
  const ExportedLicenseFile with = exported(kAppliance);
  REQUIRE(with.revocation_list);
  CHECK(with.revocation_list->serial == 5);
  CHECK(with.tokens == 3);  // server 1, pack 2, the list
  // The other appliance lost nothing: its file has no list, and export wrote nothing.
  const auto before = test::ledger_snapshot(f.path);
  const ExportedLicenseFile other = exported("00AABBCCDD77");
  CHECK_FALSE(other.revocation_list);
  CHECK(other.tokens == 1);
  CHECK_FALSE(test::contains(other.text, "revocation"));
  CHECK(test::ledger_snapshot(f.path) == before);
  // A standby's file carries the list that names a license of its primary taken back.
  f.order(Order{test::standby("00AABBCCDD66", kAppliance)});
  const ExportedLicenseFile standby = exported("00AABBCCDD66");
  REQUIRE(standby.revocation_list);
  CHECK(standby.tokens == 4);  // standby license, server 1, pack 2, the list
}
