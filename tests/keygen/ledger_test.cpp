// The SQLite ledger: schema, serial allocation, transactions, refusal of foreign files.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/ledger.hpp"

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

void insert_committed(Ledger& ledger, int n) {
  auto tx = ledger.begin();
  std::int64_t serial = tx.next_serial();
  for (int i = 0; i < n; ++i) tx.insert(entry(serial++));
  tx.commit();
}

}  // namespace

TEST_CASE("ledger: a new ledger has schema version 1 and no rows") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  auto ledger = Ledger::open(path, Ledger::Access::create);
  CHECK(ledger.schema_version() == 1);
  CHECK(ledger.count() == 0);
  CHECK(ledger.entries().empty());
  CHECK(test::contains(test::ledger_snapshot(path), "1|"));  // schema_version row
}

TEST_CASE("ledger: the schema's CHECKs list exactly the policy's editions and kinds") {
  // Adding an edition or kind to the policy needs a migration that widens these CHECKs.
  test::TempDir dir;
  const auto path = dir.file("l.db");
  { auto ledger = Ledger::open(path, Ledger::Access::create); }
  const std::string schema =
      test::ledger_snapshot(path, "SELECT sql FROM sqlite_master WHERE name = 'licenses'");
  std::string editions, kinds;
  for (const auto& e : kEditions)
    editions += std::string(editions.empty() ? "" : ", ") + "'" + std::string(e.name) + "'";
  for (const auto& k : kKindNames)
    kinds += std::string(kinds.empty() ? "" : ", ") + "'" + std::string(k) + "'";
  CHECK(test::contains(schema, "edition IN (" + editions + ")"));
  CHECK(test::contains(schema, "kind IN (" + kinds + ")"));
}

TEST_CASE("ledger: opening a missing ledger to read or issue is an input error") {
  test::TempDir dir;
  for (auto access : {Ledger::Access::read_only, Ledger::Access::read_write}) {
    auto e = test::error_of([&] { (void)Ledger::open(dir.file("missing.db"), access); });
    REQUIRE(e);
    CHECK(e->kind() == Failure::Kind::input);
    CHECK(test::contains(e->what(), "cannot open ledger"));
  }
}

TEST_CASE("ledger: a file that is no SQLite database is refused as not a ledger") {
  test::TempDir dir;
  test::write_text(dir.file("junk.db"), std::string(4096, 'x'));
  auto e = test::error_of([&] { (void)Ledger::open(dir.file("junk.db"), Ledger::Access::read_write); });
  REQUIRE(e);
  CHECK(e->kind() == Failure::Kind::input);
  CHECK(test::contains(e->what(), "not a seatkey ledger"));
}

TEST_CASE("ledger: an SQLite database without the ledger schema is refused") {
  test::TempDir dir;
  const auto path = dir.file("other.db");
  { auto ledger = Ledger::open(path, Ledger::Access::create); }
  test::raw_sql(path, "CREATE TABLE t(x); DROP TABLE schema_version;");
  auto e = test::error_of([&] { (void)Ledger::open(path, Ledger::Access::read_only); });
  REQUIRE(e);
  CHECK(test::contains(e->what(), "not a seatkey ledger"));
}

TEST_CASE("ledger: a newer schema version is refused with a clear message") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  { auto ledger = Ledger::open(path, Ledger::Access::create); }
  test::raw_sql(path, "UPDATE schema_version SET version = 2");
  auto e = test::error_of([&] { (void)Ledger::open(path, Ledger::Access::read_write); });
  REQUIRE(e);
  CHECK(test::contains(e->what(), "schema version 2, newer than"));
}

TEST_CASE("ledger: every field round-trips") {
  test::TempDir dir;
  auto ledger = Ledger::open(dir.file("l.db"), Ledger::Access::create);
  auto server = test::server_entry(1, Edition::compact, test::kNow);
  server.updates_until = test::kNow + 1000;
  server.replaces = std::nullopt;
  auto pack = entry(2);
  {
    auto tx = ledger.begin();
    CHECK(tx.next_serial() == 1);
    tx.insert(server);
    tx.insert(pack);
    tx.commit();
  }
  const auto rows = ledger.entries();
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
  CHECK(ledger.entries_for(test::kAppliance).size() == 2);
  CHECK(ledger.entries_for("OTHER1").empty());
}

TEST_CASE("ledger: a transaction destroyed without commit leaves the ledger unchanged") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  auto ledger = Ledger::open(path, Ledger::Access::create);
  insert_committed(ledger, 2);
  const auto before = test::ledger_snapshot(path);
  {
    auto tx = ledger.begin();
    tx.insert(entry(tx.next_serial()));
  }
  CHECK(test::ledger_snapshot(path) == before);
  CHECK(ledger.count() == 2);
}

TEST_CASE("ledger: serials are never reused, not even after rows disappear") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  auto ledger = Ledger::open(path, Ledger::Access::create);
  insert_committed(ledger, 3);
  // Only a hand edit can remove rows: the ledger itself is append-only.
  test::raw_sql(path, "DROP TRIGGER licenses_no_delete; DELETE FROM licenses WHERE serial >= 2;");
  auto tx = ledger.begin();
  CHECK(tx.next_serial() == 4);
}

TEST_CASE("ledger: rows cannot be updated or deleted (append-only triggers)") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  auto ledger = Ledger::open(path, Ledger::Access::create);
  insert_committed(ledger, 1);
  CHECK_THROWS(test::raw_sql(path, "DELETE FROM licenses"));
  CHECK_THROWS(test::raw_sql(path, "UPDATE licenses SET users = 20"));
  CHECK(ledger.count() == 1);
}

TEST_CASE("ledger: a duplicated serial is refused and the transaction rolls back") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  auto ledger = Ledger::open(path, Ledger::Access::create);
  insert_committed(ledger, 1);
  const auto before = test::ledger_snapshot(path);
  auto e = test::error_of([&] {
    auto tx = ledger.begin();
    auto dup = entry(1);
    dup.token = "v4.public.other";
    tx.insert(dup);
    tx.commit();
  });
  REQUIRE(e);
  CHECK(e->kind() == Failure::Kind::ledger);
  CHECK(test::ledger_snapshot(path) == before);
}

TEST_CASE("ledger: a second connection waits for the first writer instead of failing") {
  test::TempDir dir;
  const auto path = dir.file("l.db");
  auto a = Ledger::open(path, Ledger::Access::create);
  auto b = Ledger::open(path, Ledger::Access::read_write);
  auto tx = a.begin();
  tx.insert(entry(tx.next_serial()));
  // b can read the committed state while a writes (WAL).
  CHECK(b.count() == 0);
  tx.commit();
  insert_committed(b, 1);
  CHECK(a.count() == 2);
  auto rows = a.entries();
  CHECK(rows[0].serial == 1);
  CHECK(rows[1].serial == 2);
}
