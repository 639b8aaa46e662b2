// The back office's ledger: one row per issued token and one per event, in a SQLite file (WAL
// mode, a busy timeout) or a PostgreSQL database (a postgresql:// URL, through libpq); the same
// tables, rules and hash chain on both, and nothing here depends on which. A Ledger is an open
// connection with its schema and transactions; its tables are read and written through its
// stores (stores.hpp).
//
// Serials are allocated inside the write transaction that records the rows, which excludes
// every other writer (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock,
// whichever host the writer runs on), so they are unique across concurrent issuers and never
// reused, not even after a deletion or a crash. Rows are never updated or deleted (triggers);
// every row and event is a link of the hash chain (chain.hpp), computed in the transaction that
// writes it. The schema's tables and each step that made them: keygen/src/ledger/migrations.cpp
// (docs/back-office.md, "The ledger's schema").
//
// Only Ledger::create makes a ledger: a SQLite ledger's file, -wal and -shm are mode 0600, and
// one that group or others may write is never written.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/paserk.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/ledger/chain.hpp"
#include "seatkey/keygen/ledger/rows.hpp"
#include "seatkey/keygen/ledger/stores.hpp"

namespace seatkey::keygen {

class Ledger;
namespace detail {
// keygen/src's view of an open ledger (its connection and transaction).
LedgerContext& context_of(const Ledger& ledger);
}  // namespace detail

// How messages name the ledger at `location` (a SQLite file's path, or a postgresql:// URL):
// a URL without its password.
std::string ledger_name(std::string_view location);
// Whether `location` is a PostgreSQL URL (postgresql:// or postgres://) rather than a file.
bool is_ledger_url(std::string_view location);

class Ledger {
 public:
  static constexpr int kSchemaVersion = 9;
  enum class Access {
    read_only,   // list, export: the file must exist and be a ledger; older schemas are read as they are
    read_write,  // issue, add-key: the file must exist, be a ledger, and not be writable by group or others
  };
  using DevelopmentKey = KeyStore::DevelopmentKey;

  // Opens the ledger at `location`: a SQLite file's path, or a postgresql:// (postgres://) URL.
  // An input error for a missing file (naming `ledger init`), a database that cannot be reached,
  // one that is no seatkey ledger (or of a newer schema), or a file that group or others may
  // write (read_write). A read_write open brings an older schema to the current one, all its
  // steps in one transaction.
  static Result<Ledger> open(const std::string& location, Access access);

  // Creates a new ledger at `location` with `key` as its signing key, in one transaction: a new
  // SQLite file (never an existing one: an input error), mode 0600 whatever the umask, or the
  // tables in an existing PostgreSQL database that holds no ledger yet (an input error
  // otherwise). Refuses the development key unless `development` is allow. On a failure no file
  // is left behind and the database is as it was.
  static Result<Ledger> create(const std::string& location, const PublicKey& key,
                               DevelopmentKey development = DevelopmentKey::refuse);

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  // How messages name the ledger: ledger_name() of its location.
  const std::string& path() const;
  int schema_version() const;
  // The version this open brought the ledger from (0 when it migrated nothing).
  int migrated_from() const;
  // What the tool should tell the user about the files (e.g. readable by others), one sentence each.
  const std::vector<std::string>& warnings() const;

  LicenseStore licenses() const;
  EventStore events() const;
  KeyStore keys() const;
  TokenStore tokens() const;
  CodeStore codes() const;

  // The chain's newest link. The chain exists from schema version 3 on: on an older ledger
  // (read as it is) an input error naming `ledger migrate`.
  Result<ChainHead> head() const;
  // Every link in chain order (licenses and events merged by chain_seq), read in one snapshot,
  // until `visit` returns false.
  Result<void> read_chain(const std::function<bool(const ChainLink&)>& visit) const {
    return read_chain(0, std::nullopt, visit);
  }
  // With a limit: the links after chain_seq `after`, at most `limit` of them, in chain order,
  // each table read from its chain_seq index, never the whole ledger (a page of GET /v1/events).
  Result<void> read_chain(std::int64_t after, std::optional<std::size_t> limit,
                          const std::function<bool(const ChainLink&)>& visit) const;

  // A consistent copy at `path` (never an existing file; mode 0600), while other connections
  // keep writing: of a SQLite ledger by SQLite's online backup, of a PostgreSQL ledger by
  // copy_to() into a new SQLite ledger file. On a failure no file is left behind.
  Result<void> backup(const std::string& path) const;

  // Copies the whole ledger (signing keys, API tokens, every row and event, the stored answers
  // and the serial counter) into a new ledger at `destination`: a SQLite file that does not
  // exist yet, or an empty PostgreSQL database. The source is read in one snapshot; each link
  // of the chain is computed again as it is written and must be the one stored, so the copy
  // has the same chain and head. Returns the copy's head. An input error for a destination
  // that exists or holds a ledger, or a source older than the current schema; internal when
  // the source does not verify or the copy fails. On a failure no destination is left.
  Result<ChainHead> copy_to(const std::string& destination) const;

  // One write transaction that excludes every other writer (SQLite: BEGIN IMMEDIATE, retried
  // while another issuer holds the file; PostgreSQL: the writers' advisory lock, waited for up
  // to 30 s). Rolls back on destruction unless commit() succeeded.
  class Transaction {
   public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    ~Transaction();

    LicenseStore licenses();
    EventStore events();
    KeyStore keys();
    AnswerStore answers();
    CodeStore codes();
    Result<void> commit();

   private:
    friend class Ledger;
    explicit Transaction(detail::LedgerContext* ledger) : ledger_(ledger) {}
    detail::LedgerContext* ledger_;
    bool open_ = true;
  };
  Result<Transaction> begin();

 private:
  friend detail::LedgerContext& detail::context_of(const Ledger& ledger);

  explicit Ledger(std::unique_ptr<detail::LedgerContext> context);
  std::unique_ptr<detail::LedgerContext> context_;
};

}  // namespace seatkey::keygen
