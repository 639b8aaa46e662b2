// An API token's limits: an expiry (refused from then on, never made in the past) and a quota
// of licenses a UTC day (every route that issues counted, an order over it refused whole, a dry
// run too), both on the token's row and its creation link, so that `ledger verify` and a copy
// of the ledger cover them; and a ledger of schema version 7 migrated with its head kept.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/ledger/audit.hpp"
#include "test_support.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::at;
using test::kAppliance;
using test::kNow;

namespace {

using Fixture = test::LedgerFixture;
constexpr UnixTime kDay = 86400;

std::vector<TokenEvent> token_links(const Ledger& ledger) {
  std::vector<TokenEvent> out;
  test::ok(ledger.read_chain([&](const ChainLink& l) {
    if (l.token_event) out.push_back(*l.token_event);
    return true;
  }));
  return out;
}

// What a refusal says and carries: its code, kind and members.
std::string member_text(const keygen::Error& e, const std::string& name) {
  for (const Member& m : e.members) {
    if (m.name != name) continue;
    if (const auto* n = std::get_if<std::int64_t>(&m.value)) return std::to_string(*n);
    return std::get<std::string>(m.value);
  }
  return "(none)";
}

IssueOptions by(const char* token, UnixTime now) {
  IssueOptions o = at(now);
  o.written_by = token;
  return o;
}

}  // namespace

TEST_CASE("api tokens: an expiry and a quota are on the row and its creation link, never on a revocation's" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const UnixTime expires = unix_now() + 3600;
  (void)test::ok(f.ledger.tokens().create("night shop", Role::shop, "alice", TokenLimits{expires, 50}));
  (void)test::ok(f.ledger.tokens().create("desk", Role::clerk, "alice"));
  (void)test::ok(f.ledger.tokens().revoke("night shop", "bob"));
  const auto found = test::ok(f.ledger.tokens().find("night shop"));
  REQUIRE(found);
  CHECK(found->expires_at == std::optional<UnixTime>(expires));
  CHECK(found->max_per_day == std::optional<std::int64_t>(50));
  CHECK_FALSE(test::ok(f.ledger.tokens().find("nobody")));
  const auto json = api_token_json(*found);
  CHECK(json["expires_at"] == format_rfc3339(expires));
  CHECK(json["max_per_day"] == 50);
  const auto plain = api_token_json(*test::ok(f.ledger.tokens().find("desk")));
  CHECK(plain["expires_at"].is_null());
  CHECK(plain["max_per_day"].is_null());

  const std::vector<TokenEvent> links = token_links(f.ledger);
  REQUIRE(links.size() == 3);
  CHECK(links[0].expires_at == std::optional<UnixTime>(expires));
  CHECK(links[0].max_per_day == std::optional<std::int64_t>(50));
  CHECK_FALSE(links[1].expires_at);
  CHECK_FALSE(links[2].expires_at);
  CHECK_FALSE(links[2].max_per_day);
  // A creation's link records the token's hash (last, after the limits, N where unset); a
  // revocation's has neither: the canonical values of the links written before there were any.
  REQUIRE(links[0].token_hash);
  CHECK(links[0].token_hash->size() == 64);
  CHECK(links[1].token_hash);
  CHECK_FALSE(links[2].token_hash);
  CHECK(token_event_values(links[2], 3).size() == 7);
  CHECK(token_event_values(links[1], 2).size() == 10);
  CHECK(token_event_values(links[0], 1).size() == 10);
  TokenEvent without_hash = links[1];
  without_hash.token_hash.reset();
  CHECK(token_event_values(without_hash, 2).size() == 7);
  const Ledger reader = test::ok(Ledger::open(f.path, Ledger::Access::read_only));
  const AuditResult r = test::ok(audit_ledger(reader));
  CHECK_MESSAGE(r.ok, r.problem);
  CHECK(r.token_events == 3);
}

