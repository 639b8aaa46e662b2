// The SQLite ledger: schema, serial allocation, transactions, refusal of foreign files.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <algorithm>

#include <functional>

#include "keygen_test_support.hpp"
#include "seatkey/common/paserk.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/keygen/queries.hpp"
#include "test_support.hpp"

using namespace seatkey;
using namespace seatkey::keygen;

namespace {

LedgerEntry entry(std::int64_t serial) {
  auto e = test::pack_entry(serial, 5, test::kNow);
  e.customer = "Ächme GmbH";
  e.order = "SO-" + std::to_string(serial);
  e.expires = test::kNow + 86400;
  return e;
}

// chmod of the ledger and of its -wal and -shm files where they exist.
void chmod_ledger(const std::string& path, unsigned mode) {
  for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((path + suffix).c_str(), static_cast<mode_t>(mode));
}

// A new ledger whose signing key is the development key.
Ledger new_ledger(const std::string& path) {
  return test::ok(Ledger::create(path, test::development_key().public_key(), Ledger::DevelopmentKey::allow));
}

void insert_committed(Ledger& ledger, int n) {
  auto tx = test::ok(ledger.begin());
  std::int64_t serial = test::ok(tx.licenses().next_serial());
  for (int i = 0; i < n; ++i) test::ok(tx.licenses().insert(entry(serial++)));
  test::ok(tx.commit());
}

}  // namespace

TEST_CASE(
    "ledger: a new ledger has the latest schema version, no rows, an empty chain and its one signing key" *
    doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  CHECK(ledger.schema_version() == Ledger::kSchemaVersion);
  CHECK(ledger.migrated_from() == 0);
  CHECK(test::ok(ledger.licenses().count()) == 0);
  CHECK(test::ok(ledger.licenses().all()).empty());
  CHECK(test::ok(ledger.events().all()).empty());
  CHECK(test::ok(ledger.head()).seq == 0);
  CHECK(to_hex(test::ok(ledger.head()).hash) == std::string(64, '0'));
  // A PostgreSQL ledger starts at version 4: versions 1-3 exist only as SQLite files.
  CHECK(test::ledger_snapshot(path, "SELECT version FROM schema_version ORDER BY version") ==
        (test::is_postgresql(path) ? "4|\n5|\n6|\n7|\n8|\n9|\n" : "1|\n2|\n3|\n4|\n5|\n6|\n7|\n8|\n9|\n"));
  const auto keys = test::ok(ledger.keys().all());
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].key_id == test::development_key().public_key().id());
  CHECK(keys[0].public_key == std::optional<std::string>(test::development_key().public_key().to_paserk()));
  CHECK(keys[0].origin == "init");
  CHECK(parse_rfc3339(keys[0].added_at));
  CHECK(test::ok(ledger.keys().development()));
}

TEST_CASE("ledger: kDevelopmentKeyId is the k4.pid of keys/development.public") {
  const std::string text = test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.public");
  const auto keys = parse_public_key_file(text, "keys/development.public");
  REQUIRE(keys);
  REQUIRE(keys->size() == 1);
  CHECK(keys->front().id() == kDevelopmentKeyId);
  CHECK(test::development_key().public_key().id() == kDevelopmentKeyId);
}

