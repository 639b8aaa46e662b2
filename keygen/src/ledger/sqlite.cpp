#include "sqlite.hpp"

#include <unistd.h>

#include <chrono>
#include <iterator>
#include <random>
#include <thread>

#include "seatkey/keygen/chain.hpp"
#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen::detail {

void throw_sqlite(int code, const std::string& message, const std::string& path, const std::string& what) {
  if ((code & 0xff) == SQLITE_NOTADB)
    throw_input_error(path + " is not a seatkey ledger (not an SQLite database)");
  if (is_busy(code)) {
    throw_ledger_error("ledger " + path + " is busy (another seatkey-keygen holds it): " + what);
  }
  throw_ledger_error("ledger " + path + ": " + what + ": " + message);
}

namespace {

class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(const SqliteDatabase& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      db.fail("cannot prepare a statement");
    }
  }
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void bind_integer(int index, std::int64_t value) override {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  }
  void bind_text(int index, std::string_view text) override {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
      db_.fail("bind");
    }
  }
  void bind_blob(int index, const void* data, std::size_t size) override {
    if (sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT) != SQLITE_OK) {
      db_.fail("bind");
    }
  }
  void bind_null(int index) override {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("bind");
  }
  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // Keep the message before reset() can replace it.
    const std::string message = sqlite3_errmsg(db_.handle());
    sqlite3_reset(stmt_);
    throw_sqlite(rc, message, db_.name(), "statement failed");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const override {
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }
  std::string bytes(int column) const override {
    const void* p = sqlite3_column_blob(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p == nullptr ? std::string()
                        : std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
  }

 private:
  const SqliteDatabase& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

void chain_existing_rows(Database& db);

// The schema, as the steps that build it: a new ledger runs all of them, an older one the steps
// above its version, each step in one transaction with the new version number. A step is never
// edited once released (ledgers in the field ran it); a change of the schema is a new step.
const std::vector<Migration> kMigrations = {
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
)sql",
     nullptr},
    // The keys the ledger issues with. A version 1 ledger knew none: its keys are the ones its
    // rows were signed with, public key unknown (a k4.pid is a hash of the public key, so the
    // ID alone recognises the key; `ledger add-key` with the key itself fills it in).
    {2, R"sql(
CREATE TABLE signing_keys (
  key_id      TEXT PRIMARY KEY,
  public_key  TEXT UNIQUE,
  added_at    TEXT NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('init', 'add-key', 'migrated'))
);
INSERT INTO signing_keys (key_id, public_key, added_at, origin)
  SELECT key_id, NULL, MIN(issued_at), 'migrated' FROM licenses GROUP BY key_id ORDER BY MIN(serial);
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
  BEGIN SELECT RAISE(ABORT, 'signing keys are never removed from the ledger'); END;
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
  WHEN OLD.public_key IS NOT NULL OR NEW.key_id IS NOT OLD.key_id OR NEW.added_at IS NOT OLD.added_at
       OR NEW.origin IS NOT OLD.origin
  BEGIN SELECT RAISE(ABORT, 'a signing key is recorded once; only an unknown public key may be filled in'); END;
)sql",
     nullptr},
    // Taking licenses back and the hash chain. SQLite cannot alter a CHECK, so the licenses
    // table is rebuilt (the statements make the new one; chain_existing_rows() copies the rows
    // in serial order as the first links of the chain, then swaps the tables): revocation
    // lists have no appliance and no users, a transfer's re-issue names what it stands in for,
    // and the CHECKs already admit the standby kind and its primary_appliance, so that adding
    // it needs no second rebuild. Events take licenses back; every row and event is a link.
    {3, R"sql(
CREATE TABLE licenses_v3 (
  serial            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind              TEXT NOT NULL CHECK (kind IN ('server', 'users', 'revocation', 'standby')),
  appliance         TEXT,
  edition           TEXT CHECK (edition IN ('free', 'compact', 'appliance', 'vm')),
  users             INTEGER NOT NULL CHECK (users >= 0),
  customer          TEXT,
  order_ref         TEXT,
  issued_at         TEXT NOT NULL,
  updates_until     TEXT,
  expires           TEXT,
  issuer            TEXT NOT NULL,
  key_id            TEXT NOT NULL,
  replaces          INTEGER REFERENCES licenses (serial),
  transferred_from  INTEGER REFERENCES licenses (serial),
  primary_appliance TEXT,
  revocation_seq    INTEGER UNIQUE CHECK (revocation_seq >= 1),
  token             TEXT NOT NULL UNIQUE,
  chain_seq         INTEGER NOT NULL UNIQUE CHECK (chain_seq >= 1),
  chain_hash        BLOB NOT NULL CHECK (length(chain_hash) = 32),
  CHECK ((kind = 'server') = (edition IS NOT NULL)),
  CHECK ((kind = 'revocation') = (appliance IS NULL)),
  CHECK ((kind = 'revocation') = (revocation_seq IS NOT NULL)),
  CHECK ((kind = 'standby') = (primary_appliance IS NOT NULL))
);
)sql",
     chain_existing_rows},
    // seatkey-server: its API tokens (only a hash of each; revoked, never removed), the name of
    // the token that wrote each row, and its answers to POST requests with an Idempotency-Key
    // (recorded in the transaction that wrote what they report). Only new tables and a column;
    // a row's written_by joins its link's canonical bytes when it is set (chain.hpp), so the
    // links written before keep their hashes.
    {4, R"sql(
ALTER TABLE licenses ADD COLUMN written_by TEXT;
CREATE TABLE api_tokens (
  name        TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('auditor', 'shop', 'clerk', 'admin')),
  lookup_id   TEXT NOT NULL UNIQUE,
  token_hash  BLOB NOT NULL CHECK (length(token_hash) = 32),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
  BEGIN SELECT RAISE(ABORT, 'API tokens are revoked, never removed: rows name the token that wrote them'); END;
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
  WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.name IS NOT OLD.name
       OR NEW.role IS NOT OLD.role OR NEW.lookup_id IS NOT OLD.lookup_id
       OR NEW.token_hash IS NOT OLD.token_hash OR NEW.created_at IS NOT OLD.created_at
  BEGIN SELECT RAISE(ABORT, 'an API token is only ever revoked, once'); END;
CREATE TABLE idempotent_requests (
  token_name      TEXT NOT NULL REFERENCES api_tokens (name),
  idempotency_key TEXT NOT NULL,
  request_hash    BLOB NOT NULL,
  status          INTEGER NOT NULL,
  response        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (token_name, idempotency_key)
);
)sql",
     nullptr},
};

