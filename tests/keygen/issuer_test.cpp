// Issuing: claims, signatures, serials, cumulative rules and all-or-nothing transactions.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/rules.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::at;
using test::kAppliance;
using test::kNow;
using test::packs;
using test::server;

namespace {

License verified_claims(const std::string& token, const PublicKey& key) {
  auto v = verify_v4_public(key, token);
  REQUIRE(v);
  CHECK(v->footer == "{\"kid\":\"" + key.id() + "\"}");
  auto claims = parse_claims(v->payload);
  REQUIRE(claims);
  return *claims;
}

using Fixture = test::LedgerFixture;

}  // namespace

TEST_CASE("issue: a server license carries the spec's claims, jti = decimal serial, kid = k4.pid" *
          doctest::test_suite("ledger")) {
  Fixture f;
  auto o = server(Edition::compact);
  o.customer = "Acme GmbH";
  o.order = "SO-1001";
  o.updates_until = kNow + 86400 * 365;
  IssueOptions opt = at(kNow);
  opt.issuer = "Example PBX Vendor";
  const auto r = test::ok(issue(f.ledger, f.key, {Order{o}}, opt));
  REQUIRE(r.orders.size() == 1);
  REQUIRE(r.orders[0].entries.size() == 1);
  const auto& e = r.orders[0].entries[0];
  CHECK(e.serial == 1);
  const auto l = verified_claims(e.token, f.key.public_key());
  CHECK(l.issuer == "Example PBX Vendor");
  CHECK(l.serial == "1");
  CHECK(l.issued_at == kNow);
  CHECK(l.kind == LicenseKind::server);
  CHECK(l.appliance == kAppliance);
  CHECK(l.edition == Edition::compact);
  CHECK(l.users == 3);
  CHECK(l.customer == std::optional<std::string>("Acme GmbH"));
  CHECK(l.order == std::optional<std::string>("SO-1001"));
  CHECK(l.updates_until == kNow + 86400 * 365);
  CHECK_FALSE(l.expires);
  CHECK(r.orders[0].after.users.licensed_users == 3);
  const auto rows = test::ok(f.ledger.licenses().all());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].token == e.token);
  CHECK(rows[0].key_id == f.key.public_key().id());
  CHECK(rows[0].issuer == "Example PBX Vendor");
}

TEST_CASE("issue: packs with --count get consecutive serials and the appliance's new total" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::compact)}}, at(kNow)));
  const auto r = test::ok(issue(f.ledger, f.key, {Order{packs(5, 3)}}, at(kNow + 1)));
  REQUIRE(r.orders[0].entries.size() == 3);
  for (int i = 0; i < 3; ++i) {
    const auto l =
        verified_claims(r.orders[0].entries[static_cast<std::size_t>(i)].token, f.key.public_key());
    CHECK(l.serial == std::to_string(2 + i));
    CHECK(l.kind == LicenseKind::users);
    CHECK(l.users == 5);
    CHECK_FALSE(l.edition);
  }
  CHECK(r.orders[0].after.users.licensed_users == 18);
  CHECK(r.orders[0].after.users.max_users == 20);
  CHECK(test::ok(f.ledger.licenses().count()) == 4);
}

TEST_CASE("issue: a refused order writes nothing and names the rule" * doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::compact)}}, at(kNow)));
  (void)test::ok(issue(f.ledger, f.key, {Order{packs(5, 3)}}, at(kNow)));
  const auto before = test::ledger_snapshot(f.path);
  auto e = test::error_of(issue(f.ledger, f.key, {Order{packs(5)}}, at(kNow)));
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::contains(e->message, "over its maximum of 20"));
  CHECK(test::ledger_snapshot(f.path) == before);
}

TEST_CASE("issue: a batch applies the rules cumulatively (server, then packs for it)" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const auto r = test::ok(issue(
      f.ledger, f.key,
      {Order{server(Edition::free)}, Order{server(Edition::compact)}, Order{packs(5, 2)}, Order{packs(1, 7)}},
      at(kNow)));
  CHECK(r.tokens().size() == 11);
  CHECK(r.orders[1].replaced == 1);
  CHECK(r.orders[3].after.users.licensed_users == 20);
  const ApplianceState s(kAppliance, test::ok(f.ledger.licenses().all()), kNow);
  REQUIRE(s.active_server() != nullptr);
  CHECK(s.active_server()->serial == 2);
  CHECK(s.active_server()->replaces == 1);
}

