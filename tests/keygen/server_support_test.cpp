// What seatkey-server needs of the keygen library: API tokens (hashed, revoked, never reused),
// answers recorded with what a request wrote, the name of the token in every row, issuing inside
// the caller's transaction, filtered listings and single orders.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/orders.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/audit.hpp"
#include "seatkey/keygen/queries.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::at;
using test::kAppliance;
using test::kNow;

namespace {

using Fixture = test::LedgerFixture;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ServerOrder server_order(const std::string& appliance, Edition e, const char* customer, const char* order) {
  return test::server(appliance, e, customer, order);
}

PackOrder pack_order(const std::string& appliance, int count, const char* order) {
  return test::packs(appliance, 5, count, order);
}

std::vector<std::int64_t> serials(const Listing& l) {
  std::vector<std::int64_t> out;
  for (const ListedRow& r : l.rows) out.push_back(r.entry.serial);
  return out;
}

}  // namespace

TEST_CASE("api tokens: the bearer text is shown once, only its hash is stored, and it authenticates" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const SecureBuffer bearer = test::ok(f.ledger.tokens().create("webshop", Role::shop, "test"));
  const std::string text(bearer.view());
  CHECK(text.rfind("seatkey-api.", 0) == 0);
  CHECK(text.size() == std::string("seatkey-api.").size() + 16 + 1 + 43);
  auto who = test::ok(f.ledger.tokens().authenticate(text));
  REQUIRE(who);
  CHECK(who->name == "webshop");
  CHECK(who->role == Role::shop);
  CHECK_FALSE(who->revoked_at);
  // Neither the token nor its secret part is anywhere in the ledger's files.
  f.ledger = test::ok(Ledger::open(f.path, Ledger::Access::read_only));
  const std::string secret = text.substr(text.rfind('.') + 1);
  for (const char* suffix : {"", "-wal"}) {
    const std::string bytes = file_bytes(f.path + suffix);
    CHECK(bytes.find(secret) == std::string::npos);
  }
  CHECK(test::ledger_snapshot(f.path, "SELECT name, role, length(token_hash) FROM api_tokens") ==
        "webshop|shop|32|\n");
  CHECK_FALSE(test::contains(test::ledger_snapshot(f.path, "SELECT * FROM api_tokens"), secret));
}

TEST_CASE("api tokens: a changed, truncated, foreign or revoked token does not authenticate" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const std::string text(test::ok(f.ledger.tokens().create("desk", Role::clerk, "test")).view());
  const std::string other(test::ok(f.ledger.tokens().create("erp", Role::auditor, "test")).view());
  CHECK(test::ok(f.ledger.tokens().authenticate(other))->name == "erp");
  std::string changed = text;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate(changed)));
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate(text.substr(0, text.size() - 1))));
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate(text + "A")));
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate("")));
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate("Bearer " + text)));
  // Another token's ID with this token's secret.
  const std::string mixed = other.substr(0, other.rfind('.')) + text.substr(text.rfind('.'));
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate(mixed)));

  const ApiToken revoked = test::ok(f.ledger.tokens().revoke("desk", "test"));
  CHECK(revoked.revoked_at);
  CHECK_FALSE(test::ok(f.ledger.tokens().authenticate(text)));
  CHECK(test::ok(f.ledger.tokens().authenticate(other)));
  const auto twice = test::error_of([&] { test::ok(f.ledger.tokens().revoke("desk", "test")); });
  REQUIRE(twice);
  CHECK(twice->kind == Kind::refused);
  CHECK(test::contains(twice->message, "was revoked already"));
  const auto unknown = test::error_of([&] { test::ok(f.ledger.tokens().revoke("nobody", "test")); });
  REQUIRE(unknown);
  CHECK(unknown->kind == Kind::refused);
  CHECK(test::contains(unknown->message, "has no API token named \"nobody\""));
}

