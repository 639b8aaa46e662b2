// The back office's ledger: one row per issued token and one per event, in a SQLite file (WAL
// mode, a busy timeout) or a PostgreSQL database (a postgresql:// URL, through libpq); the same
// tables, rules and hash chain on both, and nothing here depends on which. Serials are
// allocated inside the write transaction that records the rows, which excludes every other
// writer (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock, whichever
// host the writer runs on), so they are unique across concurrent issuers and never reused, not
// even after a deletion or a crash. Rows are never updated or deleted (triggers); every row
// and event is a link of the hash chain (chain.hpp), computed in the transaction that writes
// it. Schema (version 4):
//   schema_version(version INTEGER)            every version the ledger was brought to; a
//                                              newer ledger is refused, an older one migrated
//   licenses(serial, kind, appliance, edition, users, customer, order_ref, issued_at,
//            updates_until, expires, issuer, key_id, replaces, transferred_from,
//            primary_appliance, revocation_seq, token, chain_seq, chain_hash, written_by)
//                                              every token: licenses and revocation lists
//                                              (no appliance); times as RFC 3339 text;
//                                              written_by (version 4) names the API token
//                                              that wrote the row (NULL: seatkey-keygen)
//   events(chain_seq, type, serial, reason, at, who, transfer_to, chain_hash)
//                                              a license voided ("void") or taken back by a
//                                              transfer ("transfer"), at most once; who is
//                                              the login name, or seatkey-server's API token
//   signing_keys(key_id, public_key, added_at, origin)   the keys this ledger issues with
//                                              (a version 1 ledger's are the keys its rows
//                                              were signed with, public key unknown)
//   api_tokens(name, role, lookup_id, token_hash, created_at, revoked_at)   seatkey-server's
//                                              bearer tokens, hashed (version 4)
//   idempotent_requests(token_name, idempotency_key, request_hash, status, response,
//            created_at)                       seatkey-server's answers to POST requests with
//                                              an Idempotency-Key (version 4)
// Only Ledger::create makes a ledger: a SQLite ledger's file, -wal and -shm are mode 0600, and
// one that group or others may write is never written. PostgreSQL's ledger starts at version 4;
// a token's uniqueness is an index of its MD5 there, and serial_counter holds a copied
// ledger's counter (SQLite's AUTOINCREMENT counter).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/paserk.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/api_tokens.hpp"
#include "seatkey/keygen/chain.hpp"
#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey::keygen {