TEST_CASE("issue: a batch that breaks a rule in its last order issues nothing at all" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::vm)}}, at(kNow)));
  const auto before = test::ledger_snapshot(f.path);
  PackOrder other = packs(5);
  other.appliance = "CAFE0001";
  auto e =
      test::error_of(issue(f.ledger, f.key, {Order{packs(5, 10)}, Order{packs(1)}, Order{other}}, at(kNow)));
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::contains(e->message,
                       "order 3 (1 pack of 5 users for CAFE0001): appliance CAFE0001 has no server"));
  CHECK(test::ledger_snapshot(f.path) == before);
  // The serials the failed batch would have used are still free: nothing was committed.
  const auto r = test::ok(issue(f.ledger, f.key, {Order{packs(1)}}, at(kNow)));
  CHECK(r.orders[0].entries[0].serial == 2);
}

TEST_CASE("issue: a batch over a Compact's 20 across several orders is refused as a whole" *
          doctest::test_suite("ledger")) {
  Fixture f;
  auto e = test::error_of(issue(
      f.ledger, f.key, {Order{server(Edition::compact)}, Order{packs(5, 3)}, Order{packs(1, 3)}}, at(kNow)));
  REQUIRE(e);
  CHECK(test::contains(e->message, "order 3"));
  CHECK(test::ok(f.ledger.licenses().count()) == 0);
}

TEST_CASE("issue: packs that expired no longer count toward a Compact's 20" * doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::compact)}}, at(kNow)));
  auto rental = packs(5, 3);
  rental.expires = kNow + 100;
  (void)test::ok(issue(f.ledger, f.key, {Order{rental}}, at(kNow)));
  CHECK(test::error_of(issue(f.ledger, f.key, {Order{packs(5)}}, at(kNow + 50))));
  const auto r = test::ok(issue(f.ledger, f.key, {Order{packs(5, 3)}}, at(kNow + 100)));
  CHECK(r.orders[0].after.users.licensed_users == 18);
  const auto l = verified_claims(test::ok(f.ledger.licenses().all())[1].token, f.key.public_key());
  CHECK(l.expires == kNow + 100);
}

TEST_CASE("issue: serials keep growing across transactions and ledgers reopened" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::vm)}}, at(kNow)));
  (void)test::ok(issue(f.ledger, f.key, {Order{packs(1, 2)}}, at(kNow)));
  auto reopened = test::ok(Ledger::open(f.path, Ledger::Access::read_write));
  const auto r = test::ok(issue(reopened, f.key, {Order{packs(1)}}, at(kNow)));
  CHECK(r.orders[0].entries[0].serial == 4);
}

TEST_CASE("issue: a signer that cannot sign - a ledger failure naming why, nothing recorded" *
          doctest::test_suite("ledger")) {
  // The signer of a server lives in another process: its answers can fail.
  struct FailingSigner final : Signer {
    explicit FailingSigner(const PublicKey& key) : key_(key) {}
    const PublicKey& public_key() const override { return key_; }
    seatkey::Result<std::string> sign(std::string_view, std::string_view) const override {
      return make_error(Errc::io_error, "the signer process is gone");
    }
    const PublicKey& key_;
  };
  Fixture f;
  const auto before = test::ledger_snapshot(f.path);
  auto e = test::error_of(
      issue(f.ledger, FailingSigner(f.key.public_key()), {Order{server(Edition::vm)}}, at(kNow)));
  REQUIRE(e);
  CHECK(e->kind == Kind::unavailable);
  CHECK(e->code == Code::signer_unavailable);
  CHECK(test::contains(e->message, "signing failed: the signer process is gone"));
  CHECK(test::ledger_snapshot(f.path) == before);
}

TEST_CASE("issue: an unusable issuer name is an input error before anything is written" *
          doctest::test_suite("ledger")) {
  Fixture f;
  IssueOptions opt = at(kNow);
  opt.issuer = "";
  auto e = test::error_of(issue(f.ledger, f.key, {Order{server(Edition::vm)}}, opt));
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  CHECK(test::ok(f.ledger.licenses().count()) == 0);
}

TEST_CASE("issue: a key the ledger does not know is refused, nothing written, until it is registered" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::vm)}}, at(kNow)));
  const auto before = test::ledger_snapshot(f.path);
  auto other = SecretKey::generate();
  REQUIRE(other);
  auto e = test::error_of(issue(f.ledger, *other, {Order{packs(5)}}, at(kNow)));
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(e->code == Code::unknown_signing_key);
  CHECK(
      test::contains(e->message, "the key " + other->public_key().id() + " is not a signing key of ledger"));
  CHECK(test::contains(e->message, std::string(kDevelopmentKeyId)));
  CHECK(test::contains(e->message, "first add it to the ledger's signing keys"));
  CHECK(e->command_hint == "seatkey-keygen ledger add-key --ledger " + f.path + " --key FILE");
  CHECK(test::ledger_snapshot(f.path) == before);
  CHECK(test::ok(f.ledger.keys().add(other->public_key())) == KeyStore::Added::added);
  const auto r = test::ok(issue(f.ledger, *other, {Order{packs(5)}}, at(kNow)));
  CHECK(test::ok(f.ledger.licenses().all()).back().key_id == other->public_key().id());
  CHECK(verified_claims(r.orders[0].entries[0].token, other->public_key()).users == 5);
}