TEST_CASE("ledger: create() makes the file 0600 whatever the umask, never over an existing file") {
  test::TempDir dir;
  const auto other = SecretKey::generate();
  REQUIRE(other);
  for (const mode_t mask : {0000, 0022, 0077}) {
    CAPTURE(mask);
    const mode_t old = ::umask(mask);
    const auto path = dir.file("l" + std::to_string(mask) + ".db");
    {
      auto ledger = test::ok(Ledger::create(path, other->public_key()));
      CHECK_FALSE(test::ok(ledger.keys().development()));
      auto tx = test::ok(ledger.begin());
      test::ok(tx.licenses().insert(entry(test::ok(tx.licenses().next_serial()))));
      test::ok(tx.commit());
      // While the connection is open, SQLite's -wal and -shm exist: the ledger's mode too.
      for (const char* suffix : {"", "-wal", "-shm"}) CHECK(test::file_mode(path + suffix) == 0600);
    }
    ::umask(old);
  }
  test::write_text(dir.file("taken.db"), "precious", 0644);
  auto e = test::error_of(Ledger::create(dir.file("taken.db"), other->public_key()));
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  CHECK(test::contains(e->message, "already exists"));
  CHECK(test::read_file(dir.file("taken.db")) == "precious");
  // Nor next to a -wal or -shm an earlier ledger left: SQLite would replay it into the new one.
  for (const char* suffix : {"-wal", "-shm"}) {
    CAPTURE(suffix);
    const auto path = dir.file(std::string("stale") + suffix + ".db");
    test::write_text(path + suffix, "left over");
    e = test::error_of(Ledger::create(path, other->public_key()));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, path + suffix + " exists, left by an earlier ledger"));
    CHECK(test::file_mode(path) == 0);
    CHECK(test::read_file(path + suffix) == "left over");
  }
}

TEST_CASE("ledger: the development key is refused unless allowed, and then no file is made") {
  test::TempDir dir;
  const auto path = dir.file("dev.db");
  auto e = test::error_of(Ledger::create(path, test::development_key().public_key()));
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::contains(e->message, "the development key"));
  CHECK(test::contains(e->message, "allow the development key for a test ledger only"));
  CHECK(test::contains(e->command_hint, "--allow-development-key"));
  CHECK(test::file_mode(path) == 0);
  const auto other = SecretKey::generate();
  REQUIRE(other);
  auto ledger = test::ok(Ledger::create(path, other->public_key()));
  CHECK_FALSE(test::ok(ledger.keys().development()));
  e = test::error_of(ledger.keys().add(test::development_key().public_key()));
  REQUIRE(e);
  CHECK(e->kind == Kind::refused);
  CHECK(test::ok(ledger.keys().all()).size() == 1);
  CHECK(test::ok(ledger.keys().add(test::development_key().public_key(), Ledger::DevelopmentKey::allow)) ==
        KeyStore::Added::added);
  CHECK(test::ok(ledger.keys().development()));
}

TEST_CASE("ledger: add_signing_key registers a key once, in order" * doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  const auto other = SecretKey::generate();
  REQUIRE(other);
  {
    auto tx = test::ok(ledger.begin());
    CHECK(test::ok(tx.keys().knows(std::string(kDevelopmentKeyId))));
    CHECK_FALSE(test::ok(tx.keys().knows(other->public_key().id())));
  }
  CHECK(test::ok(ledger.keys().add(other->public_key())) == KeyStore::Added::added);
  CHECK(test::ok(ledger.keys().add(other->public_key())) == KeyStore::Added::already_known);
  const auto keys = test::ok(ledger.keys().all());
  REQUIRE(keys.size() == 2);
  CHECK(keys[1].key_id == other->public_key().id());
  CHECK(keys[1].origin == "add-key");
  auto tx = test::ok(ledger.begin());
  CHECK(test::ok(tx.keys().knows(other->public_key().id())));
  test::ok(tx.commit());
  // Signing keys are recorded once: never removed, never changed.
  CHECK_THROWS(test::raw_sql(path, "DELETE FROM signing_keys"));
  CHECK_THROWS(test::raw_sql(path, "UPDATE signing_keys SET public_key = 'k4.public.x'"));
  CHECK(test::ok(test::ok(Ledger::open(path, Ledger::Access::read_only)).keys().all()).size() == 2);
}

TEST_CASE("ledger: a read-only Ledger registers no key" * doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  { auto ledger = new_ledger(path); }
  auto ledger = test::ok(Ledger::open(path, Ledger::Access::read_only));
  const auto other = SecretKey::generate();
  REQUIRE(other);
  CHECK(test::error_of(ledger.keys().add(other->public_key())));
}

