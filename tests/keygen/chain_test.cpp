// The hash chain and `ledger verify`: canonical bytes, links written in the transaction that
// writes the rows, every kind of tampering named, what an anchor adds, and older ledgers.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "keygen_test_support.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/ledger/audit.hpp"
#include "seatkey/keygen/ledger/chain.hpp"
#include "test_support.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::kAppliance;
using test::kNow;

namespace {

struct Fixture : test::LedgerFixture {
  Fixture() {
    IssueOptions o = test::at(kNow);
    const Order s{test::server(kAppliance, Edition::compact, "Acme GmbH")};
    (void)test::ok(issue(ledger, key, {s, Order{test::packs(5, 3)}}, o));  // serials 1-4, links 1-4
    EventOptions ev;
    ev.who = "alice";
    ev.now = kNow + 1;
    (void)test::ok(void_licenses(ledger, {3}, "refund", ev));  // link 5
    o.now = kNow + 2;
    (void)test::ok(issue_revocation_list(ledger, key, o));  // serial 5, link 6
  }

  AuditResult verify(const AuditOptions& options = {}) const {
    const Ledger reader = test::ok(Ledger::open(path, Ledger::Access::read_only));
    return test::ok(audit_ledger(reader, options));
  }
  void tamper(const std::string& sql) { test::tamper(path, sql); }
  void fails_with(const std::string& problem) const {
    const AuditResult r = verify();
    CHECK_FALSE(r.ok);
    CHECK_MESSAGE(test::contains(r.problem, problem), r.problem);
  }
};

// What lets a hand edit past a constraint of the schema: SQLite ignores its CHECKs (and a plain
// connection enforces no foreign keys); PostgreSQL's constraint is dropped by its name.
std::string without(const std::string& path, const std::string& table, const std::string& constraint) {
  return test::is_postgresql(path) ? "ALTER TABLE " + table + " DROP CONSTRAINT " + constraint + ";"
                                   : "PRAGMA ignore_check_constraints = ON;";
}

std::string zero_hash(const std::string& path) {
  return test::sql_blob(path, std::string(64, '0'));
}

// The tokens of packs 2 and 3 swapped (through a copy: token is UNIQUE row by row).
constexpr const char* kSwapTokens =
    "CREATE TEMP TABLE saved AS SELECT serial, token FROM licenses WHERE serial IN (2, 3);"
    "UPDATE licenses SET token = 'parked' || serial WHERE serial IN (2, 3);"
    "UPDATE licenses SET token = (SELECT token FROM saved WHERE saved.serial = 5 - licenses.serial) "
    "WHERE serial IN (2, 3);";

// Recomputes every link's position and hash from the rows as they are now, as someone with the
// file can: what only an anchor kept elsewhere reveals.
void rechain(const std::string& path) {
  std::vector<ChainLink> links;
  {
    const Ledger reader = test::ok(Ledger::open(path, Ledger::Access::read_only));
    test::ok(reader.read_chain([&](const ChainLink& l) {
      links.push_back(l);
      return true;
    }));
  }
  std::string sql;
  ChainHash previous{};
  std::int64_t seq = 0;
  for (ChainLink& l : links) {
    l.values[0] = std::to_string(++seq);
    previous = next_chain_hash(previous, canonical_bytes(l.type, l.values));
    sql += l.type == ChainLinkType::license ? "UPDATE licenses SET chain_seq = " + std::to_string(seq) +
                                                  ", chain_hash = " + test::sql_blob(path, to_hex(previous)) +
                                                  " WHERE serial = " + *l.values[1] + ";"
                                            : "UPDATE events SET chain_seq = " + std::to_string(seq) +
                                                  ", chain_hash = " + test::sql_blob(path, to_hex(previous)) +
                                                  " WHERE chain_seq = " + std::to_string(l.seq) + ";";
  }
  test::tamper(path, sql);
}

}  // namespace

