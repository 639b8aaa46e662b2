// Copies of a ledger: `ledger backup` (SQLite's online backup, or a copy into a new SQLite
// ledger) and `ledger copy` (into a new SQLite file or an empty PostgreSQL database), each
// checked link by link as it is written.
#include <sys/stat.h>

#include "ledger/context.hpp"
#include "ledger/files.hpp"
#include "ledger/migrations.hpp"
#include "ledger/postgres.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"
#include "ledger/sqlite.hpp"

namespace seatkey::keygen {
namespace detail {
namespace {

// Copies a table that is no link of the chain, in the order its rows were added (or the
// table's own order), every column as it is stored.
void copy_plain_table(const LedgerContext& from, LedgerContext& to, const PlainTable& table) {
  std::string names, params;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    names += std::string(i == 0 ? "" : ", ") + std::string(table.columns[i].name);
    params += std::string(i == 0 ? "" : ", ") + "?" + std::to_string(i + 1);
  }
  const std::string order =
      table.order_by.empty() ? std::string(from.db->insertion_order()) : std::string(table.order_by);
  Statement read(*from.db, "SELECT " + names + " FROM " + std::string(table.table) + " ORDER BY " + order);
  Statement write(*to.db,
                  "INSERT INTO " + std::string(table.table) + " (" + names + ") VALUES (" + params + ")");
  while (read.step()) {
    write.reset();
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const int index = static_cast<int>(i);
      if (read.is_null(index)) {
        write.bind_null(index + 1);
      } else if (table.columns[i].type == SqlType::blob) {
        const std::string bytes = read.bytes(index);
        write.bind_blob(index + 1, bytes.data(), bytes.size());
      } else if (table.columns[i].type == SqlType::integer) {
        write.bind(index + 1, read.integer(index));
      } else {
        write.bind(index + 1, std::string_view(read.text(index)));
      }
    }
    write.run();
  }
}

const PlainTable& plain_table(std::string_view name) {
  for (const PlainTable& t : plain_tables()) {
    if (t.table == name) return t;
  }
  raise_internal("no table " + std::string(name));
}

// Every link of `from` into `to`, each computed again as it is written and compared with the
// hash stored in `from`: the copy's chain is the source's, link for link, or nothing is copied.
ChainHead copy_chain(const LedgerContext& from, LedgerContext& to) {
  ChainHead head;
  from.visit_chain([&](const ChainLink& link) {
    const auto broken = [&](const std::string& why) {
      raise_internal("ledger " + from.path + " does not verify at position " + std::to_string(link.seq) +
                         ": " + why + "; nothing was copied (verifying the ledger names what is wrong)",
                     "seatkey-keygen ledger verify --ledger " + from.path);
    };
    if (link.seq != head.seq + 1) broken("the link after position " + std::to_string(head.seq));
    if (!link.corrupt.empty()) broken(link.corrupt);
    if (!link.stored || next_chain_hash(head.hash, canonical_bytes(link.type, link.values)) != *link.stored)
      broken("its hash is not the one of its columns");
    to.insert_link(link_table(link.type), link.type, chain_columns(link.type), link.values, &head);
    return true;
  });
  return head;
}

// Copies everything `from` holds (in its read transaction) into the new, empty ledger `to` (in
// its schema transaction): signing keys and API tokens in the order they were added, the tokens
// from before the chain covered tokens, every link of the chain, the stored answers and the serial counter.
ChainHead copy_ledger(const LedgerContext& from, LedgerContext& to) {
  copy_plain_table(from, to, plain_table("signing_keys"));
  copy_plain_table(from, to, plain_table("api_tokens"));
  // Before the chain: its rows may join the list only while no token link exists.
  copy_plain_table(from, to, plain_table("tokens_before_chain"));
  const ChainHead head = copy_chain(from, to);
  copy_plain_table(from, to, plain_table("idempotent_requests"));
  to.db->keep_serials_above(from.db->next_serial() - 1);
  return head;
}

ChainHead copy_to(const LedgerContext& source, const std::string& destination) {
  source.require_chain();
  const int latest = latest_schema_version();
  if (source.version < latest) {
    raise_input("ledger " + source.path + " has schema version " + std::to_string(source.version) +
                    ": migrate it to version " + std::to_string(latest) + " before it is copied",
                "seatkey-keygen ledger migrate --ledger " + source.path);
  }
  ChainHead copied;
  // The source is read in one snapshot while its issuers keep writing; the destination is
  // made and filled in one transaction, so a failure leaves no destination behind.
  source.db->begin_read("cannot read the ledger");
  try {
    create_context(destination, [&](LedgerContext& target) { copied = copy_ledger(source, target); });
    source.db->commit("cannot end the read of the ledger");
  } catch (...) {
    source.db->rollback();
    throw;
  }
  return copied;
}

void backup(const LedgerContext& ledger, const std::string& path) {
  if (ledger.db->is_postgresql()) {
    // A PostgreSQL ledger is backed up into a SQLite ledger: the same rows, keys and tokens
    // read in one snapshot, its chain checked link by link as it is written (copy_to). The
    // file is a ledger of its own, and `ledger copy` brings it back into a database.
    if (is_postgresql_url(path)) {
      raise_input("a backup is a file: a ledger is copied into a database by a ledger copy",
                  "seatkey-keygen ledger copy --from " + ledger.path + " --to URL");
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      raise_input("cannot create the backup " + path + ": File exists (a backup never replaces a file)");
    }
    (void)copy_to(ledger, path);
    return;
  }
  create_backup_file(path);
  static_cast<const SqliteDatabase&>(*ledger.db).backup_into(path);
}

}  // namespace
}  // namespace detail

Result<void> Ledger::backup(const std::string& path) const {
  return detail::guarded([&] { detail::backup(*context_, path); });
}

Result<ChainHead> Ledger::copy_to(const std::string& destination) const {
  return detail::guarded([&] { return detail::copy_to(*context_, destination); });
}

}  // namespace seatkey::keygen