TEST_CASE("ledger: missing, empty and group- or others-writable files are never written") {
  test::TempDir dir;
  // A missing ledger names the command that creates one, and nothing creates it.
  for (auto access : {Ledger::Access::read_only, Ledger::Access::read_write}) {
    auto e = test::error_of(Ledger::open(dir.file("missing.db"), access));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, "(create the ledger first; issuing never creates one)"));
    CHECK(e->command_hint == "seatkey-keygen ledger init --ledger " + dir.file("missing.db") + " --key FILE");
    CHECK(test::file_mode(dir.file("missing.db")) == 0);
  }
  // An empty file is no ledger, and stays empty.
  test::write_text(dir.file("empty.db"), "");
  auto e = test::error_of(Ledger::open(dir.file("empty.db"), Ledger::Access::read_write));
  REQUIRE(e);
  CHECK(test::contains(e->message, "not a seatkey ledger (an empty database"));
  CHECK(test::read_file(dir.file("empty.db")).empty());
  // Writable by group or others: refused for writing (naming chmod 600), read with a warning.
  const auto path = dir.file("l.db");
  { auto ledger = new_ledger(path); }
  for (const unsigned mode : {0620u, 0602u, 0666u}) {
    CAPTURE(mode);
    chmod_ledger(path, mode);
    e = test::error_of(Ledger::open(path, Ledger::Access::read_write));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, "group or others may write the ledger"));
    CHECK(test::contains(e->message, "a ledger is written only while its owner alone may write it"));
    CHECK(test::contains(e->command_hint, "chmod 600 " + path));
    const auto reader = test::ok(Ledger::open(path, Ledger::Access::read_only));
    REQUIRE(reader.warnings().size() == 1);
    CHECK(test::contains(reader.warnings()[0], "may write"));
  }
  // Readable by them: a warning, for reading and writing alike.
  chmod_ledger(path, 0644);
  for (auto access : {Ledger::Access::read_only, Ledger::Access::read_write}) {
    const auto ledger = test::ok(Ledger::open(path, access));
    REQUIRE(ledger.warnings().size() == 1);
    CHECK(test::contains(ledger.warnings()[0], "group or others may read the ledger"));
    CHECK(test::contains(ledger.warnings()[0], "(mode 0644)"));
  }
  chmod_ledger(path, 0600);
  CHECK(test::ok(Ledger::open(path, Ledger::Access::read_write)).warnings().empty());
  // The -wal and -shm files count too: SQLite gives them the ledger's mode when it makes them.
  test::write_text(path + "-shm", "", 0666);
  e = test::error_of(Ledger::open(path, Ledger::Access::read_write));
  REQUIRE(e);
  CHECK(test::contains(e->message, path + "-shm (mode 0666)"));
}