TEST_CASE(
    "api tokens: an expiry not in the future is refused, a token past its expiry does not authenticate" *
    doctest::test_suite("ledger")) {
  Fixture f;
  const auto past = test::error_of(
      f.ledger.tokens().create("late", Role::shop, "alice", TokenLimits{unix_now() - 1, std::nullopt}));
  REQUIRE(past);
  CHECK(past->code == Code::token_expires_in_past);
  CHECK(past->kind == Kind::refused);
  CHECK(test::contains(past->message, "is not in the future (it is "));
  CHECK(member_text(*past, "expires_at").size() == 20);
  const auto zero = test::error_of(
      f.ledger.tokens().create("zero", Role::shop, "alice", TokenLimits{std::nullopt, std::int64_t{0}}));
  REQUIRE(zero);
  CHECK(zero->kind == Kind::input);
  CHECK(zero->message == "the licenses per day must be from 1 to 1000000, not 0");
  CHECK(test::ok(f.ledger.tokens().all()).empty());
  CHECK(test::ok(f.ledger.head()).seq == 0);

  const UnixTime expires = unix_now() + 3600;
  const std::string text(
      test::ok(f.ledger.tokens().create("erp", Role::auditor, "alice", TokenLimits{expires, std::nullopt}))
          .view());
  CHECK(test::ok(f.ledger.tokens().authenticate(text)));
  CHECK(test::ok(f.ledger.tokens().authenticate(text, expires - 1)));
  const auto expired = test::error_of(f.ledger.tokens().authenticate(text, expires));
  REQUIRE(expired);
  CHECK(expired->code == Code::token_expired);
  CHECK(expired->kind == Kind::unauthorized);
  const std::string when = format_rfc3339(expires);
  CHECK(expired->message == "the API token \"erp\" expired on " + when.substr(0, 10) + " (at " + when +
                                "): the desk's administrator makes a new one");
  CHECK(member_text(*expired, "expired_at") == when);
  // Only the whole token learns of its expiry: another secret is no token at all.
  std::string changed = text;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate(changed, expires + 10)));

  // The row keeps its limits: the trigger refuses a change, also beside a revocation.
  for (const char* sql :
       {"UPDATE api_tokens SET expires_at = NULL", "UPDATE api_tokens SET max_per_day = 1000",
        "UPDATE api_tokens SET revoked_at = '2026-12-01T00:00:00Z', expires_at = '2099-01-01T00:00:00Z'"}) {
    CHECK_THROWS_WITH(test::raw_sql(f.path, sql),
                      doctest::Contains("an API token is only ever revoked, once"));
  }
}

TEST_CASE("issue: a token's quota counts its licenses of the UTC day and refuses an order over it whole" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "alice", TokenLimits{std::nullopt, 5}));
  (void)test::ok(f.ledger.tokens().create("desk", Role::clerk, "alice"));
  KeySigner signer(f.key);
  const UnixTime day = kNow - kNow % kDay;
  // Yesterday's licenses are yesterday's.
  (void)test::ok(
      issue(f.ledger, signer, {Order{test::server("AAAA0001", Edition::vm)}}, by("webshop", day - 1)));
  // 3 of 5: a server license and two packs; the command line's and another token's rows count not.
  (void)test::ok(issue(f.ledger, signer,
                       {Order{test::server(kAppliance, Edition::vm)}, Order{test::packs(kAppliance, 5, 2)}},
                       by("webshop", day + 10)));
  (void)test::ok(issue(f.ledger, signer, {Order{test::packs(kAppliance, 5, 4)}}, at(day + 20)));
  (void)test::ok(issue(f.ledger, signer, {Order{test::packs(kAppliance, 1, 2)}}, by("desk", day + 30)));

  const std::string before = test::ledger_snapshot(f.path);
  IssueOptions dry = by("webshop", day + 40);
  dry.dry_run = true;
  for (const IssueOptions& o : {dry, by("webshop", day + 40)}) {
    const auto over = test::error_of(issue(f.ledger, signer, {Order{test::packs(kAppliance, 1, 3)}}, o));
    REQUIRE(over);
    CHECK(over->code == Code::token_quota_exceeded);
    CHECK(over->kind == Kind::forbidden);
    CHECK(over->message ==
          "the API token \"webshop\" may place 5 licenses a day (UTC); it placed 3 today, so 2 more can be "
          "placed until " +
              format_rfc3339(day + kDay) + ", and this would place 3: nothing was issued");
    CHECK(member_text(*over, "max_per_day") == "5");
    CHECK(member_text(*over, "issued_today") == "3");
    CHECK(member_text(*over, "left_today") == "2");
    CHECK(member_text(*over, "licenses") == "3");
    CHECK(member_text(*over, "resets_at") == format_rfc3339(day + kDay));
  }
  CHECK(test::ledger_snapshot(f.path) == before);
  // The rest of the day's quota, then nothing more; a new day, a new count.
  (void)test::ok(issue(f.ledger, signer, {Order{test::packs(kAppliance, 1, 2)}}, by("webshop", day + 50)));
  const auto full = test::error_of(
      issue(f.ledger, signer, {Order{test::standby("BBBB0002", kAppliance)}}, by("webshop", day + 60)));
  REQUIRE(full);
  CHECK(member_text(*full, "left_today") == "0");
  (void)test::ok(
      issue(f.ledger, signer, {Order{test::standby("BBBB0002", kAppliance)}}, by("webshop", day + kDay)));

  // A transfer's re-issues are licenses the token places: AAAA0001's server license would be
  // the sixth of the new day.
  (void)test::ok(issue(f.ledger, signer, {Order{test::packs("AAAA0001", 5, 4)}}, at(day + kDay + 1)));
  TransferOptions move;
  move.event.who = "webshop";
  move.event.now = day + kDay + 2;
  move.written_by = "webshop";
  const auto moved = test::error_of(transfer(f.ledger, signer, "AAAA0001", "CCCC0003", move));
  REQUIRE(moved);
  CHECK(moved->code == Code::token_quota_exceeded);
  CHECK(member_text(*moved, "issued_today") == "1");
  CHECK(member_text(*moved, "licenses") == "5");
  move.written_by = "desk";
  CHECK(test::ok(transfer(f.ledger, signer, "AAAA0001", "CCCC0003", move)).issued.size() == 5);
  CHECK(test::ok(f.ledger.licenses().count_written_by("webshop", day, day + kDay)) == 5);
  CHECK(test::ok(f.ledger.licenses().count_written_by("webshop", day + kDay, day + 2 * kDay)) == 1);
}