TEST_CASE("issue: packs without a customer carry the customer of the active server license" *
          doctest::test_suite("ledger")) {
  Fixture f;
  auto o = server(Edition::compact);
  o.customer = "Acme GmbH";
  auto named = packs(1);
  named.customer = "Acme Telephony";
  // In one batch too: the server license the packs join is the one the batch just issued.
  const auto r = test::ok(issue(f.ledger, f.key, {Order{o}, Order{packs(5, 2)}, Order{named}}, at(kNow)));
  for (std::size_t i : {0u, 1u}) {
    const auto& e = r.orders[1].entries[i];
    CHECK(e.customer == std::optional<std::string>("Acme GmbH"));
    CHECK(verified_claims(e.token, f.key.public_key()).customer == std::optional<std::string>("Acme GmbH"));
  }
  CHECK(r.orders[2].entries[0].customer == std::optional<std::string>("Acme Telephony"));
  // After a replacement for another customer, new packs are that customer's.
  auto moved = server(Edition::vm, true);
  moved.customer = "Beta KG";
  (void)test::ok(issue(f.ledger, f.key, {Order{moved}}, at(kNow + 1)));
  const auto later = test::ok(issue(f.ledger, f.key, {Order{packs(1)}}, at(kNow + 2)));
  CHECK(later.orders[0].entries[0].customer == std::optional<std::string>("Beta KG"));
  // A server license without a customer gives its packs none.
  PackOrder other_packs = packs(1);
  other_packs.appliance = "CAFE0001";
  ServerOrder anonymous = server(Edition::vm);
  anonymous.appliance = "CAFE0001";
  const auto none = test::ok(issue(f.ledger, f.key, {Order{anonymous}, Order{other_packs}}, at(kNow)));
  CHECK_FALSE(none.orders[1].entries[0].customer);
  CHECK_FALSE(verified_claims(none.orders[1].entries[0].token, f.key.public_key()).customer);
}

TEST_CASE("export: the license file holds the active server license and unexpired packs, each described" *
          doctest::test_suite("ledger")) {
  Fixture f;
  auto o = server(Edition::compact);
  o.customer = "Acme \"Phones\" GmbH";
  (void)test::ok(
      issue(f.ledger, f.key, {Order{server(Edition::free)}, Order{o}, Order{packs(5, 2)}}, at(kNow)));
  auto rental = packs(1);
  rental.expires = kNow + 10;
  (void)test::ok(issue(f.ledger, f.key, {Order{rental}}, at(kNow)));
  const ApplianceState s(kAppliance, test::ok(f.ledger.licenses().all()), kNow + 20);
  const auto text = test::ok(license_file_text(s));
  CHECK(test::contains(text, "# seatkey license file for appliance 001A2B3C4D5E\n"));
  CHECK(test::contains(text, "# compact, 13 users (3 included + 10 in packs, max 20)"));
  CHECK(test::contains(
      text, "# server license 2: compact, 3 users included, customer \"Acme \\\"Phones\\\" GmbH\""));
  CHECK(test::contains(text, "# user pack 3: 5 users"));
  CHECK(test::contains(text, "# user pack 4: 5 users"));
  CHECK_FALSE(test::contains(text, "server license 1:"));
  CHECK_FALSE(test::contains(text, "user pack 5"));
  std::size_t tokens = 0;
  for (std::size_t pos = 0; (pos = text.find("\nv4.public.", pos)) != std::string::npos; ++pos) ++tokens;
  CHECK(tokens == 3);
  const ApplianceState none("BEEF0000", {}, kNow);
  auto e = test::error_of(license_file_text(none));
  REQUIRE(e);
  CHECK(test::contains(e->message, "no active server license"));
}

// ---- Selling in the customer's words: N users in all ------------------------------------------

