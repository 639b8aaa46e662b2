#include "keygen_test_support.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace seatkey::test {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/seatkey-keygen-test.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

namespace {

// A libpq connection, or runtime_error naming why there is none.
struct Pg {
  explicit Pg(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK) {
      const std::string why = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("cannot connect to " + url + ": " + why);
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
  }
  ~Pg() { PQfinish(conn); }
  Pg(const Pg&) = delete;
  Pg& operator=(const Pg&) = delete;

  // The result of `sql` (statements without parameters); runtime_error with the server's message.
  PGresult* exec(const std::string& sql, const char* what) const {
    PGresult* r = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string message = PQerrorMessage(conn);
      PQclear(r);
      throw std::runtime_error(std::string(what) + ": " + message);
    }
    return r;
  }
  PGconn* conn;
};

// The rows of `sql`, one statement at a time (PQexec answers only the last of several).
std::string rows_of(const Pg& db, const std::string& sql) {
  std::string out;
  std::size_t start = 0;
  while (start < sql.size()) {
    auto end = sql.find(';', start);
    if (end == std::string::npos) end = sql.size();
    const std::string statement = sql.substr(start, end - start);
    start = end + 1;
    if (statement.find_first_not_of(" \n\t") == std::string::npos) continue;
    PGresult* r = db.exec(statement, "snapshot");
    for (int row = 0; row < PQntuples(r); ++row) {
      for (int col = 0; col < PQnfields(r); ++col) {
        std::string value = PQgetisnull(r, row, col) != 0 ? "NULL" : PQgetvalue(r, row, col);
        constexpr Oid kBoolean = 16;  // as SQLite has them: 1 and 0
        if (PQftype(r, col) == kBoolean) value = value == "t" ? "1" : "0";
        out += value + "|";
      }
      out += "\n";
    }
    PQclear(r);
  }
  return out;
}

// The folder of the tests' cluster: SEATKEY_TEST_POSTGRES_DIR from the environment (CTest's
// fixture), else as compiled in by seatkey_postgres_target().
std::string postgres_dir() {
  if (const char* dir = std::getenv("SEATKEY_TEST_POSTGRES_DIR"); dir != nullptr && *dir != '\0') return dir;
#ifdef SEATKEY_TEST_POSTGRES_DIR
  return SEATKEY_TEST_POSTGRES_DIR;
#else
  throw std::runtime_error("no PostgreSQL cluster for the tests: configure with SEATKEY_POSTGRES_TESTS=ON");
#endif
}

// The cluster's admin URL (postgresql://seatkey@/postgres?host=...), written by
// scripts/postgres-cluster.sh start.
std::string admin_url() {
  std::string url = read_file(postgres_dir() + "/url");
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  if (url.find("/postgres?") == std::string::npos) {
    throw std::runtime_error("no running PostgreSQL cluster in " + postgres_dir() + " (its url: " + url +
                             ")");
  }
  return url;
}

std::string url_of(const std::string& admin, const std::string& database) {
  std::string url = admin;
  url.replace(url.find("/postgres?"), 10, "/" + database + "?");
  return url;
}

}  // namespace

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (databases_.empty()) return;
  try {
    const Pg admin(admin_url());
    // WITH (FORCE): a Ledger a test leaves open must not keep its database.
    for (const auto& name : databases_)
      PQclear(admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "drop"));
  } catch (const std::exception&) {
    // The cluster is thrown away after the tests anyway.
  }
}

std::string TempDir::new_database() const {
  std::random_device random;
  std::string name = "t_";
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
    name += part;
  }
  const std::string admin = admin_url();
  PQclear(Pg(admin).exec("CREATE DATABASE " + name, "create database"));
  databases_.push_back(name);
  return url_of(admin, name);
}

PgSession::PgSession(const std::string& url) : conn_(new Pg(url)) {}
PgSession::~PgSession() {
  delete static_cast<Pg*>(conn_);
}
std::string PgSession::query(const std::string& sql) {
  return rows_of(*static_cast<Pg*>(conn_), sql);
}

bool postgresql_backend() {
  const char* backend = std::getenv("SEATKEY_TEST_LEDGER_BACKEND");
  if (backend == nullptr || *backend == '\0' || std::string(backend) == "sqlite") return false;
  if (std::string(backend) == "postgresql") return true;
  throw std::runtime_error(std::string("SEATKEY_TEST_LEDGER_BACKEND is ") + backend +
                           ", not sqlite or postgresql");
}

std::string new_ledger_location(const TempDir& dir, const std::string& name) {
  return postgresql_backend() ? dir.new_database() : dir.file(name);
}

bool is_postgresql(const std::string& location) {
  return keygen::is_ledger_url(location);
}

SecretKey development_key() {
  const std::string text = read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret");
  const auto start = text.find("k4.secret.");
  const auto end = text.find('\n', start);
  auto key = SecretKey::from_paserk(text.substr(start, end - start));
  if (!key) throw std::runtime_error("development key: " + key.error().message);
  return std::move(*key);
}

namespace {
struct Db {
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~Db() { sqlite3_close_v2(db); }
  sqlite3* db = nullptr;
};
}  // namespace