TEST_CASE("verify: an API token's expiry or quota changed past the library is named" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const UnixTime expires = unix_now() + 3600;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "alice", TokenLimits{expires, 5}));
  (void)test::ok(f.ledger.tokens().create("desk", Role::clerk, "alice"));
  const auto finds = [&](const std::string& problem) {
    const Ledger reader = test::ok(Ledger::open(f.path, Ledger::Access::read_only));
    const AuditResult r = test::ok(audit_ledger(reader));
    CHECK_FALSE(r.ok);
    CHECK_MESSAGE(test::contains(r.problem, problem), r.problem);
  };
  SUBCASE("an expiry moved") {
    test::tamper(f.path, "UPDATE api_tokens SET expires_at = '2099-01-01T00:00:00Z' WHERE name = 'webshop'");
    finds("API token \"webshop\" (role shop, created ");
    finds("has the expiry 2099-01-01T00:00:00Z, its creation link (chain position 1) " +
          format_rfc3339(expires) + ": its expires_at was changed past seatkey-keygen");
  }
  SUBCASE("a quota given to a token that had none") {
    test::tamper(f.path, "UPDATE api_tokens SET max_per_day = 1000 WHERE name = 'desk'");
    finds(
        "has the quota 1000 licenses a day, its creation link (chain position 2) none: its max_per_day was "
        "changed past seatkey-keygen");
  }
  SUBCASE("a quota lifted on the row and its link") {
    test::tamper(f.path,
                 "UPDATE api_tokens SET max_per_day = NULL WHERE name = 'webshop'; "
                 "UPDATE token_events SET max_per_day = NULL WHERE name = 'webshop'");
    finds("token event 1 (create of API token \"webshop\") does not match its chain hash");
  }
}

TEST_CASE("copy: a ledger's copy keeps its tokens' limits and its head" * doctest::test_suite("ledger")) {
  Fixture f;
  const UnixTime expires = unix_now() + 3600;
  const std::string text(
      test::ok(f.ledger.tokens().create("webshop", Role::shop, "alice", TokenLimits{expires, 7})).view());
  const std::string copy = test::new_ledger_location(f.dir, "copy.db");
  const ChainHead head = test::ok(f.ledger.copy_to(copy));
  CHECK(head.hash == test::ok(f.ledger.head()).hash);
  const Ledger copied = test::ok(Ledger::open(copy, Ledger::Access::read_only));
  const auto token = test::ok(copied.tokens().authenticate(text));
  REQUIRE(token);
  CHECK(token->expires_at == std::optional<UnixTime>(expires));
  CHECK(token->max_per_day == std::optional<std::int64_t>(7));
  CHECK(test::ok(audit_ledger(copied)).ok);
}

TEST_CASE("migrate: a ledger of schema version 7 keeps its head, its tokens have no limits") {
  // tests/fixtures/schema7-tokens.db (tests/fixtures/README.md): tokens created, one revoked,
  // licenses written by a token, by the tool of schema version 7.
  test::TempDir dir;
  const std::string path = dir.file("seven.db");
  test::write_text(path,
                   test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/schema7-tokens.db"));
  ChainHead before;
  {
    const Ledger old = test::ok(Ledger::open(path, Ledger::Access::read_only));
    REQUIRE(old.schema_version() == 7);
    before = test::ok(old.head());
    for (const ApiToken& t : test::ok(old.tokens().all())) CHECK_FALSE(t.max_per_day);
  }
  const Ledger ledger = test::ok(Ledger::open(path, Ledger::Access::read_write));
  CHECK(ledger.migrated_from() == 7);
  CHECK(ledger.schema_version() == Ledger::kSchemaVersion);
  CHECK(test::ok(ledger.head()).hash == before.hash);
  CHECK(test::ok(ledger.head()).seq == before.seq);
  const AuditResult r = test::ok(audit_ledger(ledger));
  CHECK_MESSAGE(r.ok, r.problem);
  CHECK(r.token_events >= 3);
  for (const ApiToken& t : test::ok(ledger.tokens().all())) {
    CHECK_FALSE(t.expires_at);
    CHECK_FALSE(t.max_per_day);
  }
  // The licenses its tokens wrote count for them from now on.
  CHECK(test::ok(ledger.licenses().count_written_by("webshop", 0, 253402300799)) >= 1);
}
