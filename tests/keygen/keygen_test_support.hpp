// Helpers for the keygen unit tests: scratch folders, the development key, ledger snapshots.
#pragma once

#include <string>

#include "seatkey/keygen/ledger.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::test {

// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// keys/development.secret, read directly (the checked-out file is 0644).
SecretKey development_key();

// Every row (serial and token), every event and the AUTOINCREMENT counter, read with plain
// SQLite: equal snapshots mean nothing was written.
std::string ledger_snapshot(const std::string& path);
// The rows of `sql` (columns separated by '|', one row a line), read with plain SQLite.
std::string ledger_snapshot(const std::string& path, const std::string& sql);

// Runs SQL on the file with plain SQLite (bypassing the library), e.g. to damage a ledger.
void raw_sql(const std::string& path, const std::string& sql);

void write_text(const std::string& path, const std::string& text, unsigned mode = 0600);
unsigned file_mode(const std::string& path);

// A ledger entry with the given fields, for the pure rule tests.
keygen::LedgerEntry server_entry(std::int64_t serial, Edition edition, UnixTime issued_at,
                                 std::optional<UnixTime> expires = std::nullopt);
keygen::LedgerEntry pack_entry(std::int64_t serial, int users, UnixTime issued_at,
                               std::optional<UnixTime> expires = std::nullopt);

inline constexpr const char* kAppliance = "001A2B3C4D5E";
inline constexpr UnixTime kNow = 1795000000;  // 2026-11-18

}  // namespace seatkey::test

#include <functional>
#include <optional>

#include "seatkey/keygen/error.hpp"

namespace seatkey::test {

// The keygen::Failure `f` throws (kind and message), or nullopt when it throws none.
inline std::optional<keygen::Failure> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const keygen::Failure& e) {
    return e;
  }
  return std::nullopt;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace seatkey::test
