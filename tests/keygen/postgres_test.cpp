// What is PostgreSQL's own in the ledger: connecting (and naming the URL without its password),
// a database that holds a ledger already, copies between SQLite and PostgreSQL, and writers on
// several connections at once. Test suite "postgresql": run only on the tests' throwaway
// cluster (tests/keygen/CMakeLists.txt); everything else runs on both backends.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/ledger/audit.hpp"
#include "test_support.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::kAppliance;
using test::kNow;

namespace {

std::string opt(const std::optional<std::string>& s) {
  return s ? "\"" + *s + "\"" : "-";
}
std::string opt(const std::optional<std::int64_t>& n) {
  return n ? std::to_string(*n) : "-";
}

// Every field of a row, as read, on one line: equal lines mean equal rows.
std::string describe(const LedgerEntry& e) {
  return std::to_string(e.serial) + " " + std::to_string(static_cast<int>(e.kind)) + " " + e.appliance + " " +
         (e.edition ? std::to_string(static_cast<int>(*e.edition)) : "-") + " " + std::to_string(e.users) +
         " " + opt(e.customer) + " " + opt(e.order) + " " + std::to_string(e.issued_at) + " " +
         opt(e.updates_until) + " " + opt(e.expires) + " " + e.issuer + " " + e.key_id + " " +
         opt(e.replaces) + " " + opt(e.transferred_from) + " " + opt(e.primary_appliance) + " " +
         opt(e.revocation_seq) + " " + e.token + " " + opt(e.written_by) + " " + std::to_string(e.chain_seq) +
         " " + (e.chain_hash ? to_hex(*e.chain_hash) : "-") + " " +
         (e.voided ? std::string(event_kind_name(*e.voided)) : "-");
}

std::string describe(const LedgerEvent& e) {
  return std::string(event_kind_name(e.kind)) + " " + std::to_string(e.serial) + " " + opt(e.reason) + " " +
         std::to_string(e.at) + " " + e.who + " " + opt(e.transfer_to) + " " + std::to_string(e.chain_seq);
}

// Everything a copy must keep, read through the library.
std::vector<std::string> contents(const Ledger& ledger) {
  std::vector<std::string> out;
  const ChainHead head = test::ok(ledger.head());
  out.push_back("head " + std::to_string(head.seq) + " " + to_hex(head.hash));
  for (const LedgerEntry& e : test::ok(ledger.licenses().all())) out.push_back(describe(e));
  for (const LedgerEvent& e : test::ok(ledger.events().all())) out.push_back(describe(e));
  for (const SigningKey& k : test::ok(ledger.keys().all())) {
    out.push_back("key " + k.key_id + " " + opt(k.public_key) + " " + k.added_at + " " + k.origin);
  }
  for (const ApiToken& t : test::ok(ledger.tokens().all())) {
    out.push_back("token " + t.name + " " + std::string(role_name(t.role)) + " " + t.created_at + " " +
                  opt(t.revoked_at));
  }
  return out;
}

// What the search tables and the revoked serials answer, which a copy makes again as it writes
// each row.
std::vector<std::string> found(const Ledger& ledger) {
  std::vector<std::string> out;
  const auto serials_of = [&](const std::string& what, const LicenseQuery& q) {
    std::string line = what + ":";
    test::ok(ledger.licenses().visit(
        q,
        [&](LedgerEntry& e) {
          line += " " + std::to_string(e.serial);
          return true;
        },
        [](CorruptRow) {}));
    out.push_back(line);
  };
  for (const char* part : {"ächme", "ÄCHME GMBH", "mb", "ä", "beta"}) {
    LicenseQuery q;
    q.customer = part;
    serials_of(std::string("customer ") + part, q);
  }
  LicenseQuery q;
  q.order = "so-1";
  serials_of("order so-1", q);
  for (std::int64_t serial = 1; serial <= 7; ++serial) {
    std::string line = "lists naming " + std::to_string(serial) + ":";
    for (std::int64_t list : test::ok(ledger.licenses().lists_naming(serial)))
      line += " " + std::to_string(list);
    out.push_back(line);
  }
  return out;
}

std::int64_t next_serial(Ledger& ledger) {
  auto tx = test::ok(ledger.begin());
  return test::ok(tx.licenses().next_serial());
}

// A SQLite ledger with something of everything: two signing keys, server licenses, packs, a
// standby, a transfer, a void, a revocation list, rows an API token wrote, a revoked token and
// a stored answer.
struct Source {
  test::TempDir dir;
  std::string path = dir.file("source.db");
  SecretKey key = test::development_key();
  Ledger ledger = test::ok(Ledger::create(path, key.public_key(), Ledger::DevelopmentKey::allow));
  std::string bearer;

