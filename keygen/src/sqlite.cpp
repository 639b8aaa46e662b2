#include "sqlite.hpp"

#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen::detail {

void throw_sqlite(sqlite3* db, const std::string& path, const std::string& what) {
  throw_sqlite(db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_NOMEM,
               db != nullptr ? sqlite3_errmsg(db) : "out of memory", path, what);
}

void throw_sqlite(int code, const std::string& message, const std::string& path, const std::string& what) {
  if ((code & 0xff) == SQLITE_NOTADB)
    throw_input_error(path + " is not a seatkey ledger (not an SQLite database)");
  if (is_busy(code)) {
    throw_ledger_error("ledger " + path + " is busy (another seatkey-keygen holds it): " + what);
  }
  throw_ledger_error("ledger " + path + ": " + what + ": " + message);
}

Statement::Statement(sqlite3* db, const std::string& path, std::string_view sql) : db_(db), path_(path) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    throw_sqlite(db, path, "cannot prepare a statement");
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) throw_sqlite(db_, path_, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    throw_sqlite(db_, path_, "bind");
  }
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_sqlite(db_, path_, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
  if (sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT) != SQLITE_OK) {
    throw_sqlite(db_, path_, "bind");
  }
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Keep the message before reset() can replace it.
  const std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw_sqlite(rc, message, path_, "statement failed");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::string Statement::bytes(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

}  // namespace seatkey::keygen::detail