TEST_CASE("chain: canonical bytes tell NULL from empty text and change with any column") {
  const ChainValues a{std::string("1"), std::string(""), std::nullopt};
  const ChainValues b{std::string("1"), std::nullopt, std::string("")};
  CHECK(canonical_bytes(ChainLinkType::license, a) != canonical_bytes(ChainLinkType::license, b));
  CHECK(canonical_bytes(ChainLinkType::license, a) != canonical_bytes(ChainLinkType::event, a));
  // PAE of the type and the marked columns.
  CHECK(canonical_bytes(ChainLinkType::event, {std::string("7"), std::nullopt}) == pae({"event", "T7", "N"}));
  const ChainHash zero{};
  const ChainHash h = next_chain_hash(zero, canonical_bytes(ChainLinkType::license, a));
  CHECK(h != next_chain_hash(zero, canonical_bytes(ChainLinkType::license, b)));
  CHECK(h != next_chain_hash(h, canonical_bytes(ChainLinkType::license, a)));
  CHECK(to_hex(h).size() == 64);
  CHECK(chain_hash_from_hex(to_hex(h)) == std::optional<ChainHash>(h));
  CHECK(chain_hash_from_hex(to_hex(h).substr(0, 63) + "G") == std::nullopt);
  CHECK(chain_hash_from_hex(to_hex(h).substr(0, 62)) == std::nullopt);
  CHECK(chain_hash_from_hex(to_hex(h) + "00") == std::nullopt);
  CHECK(chain_hash_from_hex(std::string(64, 'A')).has_value());
}

TEST_CASE("chain: every row and event is a link, in write order, and the ledger verifies" *
          doctest::test_suite("ledger")) {
  Fixture f;
  CHECK(test::ledger_snapshot(f.path, "SELECT serial, chain_seq FROM licenses ORDER BY serial") ==
        "1|1|\n2|2|\n3|3|\n4|4|\n5|6|\n");
  CHECK(test::ledger_snapshot(f.path, "SELECT chain_seq, type, serial FROM events") == "5|void|3|\n");
  const AuditResult r = f.verify();
  CHECK_MESSAGE(r.ok, r.problem);
  CHECK(r.head.seq == 6);
  CHECK(r.head.hash == test::ok(f.ledger.head()).hash);
  CHECK(r.licenses == 4);
  CHECK(r.revocation_lists == 1);
  CHECK(r.events == 1);
  // Recomputed by hand from the stored columns, the head is the same.
  ChainHash h{};
  test::ok(f.ledger.read_chain([&](const ChainLink& l) {
    h = next_chain_hash(h, canonical_bytes(l.type, l.values));
    CHECK(l.stored == std::optional<ChainHash>(h));
    return true;
  }));
  CHECK(h == r.head.hash);
  // An anchor taken at any link verifies; one from another ledger does not.
  AuditOptions o;
  o.anchor = *test::ok(f.ledger.licenses().find(2))->chain_hash;
  CHECK(f.verify(o).anchor_seq == std::optional<std::int64_t>(2));
  Fixture other;
  o.anchor = test::ok(other.ledger.head()).hash;
  o.anchor->at(0) ^= 1;
  const AuditResult foreign = f.verify(o);
  CHECK_FALSE(foreign.ok);
  CHECK(test::contains(foreign.problem,
                       "the anchor " + to_hex(*o.anchor) + " is no link of this ledger's chain (6 links"));
}