std::string ledger_snapshot(const std::string& path) {
  if (is_postgresql(path)) {
    return ledger_snapshot(path,
                           "SELECT serial, kind, appliance, users, token FROM licenses ORDER BY serial;"
                           "SELECT 'licenses', last_serial FROM serial_counter;"
                           "SELECT version FROM schema_version ORDER BY version;"
                           "SELECT chain_seq, type, serial, reason FROM events ORDER BY chain_seq");
  }
  std::string out =
      ledger_snapshot(path,
                      "SELECT serial, kind, appliance, users, token FROM licenses ORDER BY serial;"
                      "SELECT name, seq FROM sqlite_sequence;"
                      "SELECT version FROM schema_version;");
  // The events, on a ledger that has them.
  if (ledger_snapshot(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'events'") == "1|\n") {
    out += ledger_snapshot(path, "SELECT chain_seq, type, serial, reason FROM events ORDER BY chain_seq");
  }
  return out;
}

std::string ledger_snapshot(const std::string& path, const std::string& sql) {
  if (is_postgresql(path)) return rows_of(Pg(path), sql);
  Db db(path);
  std::string out;
  const auto collect = [](void* arg, int n, char** values, char**) {
    auto* s = static_cast<std::string*>(arg);
    for (int i = 0; i < n; ++i) *s += std::string(values[i] != nullptr ? values[i] : "NULL") + "|";
    *s += "\n";
    return 0;
  };
  if (sqlite3_exec(db.db, sql.c_str(), collect, &out, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("snapshot: ") + sqlite3_errmsg(db.db));
  }
  return out;
}

void raw_sql(const std::string& path, const std::string& sql) {
  if (is_postgresql(path)) {
    const Pg db(path);
    PQclear(db.exec(sql, "raw_sql"));
    return;
  }
  Db db(path);
  if (sqlite3_exec(db.db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("raw_sql: ") + sqlite3_errmsg(db.db));
  }
}

void tamper(const std::string& location, const std::string& sql) {
  if (is_postgresql(location)) {
    // USER: the append-only triggers, not the foreign keys' (which are the system's).
    std::string off, on;
    for (const char* table : {"licenses", "events", "signing_keys", "api_tokens", "codes", "code_events",
                              "token_events", "tokens_before_chain", "idempotent_requests"}) {
      off += std::string("ALTER TABLE ") + table + " DISABLE TRIGGER USER;";
      on += std::string("ALTER TABLE ") + table + " ENABLE TRIGGER USER;";
    }
    raw_sql(location, "BEGIN;" + off + sql + ";" + on + "COMMIT");
    return;
  }
  // SQLite has no disabled triggers: dropped, and made again from their own text.
  std::vector<std::pair<std::string, std::string>> triggers;
  {
    Db db(location);
    const auto collect = [](void* arg, int, char** values, char**) {
      static_cast<decltype(triggers)*>(arg)->emplace_back(values[0], values[1]);
      return 0;
    };
    if (sqlite3_exec(db.db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", collect, &triggers,
                     nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("tamper: ") + sqlite3_errmsg(db.db));
    }
  }
  std::string drop, create;
  for (const auto& [name, text] : triggers) {
    drop += "DROP TRIGGER " + name + ";";
    create += text + ";";
  }
  raw_sql(location, "BEGIN;" + drop + sql + ";" + create + "COMMIT");
}

std::string sql_blob(const std::string& location, const std::string& hex) {
  return is_postgresql(location) ? "'\\x" + hex + "'::bytea" : "X'" + hex + "'";
}

void write_text(const std::string& path, const std::string& text, unsigned mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  ::chmod(path.c_str(), static_cast<mode_t>(mode));
}

unsigned file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

keygen::LedgerEntry server_entry(std::int64_t serial, Edition edition, UnixTime issued_at,
                                 std::optional<UnixTime> expires) {
  keygen::LedgerEntry e;
  e.serial = serial;
  e.kind = LicenseKind::server;
  e.appliance = kAppliance;
  e.edition = edition;
  e.users = rules_of(edition).included_users;
  e.issued_at = issued_at;
  e.expires = expires;
  e.issuer = "seatkey";
  e.key_id = "k4.pid.test";
  e.token = "v4.public.server" + std::to_string(serial);
  return e;
}

keygen::LedgerEntry pack_entry(std::int64_t serial, int users, UnixTime issued_at,
                               std::optional<UnixTime> expires) {
  keygen::LedgerEntry e;
  e.serial = serial;
  e.kind = LicenseKind::users;
  e.appliance = kAppliance;
  e.users = users;
  e.issued_at = issued_at;
  e.expires = expires;
  e.issuer = "seatkey";
  e.key_id = "k4.pid.test";
  e.token = "v4.public.pack" + std::to_string(serial);
  return e;
}

}  // namespace seatkey::test

namespace seatkey::test {

keygen::ServerOrder server(Edition e, bool replace) {
  return server(kAppliance, e, nullptr, nullptr, replace);
}

keygen::ServerOrder server(const std::string& appliance, Edition e, const char* customer, const char* order,
                           bool replace) {
  keygen::ServerOrder o;
  o.appliance = appliance;
  o.edition = e;
  if (customer) o.customer = customer;
  if (order) o.order = order;
  o.replace = replace;
  return o;
}

keygen::PackOrder packs(long long users, int count) {
  return packs(kAppliance, users, count);
}

keygen::PackOrder packs(const std::string& appliance, long long users, int count, const char* order) {
  keygen::PackOrder o;
  o.appliance = appliance;
  o.users = users;
  o.count = count;
  if (order) o.order = order;
  return o;
}

keygen::StandbyOrder standby(const std::string& appliance, const std::string& primary, bool replace) {
  keygen::StandbyOrder o;
  o.appliance = appliance;
  o.primary = primary;
  o.replace = replace;
  return o;
}

keygen::IssueOptions at(UnixTime now, const char* who) {
  keygen::IssueOptions o;
  o.now = now;
  if (who) o.who = who;
  return o;
}

}  // namespace seatkey::test
