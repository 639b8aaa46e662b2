// The back office's ledger: one SQLite row per issued token, in WAL mode with a busy timeout.
// Serials are INTEGER PRIMARY KEY AUTOINCREMENT: allocated inside the BEGIN IMMEDIATE write
// transaction that records the rows, so they are unique across concurrent issuers and never
// reused, not even after a deletion or a crash. Schema (version 4):
//   schema_version(version INTEGER)            every version the ledger was brought to; a
//                                              newer ledger is refused, an older one migrated
//   licenses(serial, kind, appliance, edition, users, customer, order_ref, issued_at,
//            updates_until, expires, issuer, key_id, replaces, token, written_by)
//                                              times as RFC 3339 text; written_by (version 4)
//                                              names the API token that wrote the row (NULL:
//                                              seatkey-keygen)
//   signing_keys(key_id, public_key, added_at, origin)   the keys this ledger issues with
//                                              (version 2; a version 1 ledger's are the keys
//                                              its rows were signed with, public key unknown)
//   api_tokens(name, role, lookup_id, token_hash, created_at, revoked_at)   seatkey-server's
//                                              bearer tokens, hashed (version 4)
//   idempotent_requests(token_name, idempotency_key, request_hash, status, response,
//            created_at)                       seatkey-server's answers to POST requests with
//                                              an Idempotency-Key (version 4)
// Only Ledger::create makes a ledger: its file, -wal and -shm are mode 0600, and a ledger that
// group or others may write is never written.
#pragma once

#include <cstdint>
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
#include "seatkey/signing/secure_buffer.hpp"

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
  std::optional<std::string> written_by;  // the API token that wrote it; nullopt: seatkey-keygen
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

// Which rows Ledger::rows() reads; every field left empty matches every row.
struct RowFilter {
  std::optional<std::string> appliance;  // canonical ID
  std::optional<std::string> customer;   // contains this text, ASCII letters in any case
  std::optional<std::string> order;      // exactly this order reference
  std::optional<UnixTime> since;         // issued at or after
  std::optional<UnixTime> until;         // issued before
  std::optional<LicenseKind> kind;
  std::optional<std::int64_t> after;  // serials above this one
  std::optional<std::size_t> limit;   // the first this many rows (by serial) that match
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

class Ledger {
 public:
  static constexpr int kSchemaVersion = 4;
  enum class Access {
    read_only,   // list, export: the file must exist and be a ledger; older schemas are read as they are
    read_write,  // issue, add-key: the file must exist, be a ledger, and not be writable by group or others
  };
  // Whether the development key may be registered (tests and demos only).
  enum class DevelopmentKey { refuse, allow };

  // Throws Failure(input) for a missing file (naming `ledger init`), a file that is no seatkey
  // ledger (or a newer schema), or one that group or others may write (read_write); Failure(ledger)
  // for SQLite failures. A read_write open brings an older schema to the current one, all its
  // steps in one transaction.
  static Ledger open(const std::string& path, Access access);

  // Creates a new ledger at `path` (never an existing file: Failure(input)) with `key` as its
  // signing key, in one transaction; the file is mode 0600 whatever the umask. Refuses the
  // development key (Failure(refused)) unless `development` is allow. On a failure no file is
  // left behind.
  static Ledger create(const std::string& path, const PublicKey& key,
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

  const std::string& path() const;
  int schema_version() const;

  // Every row, by serial; Failure(ledger) naming the first row that cannot be read.
  std::vector<LedgerEntry> entries() const;
  std::vector<LedgerEntry> entries_for(const std::string& appliance) const;
  // Every row (or an appliance's), the corrupt ones set apart: for listing a damaged ledger.
  LedgerRows rows(const std::optional<std::string>& appliance = std::nullopt) const;
  LedgerRows rows(const RowFilter& filter) const;
  std::size_t count() const;

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
    // Whether `key_id` is one of the ledger's signing keys.
    bool knows_key(const std::string& key_id);
    // Inserts with the entry's own serial, which must be >= next_serial().
    void insert(const LedgerEntry& entry);
    // The answer recorded for this token's Idempotency-Key, if any.
    std::optional<StoredAnswer> find_answer(const std::string& token_name, const std::string& key);
    // Records the answer to a request, in this transaction: committed with what it wrote.
    void record_answer(const std::string& token_name, const std::string& key, const StoredAnswer& answer);
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
