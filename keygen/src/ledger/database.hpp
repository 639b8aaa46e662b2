// Internal: what the ledger needs of a database, so that one ledger (the stores, the hash chain,
// the transactions) runs on SQLite (sqlite.cpp) or PostgreSQL (postgres.cpp). The ledger's
// queries are written once, in the SQL both understand, with parameters as ?1, ?2, ...; what
// differs (connecting, locking, the serial counter, backups) is a virtual function here, and
// each schema step (migrations.cpp) has its statements for both. Every failure raises an Error
// whose kind the dialect decides: busy for a lock not granted in time, unavailable for a lost
// connection, internal for the rest.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seatkey::keygen::detail {

// One statement's bindings and result rows.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void bind_integer(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_blob(int index, const void* data, std::size_t size) = 0;
  virtual void bind_null(int index) = 0;
  // true: a row is ready; false: done. Errors are raised.
  virtual bool step() = 0;
  // Runs a statement that answers no rows (an INSERT). Its error may be raised by a later call
  // of the same transaction, at the latest by its commit: PostgreSQL sends a write
  // transaction's inserts in a pipeline, without waiting for each one's answer.
  virtual void run() { step(); }
  virtual void reset() = 0;  // ready to run again; bindings cleared
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;  // a boolean reads as 0 or 1
  virtual std::string text(int column) const = 0;
  virtual std::string bytes(int column) const = 0;  // a BLOB's (bytea's) bytes
};

class Database {
 public:
  virtual ~Database() = default;

  // How messages name the ledger: the SQLite file's path, or the PostgreSQL URL without its
  // password.
  const std::string& name() const { return name_; }
  virtual bool is_postgresql() const = 0;

  virtual std::unique_ptr<Cursor> prepare(std::string_view sql) = 0;
  // Runs statements without results (several, separated by ';', and without parameters).
  virtual void exec(std::string_view sql, const std::string& what) = 0;

  // A write transaction that excludes every other writer of the ledger, from any process or
  // host, until commit or rollback: the hash chain is extended by one writer at a time.
  virtual void begin_write(const std::string& what) = 0;
  // A read transaction that sees one snapshot.
  virtual void begin_read(const std::string& what) = 0;
  virtual void commit(const std::string& what) = 0;
  virtual void rollback() noexcept = 0;
  virtual bool in_transaction() const = 0;

  // The schema: the version recorded (0 for an empty database; an input error when it holds
  // something that is not a ledger), and the transaction its steps run in (it excludes
  // writers like begin_write, also before the ledger's tables exist).
  virtual int read_version() = 0;
  virtual void begin_schema_change(const std::string& what) = 0;
  virtual void end_schema_change() = 0;  // after commit or rollback

  // The serial the next license gets (in a write transaction): above every serial ever
  // allocated, also of rows that are gone.
  virtual std::int64_t next_serial() = 0;
  // Makes every later serial greater than `serial` (a copied ledger keeps its counter).
  virtual void keep_serials_above(std::int64_t serial) = 0;
  // The column that orders signing_keys and api_tokens as they were added.
  virtual std::string_view insertion_order() const = 0;

 protected:
  explicit Database(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

// A statement on a Database, with the bind overloads the ledger uses.
class Statement {
 public:
  Statement(Database& db, std::string_view sql) : cursor_(db.prepare(sql)) {}

  Statement& bind(int index, std::int64_t value) {
    cursor_->bind_integer(index, value);
    return *this;
  }
  Statement& bind(int index, std::string_view text) {
    cursor_->bind_text(index, text);
    return *this;
  }
  Statement& bind(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
  }
  Statement& bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  Statement& bind_null(int index) {
    cursor_->bind_null(index);
    return *this;
  }
  Statement& bind_blob(int index, const void* data, std::size_t size) {
    cursor_->bind_blob(index, data, size);
    return *this;
  }
  bool step() { return cursor_->step(); }
  void run() { cursor_->run(); }
  void reset() { cursor_->reset(); }
  bool is_null(int column) const { return cursor_->is_null(column); }
  std::int64_t integer(int column) const { return cursor_->integer(column); }
  std::string text(int column) const { return cursor_->text(column); }
  std::string bytes(int column) const { return cursor_->bytes(column); }
  std::optional<std::string> optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
  }

 private:
  std::unique_ptr<Cursor> cursor_;
};

// Whether a --ledger value names a PostgreSQL database rather than a SQLite file.
bool is_postgresql_url(std::string_view location);

}  // namespace seatkey::keygen::detail