namespace {

// The sizes of the packs issued, in order.
std::vector<int> pack_sizes(const IssuedOrder& o) {
  std::vector<int> out;
  for (const LedgerEntry& e : o.entries) {
    if (e.kind == LicenseKind::users) out.push_back(e.users);
  }
  return out;
}

ServerOrder installation(Edition e, long long users) {
  ServerOrder o = server(e);
  o.target_users = users;
  return o;
}

// The refusal of an order that must be refused.
template <class T>
keygen::Error refusal(const keygen::Result<T>& result) {
  auto e = test::error_of(result);
  REQUIRE(e);
  return *e;
}

PackOrder bring_to(long long users) {
  PackOrder o;
  o.appliance = kAppliance;
  o.target_users = users;
  return o;
}

}  // namespace

TEST_CASE(
    "target users: a Compact with 12 users is its server license, one 5-pack and four 1-packs, in one order" *
    doctest::test_suite("ledger")) {
  Fixture f;
  const auto r = test::ok(issue(f.ledger, f.key, {Order{installation(Edition::compact, 12)}}, at(kNow)));
  REQUIRE(r.orders.size() == 1);
  CHECK(r.orders[0].entries.front().kind == LicenseKind::server);
  CHECK(pack_sizes(r.orders[0]) == std::vector<int>{5, 1, 1, 1, 1});
  CHECK(r.orders[0].statuses.size() == r.orders[0].entries.size());
  CHECK(r.orders[0].after.users.licensed_users == 12);
  CHECK(test::ok(f.ledger.licenses().count()) == 6);
  for (const LedgerEntry& e : r.orders[0].entries) CHECK_FALSE(e.token.empty());
}

TEST_CASE("target users: the included users may be all there is, and an Appliance takes any number" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const auto r = test::ok(issue(f.ledger, f.key, {Order{installation(Edition::compact, 3)}}, at(kNow)));
  CHECK(r.orders[0].entries.size() == 1);
  CHECK(r.orders[0].after.users.licensed_users == 3);

  Fixture g;
  const auto big = test::ok(issue(g.ledger, g.key, {Order{installation(Edition::appliance, 38)}}, at(kNow)));
  CHECK(pack_sizes(big.orders[0]) == std::vector<int>{5, 5, 5, 5, 5, 5, 5, 1, 1});
  CHECK(big.orders[0].after.users.licensed_users == 38);
}

TEST_CASE("target users: bring an appliance from what it has to N users" * doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::compact)}, Order{packs(5)}}, at(kNow)));
  const auto r = test::ok(issue(f.ledger, f.key, {Order{bring_to(20)}}, at(kNow + 1)));
  CHECK(pack_sizes(r.orders[0]) == std::vector<int>{5, 5, 1, 1});
  CHECK(r.orders[0].after.users.licensed_users == 20);
}

TEST_CASE("target users: refusals name the rule, and nothing is issued" * doctest::test_suite("ledger")) {
  Fixture f;
  const auto below = refusal(issue(f.ledger, f.key, {Order{installation(Edition::compact, 2)}}, at(kNow)));
  CHECK(below.code == Code::target_below_included);
  CHECK(below.message ==
        "a Compact server license includes 3 users: an installation with it has at least 3, not 2");
  REQUIRE(below.members.size() == 3);
  CHECK(below.members[1].name == "included_users");
  CHECK(std::get<std::int64_t>(below.members[1].value) == 3);

  const auto over = refusal(issue(f.ledger, f.key, {Order{installation(Edition::compact, 21)}}, at(kNow)));
  CHECK(over.code == Code::compact_max_users);
  CHECK(over.message.find("allows at most 20 users, not 21") != std::string::npos);

  const auto free = refusal(issue(f.ledger, f.key, {Order{installation(Edition::free, 5)}}, at(kNow)));
  CHECK(free.code == Code::free_takes_no_packs);

  const auto none = refusal(issue(f.ledger, f.key, {Order{bring_to(8)}}, at(kNow)));
  CHECK(none.code == Code::no_server_license);
  CHECK(test::ok(f.ledger.licenses().count()) == 0);

  (void)test::ok(issue(f.ledger, f.key, {Order{installation(Edition::compact, 8)}}, at(kNow)));
  const auto same = refusal(issue(f.ledger, f.key, {Order{bring_to(8)}}, at(kNow + 1)));
  CHECK(same.code == Code::target_reached);
  CHECK(same.message ==
        "appliance " + std::string(kAppliance) + " has 8 users already: no packs to issue for 8");
  const auto fewer = refusal(issue(f.ledger, f.key, {Order{bring_to(4)}}, at(kNow + 1)));
  CHECK(fewer.code == Code::target_reached);
  CHECK(fewer.message.find("(fewer users means voiding packs)") != std::string::npos);
  CHECK(test::ok(f.ledger.licenses().count()) == 2);
}

