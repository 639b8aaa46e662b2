// Internal: the ledger's SQLite database (database.hpp). A ledger file in WAL mode with a busy
// timeout; its write transactions are BEGIN IMMEDIATE, retried with a random back-off while
// another issuer holds the file. A failure raises an Error naming the file and SQLite's
// message: ledger_busy (busy) for a lock not granted in time, an input error for a file that
// is no SQLite database, internal for the rest.
#pragma once

#include <sqlite3.h>

#include <string>

#include "database.hpp"

namespace seatkey::keygen::detail {

inline bool is_busy(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

class SqliteDatabase final : public Database {
 public:
  static constexpr int kBusyTimeoutMs = 5000;  // SQLite waits this long for a lock, per attempt
  static constexpr int kBusyAttempts = 6;      // then we back off and try again, this many times

  // Opens an existing file (never creates one); read_only opens it SQLITE_OPEN_READONLY.
  // An input error when SQLite cannot open it.
  SqliteDatabase(const std::string& path, bool read_only);
  ~SqliteDatabase() override;

  bool is_postgresql() const override { return false; }
  std::unique_ptr<Cursor> prepare(std::string_view sql) override;
  void exec(std::string_view sql, const std::string& what) override;
  void begin_write(const std::string& what) override;
  void begin_read(const std::string& what) override;
  void commit(const std::string& what) override;
  void rollback() noexcept override;
  bool in_transaction() const override;
  int read_version() override;
  void begin_schema_change(const std::string& what) override;
  void end_schema_change() override;
  std::int64_t next_serial() override;
  void keep_serials_above(std::int64_t serial) override;
  std::string_view insertion_order() const override { return "rowid"; }

  // WAL mode, synchronous=FULL and a cache for big batches (writers); foreign keys on.
  void set_pragmas(bool read_only);
  sqlite3* handle() const { return db_; }
  // Copies the whole database into the empty file at `path` by SQLite's online backup, as one
  // snapshot, while other connections keep writing; on a failure the file is removed.
  void backup_into(const std::string& path) const;
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
};

[[noreturn]] void raise_sqlite(int code, const std::string& message, const std::string& path,
                               const std::string& what);

}  // namespace seatkey::keygen::detail
