// Helpers for the keygen unit tests: scratch folders, the development key, ledger snapshots.
// The ledger tests run on both backends: on SQLite by default, and on PostgreSQL when
// SEATKEY_TEST_LEDGER_BACKEND=postgresql (a database of the tests' throwaway cluster per ledger).
#pragma once

#include <string>
#include <vector>

#include "seatkey/keygen/ledger/ledger.hpp"
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
  // A new empty PostgreSQL database of the tests' cluster, dropped with this folder; its URL.
  std::string new_database() const;

 private:
  std::string path_;
  mutable std::vector<std::string> databases_;
};

// Whether the tests run on PostgreSQL (SEATKEY_TEST_LEDGER_BACKEND=postgresql) rather than SQLite.
bool postgresql_backend();
// Where a test makes a ledger: the file `name` in `dir` on SQLite, the URL of a new empty
// database on PostgreSQL.
std::string new_ledger_location(const TempDir& dir, const std::string& name);
// Whether `location` (a file or a URL) is a PostgreSQL database.
bool is_postgresql(const std::string& location);

// keys/development.secret, read directly (the checked-out file is 0644).
SecretKey development_key();

// Every row (serial and token), every event, the schema versions and the serial counter
// (SQLite's AUTOINCREMENT, PostgreSQL's serial_counter), read with plain SQLite or libpq:
// equal snapshots mean nothing was written.
std::string ledger_snapshot(const std::string& location);
// The rows of `sql` (columns separated by '|', one row a line; booleans as 1 and 0), read with
// plain SQLite or libpq.
std::string ledger_snapshot(const std::string& location, const std::string& sql);

// Runs SQL on the ledger with plain SQLite or libpq (bypassing the library).
void raw_sql(const std::string& location, const std::string& sql);
// Runs SQL with the append-only triggers out of the way, as someone with the file or the
// database's owner can: to damage a ledger. The triggers are in force again afterwards.
void tamper(const std::string& location, const std::string& sql);
// One libpq session on a PostgreSQL ledger, kept open across statements (e.g. to hold a lock).
class PgSession {
 public:
  explicit PgSession(const std::string& url);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;
  // The rows of `sql`, as ledger_snapshot() gives them.
  std::string query(const std::string& sql);

 private:
  void* conn_;  // PGconn, kept out of this header
};

// `hex` as an SQL blob (bytea) literal of the ledger's backend.
std::string sql_blob(const std::string& location, const std::string& hex);

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

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "seatkey/keygen/error.hpp"

namespace seatkey::test {

// What ok() throws when a Result a test needed holds an error: doctest reports it with the
// error's message, and error_of() catches it.
struct Unexpected : std::runtime_error {
  explicit Unexpected(keygen::Error e) : std::runtime_error(e.message), error(std::move(e)) {}
  keygen::Error error;
};

// The value of a Result a test needs.
template <class T>
T ok(keygen::Result<T> result) {
  if (!result) throw Unexpected(std::move(result).error());
  return std::move(result).value();
}
inline void ok(keygen::Result<void> result) {
  if (!result) throw Unexpected(std::move(result).error());
}

// The error of a Result (kind, code and message), or nullopt when it holds a value.
template <class T>
std::optional<keygen::Error> error_of(const keygen::Result<T>& result) {
  if (result) return std::nullopt;
  return result.error();
}
// The same of what `f` does: the error of the Result it returns, or of a Result it needed
// (ok()), or nullopt.
template <class F, class = std::enable_if_t<std::is_invocable_v<F&>>>
std::optional<keygen::Error> error_of(F&& f) {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      f();
      return std::nullopt;
    } else {
      return error_of(f());
    }
  } catch (const Unexpected& e) {
    return e.error;
  }
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace seatkey::test

#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/orders.hpp"

namespace seatkey::test {

// Orders as the tests write them: for kAppliance, or for `appliance` with what else is given.
keygen::ServerOrder server(Edition e, bool replace = false);
keygen::ServerOrder server(const std::string& appliance, Edition e, const char* customer = nullptr,
                           const char* order = nullptr, bool replace = false);
keygen::PackOrder packs(long long users, int count = 1);
keygen::PackOrder packs(const std::string& appliance, long long users, int count = 1,
                        const char* order = nullptr);
keygen::StandbyOrder standby(const std::string& appliance, const std::string& primary, bool replace = false);
// Issuing at `now`, recorded as done by `who` (else the default).
keygen::IssueOptions at(UnixTime now, const char* who = nullptr);

// A new ledger of the development key in a scratch folder, on the run's backend.
struct LedgerFixture {
  TempDir dir;
  std::string path = new_ledger_location(dir, "ledger.db");
  SecretKey key = development_key();
  keygen::Ledger ledger =
      ok(keygen::Ledger::create(path, key.public_key(), keygen::Ledger::DevelopmentKey::allow));
};

}  // namespace seatkey::test