TEST_CASE("ledger: the lookup tables hold exactly the policy's names, which no CHECK repeats") {
  // A new edition, kind, role or event type is a row of its lookup table, which every write
  // open completes from the program's tables: no migration, no table rebuild.
  test::TempDir dir;
  const auto path = dir.file("l.db");
  { auto ledger = new_ledger(path); }
  const auto rows = [](const auto& names) {
    std::vector<std::string> sorted(names.begin(), names.end());
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (const std::string& n : sorted) out += n + "|\n";
    return out;
  };
  std::vector<std::string> editions;
  for (const auto& e : kEditions) editions.emplace_back(e.name);
  CHECK(test::ledger_snapshot(path, "SELECT name FROM editions ORDER BY name") == rows(editions));
  CHECK(test::ledger_snapshot(path, "SELECT name FROM license_kinds ORDER BY name") == rows(kKindNames));
  CHECK(test::ledger_snapshot(path, "SELECT name FROM event_types ORDER BY name") == rows(kEventKindNames));
  CHECK(test::ledger_snapshot(path, "SELECT name FROM roles ORDER BY name") == rows(kRoleNames));
  CHECK(test::ledger_snapshot(path, "SELECT name FROM key_origins ORDER BY name") == rows(kKeyOriginNames));
  const std::string schema =
      test::ledger_snapshot(path, "SELECT sql FROM sqlite_master WHERE name = 'licenses'");
  CHECK_FALSE(test::contains(schema, "edition IN ("));
  CHECK_FALSE(test::contains(schema, "kind IN ("));
  CHECK(test::contains(schema, "REFERENCES editions (name)"));
  CHECK(test::contains(schema, "REFERENCES license_kinds (name)"));
  CHECK(test::contains(schema, "CHECK ((kind = 'standby') = (primary_appliance IS NOT NULL))"));
  CHECK(test::contains(schema, "CHECK ((kind = 'revocation') = (appliance IS NULL))"));
  // A name the ledger lacks (a newer build's edition, say) is added by the next write open.
  test::raw_sql(path, "DELETE FROM editions WHERE name = 'vm'");
  CHECK(test::ledger_snapshot(path, "SELECT COUNT(*) FROM editions") ==
        std::to_string(editions.size() - 1) + "|\n");
  { auto reader = test::ok(Ledger::open(path, Ledger::Access::read_only)); }
  CHECK(test::ledger_snapshot(path, "SELECT COUNT(*) FROM editions") ==
        std::to_string(editions.size() - 1) + "|\n");
  { auto writer = test::ok(Ledger::open(path, Ledger::Access::read_write)); }
  CHECK(test::ledger_snapshot(path, "SELECT name FROM editions ORDER BY name") == rows(editions));
}

TEST_CASE("ledger: a file that is no SQLite database is refused as not a ledger") {
  test::TempDir dir;
  test::write_text(dir.file("junk.db"), std::string(4096, 'x'));
  auto e = test::error_of(Ledger::open(dir.file("junk.db"), Ledger::Access::read_write));
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  CHECK(test::contains(e->message, "not a seatkey ledger"));
}

TEST_CASE("ledger: an SQLite database without the ledger schema is refused") {
  test::TempDir dir;
  const auto path = dir.file("other.db");
  { auto ledger = new_ledger(path); }
  test::raw_sql(path, "CREATE TABLE t(x); DROP TABLE schema_version;");
  auto e = test::error_of(Ledger::open(path, Ledger::Access::read_only));
  REQUIRE(e);
  CHECK(test::contains(e->message, "not a seatkey ledger"));
}

TEST_CASE("ledger: a newer schema version is refused with a clear message" * doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  { auto ledger = new_ledger(path); }
  const std::string newer = std::to_string(Ledger::kSchemaVersion + 1);
  test::raw_sql(path, "INSERT INTO schema_version VALUES (" + newer + ")");
  auto e = test::error_of(Ledger::open(path, Ledger::Access::read_write));
  REQUIRE(e);
  CHECK(test::contains(e->message, "schema version " + newer + ", newer than"));
}

TEST_CASE("ledger: every field round-trips" * doctest::test_suite("ledger")) {
  test::TempDir dir;
  auto ledger = new_ledger(test::new_ledger_location(dir, "l.db"));
  auto server = test::server_entry(1, Edition::compact, test::kNow);
  server.updates_until = test::kNow + 1000;
  server.replaces = std::nullopt;
  auto pack = entry(2);
  {
    auto tx = test::ok(ledger.begin());
    CHECK(test::ok(tx.licenses().next_serial()) == 1);
    test::ok(tx.licenses().insert(server));
    test::ok(tx.licenses().insert(pack));
    test::ok(tx.commit());
  }
  const auto rows = test::ok(ledger.licenses().all());
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].kind == LicenseKind::server);
  CHECK(rows[0].edition == Edition::compact);
  CHECK(rows[0].users == 3);
  CHECK(rows[0].updates_until == test::kNow + 1000);
  CHECK(rows[0].token == server.token);
  CHECK(rows[1].kind == LicenseKind::users);
  CHECK_FALSE(rows[1].edition);
  CHECK(rows[1].customer == std::optional<std::string>("Ächme GmbH"));
  CHECK(rows[1].order == std::optional<std::string>("SO-2"));
  CHECK(rows[1].expires == test::kNow + 86400);
  CHECK(rows[1].issued_at == test::kNow);
  CHECK(rows[1].key_id == "k4.pid.test");
  CHECK(test::ok(ledger.licenses().of_appliance(test::kAppliance)).size() == 2);
  CHECK(test::ok(ledger.licenses().of_appliance("OTHER1")).empty());
}