TEST_CASE("verify: an edited, deleted, swapped or added row or event is named" *
          doctest::test_suite("ledger")) {
  SUBCASE("a customer edited") {
    Fixture f;
    f.tamper("UPDATE licenses SET customer = 'Beta KG' WHERE serial = 2");
    f.fails_with(
        "license 2 (chain position 2) does not match its chain hash: it was changed after it was written");
  }
  SUBCASE("a row deleted") {
    Fixture f;
    f.tamper("DELETE FROM licenses WHERE serial = 2");
    f.fails_with(
        "license 3 (chain position 3): chain position 2 is missing before it: a row or an event was deleted");
  }
  SUBCASE("two tokens swapped") {
    Fixture f;
    f.tamper(kSwapTokens);
    f.fails_with("license 2 (chain position 2) does not match its chain hash");
  }
  SUBCASE("an event edited") {
    Fixture f;
    f.tamper("UPDATE events SET reason = 'sold by mistake'");
    f.fails_with("event 5 (void of license 3) does not match its chain hash");
  }
  SUBCASE("an event deleted: the revocation list after it is named") {
    Fixture f;
    f.tamper("DELETE FROM events");
    f.fails_with("revocation list 5 (chain position 6): chain position 5 is missing before it");
  }
  SUBCASE("a link's position taken twice") {
    Fixture f;
    f.tamper("UPDATE events SET chain_seq = 4");
    f.fails_with("event 4 (void of license 3): chain position 4 is taken twice");
  }
  SUBCASE("a hash that is not 32 bytes") {
    Fixture f;
    f.tamper(without(f.path, "licenses", "licenses_chain_hash_check") +
             "UPDATE licenses SET chain_hash = " + test::sql_blob(f.path, "00") + " WHERE serial = 1");
    f.fails_with("license 1 (chain position 1): its chain_hash is not 32 bytes");
  }
}

TEST_CASE("verify: with the chain computed again, tokens and claims still tell, an anchor tells the rest" *
          doctest::test_suite("ledger")) {
  SUBCASE("a customer edited and the chain recomputed: the token says otherwise") {
    Fixture f;
    f.tamper("UPDATE licenses SET customer = 'Beta KG' WHERE serial = 2");
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token says customer \"Acme GmbH\", the row \"Beta KG\"");
  }
  SUBCASE("a standby license's primary edited and the chain recomputed: the token names the primary") {
    Fixture f;
    StandbyOrder s;
    s.appliance = "00AABBCCDDEE";
    s.primary = kAppliance;
    IssueOptions o;
    o.now = kNow + 3;
    (void)test::ok(issue(f.ledger, f.key, {Order{s}}, o));  // serial 6, link 7
    CHECK(f.verify().ok);
    f.tamper("UPDATE licenses SET primary_appliance = '00FFFFFFFFFF' WHERE serial = 6");
    f.fails_with("license 6 (chain position 7) does not match its chain hash");
    rechain(f.path);
    f.fails_with(
        "license 6 (chain position 7): its token says primary \"001A2B3C4D5E\", the row \"00FFFFFFFFFF\"");
  }
  SUBCASE("tokens swapped and the chain recomputed: the serial differs") {
    Fixture f;
    f.tamper(kSwapTokens);
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token says jti \"3\", the row 2");
  }
  SUBCASE("a token altered and the chain recomputed: the signature fails") {
    Fixture f;
    const std::string token = test::ok(f.ledger.licenses().find(2))->token;
    std::string altered = token;
    altered[20] = altered[20] == 'A' ? 'B' : 'A';
    f.tamper("UPDATE licenses SET token = '" + altered + "' WHERE serial = 2");
    rechain(f.path);
    const AuditResult r = f.verify();
    CHECK_FALSE(r.ok);
    CHECK(test::contains(r.problem, "license 2 (chain position 2): its token"));
  }
  SUBCASE("a void erased and the chain recomputed: the revocation list names what no event took back") {
    Fixture f;
    f.tamper("DELETE FROM events");
    rechain(f.path);
    f.fails_with(
        "revocation list 5 (chain position 5): its token revokes 1 serials, but the events before it took "
        "back 0");
  }
  SUBCASE("a pack erased and the chain recomputed: only the anchor shows it") {
    Fixture f;
    AuditOptions o;
    o.anchor = test::ok(f.ledger.head()).hash;
    CHECK(f.verify(o).ok);
    f.tamper("DELETE FROM licenses WHERE serial = 4");
    rechain(f.path);
    CHECK(f.verify().ok);
    const AuditResult r = f.verify(o);
    CHECK_FALSE(r.ok);
    CHECK(test::contains(r.problem, "is no link of this ledger's chain (5 links"));
  }
  SUBCASE("the newest link removed: only the anchor shows it") {
    Fixture f;
    AuditOptions o;
    o.anchor = test::ok(f.ledger.head()).hash;
    f.tamper("DELETE FROM licenses WHERE serial = 5");
    CHECK(f.verify().ok);
    CHECK_FALSE(f.verify(o).ok);
  }
  SUBCASE("a row added with a key the ledger does not have") {
    Fixture f;
    const auto other = SecretKey::generate();
    REQUIRE(other);
    const std::string token =
        *other->sign(R"({"iss":"seatkey","jti":"9","iat":"2026-11-18T11:06:40Z","kind":"users",)"
                     R"("appliance":"001A2B3C4D5E","users":5})",
                     "{\"kid\":\"" + other->public_key().id() + "\"}");
    test::raw_sql(
        f.path,
        "INSERT INTO licenses (serial, kind, appliance, users, issued_at, issuer, key_id, token, chain_seq, "
        "chain_hash) VALUES (9, 'users', '001A2B3C4D5E', 5, '2026-11-18T11:06:40Z', 'seatkey', '" +
            other->public_key().id() + "', '" + token + "', 7, " + zero_hash(f.path) + ")");
    rechain(f.path);
    f.fails_with("license 9 (chain position 7): signed by " + other->public_key().id() +
                 ", which is not a signing key of this ledger");
  }
}