  Source() {
    const auto other = SecretKey::generate();
    REQUIRE(other);
    (void)test::ok(ledger.keys().add(other->public_key()));
    bearer = std::string(test::ok(ledger.tokens().create("webshop", Role::shop, "test")).view());
    (void)test::ok(ledger.tokens().create("old", Role::clerk, "test"));
    (void)test::ok(ledger.tokens().revoke("old", "test"));
    ServerOrder s;
    s.appliance = kAppliance;
    s.edition = Edition::compact;
    s.customer = "Ächme GmbH";
    s.order = "SO-1";
    s.updates_until = kNow + 86400 * 365;
    PackOrder p;
    p.appliance = kAppliance;
    p.users = 5;
    p.count = 2;
    p.expires = kNow + 86400 * 30;
    StandbyOrder st;
    st.appliance = "00AABBCCDDEE";
    st.primary = kAppliance;
    IssueOptions o;
    o.now = kNow;
    o.written_by = "webshop";
    (void)test::ok(issue(ledger, key, {Order{s}, Order{p}, Order{st}}, o));  // serials 1-4
    ServerOrder moved;
    moved.appliance = "001122334455";
    moved.edition = Edition::vm;
    o.now = kNow + 1;
    o.written_by = std::nullopt;
    (void)test::ok(issue(ledger, key, {Order{moved}}, o));  // serial 5
    EventOptions ev;
    ev.who = "alice";
    ev.now = kNow + 2;
    (void)test::ok(void_licenses(ledger, {3}, "refund", ev));
    TransferOptions t;
    t.event = ev;
    t.event.now = kNow + 3;
    t.reason = "new hardware";
    // Serial 6, and the revocation list the transfer signs, serial 7.
    (void)test::ok(transfer(ledger, key, "001122334455", "00FFEEDDCCBB", t));
    auto tx = test::ok(ledger.begin());
    test::ok(tx.answers().record("webshop", "k-1", StoredAnswer{"hash", 201, "{\"ok\":true}"}));
    test::ok(tx.commit());
  }
};

}  // namespace