// The second half of the rebuild, once the rows are in licenses_v3.
constexpr const char* kSwapLicensesTable = R"sql(
DROP TABLE licenses;
ALTER TABLE licenses_v3 RENAME TO licenses;
CREATE INDEX licenses_by_appliance ON licenses (appliance, serial);
CREATE INDEX licenses_by_transferred_from ON licenses (transferred_from) WHERE transferred_from IS NOT NULL;
CREATE TRIGGER licenses_no_update BEFORE UPDATE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE events (
  chain_seq   INTEGER PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL CHECK (type IN ('void', 'transfer')),
  serial      INTEGER NOT NULL UNIQUE REFERENCES licenses (serial),
  reason      TEXT,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  transfer_to TEXT,
  chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32),
  CHECK ((type = 'transfer') = (transfer_to IS NOT NULL))
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql";

// Schema step 3: the rows of the old licenses table, in serial order, become the first links
// of the chain in the rebuilt table (each copied by SQL as it is stored, its hash computed
// over the same column text), then the tables are swapped and the AUTOINCREMENT counter
// carried over, so that no serial is ever used again.
void chain_existing_rows(Database& db) {
  std::int64_t counter = 0;
  {
    Statement s(db, "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'");
    if (s.step()) counter = s.integer(0);
  }
  // What the old table has of the canonical columns: chain_seq comes from here, the columns
  // step 3 adds are NULL.
  std::string columns;
  for (std::string_view c : kLicenseColumns) {
    if (c == "chain_seq") continue;
    columns += std::string(columns.empty() ? "" : ", ") + (column_exists(c, 2) ? std::string(c) : "NULL");
  }
  Statement read(db, "SELECT " + columns + " FROM licenses ORDER BY serial");
  std::string names;
  for (std::string_view c : kLicenseColumns) names += std::string(c) + ", ";
  std::string copied;
  for (std::string_view c : kLicenseColumns) {
    copied += c == "chain_seq" ? std::string("?2") : std::string(column_exists(c, 2) ? c : "NULL");
    copied += ", ";
  }
  Statement copy(db, "INSERT INTO licenses_v3 (" + names + "chain_hash) SELECT " + copied +
                         "?3 FROM licenses WHERE serial = ?1");
  ChainHead head;
  while (read.step()) {
    ChainValues values{std::to_string(head.seq + 1)};
    for (std::size_t i = 0; i + 1 < std::size(kLicenseColumns); ++i)
      values.push_back(read.optional_text(static_cast<int>(i)));
    const ChainHash hash = next_chain_hash(head.hash, canonical_bytes(ChainLinkType::license, values));
    copy.reset();
    copy.bind(1, read.integer(0));
    copy.bind(2, head.seq + 1);
    copy.bind_blob(3, hash.data(), hash.size());
    copy.step();
    head = {head.seq + 1, hash};
  }
  db.exec(kSwapLicensesTable, "cannot rebuild the licenses table");
  // The rename carried licenses_v3's counter over (the copied serials); an old counter above
  // them (rows removed by hand) still counts.
  db.keep_serials_above(counter);
}

}  // namespace

