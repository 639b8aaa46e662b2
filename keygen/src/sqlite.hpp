// Internal: a thin RAII layer over the SQLite C API for the ledger. Every failure throws
// Failure(ledger) naming the ledger file and SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seatkey::keygen::detail {

[[noreturn]] void throw_sqlite(int code, const std::string& message, const std::string& path,
                               const std::string& what);
[[noreturn]] void throw_sqlite(sqlite3* db, const std::string& path, const std::string& what);
inline bool is_busy(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const void* data, std::size_t size);

  // true: a row is ready; false: done. SQLITE_BUSY and errors throw.
  bool step();
  void reset();  // ready to run again; bindings cleared

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  // The column's bytes as SQLite stores them (a BLOB's, or a TEXT's).
  std::string bytes(int column) const;

 private:
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace seatkey::keygen::detail