TEST_CASE("ledger: a transaction destroyed without commit leaves the ledger unchanged" *
          doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  insert_committed(ledger, 2);
  const auto before = test::ledger_snapshot(path);
  {
    auto tx = test::ok(ledger.begin());
    test::ok(tx.licenses().insert(entry(test::ok(tx.licenses().next_serial()))));
  }
  CHECK(test::ledger_snapshot(path) == before);
  CHECK(test::ok(ledger.licenses().count()) == 2);
}

TEST_CASE("ledger: serials are never reused, not even after rows disappear" * doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  insert_committed(ledger, 3);
  // Only a hand edit can remove rows: the ledger itself is append-only.
  test::tamper(path, "DELETE FROM licenses WHERE serial >= 2");
  auto tx = test::ok(ledger.begin());
  CHECK(test::ok(tx.licenses().next_serial()) == 4);
}

TEST_CASE("ledger: rows cannot be updated or deleted (append-only triggers)" *
          doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  insert_committed(ledger, 1);
  CHECK_THROWS(test::raw_sql(path, "DELETE FROM licenses"));
  CHECK_THROWS(test::raw_sql(path, "UPDATE licenses SET users = 20"));
  CHECK(test::ok(ledger.licenses().count()) == 1);
}

TEST_CASE("ledger: a duplicated serial is refused and the transaction rolls back" *
          doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  insert_committed(ledger, 1);
  const auto before = test::ledger_snapshot(path);
  auto e = test::error_of([&] {
    auto tx = test::ok(ledger.begin());
    auto dup = entry(1);
    dup.token = "v4.public.other";
    test::ok(tx.licenses().insert(dup));
    test::ok(tx.commit());
  });
  REQUIRE(e);
  CHECK(e->kind == Kind::internal);
  CHECK(test::ledger_snapshot(path) == before);
}

TEST_CASE("ledger: a second connection waits for the first writer instead of failing" *
          doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto a = new_ledger(path);
  auto b = test::ok(Ledger::open(path, Ledger::Access::read_write));
  auto tx = test::ok(a.begin());
  test::ok(tx.licenses().insert(entry(test::ok(tx.licenses().next_serial()))));
  // b can read the committed state while a writes (WAL).
  CHECK(test::ok(b.licenses().count()) == 0);
  test::ok(tx.commit());
  insert_committed(b, 1);
  CHECK(test::ok(a.licenses().count()) == 2);
  auto rows = test::ok(a.licenses().all());
  CHECK(rows[0].serial == 1);
  CHECK(rows[1].serial == 2);
}