TEST_SUITE("postgresql") {
  TEST_CASE("database: a new ledger is made in an empty database, never over one that holds a ledger") {
    test::TempDir dir;
    const std::string url = dir.new_database();
    auto e = test::error_of(Ledger::open(url, Ledger::Access::read_only));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, "is not a seatkey ledger (an empty database"));
    const SecretKey key = test::development_key();
    {
      Ledger ledger = test::ok(Ledger::create(url, key.public_key(), Ledger::DevelopmentKey::allow));
      ServerOrder s;
      s.appliance = kAppliance;
      s.edition = Edition::vm;
      (void)test::ok(issue(ledger, key, {Order{s}}));
    }
    const std::string before =
        test::ledger_snapshot(url) + test::ledger_snapshot(url, "SELECT * FROM signing_keys");
    const auto other = SecretKey::generate();
    REQUIRE(other);
    e = test::error_of(Ledger::create(url, other->public_key()));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, "already holds a seatkey ledger"));
    CHECK(test::ledger_snapshot(url) + test::ledger_snapshot(url, "SELECT * FROM signing_keys") == before);
    // The refused development key leaves the database as empty as it was.
    const std::string empty = dir.new_database();
    e = test::error_of(Ledger::create(empty, key.public_key()));
    REQUIRE(e);
    CHECK(e->kind == Kind::refused);
    CHECK(test::ledger_snapshot(empty, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") ==
          "0|\n");
  }

  TEST_CASE("database: of two creates of one database that wait for each other, the second is refused") {
    test::TempDir dir;
    const std::string url = dir.new_database();
    const auto a = SecretKey::generate();
    const auto b = SecretKey::generate();
    REQUIRE(a);
    REQUIRE(b);
    // The writers' lock held elsewhere: both creates find the database empty, then wait for it.
    const std::string lock = "7310594041632613753";
    test::PgSession holder(url);
    holder.query("SELECT pg_advisory_lock(" + lock + ")");
    std::vector<std::string> outcomes(2);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        auto created = Ledger::create(url, (i == 0 ? a : b)->public_key());
        outcomes[i] = created ? "created" : created.error().message;
      });
      // Each waits for the lock before the next starts or the lock goes.
      for (int tries = 0; tries < 500; ++tries) {
        if (holder.query("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") ==
            std::to_string(i + 1) + "|\n")
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    holder.query("SELECT pg_advisory_unlock(" + lock + ")");
    for (auto& t : threads) t.join();
    CAPTURE(outcomes[0]);
    CAPTURE(outcomes[1]);
    CHECK(std::count(outcomes.begin(), outcomes.end(), "created") == 1);
    const std::string refused = outcomes[0] == "created" ? outcomes[1] : outcomes[0];
    CHECK(test::contains(refused, "already holds a seatkey ledger"));
    const Ledger ledger = test::ok(Ledger::open(url, Ledger::Access::read_only));
    REQUIRE(test::ok(ledger.keys().all()).size() == 1);
    CHECK(test::ok(ledger.keys().all())[0].origin == "init");
  }

  TEST_CASE("database: the lookup tables hold exactly the policy's names, which no CHECK repeats") {
    // As on SQLite (ledger_test): a new name is a row the next write open adds, not a CHECK.
    test::TempDir dir;
    const std::string url = dir.new_database();
    {
      (void)test::ok(
          Ledger::create(url, test::development_key().public_key(), Ledger::DevelopmentKey::allow));
    }
    const auto rows = [](std::vector<std::string> names) {
      std::sort(names.begin(), names.end());
      std::string out;
      for (const std::string& n : names) out += n + "|\n";
      return out;
    };
    std::vector<std::string> editions;
    for (const auto& e : kEditions) editions.emplace_back(e.name);
    CHECK(test::ledger_snapshot(url, "SELECT name FROM editions ORDER BY name COLLATE \"C\"") ==
          rows(editions));
    CHECK(test::ledger_snapshot(url, "SELECT name FROM license_kinds ORDER BY name COLLATE \"C\"") ==
          rows({kKindNames.begin(), kKindNames.end()}));
    const auto constraint = [&](const std::string& name) {
      return test::ledger_snapshot(
          url, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '" + name + "'");
    };
    CHECK(constraint("licenses_edition_check").empty());
    CHECK(constraint("licenses_kind_check").empty());
    CHECK(constraint("licenses_edition_fkey") == "FOREIGN KEY (edition) REFERENCES editions(name)|\n");
    CHECK(constraint("licenses_kind_fkey") == "FOREIGN KEY (kind) REFERENCES license_kinds(name)|\n");
  }

  TEST_CASE("database: a server that is not there is an input error naming the URL without its password") {
    test::TempDir dir;  // a socket folder where no server listens
    for (const std::string& url : {"postgresql://u:secret@/db?host=" + dir.path(),
                                   "postgres://u@/db?password=secret&host=" + dir.path(),
                                   "postgresql:///db?host=" + dir.path() + "&password=secret&user=u"}) {
      CAPTURE(url);
      for (const auto& attempt : std::vector<std::function<void()>>{
               [&] { (void)test::ok(Ledger::open(url, Ledger::Access::read_only)); },
               [&] { (void)test::ok(Ledger::open(url, Ledger::Access::read_write)); },
               [&] {
                 (void)test::ok(Ledger::create(url, test::development_key().public_key(),
                                               Ledger::DevelopmentKey::allow));
               }}) {
        const auto e = test::error_of(attempt);
        REQUIRE(e);
        CHECK(e->kind == Kind::input);
        CHECK(test::contains(e->message, "cannot connect to ledger " + ledger_name(url) + ": "));
        CHECK(test::contains(e->message, dir.path()));
        CHECK_FALSE(test::contains(e->message, "secret"));
      }
    }
  }

  TEST_CASE("database: ledger_name keeps the URL but its secrets, however spelled") {
    CHECK(is_ledger_url("postgresql://u@/db"));
    CHECK(is_ledger_url("postgres://u@/db"));
    CHECK(is_ledger_url("POSTGRESQL://u@/db"));
    CHECK(is_ledger_url("Postgres://u@/db"));
    CHECK_FALSE(is_ledger_url("/var/lib/seatkey/ledger.db"));
    CHECK_FALSE(is_ledger_url("postgresql.db"));
    CHECK(ledger_name("/var/lib/seatkey/ledger.db") == "/var/lib/seatkey/ledger.db");
    CHECK(ledger_name("postgresql://u@/db?host=/run/pg") == "postgresql://u@/db?host=/run/pg");
    CHECK(ledger_name("postgresql://u:secret@db.example/ledger") == "postgresql://u@db.example/ledger");
    CHECK(ledger_name("postgresql://u@/db?password=secret&host=/run/pg") ==
          "postgresql://u@/db?host=/run/pg");
    CHECK(ledger_name("postgresql://u@/db?host=/run/pg&password=secret") ==
          "postgresql://u@/db?host=/run/pg");
    // libpq ends the user part at the first '@' and the host at the first '/' (a password with
    // them is written %40, %2F): a value with another '@' may hold the rest of a password, and
    // such a URL is shown as none of its parts.
    CHECK(ledger_name("postgres://u:a@b@h/db?password=c&sslmode=require") ==
          "postgresql://(a URL with an unencoded @ or / in its password)");
    CHECK(ledger_name("postgresql://desk:pa/ss@h/db") ==
          "postgresql://(a URL with an unencoded @ or / in its password)");
    CHECK(ledger_name("postgres://u:a%40b@h/db") == "postgresql://u@h/db");
    // libpq decodes the names and values: a secret in any spelling is a secret.
    CHECK(ledger_name("postgresql://u@h/db?pass%77ord=secret") == "postgresql://u@h/db");
    CHECK(ledger_name("postgresql://u@h/db?sslpassword=secret") == "postgresql://u@h/db");
    CHECK(ledger_name("postgresql://desk:pa%2Fss@h:5433/db") == "postgresql://desk@h:5433/db");
    CHECK(ledger_name("postgresql://desk:pa%3Fss@h/db") == "postgresql://desk@h/db");
    CHECK(ledger_name("POSTGRESQL://desk:secret@h/db") == "postgresql://desk@h/db");
    // A URL libpq cannot read is named without any of its parts.
    CHECK(ledger_name("postgresql://desk:secret@h/db?nosuchoption=1") ==
          "postgresql://(a URL that does not parse)");
    CHECK(ledger_name("postgresql://desk:se%zzcret@h/db") == "postgresql://(a URL that does not parse)");
  }

  TEST_CASE("database: a URL libpq cannot read is an input error that shows none of it") {
    auto e = test::error_of(
        Ledger::open("postgresql://desk:secret@h/db?nosuchoption=1", Ledger::Access::read_only));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(e->message ==
          "cannot connect to ledger postgresql://(a URL that does not parse): libpq cannot read it as a "
          "connection URL (postgresql://user@host:port/dbname?option=value)");
  }

  TEST_CASE(
      "database: copy_to SQLite -> PostgreSQL -> SQLite keeps every row, event, key, token and the head") {
    Source s;
    REQUIRE(test::ok(audit_ledger(s.ledger)).ok);
    const std::vector<std::string> original = contents(s.ledger);
    REQUIRE(original.size() == 14);  // the head, 7 rows, 2 events, 2 keys, 2 tokens
    const std::vector<std::string> answers = found(s.ledger);
    CHECK(answers == std::vector<std::string>{
                         "customer ächme: 1 2 3", "customer ÄCHME GMBH: 1 2 3", "customer mb: 1 2 3",
                         "customer ä: 1 2 3", "customer beta:", "order so-1: 1",
                         "lists naming 1:", "lists naming 2:", "lists naming 3: 7",
                         "lists naming 4:", "lists naming 5: 7", "lists naming 6:", "lists naming 7:"});
    const std::string url = s.dir.new_database();
    const ChainHead to_pg = test::ok(s.ledger.copy_to(url));
    CHECK(to_pg.hash == test::ok(s.ledger.head()).hash);
    CHECK(to_pg.seq == test::ok(s.ledger.head()).seq);
    Ledger pg = test::ok(Ledger::open(url, Ledger::Access::read_write));
    CHECK(contents(pg) == original);
    CHECK(found(pg) == answers);
    CHECK(test::ok(audit_ledger(pg)).ok);
    REQUIRE(test::ok(pg.tokens().authenticate(s.bearer)));
    CHECK(test::ok(pg.tokens().authenticate(s.bearer))->name == "webshop");
    CHECK(test::ledger_snapshot(
              url, "SELECT token_name, idempotency_key, status, response FROM idempotent_requests") ==
          "webshop|k-1|201|{\"ok\":true}|\n");

    const std::string back = s.dir.file("back.db");
    const ChainHead to_file = test::ok(pg.copy_to(back));
    CHECK(to_file.hash == to_pg.hash);
    CHECK(test::file_mode(back) == 0600);
    Ledger file = test::ok(Ledger::open(back, Ledger::Access::read_write));
    CHECK(contents(file) == original);
    CHECK(found(file) == answers);
    CHECK(test::ok(audit_ledger(file)).ok);
    CHECK(test::ok(file.tokens().authenticate(s.bearer)));
    CHECK_FALSE(test::ok(file.tokens().authenticate(s.bearer + "x")));
    CHECK(test::ledger_snapshot(
              back, "SELECT token_name, idempotency_key, status, response FROM idempotent_requests") ==
          "webshop|k-1|201|{\"ok\":true}|\n");

    // The counter came along: all three give the next license the same serial, and keep issuing.
    const std::int64_t next = next_serial(s.ledger);
    CHECK(next_serial(pg) == next);
    CHECK(next_serial(file) == next);
    IssueOptions o;
    o.now = kNow + 10;
    PackOrder p;
    p.appliance = kAppliance;
    p.users = 1;
    const auto issued = test::ok(issue(pg, s.key, {Order{p}}, o));
    CHECK(issued.orders[0].entries[0].serial == next);
    CHECK(test::ok(audit_ledger(pg)).ok);
  }

  TEST_CASE(
      "database: a copy into a database or a file that holds a ledger is refused, leaving it unchanged") {
    Source s;
    const std::string url = s.dir.new_database();
    (void)test::ok(s.ledger.copy_to(url));
    Ledger pg = test::ok(Ledger::open(url, Ledger::Access::read_write));
    const std::string before =
        test::ledger_snapshot(url) + test::ledger_snapshot(url, "SELECT * FROM signing_keys");
    auto e = test::error_of(s.ledger.copy_to(url));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, "already holds a seatkey ledger"));
    CHECK(test::ledger_snapshot(url) + test::ledger_snapshot(url, "SELECT * FROM signing_keys") == before);
    const std::string file_before = test::ledger_snapshot(s.path);
    e = test::error_of(pg.copy_to(s.path));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, "already exists"));
    CHECK(test::ledger_snapshot(s.path) == file_before);
  }

  TEST_CASE("database: a copy from a ledger whose chain was damaged is refused and leaves no destination") {
    Source s;
    // Serial 2 is link 5: the three token links (two created, one revoked) come first.
    test::tamper(s.path, "UPDATE licenses SET customer = 'Beta KG' WHERE serial = 2");
    const std::string url = s.dir.new_database();
    auto e = test::error_of(test::ok(Ledger::open(s.path, Ledger::Access::read_only)).copy_to(url));
    REQUIRE(e);
    CHECK(e->kind == Kind::internal);
    CHECK_MESSAGE(test::contains(e->message,
                                 "does not verify at position 5: its hash is not the one of its columns; "
                                 "nothing was copied"),
                  std::string(e->message));
    CHECK(test::ledger_snapshot(url, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") == "0|\n");

    // And the other way: a damaged database copied into a file leaves no file.
    Source t;
    const std::string damaged = t.dir.new_database();
    (void)test::ok(t.ledger.copy_to(damaged));
    test::tamper(damaged, "DELETE FROM events WHERE serial = 3");
    const std::string file = t.dir.file("copy.db");
    e = test::error_of(test::ok(Ledger::open(damaged, Ledger::Access::read_only)).copy_to(file));
    REQUIRE(e);
    CHECK(e->kind == Kind::internal);
    CHECK(test::file_mode(file) == 0);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) CHECK(test::file_mode(file + suffix) == 0);
  }

  TEST_CASE("database: a batch's rows go in a pipeline: an error among them is raised, nothing is written") {
    test::TempDir dir;
    const std::string url = dir.new_database();
    const SecretKey key = test::development_key();
    Ledger ledger = test::ok(Ledger::create(url, key.public_key(), Ledger::DevelopmentKey::allow));
    (void)test::ok(issue(ledger, key, {Order{test::server(Edition::vm)}}, test::at(kNow)));
    // The 300th of 600 rows is refused by the database, after the first pipeline's answers were
    // read (every 256 rows) and before the last ones are.
    test::tamper(url, R"sql(
      CREATE FUNCTION refuse_300() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.serial = 301 THEN RAISE EXCEPTION 'row 301 refused by the test'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_300 BEFORE INSERT ON licenses FOR EACH ROW EXECUTE FUNCTION refuse_300();)sql");
    const std::string before = test::ledger_snapshot(url);
    auto e = test::error_of(issue(ledger, key, {Order{test::packs(1, 600)}}, test::at(kNow + 1)));
    REQUIRE(e);
    CHECK(e->kind == Kind::internal);
    CHECK_MESSAGE(test::contains(e->message, "row 301 refused by the test"), std::string(e->message));
    CHECK(test::ledger_snapshot(url) == before);
    // The same connection goes on: the next batch, in pipelines of its own, is written whole.
    test::tamper(url, "DROP TRIGGER refuse_300 ON licenses");
    const auto issued = test::ok(issue(ledger, key, {Order{test::packs(1, 600)}}, test::at(kNow + 2)));
    CHECK(issued.orders[0].entries.size() == 600);
    CHECK(test::ok(ledger.licenses().count()) == 601);
    CHECK(test::ok(audit_ledger(ledger)).ok);
  }

  TEST_CASE("database: writers on their own connections get distinct serials and one chain that verifies") {
    test::TempDir dir;
    const std::string url = dir.new_database();
    const SecretKey key = test::development_key();
    { (void)test::ok(Ledger::create(url, key.public_key(), Ledger::DevelopmentKey::allow)); }
    constexpr int kWriters = 4;
    constexpr int kRounds = 15;
    const std::vector<std::string> appliances = {"00A000000001", "00A000000002", "00A000000003",
                                                 "00A000000004"};
    std::vector<std::vector<std::int64_t>> serials(kWriters);
    std::vector<std::string> failures(kWriters);
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        try {
          Ledger ledger = test::ok(Ledger::open(url, Ledger::Access::read_write));
          ServerOrder s;
          s.appliance = appliances[static_cast<std::size_t>(w)];
          s.edition = Edition::vm;
          const IssueResult server = test::ok(issue(ledger, key, {Order{s}}));
          for (const auto& e : server.orders[0].entries) {
            serials[static_cast<std::size_t>(w)].push_back(e.serial);
          }
          for (int r = 0; r < kRounds; ++r) {
            PackOrder p;
            p.appliance = s.appliance;
            p.users = 5;
            p.count = 2;
            const IssueResult packs = test::ok(issue(ledger, key, {Order{p}}));
            for (const auto& e : packs.orders[0].entries) {
              serials[static_cast<std::size_t>(w)].push_back(e.serial);
            }
          }
        } catch (const std::exception& e) {
          failures[static_cast<std::size_t>(w)] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& f : failures) CHECK_MESSAGE(f.empty(), f);
    std::set<std::int64_t> all;
    std::size_t issued = 0;
    for (const auto& mine : serials) {
      CHECK(mine.size() == 1 + 2 * kRounds);
      issued += mine.size();
      all.insert(mine.begin(), mine.end());
    }
    const std::size_t expected = kWriters * (1 + 2 * kRounds);
    CHECK(issued == expected);
    CHECK(all.size() == expected);
    CHECK(*all.begin() == 1);
    CHECK(*all.rbegin() == static_cast<std::int64_t>(expected));
    const Ledger reader = test::ok(Ledger::open(url, Ledger::Access::read_only));
    CHECK(test::ok(reader.licenses().count()) == expected);
    const AuditResult r = test::ok(audit_ledger(reader));
    CHECK_MESSAGE(r.ok, r.problem);
    CHECK(r.head.seq == static_cast<std::int64_t>(expected));
    for (const auto& a : appliances)
      CHECK(test::ok(reader.licenses().of_appliance(a)).size() == 1 + 2 * kRounds);
  }
}