SqliteDatabase::SqliteDatabase(const std::string& path, bool read_only) : Database(path) {
  // Never SQLITE_OPEN_CREATE: only Ledger::create makes a ledger, and makes its file itself.
  const int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    if (db_ == nullptr) throw_ledger_error("cannot open ledger " + path + ": out of memory");
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw_input_error("cannot open ledger " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

SqliteDatabase::~SqliteDatabase() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void SqliteDatabase::fail(const std::string& what) const {
  throw_sqlite(db_ != nullptr ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM,
               db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory", name(), what);
}

std::unique_ptr<Cursor> SqliteDatabase::prepare(std::string_view sql) {
  return std::make_unique<SqliteCursor>(*this, sql);
}

void SqliteDatabase::exec(std::string_view sql, const std::string& what) {
  const std::string text(sql);
  std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc == SQLITE_OK) return;
    if (!is_busy(rc) || attempt == kBusyAttempts) fail(what);
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + jitter() % 90));
  }
}

void SqliteDatabase::begin_write(const std::string& what) {
  exec("BEGIN IMMEDIATE", what);
}

void SqliteDatabase::begin_read(const std::string& what) {
  exec("BEGIN", what);
}

void SqliteDatabase::commit(const std::string& what) {
  exec("COMMIT", what);
}