TEST_CASE("api tokens: a name is never given twice, names are checked, rows are revoked, never removed" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "test"));
  test::ok(f.ledger.tokens().revoke("webshop", "test"));
  const auto again = test::error_of(f.ledger.tokens().create("webshop", Role::admin, "test"));
  REQUIRE(again);
  CHECK(again->kind == Kind::refused);
  CHECK(test::contains(again->message, "already has a revoked API token named \"webshop\""));
  for (const char* bad : {"", "tab\there",
                          "\xe2\x80\xae"
                          "evil"}) {
    const auto e = test::error_of(f.ledger.tokens().create(bad, Role::shop, "test"));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
  }
  const auto long_name = test::error_of(f.ledger.tokens().create(std::string(65, 'n'), Role::shop, "test"));
  REQUIRE(long_name);
  CHECK(test::contains(long_name->message, "the token name is 65 bytes, over the limit of 64"));
  CHECK(test::ok(f.ledger.tokens().all()).size() == 1);
  // The triggers: a row is never removed, and only revoked, once.
  CHECK_THROWS_WITH(test::raw_sql(f.path, "DELETE FROM api_tokens"),
                    doctest::Contains("API tokens are revoked, never removed"));
  CHECK_THROWS_WITH(test::raw_sql(f.path, "UPDATE api_tokens SET role = 'admin'"),
                    doctest::Contains("an API token is only ever revoked, once"));
  CHECK_THROWS_WITH(test::raw_sql(f.path, "UPDATE api_tokens SET revoked_at = NULL"),
                    doctest::Contains("an API token is only ever revoked, once"));
  CHECK(test::ledger_snapshot(f.path, "SELECT name, role, revoked_at IS NOT NULL FROM api_tokens") ==
        "webshop|shop|1|\n");
  CHECK(parse_role("clerk") == Role::clerk);
  CHECK_FALSE(parse_role("root"));
  CHECK(test::contains(test::error_of(parse_role_name("root"))->message,
                       "unknown role \"root\" (one of: auditor, shop, clerk, admin)"));
  CHECK(role_allows(Role::admin, Role::shop));
  CHECK(role_allows(Role::shop, Role::shop));
  CHECK_FALSE(role_allows(Role::auditor, Role::shop));
  CHECK_FALSE(role_allows(Role::clerk, Role::admin));
}

TEST_CASE("issue: rows name the API token that wrote them, answers are recorded in the same transaction" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "test"));
  KeySigner signer(f.key);
  IssueOptions options = at(kNow);
  options.written_by = "webshop";
  {
    // Rolled back: neither the rows nor the answer stay.
    auto tx = test::ok(f.ledger.begin());
    const IssueResult r = test::ok(
        issue(f.ledger, tx, signer, {Order{server_order(kAppliance, Edition::vm, "Acme", "SO-1")}}, options));
    CHECK(r.orders.at(0).entries.at(0).written_by == std::optional<std::string>("webshop"));
    CHECK(r.orders.at(0).statuses == std::vector<std::string>{"active"});
    test::ok(tx.answers().record("webshop", "key-1", StoredAnswer{"hash", 201, "{}"}));
    CHECK(test::ok(tx.answers().find("webshop", "key-1")));
  }
  CHECK(test::ok(f.ledger.licenses().count()) == 0);
  CHECK(test::ledger_snapshot(f.path, "SELECT COUNT(*) FROM idempotent_requests") == "0|\n");
  {
    auto tx = test::ok(f.ledger.begin());
    CHECK_FALSE(test::ok(tx.answers().find("webshop", "key-1")));
    const IssueResult r = test::ok(issue(f.ledger, tx, signer,
                                         {Order{server_order(kAppliance, Edition::vm, "Acme", "SO-1")},
                                          Order{pack_order(kAppliance, 2, "SO-2")}},
                                         options));
    CHECK(r.orders.at(1).statuses == std::vector<std::string>{"active", "active"});
    test::ok(tx.answers().record("webshop", "key-1",
                                 StoredAnswer{std::string("\0\1hash", 6), 201, "{\"licenses\":[]}"}));
    test::ok(tx.commit());
  }
  CHECK(test::ledger_snapshot(f.path, "SELECT serial, written_by FROM licenses ORDER BY serial") ==
        "1|webshop|\n2|webshop|\n3|webshop|\n");
  auto tx = test::ok(f.ledger.begin());
  const auto answer = test::ok(tx.answers().find("webshop", "key-1"));
  REQUIRE(answer);
  CHECK(answer->request_hash == std::string("\0\1hash", 6));
  CHECK(answer->status == 201);
  CHECK(answer->body == "{\"licenses\":[]}");
  CHECK_FALSE(test::ok(tx.answers().find("other", "key-1")));
  // The command line's rows name no token.
  const IssueResult cli =
      test::ok(issue(f.ledger, tx, signer, {Order{pack_order(kAppliance, 1, "SO-3")}}, at(kNow)));
  test::ok(tx.commit());
  CHECK_FALSE(test::ok(f.ledger.licenses().all()).back().written_by);
  CHECK(license_json(test::ok(f.ledger.licenses().all()).front(), "active")["written_by"] == "webshop");
  CHECK(license_json(test::ok(f.ledger.licenses().all()).back(), "valid")["written_by"].is_null());
}

