// Internal: one open ledger as the stores share it: its database connection, how it was opened,
// its schema version, and the write transaction in progress (the chain's head, read once and
// then kept as links are added).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/database.hpp"
#include "raise.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen::detail {

struct LedgerContext {
  std::unique_ptr<Database> db;  // declared first: the statements below go before it
  std::string path;              // how messages name the ledger (db->name())
  Ledger::Access opened_for = Ledger::Access::read_only;
  int version = 0;
  int migrated_from = 0;
  std::vector<std::string> warnings;
  // Insert statements by table and number of columns set (a row with written_by has one more).
  std::map<std::string, std::unique_ptr<Statement>> inserts;
  bool writing = false;           // a write transaction is open
  std::optional<ChainHead> head;  // its chain head, once read

  ~LedgerContext() { inserts.clear(); }

  // A statement prepared once while the ledger is open, kept with the inserts by its text.
  Statement& prepared(const std::string& sql) {
    std::unique_ptr<Statement>& s = inserts[sql];
    if (!s) s = std::make_unique<Statement>(*db, sql);
    return *s;
  }

  // Raises an input error unless the ledger was opened read_write.
  void require_writable() const;
  // The chain and the events exist from version 3 on: an input error naming `ledger migrate`
  // for an older ledger (read as it is).
  void require_chain() const;
  // Runs `body` in the open write transaction, or in one of its own (every other writer
  // excluded) that it commits, or rolls back when `body` raises.
  void write(const std::string& what, const std::function<void()>& body);
  // The chain's newest link as stored.
  ChainHead read_head() const;
  // The head of the open write transaction's chain.
  ChainHead& transaction_head();
  // Inserts `values` (canonical order of `columns`) into `table` as the next link after *head.
  void insert_link(std::string_view table, ChainLinkType type, const std::vector<std::string_view>& columns,
                   const ChainValues& values, ChainHead* head);
  // Every link in chain order (licenses and events merged by chain_seq), in the caller's
  // transaction, until `visit` returns false.
  // With `limit`: only the links after chain_seq `after`, at most *limit of them.
  void visit_chain(const std::function<bool(const ChainLink&)>& visit, std::int64_t after = 0,
                   std::optional<std::size_t> limit = std::nullopt) const;
};

// A new ledger at `location` (a new SQLite file, or an empty PostgreSQL database) with the
// current schema and what `fill` writes, in one transaction: on a failure nothing is left.
std::unique_ptr<LedgerContext> create_context(const std::string& location,
                                              const std::function<void(LedgerContext&)>& fill);

// Registers `key` as a signing key (keys.cpp); the development key is refused unless allowed.
void insert_signing_key(LedgerContext& ledger, const PublicKey& key, KeyOrigin origin);
void refuse_development_key(const PublicKey& key, KeyStore::DevelopmentKey development);

}  // namespace seatkey::keygen::detail
