// The back office's ledger: one SQLite row per issued token, in WAL mode with a busy timeout.
// Serials are INTEGER PRIMARY KEY AUTOINCREMENT: allocated inside the BEGIN IMMEDIATE write
// transaction that records the rows, so they are unique across concurrent issuers and never
// reused, not even after a deletion or a crash. Schema (version 1):
//   schema_version(version INTEGER)            every version the ledger was brought to; a
//                                              newer ledger is refused, an older one migrated
//   licenses(serial, kind, appliance, edition, users, customer, order_ref, issued_at,
//            updates_until, expires, issuer, key_id, replaces, token)   times as RFC 3339 text
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {

struct LedgerEntry {
  std::int64_t serial = 0;  // the token's jti, in decimal
  LicenseKind kind = LicenseKind::server;
  std::string appliance;           // canonical
  std::optional<Edition> edition;  // server licenses only
  int users = 0;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  UnixTime issued_at = 0;
  std::optional<UnixTime> updates_until;
  std::optional<UnixTime> expires;
  std::string issuer;
  std::string key_id;                    // k4.pid of the signing key
  std::optional<std::int64_t> replaces;  // the server license an `--replace` one replaced
  std::string token;
};

class Ledger {
 public:
  static constexpr int kSchemaVersion = 1;
  enum class Access {
    read_only,   // list, export: the file must exist and be a ledger
    read_write,  // issue: the file must exist and be a ledger
    create,      // issue into a new ledger: creates the file and schema if missing
  };

  // Throws Failure(input) for a missing file or a file that is no seatkey ledger (or a newer
  // schema), Failure(ledger) for SQLite failures.
  static Ledger open(const std::string& path, Access access);

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  const std::string& path() const;
  int schema_version() const;

  std::vector<LedgerEntry> entries() const;  // every row, by serial
  std::vector<LedgerEntry> entries_for(const std::string& appliance) const;
  std::size_t count() const;

  // One write transaction: BEGIN IMMEDIATE (retried while another issuer holds the ledger).
  // Rolls back on destruction unless commit() succeeded.
  class Transaction {
   public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    ~Transaction();

    // The serial the next insert() should use: above every serial ever allocated.
    std::int64_t next_serial();
    std::vector<LedgerEntry> entries_for(const std::string& appliance);
    // Inserts with the entry's own serial, which must be >= next_serial().
    void insert(const LedgerEntry& entry);
    void commit();

   private:
    friend class Ledger;
    explicit Transaction(Ledger* ledger) : ledger_(ledger) {}
    Ledger* ledger_;
    bool open_ = true;
  };
  Transaction begin();

  struct Impl;

 private:
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace seatkey::keygen