TEST_CASE("listing: pages for seatkey-server, statuses judged on each appliance's whole history" *
          doctest::test_suite("ledger")) {
  Fixture f;
  KeySigner signer(f.key);
  const std::string a = "AAAA0001", b = "BBBB0002";
  (void)test::ok(issue(f.ledger, signer,
                       {Order{server_order(a, Edition::free, "Acme GmbH", "SO-1")},
                        Order{server_order(b, Edition::vm, "Beta KG", "SO-10")}},
                       at(kNow)));
  (void)test::ok(issue(f.ledger, signer,
                       {Order{server_order(a, Edition::compact, "Acme GmbH", "SO-2")},
                        Order{pack_order(a, 2, "SO-3")}, Order{pack_order(b, 1, "SO-1")}},
                       at(kNow + 100)));
  // Serials: 1 free (a), 2 vm (b), 3 compact (a), 4-5 packs (a), 6 pack (b).
  const auto list = [&](const std::function<void(LedgerFilter&)>& set) {
    LedgerFilter filter;
    set(filter);
    return test::ok(list_ledger(f.ledger, filter, kNow + 200));
  };
  CHECK(serials(list([](LedgerFilter&) {})) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
  const Listing servers_before = list([](LedgerFilter& l) {
    l.kind = LicenseKind::server;
    l.until = kNow + 1;
  });
  REQUIRE(servers_before.rows.size() == 2);
  CHECK(servers_before.rows[0].status == "superseded");
  CHECK(servers_before.rows[1].status == "active");
  const Listing first = list([](LedgerFilter& l) { l.limit = 4; });
  CHECK(serials(first) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(first.continue_after == std::optional<std::int64_t>(4));
  const Listing second = list([](LedgerFilter& l) {
    l.after = 4;
    l.limit = 4;
  });
  CHECK(serials(second) == std::vector<std::int64_t>{5, 6});
  CHECK_FALSE(second.continue_after);
  // A page of what a filter picks.
  const Listing acme = list([](LedgerFilter& l) {
    l.customer = "acme";
    l.after = 1;
    l.limit = 2;
  });
  CHECK(serials(acme) == std::vector<std::int64_t>{3, 4});
  CHECK(acme.continue_after == std::optional<std::int64_t>(4));
}

TEST_CASE("orders: a serial of any length is read without overflow, over 18 digits it is none") {
  CHECK(test::ok(parse_serial("000000000000000007")) == 7);
  CHECK(test::ok(parse_serial("999999999999999999")) == 999999999999999999);
  for (const std::string& typed : {std::string(19, '9'), std::string(30, '9'), std::string(200, '9')}) {
    const auto e = test::error_of(parse_serial(typed));
    REQUIRE(e);
    CHECK(test::contains(e->message, "not a serial: \"" + typed + "\""));
  }
}

TEST_CASE("orders: one order without its type, with the batch's checks and without \"order N\"") {
  const Order s = test::ok(
      parse_order(R"({"appliance":"00:1a:2b:3c:4d:5e","edition":"compact","customer":"Acme"})", "server"));
  REQUIRE(std::holds_alternative<ServerOrder>(s));
  CHECK(std::get<ServerOrder>(s).appliance == kAppliance);
  const Order p = test::ok(parse_order(R"({"appliance":"00:1a:2b:3c:4d:5e","users":5,"count":3})", "users"));
  REQUIRE(std::holds_alternative<PackOrder>(p));
  CHECK(std::get<PackOrder>(p).count == 3);
  const auto message = [](const char* text, std::string_view kind) {
    const auto e = test::error_of(parse_order(text, kind));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    return std::string(e->message);
  };
  CHECK(message(R"({"type":"server","appliance":"x1x1","edition":"vm"})", "server") ==
        "unknown field \"type\": the request already says the kind of license (server)");
  CHECK(message(R"({"appliance":"x1x1","edition":"vm","colour":"red"})", "server") ==
        "unknown field \"colour\" (allowed here: appliance, edition, target_users, customer, order, "
        "updates_until, expires, "
        "replace)");
  CHECK(message(R"({"appliance":"x1x1","users":5,"users":1})", "users") == "duplicated key \"users\"");
  CHECK(message(R"([{"appliance":"x1x1","users":5}])", "users") ==
        "the order must be a JSON object, not array");
  CHECK(test::contains(message("{\"appliance\":\"x1x1\"\0}", "users"), "the order is not valid JSON"));
  CHECK(test::contains(message(R"({"appliance":"x1x1",)", "users"), "the order is not valid JSON"));
  CHECK(message(R"({"appliance":"x1x1","users":"5"})", "users") ==
        "field \"users\" must be a whole number, not string");
  CHECK(test::contains(message(R"({"appliance":"a","edition":"vm"})", "server"), "invalid appliance ID"));
  // A batch keeps its "order N: ".
  const auto batch = test::error_of(parse_batch(R"([{"type":"users","appliance":"x1x1","users":"5"}])"));
  REQUIRE(batch);
  CHECK(std::string(batch->message) == "order 1: field \"users\" must be a whole number, not string");
  // Any type goes through the batch's parser: one it does not know is refused as in a batch.
  const auto standby = test::error_of([] {
    (void)test::ok(parse_batch(R"([{"type":"standby","appliance":"00:1a:2b:3c:4d:5e","primary":"x"}])"));
  });
  if (standby) {
    CHECK(message(R"({"appliance":"00:1a:2b:3c:4d:5e","primary":"x"})", "standby") ==
          std::string(standby->message).substr(std::string("order 1: ").size()));
  }
}

namespace {

AuditResult audited(const std::string& path) {
  const Ledger reader = test::ok(Ledger::open(path, Ledger::Access::read_only));
  return test::ok(audit_ledger(reader));
}

void check_finds(const std::string& path, const std::string& problem) {
  const AuditResult r = audited(path);
  CHECK_FALSE(r.ok);
  CHECK_MESSAGE(test::contains(r.problem, problem), r.problem);
}

// What a statement refused by the database says (empty when it was not refused).
std::string refusal_of(const std::string& path, const std::string& sql) {
  try {
    test::raw_sql(path, sql);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("api tokens: creating and revoking one are links of the chain, with the row's values" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "alice"));
  (void)test::ok(f.ledger.tokens().create("desk", Role::clerk, "alice"));
  (void)test::ok(f.ledger.tokens().revoke("webshop", "bob"));
  std::vector<TokenEvent> links;
  test::ok(f.ledger.read_chain([&](const ChainLink& l) {
    CHECK(l.type == ChainLinkType::token_event);
    if (l.token_event) links.push_back(*l.token_event);
    return true;
  }));
  REQUIRE(links.size() == 3);
  const std::vector<ApiToken> tokens = test::ok(f.ledger.tokens().all());
  REQUIRE(tokens.size() == 2);
  CHECK(links[0].kind == TokenEventKind::created);
  CHECK(links[0].name == "webshop");
  CHECK(links[0].role == Role::shop);
  CHECK(links[0].lookup_id == tokens[0].lookup_id);
  CHECK(format_rfc3339(links[0].at) == tokens[0].created_at);
  CHECK(links[0].who == "alice");
  CHECK(links[1].name == "desk");
  CHECK(links[2].kind == TokenEventKind::revoked);
  CHECK(links[2].who == "bob");
  CHECK(links[2].chain_seq == 3);
  CHECK(std::optional<std::string>(format_rfc3339(links[2].at)) == tokens[0].revoked_at);
  const AuditResult r = audited(f.path);
  CHECK_MESSAGE(r.ok, r.problem);
  CHECK(r.token_events == 3);
  CHECK(r.head.seq == 3);
  CHECK(r.tokens_before_chain.empty());
  // A refused revocation writes no link.
  CHECK(test::error_of(f.ledger.tokens().revoke("webshop", "bob"))->code == Code::token_revoked);
  CHECK(test::ok(f.ledger.head()).seq == 3);
}

TEST_CASE("verify: an API token row written, revoked or removed past the library is named" *
          doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "alice"));
  (void)test::ok(f.ledger.tokens().create("desk", Role::clerk, "alice"));
  SUBCASE("an admin token inserted") {
    test::raw_sql(
        f.path,
        "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at) VALUES ('intruder', "
        "'admin', 'AAAAAAAAAAAAAAAA', " +
            test::sql_blob(f.path, std::string(64, 'a')) + ", '2026-01-01T00:00:00Z')");
    check_finds(
        f.path,
        "API token \"intruder\" (role admin, created 2026-01-01T00:00:00Z) has no creation link in the "
        "chain: its row was added to the api_tokens table past seatkey-keygen");
  }
  SUBCASE("a token revoked") {
    test::raw_sql(f.path, "UPDATE api_tokens SET revoked_at = '2026-02-02T00:00:00Z' WHERE name = 'desk'");
    check_finds(f.path, "API token \"desk\" (role clerk, created ");
    check_finds(f.path, "is revoked at 2026-02-02T00:00:00Z with no revocation link in the chain");
  }
  SUBCASE("a token's role raised") {
    test::tamper(f.path, "UPDATE api_tokens SET role = 'admin' WHERE name = 'webshop'");
    check_finds(f.path, "API token \"webshop\" (role admin, created ");
    check_finds(f.path, "has role admin, its creation link (chain position 1) shop");
  }
  SUBCASE("a token's row removed") {
    test::tamper(f.path, std::string(test::is_postgresql(f.path)
                                         ? "ALTER TABLE token_events DROP CONSTRAINT token_events_name_fkey;"
                                         : "") +
                             "DELETE FROM api_tokens WHERE name = 'desk'");
    check_finds(
        f.path,
        "token event 2 names API token \"desk\", which the api_tokens table does not have: its row was "
        "removed");
  }
  SUBCASE("a revocation link without its creation") {
    test::tamper(f.path, "DELETE FROM token_events");
    (void)test::ok(f.ledger.tokens().revoke("desk", "bob"));
    check_finds(f.path, "it revokes API token \"desk\", which no link before it created");
  }
}

TEST_CASE("stored answers: the database refuses to change or remove one" * doctest::test_suite("ledger")) {
  Fixture f;
  (void)test::ok(f.ledger.tokens().create("webshop", Role::shop, "alice"));
  {
    auto tx = test::ok(f.ledger.begin());
    test::ok(tx.answers().record("webshop", "key-1", StoredAnswer{"hash", 201, "{\"licenses\":[]}"}));
    test::ok(tx.commit());
  }
  const std::string before = test::ledger_snapshot(f.path, "SELECT * FROM idempotent_requests");
  const std::string why = "a stored answer is given again as it was recorded: it is never changed or removed";
  CHECK(test::contains(refusal_of(f.path, "UPDATE idempotent_requests SET status = 200"), why));
  CHECK(
      test::contains(refusal_of(f.path, "UPDATE idempotent_requests SET response = '{\"forged\":1}'"), why));
  CHECK(test::contains(refusal_of(f.path, "DELETE FROM idempotent_requests"), why));
  CHECK(test::ledger_snapshot(f.path, "SELECT * FROM idempotent_requests") == before);
  // A new answer is still recorded.
  auto tx = test::ok(f.ledger.begin());
  test::ok(tx.answers().record("webshop", "key-2", StoredAnswer{"hash", 201, "{}"}));
  test::ok(tx.commit());
  CHECK(test::ledger_snapshot(f.path, "SELECT COUNT(*) FROM idempotent_requests") == "2|\n");
}
