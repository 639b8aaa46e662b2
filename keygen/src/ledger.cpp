#include "seatkey/keygen/ledger.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "seatkey/keygen/error.hpp"
#include "sqlite.hpp"

namespace seatkey::keygen {

using detail::Statement;

namespace {

constexpr int kBusyTimeoutMs = 5000;  // SQLite waits this long for a lock, per attempt
constexpr int kBusyAttempts = 6;      // then we back off and try again, this many times

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS licenses (
  serial        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL CHECK (kind IN ('server', 'users')),
  appliance     TEXT NOT NULL,
  edition       TEXT CHECK (edition IN ('free', 'compact', 'appliance', 'vm')),
  users         INTEGER NOT NULL CHECK (users > 0),
  customer      TEXT,
  order_ref     TEXT,
  issued_at     TEXT NOT NULL,
  updates_until TEXT,
  expires       TEXT,
  issuer        TEXT NOT NULL,
  key_id        TEXT NOT NULL,
  replaces      INTEGER REFERENCES licenses (serial),
  token         TEXT NOT NULL UNIQUE,
  CHECK ((kind = 'server') = (edition IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS licenses_by_appliance ON licenses (appliance, serial);
CREATE TRIGGER IF NOT EXISTS licenses_no_update BEFORE UPDATE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
INSERT INTO schema_version (version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
)sql";

constexpr const char* kSelectColumns =
    "SELECT serial, kind, appliance, edition, users, customer, order_ref, issued_at, updates_until, expires, "
    "issuer, key_id, replaces, token FROM licenses";

constexpr const char* kInsert =
    "INSERT INTO licenses (serial, kind, appliance, edition, users, customer, order_ref, issued_at, "
    "updates_until, expires, issuer, key_id, replaces, token) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, "
    "?11, ?12, ?13, ?14)";

std::optional<std::string> time_text(const std::optional<UnixTime>& t) {
  if (!t) return std::nullopt;
  return format_rfc3339(*t);
}

}  // namespace

struct Ledger::Impl {
  sqlite3* db = nullptr;
  std::string path;
  int version = 0;
  std::unique_ptr<Statement> insert;

  ~Impl() {
    insert.reset();
    if (db != nullptr) sqlite3_close_v2(db);
  }

  [[noreturn]] void fail(const std::string& what) const { detail::throw_sqlite(db, path, what); }

  // Runs SQL without results, retrying (with a random back-off) while the ledger is busy.
  void exec(const char* sql, const char* what) const {
    std::minstd_rand jitter(std::random_device{}());
    for (int attempt = 1;; ++attempt) {
      char* message = nullptr;
      const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
      sqlite3_free(message);
      if (rc == SQLITE_OK) return;
      if (!detail::is_busy(rc) || attempt == kBusyAttempts) fail(what);
      std::this_thread::sleep_for(std::chrono::milliseconds(10 + jitter() % 90));
    }
  }

  LedgerEntry read_row(const Statement& s) const {
    LedgerEntry e;
    const auto corrupt = [&](const std::string& why) {
      throw_ledger_error("ledger " + path + ": row " + std::to_string(e.serial) + " is corrupt: " + why);
    };
    e.serial = s.integer(0);
    const std::string kind = s.text(1);
    if (kind == "server") {
      e.kind = LicenseKind::server;
    } else if (kind == "users") {
      e.kind = LicenseKind::users;
    } else {
      corrupt("kind " + kind);
    }
    e.appliance = s.text(2);
    if (!s.is_null(3)) {
      e.edition = parse_edition(s.text(3));
      if (!e.edition) corrupt("edition");
    }
    e.users = static_cast<int>(s.integer(4));
    e.customer = s.optional_text(5);
    e.order = s.optional_text(6);
    const auto time = [&](int column) -> std::optional<UnixTime> {
      auto text = s.optional_text(column);
      if (!text) return std::nullopt;
      auto t = parse_rfc3339(*text);
      if (!t) corrupt("time " + *text);
      return *t;
    };
    e.issued_at = time(7).value_or(0);
    e.updates_until = time(8);
    e.expires = time(9);
    e.issuer = s.text(10);
    e.key_id = s.text(11);
    if (!s.is_null(12)) e.replaces = s.integer(12);
    e.token = s.text(13);
    return e;
  }

  std::vector<LedgerEntry> select(const std::optional<std::string>& appliance) const {
    std::string sql = kSelectColumns;
    sql += appliance ? " WHERE appliance = ?1 ORDER BY serial" : " ORDER BY serial";
    Statement s(db, path, sql);
    if (appliance) s.bind(1, std::string_view(*appliance));
    std::vector<LedgerEntry> out;
    while (s.step()) out.push_back(read_row(s));
    return out;
  }
};

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

Ledger Ledger::open(const std::string& path, Access access) {
  if (access != Access::create) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      throw_input_error("cannot open ledger " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) throw_input_error("ledger " + path + " is not a regular file");
  }
  if (access != Access::read_only) {
    // SQLite opens a file it may not write read-only and fails only at the first write with
    // "unable to open database file": say what is wrong before anything is signed. The folder
    // must be writable too, for the -wal and -shm files.
    const auto slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (::access(path.c_str(), W_OK) != 0 && errno != ENOENT) {
      throw_input_error("cannot write ledger " + path + ": " + std::strerror(errno));
    }
    if (::access(folder.c_str(), W_OK) != 0) {
      throw_input_error("cannot write ledger " + path + ": its folder " + folder + ": " +
                        std::strerror(errno) + " (SQLite keeps the -wal and -shm files there)");
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (access == Access::create) flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr) != SQLITE_OK) {
    if (impl->db == nullptr) throw_ledger_error("cannot open ledger " + path + ": out of memory");
    throw_input_error("cannot open ledger " + path + ": " + sqlite3_errmsg(impl->db));
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);
  if (access != Access::read_only) {
    // WAL: readers never block the issuer; FULL: a committed serial survives a power cut.
    std::string mode;
    for (int attempt = 1; mode != "wal"; ++attempt) {
      try {
        Statement s(impl->db, path, "PRAGMA journal_mode=WAL");
        if (s.step()) mode = s.text(0);
        if (mode != "wal")
          throw_ledger_error("ledger " + path + " cannot use WAL mode (journal mode " + mode + ")");
      } catch (const Error& e) {
        if (attempt == kBusyAttempts || std::string(e.what()).find("busy") == std::string::npos) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
      }
    }
    impl->exec("PRAGMA synchronous=FULL", "PRAGMA synchronous");
    // A batch of 10,000 tokens touches about 9 MiB of pages: with SQLite's default 2 MiB cache
    // it spills pages into the WAL mid-transaction and writes them again at commit. The cache
    // grows only as far as a transaction needs it.
    impl->exec("PRAGMA cache_size=-65536", "PRAGMA cache_size");
  }
  impl->exec("PRAGMA foreign_keys=ON", "PRAGMA foreign_keys");
  bool create_schema = access == Access::create;
  if (access == Access::read_write) {
    // A database without any table is a ledger another issuer is creating right now (or an
    // empty file): give it the schema too. CREATE ... IF NOT EXISTS under the write lock
    // makes that a no-op once the other issuer has committed.
    Statement s(impl->db, path, "SELECT COUNT(*) FROM sqlite_master");
    create_schema = s.step() && s.integer(0) == 0;
  }
  if (create_schema) {
    impl->exec("BEGIN IMMEDIATE", "cannot lock the ledger to create its schema");
    try {
      impl->exec(kSchemaV1, "cannot create the ledger schema");
      impl->exec("COMMIT", "cannot commit the ledger schema");
    } catch (...) {
      sqlite3_exec(impl->db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
  {
    sqlite3_stmt* probe = nullptr;
    const int rc = sqlite3_prepare_v2(impl->db, "SELECT version FROM schema_version", -1, &probe, nullptr);
    sqlite3_finalize(probe);
    if (rc != SQLITE_OK) {
      if ((sqlite3_extended_errcode(impl->db) & 0xff) == SQLITE_NOTADB ||
          std::string(sqlite3_errmsg(impl->db)).find("no such table") != std::string::npos) {
        throw_input_error(path + " is not a seatkey ledger");
      }
      impl->fail("cannot read the schema version");
    }
    Statement s(impl->db, path, "SELECT MAX(version) FROM schema_version");
    if (s.step() && !s.is_null(0)) impl->version = static_cast<int>(s.integer(0));
  }
  if (impl->version < 1) throw_input_error(path + " is not a seatkey ledger (no schema version)");
  if (impl->version > kSchemaVersion) {
    throw_input_error("ledger " + path + " has schema version " + std::to_string(impl->version) +
                      ", newer than this seatkey-keygen understands (" + std::to_string(kSchemaVersion) +
                      "): use a newer seatkey-keygen");
  }
  // Version 1 is the first schema: nothing to migrate yet. A later version migrates here,
  // inside one BEGIN IMMEDIATE transaction, and bumps schema_version.
  return Ledger(std::move(impl));
}

const std::string& Ledger::path() const {
  return impl_->path;
}

int Ledger::schema_version() const {
  return impl_->version;
}

std::vector<LedgerEntry> Ledger::entries() const {
  return impl_->select(std::nullopt);
}

std::vector<LedgerEntry> Ledger::entries_for(const std::string& appliance) const {
  return impl_->select(appliance);
}

std::size_t Ledger::count() const {
  Statement s(impl_->db, impl_->path, "SELECT COUNT(*) FROM licenses");
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

Ledger::Transaction Ledger::begin() {
  impl_->exec("BEGIN IMMEDIATE", "cannot lock the ledger for issuing");
  return Transaction(this);
}

Ledger::Transaction::Transaction(Transaction&& other) noexcept : ledger_(other.ledger_), open_(other.open_) {
  other.open_ = false;
}

Ledger::Transaction::~Transaction() {
  if (open_ && sqlite3_get_autocommit(ledger_->impl_->db) == 0) {
    sqlite3_exec(ledger_->impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

std::int64_t Ledger::Transaction::next_serial() {
  Impl& impl = *ledger_->impl_;
  Statement s(impl.db, impl.path,
              "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'licenses'), 0), "
              "COALESCE((SELECT MAX(serial) FROM licenses), 0)) + 1");
  s.step();
  return s.integer(0);
}

std::vector<LedgerEntry> Ledger::Transaction::entries_for(const std::string& appliance) {
  return ledger_->impl_->select(appliance);
}

void Ledger::Transaction::insert(const LedgerEntry& e) {
  Impl& impl = *ledger_->impl_;
  if (!impl.insert) impl.insert = std::make_unique<Statement>(impl.db, impl.path, kInsert);
  Statement& s = *impl.insert;
  s.reset();
  s.bind(1, e.serial);
  s.bind(2, kind_name(e.kind));
  s.bind(3, std::string_view(e.appliance));
  if (e.edition) {
    s.bind(4, edition_name(*e.edition));
  } else {
    s.bind_null(4);
  }
  s.bind(5, static_cast<std::int64_t>(e.users));
  s.bind(6, e.customer);
  s.bind(7, e.order);
  s.bind(8, std::string_view(format_rfc3339(e.issued_at)));
  s.bind(9, time_text(e.updates_until));
  s.bind(10, time_text(e.expires));
  s.bind(11, std::string_view(e.issuer));
  s.bind(12, std::string_view(e.key_id));
  s.bind(13, e.replaces);
  s.bind(14, std::string_view(e.token));
  s.step();
}

void Ledger::Transaction::commit() {
  ledger_->impl_->exec("COMMIT", "cannot commit");
  open_ = false;
}

}  // namespace seatkey::keygen