TEST_CASE("verify: what each check finds, with the chain computed again after the edit" *
          doctest::test_suite("ledger")) {
  SUBCASE("a token signed by the right key but naming another in its footer") {
    Fixture f;
    const auto other = SecretKey::generate();
    REQUIRE(other);
    f.tamper("UPDATE licenses SET key_id = '" + other->public_key().id() + "' WHERE serial = 2");
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token names the key \"" + std::string(kDevelopmentKeyId) +
                 "\", the row \"" + other->public_key().id() + "\"");
  }
  SUBCASE("a token whose signature does not verify") {
    Fixture f;
    std::string token = test::ok(f.ledger.licenses().find(2))->token;
    const std::size_t dot = token.rfind('.');
    token[dot - 2] = token[dot - 2] == 'A' ? 'B' : 'A';  // inside the signature
    f.tamper("UPDATE licenses SET token = '" + token + "' WHERE serial = 2");
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token's signature does not verify with " +
                 std::string(kDevelopmentKeyId) + ": the token was altered");
  }
  SUBCASE("a token that is not one") {
    Fixture f;
    f.tamper("UPDATE licenses SET token = 'v4.local.abc' WHERE serial = 2");
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token is malformed: not a v4.public token");
  }
  SUBCASE("a signed token whose claims are invalid, or of another kind") {
    Fixture f;
    const std::string footer = "{\"kid\":\"" + std::string(kDevelopmentKeyId) + "\"}";
    const std::string bad = *f.key.sign(R"({"iss":"seatkey","jti":"2"})", footer);
    f.tamper("UPDATE licenses SET token = '" + bad + "' WHERE serial = 2");
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token's claims are invalid: missing claim \"iat\"");
    const std::string list = *f.key.sign(
        R"({"iss":"seatkey","jti":"2","iat":"2026-11-18T11:06:40Z","kind":"revocation","seq":1,"revoked":[]})",
        footer);
    f.tamper("UPDATE licenses SET token = '" + list + "' WHERE serial = 2");
    rechain(f.path);
    f.fails_with("license 2 (chain position 2): its token is a revocation list, the row a user pack");
  }
  SUBCASE("a revocation list whose seq does not follow") {
    Fixture f;
    f.tamper(without(f.path, "licenses", "licenses_revocation_seq_check") +
             "UPDATE licenses SET revocation_seq = 2 WHERE serial = 5");
    rechain(f.path);
    f.fails_with("revocation list 5 (chain position 6): its token says seq 1, the row 2");
  }
  SUBCASE("an event for a license that is not there, and one that takes a license back twice") {
    Fixture f;
    f.tamper(without(f.path, "events", "events_serial_fkey") +
             "INSERT INTO events (chain_seq, type, serial, at, who, chain_hash) VALUES (7, 'void', 99, "
             "'2026-11-18T11:06:50Z', 'mallory', " +
             zero_hash(f.path) + ")");
    rechain(f.path);
    f.fails_with(
        "event 7 (void of license 99): it takes back serial 99, which is no license written before it");
    Fixture g;
    // SQLite cannot drop a UNIQUE constraint: the table is made again without it.
    g.tamper(
        test::is_postgresql(g.path)
            ? "ALTER TABLE events DROP CONSTRAINT events_serial_key; "
              "INSERT INTO events SELECT 7, type, serial, reason, at, who, transfer_to, chain_hash FROM "
              "events;"
            : "CREATE TABLE e2 AS SELECT * FROM events; "
              "DROP TABLE events; CREATE TABLE events (chain_seq INTEGER PRIMARY KEY, type TEXT, serial "
              "INTEGER, reason TEXT, at TEXT, who TEXT, transfer_to TEXT, chain_hash BLOB, written_by TEXT); "
              "INSERT INTO events SELECT * FROM e2;"
              "INSERT INTO events SELECT 7, type, serial, reason, at, who, transfer_to, chain_hash, "
              "written_by "
              "FROM e2;");
    rechain(g.path);
    g.fails_with("event 7 (void of license 3): it takes back license 3 a second time");
  }
  SUBCASE("a row that does not read") {
    Fixture f;
    f.tamper("UPDATE licenses SET expires = '10000-01-01T00:00:00Z' WHERE serial = 2");
    rechain(f.path);
    f.fails_with(
        "license 2 (chain position 2): row 2 (appliance 001A2B3C4D5E) is corrupt: expires "
        "\"10000-01-01T00:00:00Z\" is not an RFC 3339 time");
  }
  SUBCASE("a recorded public key that is not its k4.pid's") {
    Fixture f;
    const auto other = SecretKey::generate();
    REQUIRE(other);
    test::tamper(f.path, "UPDATE signing_keys SET public_key = '" + other->public_key().to_paserk() + "'");
    f.fails_with("license 1 (chain position 1): the ledger records for signing key " +
                 std::string(kDevelopmentKeyId) + " a public key that is not that key's");
  }
}

