#include "sqlite.hpp"

#include <unistd.h>

#include <chrono>
#include <iterator>
#include <random>
#include <thread>

#include "raise.hpp"

namespace seatkey::keygen::detail {

void raise_sqlite(int code, const std::string& message, const std::string& path, const std::string& what) {
  if ((code & 0xff) == SQLITE_NOTADB) raise_input(path + " is not a seatkey ledger (not an SQLite database)");
  if (is_busy(code))
    raise(Code::ledger_busy, "ledger " + path + " is busy (another writer holds it): " + what);
  raise_internal("ledger " + path + ": " + what + ": " + message);
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
    raise_sqlite(rc, message, db_.name(), "statement failed");
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

}  // namespace

SqliteDatabase::SqliteDatabase(const std::string& path, bool read_only) : Database(path) {
  // Never SQLITE_OPEN_CREATE: only Ledger::create makes a ledger, and makes its file itself.
  const int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    if (db_ == nullptr) raise(Code::out_of_memory, "cannot open ledger " + path + ": out of memory");
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    raise_input("cannot open ledger " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

SqliteDatabase::~SqliteDatabase() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void SqliteDatabase::fail(const std::string& what) const {
  raise_sqlite(db_ != nullptr ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM,
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
          raise_internal("ledger " + name() + " cannot use WAL mode (journal mode " + mode + ")");
      } catch (const Raised& e) {
        if (attempt == kBusyAttempts || e.error.kind != Kind::busy) throw;
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
  {
    Statement table(*this,
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
    if (table.step() && table.integer(0) == 0) raise_input(name() + " is not a seatkey ledger");
  }
  Statement s(*this, "SELECT MAX(version) FROM schema_version");
  const int found = s.step() && !s.is_null(0) ? static_cast<int>(s.integer(0)) : 0;
  if (found < 1) raise_input(name() + " is not a seatkey ledger (no schema version)");
  return found;
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
    raise_internal("cannot back up ledger " + name() + " to " + path + ": " + error);
  }
}

}  // namespace seatkey::keygen::detail
