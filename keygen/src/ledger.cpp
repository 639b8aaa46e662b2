#include "seatkey/keygen/ledger.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>
#include <random>
#include <thread>

#include "seatkey/keygen/error.hpp"
#include "sqlite.hpp"

namespace seatkey::keygen {

using detail::Statement;

namespace {

constexpr int kBusyTimeoutMs = 5000;  // SQLite waits this long for a lock, per attempt
constexpr int kBusyAttempts = 6;      // then we back off and try again, this many times

// The schema, as the steps that build it: a new ledger runs all of them, an older one the steps
// above its version, each step in one transaction with the new version number. A step is never
// edited once released (ledgers in the field ran it); a change of the schema is a new step.
struct Migration {
  int version;
  const char* statements;
};

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE licenses (
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
CREATE INDEX licenses_by_appliance ON licenses (appliance, serial);
CREATE TRIGGER licenses_no_update BEFORE UPDATE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql"},
};

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;
static_assert(kLatestVersion == Ledger::kSchemaVersion, "Ledger::kSchemaVersion is the last migration's");

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

  // Opening, by phase.
  void connect(Access access);
  void set_pragmas(Access access);
  int read_version() const;  // 0 for an empty database
  void migrate(Access access);

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

namespace {

// SQLite opens a file it may not write read-only and fails only at the first write with
// "unable to open database file": say what is wrong before anything is signed. The folder
// must be writable too, for the -wal and -shm files.
void check_access(const std::string& path, Ledger::Access access) {
  if (access != Ledger::Access::create) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      throw_input_error("cannot open ledger " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) throw_input_error("ledger " + path + " is not a regular file");
  }
  if (access == Ledger::Access::read_only) return;
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(path.c_str(), W_OK) != 0 && errno != ENOENT) {
    throw_input_error("cannot write ledger " + path + ": " + std::strerror(errno));
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw_input_error("cannot write ledger " + path + ": its folder " + folder + ": " + std::strerror(errno) +
                      " (SQLite keeps the -wal and -shm files there)");
  }
}

}  // namespace

void Ledger::Impl::connect(Access access) {
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (access == Access::create) flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    if (db == nullptr) throw_ledger_error("cannot open ledger " + path + ": out of memory");
    throw_input_error("cannot open ledger " + path + ": " + sqlite3_errmsg(db));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
}

void Ledger::Impl::set_pragmas(Access access) {
  if (access != Access::read_only) {
    // WAL: readers never block the issuer; FULL: a committed serial survives a power cut.
    std::string mode;
    for (int attempt = 1; mode != "wal"; ++attempt) {
      try {
        Statement s(db, path, "PRAGMA journal_mode=WAL");
        if (s.step()) mode = s.text(0);
        if (mode != "wal")
          throw_ledger_error("ledger " + path + " cannot use WAL mode (journal mode " + mode + ")");
      } catch (const Failure& e) {
        if (attempt == kBusyAttempts || std::string(e.what()).find("busy") == std::string::npos) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
      }
    }
    exec("PRAGMA synchronous=FULL", "PRAGMA synchronous");
    // A batch of 10,000 tokens touches about 9 MiB of pages: with SQLite's default 2 MiB cache
    // it spills pages into the WAL mid-transaction and writes them again at commit. The cache
    // grows only as far as a transaction needs it.
    exec("PRAGMA cache_size=-65536", "PRAGMA cache_size");
  }
  exec("PRAGMA foreign_keys=ON", "PRAGMA foreign_keys");
}

int Ledger::Impl::read_version() const {
  {
    Statement tables(db, path, "SELECT COUNT(*) FROM sqlite_master");
    if (tables.step() && tables.integer(0) == 0) return 0;  // an empty database: a new ledger
  }
  sqlite3_stmt* probe = nullptr;
  const int rc = sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &probe, nullptr);
  sqlite3_finalize(probe);
  if (rc != SQLITE_OK) {
    if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_NOTADB ||
        std::string(sqlite3_errmsg(db)).find("no such table") != std::string::npos) {
      throw_input_error(path + " is not a seatkey ledger");
    }
    fail("cannot read the schema version");
  }
  Statement s(db, path, "SELECT MAX(version) FROM schema_version");
  const int found = s.step() && !s.is_null(0) ? static_cast<int>(s.integer(0)) : 0;
  if (found < 1) throw_input_error(path + " is not a seatkey ledger (no schema version)");
  return found;
}

void Ledger::Impl::migrate(Access access) {
  version = read_version();
  if (version > kLatestVersion) {
    throw_input_error("ledger " + path + " has schema version " + std::to_string(version) +
                      ", newer than this seatkey-keygen understands (" + std::to_string(kLatestVersion) +
                      "): use a newer seatkey-keygen");
  }
  if (version == kLatestVersion) return;
  if (version == 0 && access == Access::read_only) throw_input_error(path + " is not a seatkey ledger");
  if (access == Access::read_only) {
    throw_input_error("ledger " + path + " has schema version " + std::to_string(version) +
                      ": open it once for writing (any issue) to bring it to version " +
                      std::to_string(kLatestVersion));
  }
  // Under the write lock, re-read: another issuer may have migrated (or created) it meanwhile.
  exec("BEGIN IMMEDIATE", "cannot lock the ledger to update its schema");
  try {
    version = read_version();
    if (version == 0)
      exec("CREATE TABLE schema_version (version INTEGER NOT NULL)", "cannot create the schema");
    for (const Migration& m : kMigrations) {
      if (m.version <= version) continue;
      exec(m.statements, ("cannot bring the schema to version " + std::to_string(m.version)).c_str());
      Statement s(db, path, "INSERT INTO schema_version (version) VALUES (?1)");
      s.bind(1, static_cast<std::int64_t>(m.version));
      s.step();
      version = m.version;
    }
    exec("COMMIT", "cannot commit the schema");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

Ledger Ledger::open(const std::string& path, Access access) {
  check_access(path, access);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->connect(access);
  impl->set_pragmas(access);
  impl->migrate(access);
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