TEST_CASE("revocation lists: a list whose token does not read is named, not trusted" *
          doctest::test_suite("ledger")) {
  Fixture f;
  f.tamper("UPDATE licenses SET token = 'v4.public.garbage' WHERE serial = 5");
  auto e = test::error_of(revocation_lists(f.ledger));
  REQUIRE(e);
  CHECK(e->kind == Kind::internal);
  CHECK(test::contains(e->message, "the token of revocation list 5 does not read"));
  EventOptions ev;
  ev.who = "alice";
  (void)test::ok(void_licenses(f.ledger, {2}, "refund", ev));
  e = test::error_of(issue_revocation_list(f.ledger, f.key));
  REQUIRE(e);
  CHECK(
      test::contains(e->message, "the token of revocation list 5 does not read; the ledger needs verifying"));
  CHECK(test::contains(e->command_hint, "seatkey-keygen ledger verify --ledger "));
}

TEST_CASE("verify: a ledger from before the chain names ledger migrate, migrated ones verify") {
  test::TempDir dir;
  const auto copy = [&](const std::string& fixture) {
    const auto path = dir.file(fixture);
    test::write_text(path, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/" + fixture));
    return path;
  };
  const std::string two = copy("schema2.db");
  {
    const Ledger old = test::ok(Ledger::open(two, Ledger::Access::read_only));
    auto e = test::error_of(audit_ledger(old));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message,
                         "has schema version 2, from before the hash chain: migrating it brings it"));
    CHECK(e->command_hint == "seatkey-keygen ledger migrate --ledger " + two);
    CHECK(test::error_of(old.head()));
    CHECK(test::ok(old.licenses().all()).size() == 9);  // read as it is
  }
  const std::string rows_before =
      test::ledger_snapshot(two, "SELECT serial, kind, customer, token FROM licenses");
  {
    const Ledger migrated = test::ok(Ledger::open(two, Ledger::Access::read_write));
    CHECK(migrated.migrated_from() == 2);
    const AuditResult r = test::ok(audit_ledger(migrated));
    CHECK_MESSAGE(r.ok, r.problem);
    CHECK(r.head.seq == 9);
    CHECK(r.licenses == 9);
  }
  CHECK(test::ledger_snapshot(two, "SELECT serial, kind, customer, token FROM licenses") == rows_before);
  CHECK(test::ledger_snapshot(two, "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'") == "9|\n");

  // Schema 1 recorded no public keys: verify says which, --public (or add-key) supplies them.
  const std::string one = copy("schema1-keys.db");
  (void)test::ok(Ledger::open(one, Ledger::Access::read_write));
  const Ledger migrated = test::ok(Ledger::open(one, Ledger::Access::read_only));
  AuditResult r = test::ok(audit_ledger(migrated));
  CHECK_FALSE(r.ok);
  CHECK(test::contains(r.problem, "license 1 (chain position 1): signed by " +
                                      std::string(kDevelopmentKeyId) +
                                      ", whose public key the ledger has not recorded"));
  AuditOptions o;
  o.public_keys =
      test::ok(read_public_key_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.public"));
  r = test::ok(audit_ledger(migrated, o));
  CHECK_FALSE(r.ok);
  CHECK(test::contains(
      r.problem,
      "license 4 (chain position 4): signed by k4.pid.f2gaoBVaGem4JY5Y5Bw2NKiaK9JpquCLyX0obbE_aXxQ"));
  for (PublicKey& k : test::ok(read_public_key_file(std::string(SEATKEY_SOURCE_DIR) +
                                                    "/tests/fixtures/schema1-keys-second.public"))) {
    o.public_keys.push_back(k);
  }
  r = test::ok(audit_ledger(migrated, o));
  CHECK_MESSAGE(r.ok, r.problem);
  CHECK(r.licenses == 6);
  CHECK(r.keys_from_options.size() == 2);

  // schema1.db's second key is lost: its rows can never be checked, and verify says so.
  const std::string lost = copy("schema1.db");
  (void)test::ok(Ledger::open(lost, Ledger::Access::read_write));
  r = test::ok(audit_ledger(test::ok(Ledger::open(lost, Ledger::Access::read_only)), o));
  CHECK_FALSE(r.ok);
  CHECK(test::contains(
      r.problem,
      "license 4 (chain position 4): signed by k4.pid.OLeZ7ztj9KRoo5DqqGglHi4z6gZGd2_WIrpVbnGe6IhL, "
      "whose public key the ledger has not recorded"));
}