TEST_CASE(
    "dry run: every rule decides and the answer says what would be issued, but nothing is signed or "
    "recorded" *
    doctest::test_suite("ledger")) {
  Fixture f;
  IssueOptions dry = at(kNow);
  dry.dry_run = true;
  const auto r = test::ok(issue(f.ledger, f.key, {Order{installation(Edition::compact, 12)}}, dry));
  CHECK(pack_sizes(r.orders[0]) == std::vector<int>{5, 1, 1, 1, 1});
  CHECK(r.orders[0].entries.front().serial == 1);
  CHECK(r.orders[0].after.users.licensed_users == 12);
  for (const LedgerEntry& e : r.orders[0].entries) CHECK(e.token.empty());
  CHECK(test::ok(f.ledger.licenses().count()) == 0);
  CHECK(test::ok(f.ledger.head()).seq == 0);

  const auto refused = refusal(issue(f.ledger, f.key, {Order{bring_to(8)}}, dry));
  CHECK(refused.code == Code::no_server_license);

  // The same order for real gets the serials the dry run answered.
  const auto real = test::ok(issue(f.ledger, f.key, {Order{installation(Edition::compact, 12)}}, at(kNow)));
  CHECK(real.orders[0].entries.front().serial == 1);
  CHECK(test::ok(f.ledger.licenses().count()) == 6);
}

TEST_CASE("issue: an order that would give the appliance a license file its verifier refuses is refused" *
          doctest::test_suite("ledger")) {
  constexpr int kMost = static_cast<int>(kMaxLicenseSetTokens);
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::vm)}}, at(kNow)));
  // A dry run decides the same without signing 10,000 tokens.
  IssueOptions dry = at(kNow + 1);
  dry.dry_run = true;
  const auto fits = test::ok(issue(f.ledger, f.key, {Order{packs(1, kMost - 1)}}, dry));
  CHECK(fits.orders[0].after.users.licensed_users == kMost);
  const keygen::Error e = refusal(issue(f.ledger, f.key, {Order{packs(1, kMost)}}, dry));
  CHECK(e.code == Code::license_file_too_large);
  CHECK(e.message == "appliance " + std::string(kAppliance) + "'s license file would hold " +
                         std::to_string(kMost + 1) + " tokens, over the " + std::to_string(kMost) +
                         " the verifier reads: it would refuse the whole file");
  REQUIRE(e.members.size() == 3);
  CHECK(std::get<std::int64_t>(e.members[1].value) == kMost + 1);
  CHECK(test::ok(f.ledger.licenses().count()) == 1);
}

TEST_CASE(
    "issue: a primary's packs stop where its standby's license file would be over the verifier's limit" *
    doctest::test_suite("ledger")) {
  constexpr int kMost = static_cast<int>(kMaxLicenseSetTokens);
  const std::string standby_id = "02AABBCCDDEE";
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::vm)}}, at(kNow)));
  const auto sb = test::ok(issue(f.ledger, f.key, {Order{test::standby(standby_id, kAppliance)}}, at(kNow)));
  const std::int64_t standby_serial = sb.orders[0].entries.front().serial;
  IssueOptions dry = at(kNow + 1);
  dry.dry_run = true;
  // The primary's own file could take one more; the standby's holds its standby license too.
  (void)test::ok(issue(f.ledger, f.key, {Order{packs(1, kMost - 2)}}, dry));
  const keygen::Error e = refusal(issue(f.ledger, f.key, {Order{packs(1, kMost - 1)}}, dry));
  CHECK(e.code == Code::license_file_too_large);
  CHECK(e.message == "the license file of " + std::string(kAppliance) + "'s standby " + standby_id +
                         " (standby license " + std::to_string(standby_serial) + ") would hold " +
                         std::to_string(kMost + 1) + " tokens, over the " + std::to_string(kMost) +
                         " the verifier reads: it would refuse the whole file");
  CHECK(test::ok(f.ledger.licenses().count()) == 2);
}

TEST_CASE("issue: a clock behind the appliance's server license is refused, and names the license" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(issue(f.ledger, f.key, {Order{server(Edition::free)}}, at(kNow)));
  // An upgrade issued before the license it replaces would rank below it on the appliance.
  const keygen::Error e = refusal(issue(f.ledger, f.key, {Order{server(Edition::compact)}}, at(kNow - 60)));
  CHECK(e.code == Code::clock_behind);
  CHECK(test::contains(e.message, "was issued after this machine's clock (" + format_rfc3339(kNow - 60) +
                                      "): a new license would rank below it; fix the clock"));
  REQUIRE(e.members.size() == 1);
  CHECK(std::get<std::int64_t>(e.members[0].value) == 1);
  CHECK(test::ok(f.ledger.licenses().count()) == 1);
}