TEST_CASE("ledger: a corrupt row is named, the other rows and appliances still read" *
          doctest::test_suite("ledger")) {
  test::TempDir dir;
  const auto path = test::new_ledger_location(dir, "l.db");
  auto ledger = new_ledger(path);
  insert_committed(ledger, 2);
  auto other = entry(3);
  other.appliance = "OTHER1";
  {
    auto tx = test::ok(ledger.begin());
    test::ok(tx.licenses().insert(other));
    test::ok(tx.commit());
  }
  // A time outside 0000-9999, as a tool that accepted "9999-12-31T23:59:59-23:59" recorded it.
  test::raw_sql(
      path,
      "INSERT INTO licenses (serial, kind, appliance, users, issued_at, updates_until, issuer, key_id, "
      "token, "
      "chain_seq, chain_hash) SELECT 4, kind, appliance, users, issued_at, '10000-01-01T23:58:59Z', issuer, "
      "key_id, 'v4.public.bad', 900001, " +
          test::sql_blob(path, std::string(64, '0')) + " FROM licenses WHERE serial = 1");
  const std::string why =
      "row 4 (appliance 001A2B3C4D5E) is corrupt: updates_until \"10000-01-01T23:58:59Z\" is not an RFC 3339 "
      "time in the years 0000-9999";
  for (const auto& strict : std::vector<std::function<void()>>{
           [&] { (void)test::ok(ledger.licenses().all()); },
           [&] { (void)test::ok(ledger.licenses().of_appliance(test::kAppliance)); },
           [&] {
             auto tx = test::ok(ledger.begin());
             (void)test::ok(tx.licenses().of_appliance(test::kAppliance));
           }}) {
    auto e = test::error_of(strict);
    REQUIRE(e);
    CHECK(e->kind == Kind::internal);
    CHECK(test::contains(e->message, why));
  }
  CHECK(test::ok(ledger.licenses().of_appliance("OTHER1")).size() == 1);
  const auto rows = test::ok(ledger.licenses().rows());
  CHECK(rows.entries.size() == 3);
  REQUIRE(rows.corrupt.size() == 1);
  CHECK(rows.corrupt[0].serial == 4);
  CHECK(rows.corrupt[0].appliance == test::kAppliance);
  CHECK(rows.corrupt[0].why == why);
  CHECK(test::ok(ledger.licenses().rows(std::string("OTHER1"))).corrupt.empty());
  // A kind or an edition the ledger does not know is corrupt too (their lookup tables bypassed:
  // SQLite's plain connection checks no foreign keys, PostgreSQL's are dropped).
  const std::string zero = test::sql_blob(path, std::string(64, '0'));
  test::raw_sql(
      path,
      (test::is_postgresql(path) ? "ALTER TABLE licenses DROP CONSTRAINT licenses_kind_fkey, DROP "
                                   "CONSTRAINT licenses_edition_fkey;"
                                 : "PRAGMA foreign_keys = OFF;") +
          std::string("INSERT INTO licenses (serial, kind, appliance, edition, users, issued_at, issuer, "
                      "key_id, token, chain_seq, chain_hash) VALUES (5, 'server', 'X1', 'gold', 1, "
                      "'2026-01-01T00:00:00Z', 's', 'k', 't1', 900002, ") +
          zero + "), (6, 'trial', 'X2', NULL, 1, '2026-01-01T00:00:00Z', 's', 'k', 't2', 900003, " + zero +
          ")");
  const auto more = test::ok(ledger.licenses().rows());
  REQUIRE(more.corrupt.size() == 3);
  CHECK(more.corrupt[1].why == "row 5 (appliance X1) is corrupt: edition \"gold\"");
  CHECK(more.corrupt[2].why == "row 6 (appliance X2) is corrupt: kind \"trial\"");
  // A report counts the rows in the database: what it cannot tell apart is named there.
  const auto report = test::error_of(make_report(ledger, std::nullopt, std::nullopt));
  REQUIRE(report);
  CHECK(report->code == Code::ledger_corrupt);
  CHECK(test::contains(report->message, "which a report cannot count"));
  CHECK((test::contains(report->message, "edition \"gold\"") ||
         test::contains(report->message, "kind \"trial\"")));
}