TEST_CASE("chain: a row's written_by is in its link, a migrated ledger keeps its hashes") {
  test::TempDir dir;
  const auto path = dir.file("schema2.db");
  test::write_text(path, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/schema2.db"));
  Ledger ledger = test::ok(Ledger::open(path, Ledger::Access::read_write));
  CHECK(ledger.migrated_from() == 2);
  CHECK(ledger.schema_version() == Ledger::kSchemaVersion);
  const SecretKey key = test::development_key();
  (void)test::ok(ledger.keys().add(key.public_key(), Ledger::DevelopmentKey::allow));
  // An appliance the fixture has no licenses for.
  const std::string appliance = "00CAFE000009";
  PackOrder p;
  p.appliance = appliance;
  p.users = 1;
  IssueOptions o;
  o.written_by = "webshop";
  ServerOrder s;
  s.appliance = appliance;
  s.edition = Edition::vm;
  const IssueResult r = test::ok(issue(ledger, key, {Order{s}, Order{p}}, o));
  const std::int64_t server = r.orders.at(0).entries.at(0).serial;
  const std::int64_t pack = r.orders.at(1).entries.at(0).serial;
  o.written_by.reset();
  (void)test::ok(issue(ledger, key, {Order{p}}, o));  // the command line's: no written_by
  CHECK(test::ledger_snapshot(path, "SELECT serial, written_by FROM licenses WHERE serial > 9") ==
        std::to_string(server) + "|webshop|\n" + std::to_string(pack) + "|webshop|\n" +
            std::to_string(pack + 1) + "|NULL|\n");
  // Only the rows that name a token have the column in their canonical bytes.
  test::ok(ledger.read_chain([&](const ChainLink& l) {
    const bool named = l.entry && l.entry->written_by;
    // written_by and code the last two: a row without them has neither in its canonical bytes.
    const std::size_t columns = chain_columns(ChainLinkType::license).size();
    CHECK(l.values.size() == (named ? columns - 1 : columns - 2));
    if (named) {
      CHECK(l.values.back() == std::optional<std::string>("webshop"));
    }
    return true;
  }));
  const auto verify = [&] {
    return test::ok(audit_ledger(test::ok(Ledger::open(path, Ledger::Access::read_only))));
  };
  AuditResult v = verify();
  CHECK_MESSAGE(v.ok, v.problem);
  CHECK(v.licenses == 12);
  const auto tampered = [&](const std::string& sql, std::int64_t serial) {
    const std::string before = test::ledger_snapshot(path, "SELECT serial, written_by FROM licenses");
    test::raw_sql(path, "DROP TRIGGER IF EXISTS licenses_no_update; " + sql);
    const AuditResult t = verify();
    CHECK_FALSE(t.ok);
    CHECK_MESSAGE(test::contains(t.problem, "license " + std::to_string(serial) + " (chain position " +
                                                std::to_string(serial) + ") does not match its chain hash"),
                  t.problem);
    CHECK(before != test::ledger_snapshot(path, "SELECT serial, written_by FROM licenses"));
  };
  SUBCASE("another token named") {
    tampered("UPDATE licenses SET written_by = 'mallory' WHERE serial = " + std::to_string(server), server);
  }
  SUBCASE("the token's name cleared") {
    tampered("UPDATE licenses SET written_by = NULL WHERE serial = " + std::to_string(pack), pack);
  }
  SUBCASE("a token named on a row from before") {
    tampered("UPDATE licenses SET written_by = 'webshop' WHERE serial = 1", 1);
  }
}

TEST_CASE("chain: a migration that fails half way leaves a schema 2 ledger exactly as it was") {
  test::TempDir dir;
  const auto path = dir.file("schema2.db");
  test::write_text(path, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/schema2.db"));
  test::raw_sql(path,
                "CREATE TRIGGER block BEFORE INSERT ON schema_version "
                "BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END;");
  const auto before = test::ledger_snapshot(path, "SELECT sql FROM sqlite_master ORDER BY name") +
                      test::ledger_snapshot(path);
  auto e = test::error_of(Ledger::open(path, Ledger::Access::read_write));
  REQUIRE(e);
  CHECK(test::contains(e->message, "blocked by the test"));
  CHECK(test::ledger_snapshot(path, "SELECT sql FROM sqlite_master ORDER BY name") +
            test::ledger_snapshot(path) ==
        before);
}

TEST_CASE("backup: a consistent 0600 copy that verifies, never over an existing file" *
          doctest::test_suite("ledger")) {
  Fixture f;
  const std::string copy = f.dir.file("copy.db");
  const mode_t old = ::umask(0);
  test::ok(f.ledger.backup(copy));
  ::umask(old);
  CHECK(test::file_mode(copy) == 0600);
  const Ledger backup = test::ok(Ledger::open(copy, Ledger::Access::read_only));
  const AuditResult r = test::ok(audit_ledger(backup));
  CHECK_MESSAGE(r.ok, r.problem);
  CHECK(r.head.hash == test::ok(f.ledger.head()).hash);
  test::write_text(f.dir.file("taken.db"), "precious");
  auto e = test::error_of([&] { test::ok(f.ledger.backup(f.dir.file("taken.db"))); });
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  CHECK(test::contains(e->message, "taken.db: File exists (a backup never replaces a file)"));
  CHECK(test::read_file(f.dir.file("taken.db")) == "precious");
  e = test::error_of([&] { test::ok(f.ledger.backup(f.dir.file("no/such/folder.db"))); });
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  CHECK(test::contains(e->message, f.dir.file("no/such/folder.db") + ": No such file or directory"));
  // A PostgreSQL ledger's backup is a copy into a new SQLite ledger (copy_to), named as such.
  CHECK(test::contains(e->message,
                       test::is_postgresql(f.path) ? "cannot create ledger" : "cannot create the backup"));
}