void SqliteDatabase::rollback() noexcept {
  if (in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteDatabase::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

void SqliteDatabase::set_pragmas(bool read_only) {
  if (!read_only) {
    // WAL: readers never block the issuer; FULL: a committed serial survives a power cut.
    std::string mode;
    for (int attempt = 1; mode != "wal"; ++attempt) {
      try {
        Statement s(*this, "PRAGMA journal_mode=WAL");
        if (s.step()) mode = s.text(0);
        if (mode != "wal")
          throw_ledger_error("ledger " + name() + " cannot use WAL mode (journal mode " + mode + ")");
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

int SqliteDatabase::read_version() {
  {
    Statement tables(*this, "SELECT COUNT(*) FROM sqlite_master");
    if (tables.step() && tables.integer(0) == 0) return 0;  // an empty database: a new ledger
  }
  sqlite3_stmt* probe = nullptr;
  const int rc = sqlite3_prepare_v2(db_, "SELECT MAX(version) FROM schema_version", -1, &probe, nullptr);
  sqlite3_finalize(probe);
  if (rc != SQLITE_OK) {
    if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_NOTADB ||
        std::string(sqlite3_errmsg(db_)).find("no such table") != std::string::npos) {
      throw_input_error(name() + " is not a seatkey ledger");
    }
    fail("cannot read the schema version");
  }
  Statement s(*this, "SELECT MAX(version) FROM schema_version");
  const int found = s.step() && !s.is_null(0) ? static_cast<int>(s.integer(0)) : 0;
  if (found < 1) throw_input_error(name() + " is not a seatkey ledger (no schema version)");
  return found;
}

const std::vector<Migration>& SqliteDatabase::migrations() const {
  return kMigrations;
}

void SqliteDatabase::begin_schema_change(const std::string& what) {
  // A step that rebuilds a table drops the table other tables' foreign keys point at: SQLite's
  // procedure for that turns the checks off around the transaction (inside one the pragma does
  // nothing).
  exec("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys");
  exec("BEGIN IMMEDIATE", what);
}

void SqliteDatabase::end_schema_change() {
  sqlite3_exec(db_, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
}

std::int64_t SqliteDatabase::next_serial() {
  // AUTOINCREMENT's counter: above every serial ever inserted, also of rows removed by hand.
  Statement s(*this,
              "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'licenses'), 0), "
              "COALESCE((SELECT MAX(serial) FROM licenses), 0)) + 1");
  s.step();
  return s.integer(0);
}

void SqliteDatabase::keep_serials_above(std::int64_t serial) {
  Statement keep(*this, "UPDATE sqlite_sequence SET seq = MAX(seq, ?1) WHERE name = 'licenses'");
  keep.bind(1, serial);
  keep.step();
  Statement changed(*this, "SELECT changes()");
  changed.step();
  if (changed.integer(0) == 0 && serial > 0) {
    Statement add(*this, "INSERT INTO sqlite_sequence (name, seq) VALUES ('licenses', ?1)");
    add.bind(1, serial);
    add.step();
  }
}

void SqliteDatabase::backup_into(const std::string& path) const {
  sqlite3* copy = nullptr;
  std::string error;
  if (sqlite3_open_v2(path.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    error = copy != nullptr ? sqlite3_errmsg(copy) : "out of memory";
  } else {
    sqlite3_busy_timeout(copy, kBusyTimeoutMs);
    // All pages in one step: the copy is the snapshot of one read transaction of the ledger,
    // which in WAL mode does not hold up the issuers. A busy ledger is tried again.
    for (int attempt = 1; error.empty(); ++attempt) {
      sqlite3_backup* b = sqlite3_backup_init(copy, "main", db_, "main");
      if (b == nullptr) {
        error = sqlite3_errmsg(copy);
        break;
      }
      const int rc = sqlite3_backup_step(b, -1);
      sqlite3_backup_finish(b);
      if (rc == SQLITE_DONE) break;
      if (!is_busy(rc) || attempt == kBusyAttempts) {
        error = sqlite3_errstr(rc);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    }
    if (error.empty() && sqlite3_errcode(copy) != SQLITE_OK && sqlite3_errcode(copy) != SQLITE_DONE) {
      error = sqlite3_errmsg(copy);
    }
  }
  sqlite3_close_v2(copy);
  if (!error.empty()) {
    for (const std::string& file : {path, path + "-journal", path + "-wal", path + "-shm"})
      ::unlink(file.c_str());
    throw_ledger_error("cannot back up ledger " + name() + " to " + path + ": " + error);
  }
}

}  // namespace seatkey::keygen::detail