namespace {

// tests/fixtures/schema1.db (tests/fixtures/README.md), copied: the tool of schema version 1
// made it.
std::string schema1_copy(const test::TempDir& dir) {
  const auto path = dir.file("schema1.db");
  test::write_text(path, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/tests/fixtures/schema1.db"));
  return path;
}

const std::string kFixtureSecondKey = "k4.pid.OLeZ7ztj9KRoo5DqqGglHi4z6gZGd2_WIrpVbnGe6IhL";

}  // namespace

TEST_CASE("ledger: a schema 1 ledger is read as it is, and migrated once, in one transaction") {
  test::TempDir dir;
  const auto path = schema1_copy(dir);
  const auto before = test::ledger_snapshot(path);
  const std::string rows_before =
      test::ledger_snapshot(path, "SELECT serial, key_id, token FROM licenses ORDER BY serial");
  {
    // Read-only: nothing is written, the keys are those its rows were signed with.
    const auto reader = test::ok(Ledger::open(path, Ledger::Access::read_only));
    CHECK(reader.schema_version() == 1);
    CHECK(test::ok(reader.licenses().all()).size() == 6);
    const auto keys = test::ok(reader.keys().all());
    REQUIRE(keys.size() == 2);
    CHECK(keys[0].key_id == kDevelopmentKeyId);
    CHECK(keys[1].key_id == kFixtureSecondKey);
    CHECK(test::ok(reader.keys().development()));
  }
  CHECK(test::ledger_snapshot(path) == before);
  {
    auto ledger = test::ok(Ledger::open(path, Ledger::Access::read_write));
    CHECK(ledger.schema_version() == Ledger::kSchemaVersion);
    CHECK(ledger.migrated_from() == 1);
    // The chain over its rows, in serial order.
    CHECK(test::ledger_snapshot(path, "SELECT serial, chain_seq FROM licenses ORDER BY serial") ==
          "1|1|\n2|2|\n3|3|\n4|4|\n5|5|\n6|6|\n");
    CHECK(test::ok(ledger.head()).seq == 6);
    const auto keys = test::ok(ledger.keys().all());
    REQUIRE(keys.size() == 2);
    CHECK(keys[0].key_id == kDevelopmentKeyId);
    CHECK(keys[0].origin == "migrated");
    CHECK_FALSE(keys[0].public_key);
    CHECK(keys[0].added_at ==
          test::ledger_snapshot(path, "SELECT issued_at FROM licenses WHERE serial = 1").substr(0, 20));
    CHECK(keys[1].key_id == kFixtureSecondKey);
    // Adding a migrated key with the key itself records its public key.
    CHECK(test::ok(ledger.keys().add(test::development_key().public_key(), Ledger::DevelopmentKey::allow)) ==
          KeyStore::Added::public_key_recorded);
    CHECK(test::ok(ledger.keys().all())[0].public_key ==
          std::optional<std::string>(test::development_key().public_key().to_paserk()));
  }
  // Once: a second open finds the latest version.
  CHECK(test::ledger_snapshot(path, "SELECT version FROM schema_version") ==
        "1|\n2|\n3|\n4|\n5|\n6|\n7|\n8|\n9|\n");
  CHECK(test::ok(Ledger::open(path, Ledger::Access::read_write)).migrated_from() == 0);
  CHECK(test::ledger_snapshot(path, "SELECT version FROM schema_version") ==
        "1|\n2|\n3|\n4|\n5|\n6|\n7|\n8|\n9|\n");
  CHECK(test::ledger_snapshot(path, "SELECT serial, key_id, token FROM licenses ORDER BY serial") ==
        rows_before);

  // A migration that fails half way leaves the ledger exactly as it was.
  test::TempDir dir2;
  const auto broken = schema1_copy(dir2);
  test::raw_sql(broken,
                "CREATE TRIGGER block BEFORE INSERT ON schema_version "
                "BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END;");
  const auto broken_before = test::ledger_snapshot(broken);
  auto e = test::error_of(Ledger::open(broken, Ledger::Access::read_write));
  REQUIRE(e);
  CHECK(test::contains(e->message, "blocked by the test"));
  CHECK(test::ledger_snapshot(broken) == broken_before);
  CHECK(test::ledger_snapshot(broken, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'signing_keys'") ==
        "0|\n");
}