// How a license was taken back: `void` (refunded, sold by mistake) or `transfer` (re-issued
// for another appliance). Either way it goes into the next revocation list.
enum class EventKind { voided, transferred };
inline constexpr std::array<std::string_view, 2> kEventKindNames{{"void", "transfer"}};
constexpr std::string_view event_kind_name(EventKind k) {
  return kEventKindNames[static_cast<std::size_t>(k)];
}
// The kind an event's type names; nullopt for a name not in kEventKindNames.
inline std::optional<EventKind> event_kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kEventKindNames.size(); ++i) {
    if (kEventKindNames[i] == name) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

struct LedgerEntry {
  std::int64_t serial = 0;  // the token's jti, in decimal
  LicenseKind kind = LicenseKind::server;
  std::string appliance;           // canonical; empty for a revocation list (bound to none)
  std::optional<Edition> edition;  // server licenses only
  int users = 0;                   // 0 on a revocation list
  std::optional<std::string> customer;
  std::optional<std::string> order;
  UnixTime issued_at = 0;
  std::optional<UnixTime> updates_until;
  std::optional<UnixTime> expires;
  std::string issuer;
  std::string key_id;                            // k4.pid of the signing key
  std::optional<std::int64_t> replaces;          // the server license this one superseded when issued
  std::optional<std::int64_t> transferred_from;  // a transfer's re-issue: the license it stands in for
  std::optional<std::string> primary_appliance;  // a standby license: its primary (canonical)
  std::optional<std::int64_t> revocation_seq;    // a revocation list's seq
  std::string token;
  std::optional<std::string> written_by;  // the API token that wrote it; nullopt: seatkey-keygen
  // Read from the ledger (insert() ignores them): the row's chain position, and how it was
  // taken back, when an event did.
  std::int64_t chain_seq = 0;
  std::optional<ChainHash> chain_hash;
  std::optional<EventKind> voided;
};

struct LedgerEvent {
  EventKind kind = EventKind::voided;
  std::int64_t serial = 0;                 // the license it takes back
  std::optional<std::string> reason;       // the desk's words
  UnixTime at = 0;                         // when it was recorded
  std::string who;                         // who recorded it (the login name, or an API token's)
  std::optional<std::string> transfer_to;  // a transfer: the appliance that got the licenses
  std::int64_t chain_seq = 0;              // set by the ledger when read
};

// One link of the hash chain as stored, for `ledger verify`: its columns as text, what they
// read as, and the hash stored with it.
struct ChainLink {
  ChainLinkType type = ChainLinkType::license;
  std::int64_t seq = 0;              // chain_seq as stored
  std::optional<ChainHash> stored;   // chain_hash as stored (nullopt: not 32 bytes)
  ChainValues values;                // canonical order (chain.hpp)
  std::optional<LedgerEntry> entry;  // a license row that reads
  std::optional<LedgerEvent> event;  // an event that reads
  std::string corrupt;               // why the row does not read (neither is set)
};

// The development key in keys/ (keys/development.secret), whose secret everyone has:
// recognised by value, whatever file it was copied into.
inline constexpr std::string_view kDevelopmentKeyId = "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW";

// A key the ledger issues with.
struct SigningKey {
  std::string key_id;                     // its k4.pid
  std::optional<std::string> public_key;  // its k4.public; unknown for a key a migration found
  std::string added_at;                   // RFC 3339: registered (a migrated key: its first row)
  std::string origin;                     // "init", "add-key" or "migrated"
  bool development() const { return key_id == kDevelopmentKeyId; }
};

// A row the ledger cannot read (edited by hand, or written by a tool with a bug): what the
// table shows of it and why it is corrupt.
struct CorruptRow {
  std::int64_t serial = 0;
  std::string appliance;  // as stored
  std::string why;        // "row 7 (appliance 001A2B3C4D5E) is corrupt: updates_until ..."
};

// An answer seatkey-server gave to a POST with an Idempotency-Key, kept to give it again.
struct StoredAnswer {
  std::string request_hash;  // what identifies the request (method, path, body)
  int status = 0;
  std::string body;
};

// Every row that could be read, and those that could not.
struct LedgerRows {
  std::vector<LedgerEntry> entries;  // by serial
  std::vector<CorruptRow> corrupt;   // by serial
};

// How messages name the ledger at `location` (a SQLite file's path, or a postgresql:// URL):
// a URL without its password.
std::string ledger_name(std::string_view location);
// Whether `location` is a PostgreSQL URL (postgresql:// or postgres://) rather than a file.
bool is_ledger_url(std::string_view location);

class Ledger {
 public:
  static constexpr int kSchemaVersion = 4;
  enum class Access {
    read_only,   // list, export: the file must exist and be a ledger; older schemas are read as they are
    read_write,  // issue, add-key: the file must exist, be a ledger, and not be writable by group or others
  };
  // Whether the development key may be registered (tests and demos only).
  enum class DevelopmentKey { refuse, allow };

  // Opens the ledger at `location`: a SQLite file's path, or a postgresql:// (postgres://) URL.
  // Throws Failure(input) for a missing file (naming `ledger init`), a database that cannot be
  // reached, one that is no seatkey ledger (or of a newer schema), or a file that group or
  // others may write (read_write); Failure(ledger) for the database's failures. A read_write
  // open brings an older schema to the current one, all its steps in one transaction.
  static Ledger open(const std::string& location, Access access);

  // Creates a new ledger at `location` with `key` as its signing key, in one transaction: a new
  // SQLite file (never an existing one: Failure(input)), mode 0600 whatever the umask, or the
  // tables in an existing PostgreSQL database that holds no ledger yet (Failure(input)
  // otherwise). Refuses the development key (Failure(refused)) unless `development` is allow.
  // On a failure no file is left behind and the database is as it was.
  static Ledger create(const std::string& location, const PublicKey& key,
                       DevelopmentKey development = DevelopmentKey::refuse);

  enum class KeyAdded {
    added,                // a new signing key
    public_key_recorded,  // a migrated key, whose public key the ledger did not know
    already_known,        // nothing changed
  };
  // Registers another signing key (key rotation). Refuses the development key like create().
  KeyAdded add_signing_key(const PublicKey& key, DevelopmentKey development = DevelopmentKey::refuse);
  std::vector<SigningKey> signing_keys() const;  // in the order they were registered
  // A development ledger: one of its signing keys is the development key.
  bool is_development() const;

  // What the tool should tell the user about the files (e.g. readable by others), one sentence each.
  const std::vector<std::string>& warnings() const;

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  // How messages name the ledger: ledger_name() of its location.
  const std::string& path() const;
  int schema_version() const;
  // The version this open brought the ledger from (0 when it migrated nothing).
  int migrated_from() const;

  // Every row, by serial; Failure(ledger) naming the first row that cannot be read.
  std::vector<LedgerEntry> entries() const;
  std::vector<LedgerEntry> entries_for(const std::string& appliance) const;
  // Every standby license naming `primary`, by serial (whatever appliance it is bound to).
  std::vector<LedgerEntry> standbys_of(const std::string& primary) const;
  // Every row (or an appliance's), the corrupt ones set apart: for listing a damaged ledger.
  LedgerRows rows(const std::optional<std::string>& appliance = std::nullopt) const;
  std::size_t count() const;
  // One row (nullopt when there is none); Failure(ledger) when it cannot be read.
  std::optional<LedgerEntry> entry(std::int64_t serial) const;
  // The events, in chain order; or those of one license.
  std::vector<LedgerEvent> events(const std::optional<std::int64_t>& serial = std::nullopt) const;

  // The chain's newest link. The chain and the events exist from schema version 3 on: on an
  // older ledger (read as it is) these throw Failure(input) naming `ledger migrate`.
  ChainHead head() const;
  // Every link in chain order (licenses and events merged by chain_seq), read in one snapshot,
  // until `visit` returns false.
  void read_chain(const std::function<bool(const ChainLink&)>& visit) const;

  // A consistent copy at `path` (never an existing file; mode 0600), while other connections
  // keep writing: of a SQLite ledger by SQLite's online backup, of a PostgreSQL ledger by
  // copy_to() into a new SQLite ledger file. Failure(input) when the file exists or cannot be
  // made; on a failure no file is left behind.
  void backup(const std::string& path) const;

  // Copies the whole ledger (signing keys, API tokens, every row and event, the stored answers
  // and the serial counter) into a new ledger at `destination`: a SQLite file that does not
  // exist yet, or an empty PostgreSQL database. The source is read in one snapshot; each link
  // of the chain is computed again as it is written and must be the one stored, so the copy
  // has the same chain and head. Returns the copy's head. Failure(input) for a destination
  // that exists or holds a ledger, or a source older than the current schema; Failure(ledger)
  // when the source does not verify or the copy fails. On a failure no destination is left.
  ChainHead copy_to(const std::string& destination) const;

  // API tokens (seatkey-server). create_api_token() records a new token for `name` (checked with
  // check_token_name) and returns its bearer text, which the ledger does not keep: the caller
  // shows it once. Failure(refused) when a token of that name exists, also a revoked one: rows
  // name the token that wrote them, so a name is never reused.
  SecureBuffer create_api_token(const std::string& name, Role role);
  std::vector<ApiToken> api_tokens() const;  // in the order they were created
  // Failure(refused) when there is no such token or it is revoked already.
  ApiToken revoke_api_token(const std::string& name);
  // The unrevoked token whose bearer text this is (hashes compared in constant time), or nullopt.
  std::optional<ApiToken> authenticate(std::string_view bearer) const;

  // One write transaction that excludes every other writer (SQLite: BEGIN IMMEDIATE, retried
  // while another issuer holds the file; PostgreSQL: the writers' advisory lock, waited for up
  // to 30 s). Rolls back on destruction unless commit() succeeded.
  class Transaction {
   public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    ~Transaction();

    // The serial the next insert() should use: above every serial ever allocated.
    std::int64_t next_serial();
    std::vector<LedgerEntry> entries_for(const std::string& appliance);
    std::vector<LedgerEntry> standbys_of(const std::string& primary);
    std::optional<LedgerEntry> entry(std::int64_t serial);
    // Every serial an event took back, ascending.
    std::vector<std::int64_t> voided_serials();
    // The revocation list with the highest seq, if any.
    std::optional<LedgerEntry> newest_revocation_list();
    // Whether `key_id` is one of the ledger's signing keys.
    bool knows_key(const std::string& key_id);
    // Inserts with the entry's own serial, which must be >= next_serial(), as the next link of
    // the chain.
    void insert(const LedgerEntry& entry);
    // Records an event as the next link of the chain.
    void insert_event(const LedgerEvent& event);
    // The answer recorded for this token's Idempotency-Key, if any.
    std::optional<StoredAnswer> find_answer(const std::string& token_name, const std::string& key);
    // Records the answer to a request, in this transaction: committed with what it wrote.
    void record_answer(const std::string& token_name, const std::string& key, const StoredAnswer& answer);
    void commit();

   private:
    friend class Ledger;
    explicit Transaction(Ledger* ledger) : ledger_(ledger) {}
    ChainHead& head();  // read once, then kept as links are added
    Ledger* ledger_;
    bool open_ = true;
    std::optional<ChainHead> head_;
  };
  Transaction begin();

  struct Impl;

 private:
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace seatkey::keygen
