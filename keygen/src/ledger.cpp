#include "seatkey/keygen/ledger.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <thread>

#include "seatkey/keygen/error.hpp"
#include "sqlite.hpp"
#include "text.hpp"

namespace seatkey::keygen {

using detail::Statement;

namespace {

constexpr int kBusyTimeoutMs = 5000;  // SQLite waits this long for a lock, per attempt
constexpr int kBusyAttempts = 6;      // then we back off and try again, this many times

// The schema, as the steps that build it: a new ledger runs all of them, an older one the steps
// above its version, each step in one transaction with the new version number. A step is never
// edited once released (ledgers in the field ran it); a change of the schema is a new step.
struct Migration {
  int version;
  const char* statements;
  // What SQL alone cannot do (the hash chain), run after the statements in the same
  // transaction; nullptr when there is nothing.
  void (*then)(Ledger::Impl& impl);
};

void chain_existing_rows(Ledger::Impl& impl);

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE licenses (
  serial        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL CHECK (kind IN ('server', 'users')),
  appliance     TEXT NOT NULL,
  edition       TEXT CHECK (edition IN ('free', 'compact', 'appliance', 'vm')),
  users         INTEGER NOT NULL CHECK (users > 0),
  customer      TEXT,
  order_ref     TEXT,
  issued_at     TEXT NOT NULL,
  updates_until TEXT,
  expires       TEXT,
  issuer        TEXT NOT NULL,
  key_id        TEXT NOT NULL,
  replaces      INTEGER REFERENCES licenses (serial),
  token         TEXT NOT NULL UNIQUE,
  CHECK ((kind = 'server') = (edition IS NOT NULL))
);
CREATE INDEX licenses_by_appliance ON licenses (appliance, serial);
CREATE TRIGGER licenses_no_update BEFORE UPDATE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql",
     nullptr},
    // The keys the ledger issues with. A version 1 ledger knew none: its keys are the ones its
    // rows were signed with, public key unknown (a k4.pid is a hash of the public key, so the
    // ID alone recognises the key; `ledger add-key` with the key itself fills it in).
    {2, R"sql(
CREATE TABLE signing_keys (
  key_id      TEXT PRIMARY KEY,
  public_key  TEXT UNIQUE,
  added_at    TEXT NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('init', 'add-key', 'migrated'))
);
INSERT INTO signing_keys (key_id, public_key, added_at, origin)
  SELECT key_id, NULL, MIN(issued_at), 'migrated' FROM licenses GROUP BY key_id ORDER BY MIN(serial);
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
  BEGIN SELECT RAISE(ABORT, 'signing keys are never removed from the ledger'); END;
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
  WHEN OLD.public_key IS NOT NULL OR NEW.key_id IS NOT OLD.key_id OR NEW.added_at IS NOT OLD.added_at
       OR NEW.origin IS NOT OLD.origin
  BEGIN SELECT RAISE(ABORT, 'a signing key is recorded once; only an unknown public key may be filled in'); END;
)sql",
     nullptr},
    // Taking licenses back and the hash chain. SQLite cannot alter a CHECK, so the licenses
    // table is rebuilt (the statements make the new one; chain_existing_rows() copies the rows
    // in serial order as the first links of the chain, then swaps the tables): revocation
    // lists have no appliance and no users, a transfer's re-issue names what it stands in for,
    // and the CHECKs already admit the standby kind and its primary_appliance, so that adding
    // it needs no second rebuild. Events take licenses back; every row and event is a link.
    {3, R"sql(
CREATE TABLE licenses_v3 (
  serial            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind              TEXT NOT NULL CHECK (kind IN ('server', 'users', 'revocation', 'standby')),
  appliance         TEXT,
  edition           TEXT CHECK (edition IN ('free', 'compact', 'appliance', 'vm')),
  users             INTEGER NOT NULL CHECK (users >= 0),
  customer          TEXT,
  order_ref         TEXT,
  issued_at         TEXT NOT NULL,
  updates_until     TEXT,
  expires           TEXT,
  issuer            TEXT NOT NULL,
  key_id            TEXT NOT NULL,
  replaces          INTEGER REFERENCES licenses (serial),
  transferred_from  INTEGER REFERENCES licenses (serial),
  primary_appliance TEXT,
  revocation_seq    INTEGER UNIQUE CHECK (revocation_seq >= 1),
  token             TEXT NOT NULL UNIQUE,
  chain_seq         INTEGER NOT NULL UNIQUE CHECK (chain_seq >= 1),
  chain_hash        BLOB NOT NULL CHECK (length(chain_hash) = 32),
  CHECK ((kind = 'server') = (edition IS NOT NULL)),
  CHECK ((kind = 'revocation') = (appliance IS NULL)),
  CHECK ((kind = 'revocation') = (revocation_seq IS NOT NULL)),
  CHECK ((kind = 'standby') = (primary_appliance IS NOT NULL))
);
)sql",
     chain_existing_rows},
    // seatkey-server: its API tokens (only a hash of each; revoked, never removed), the name of
    // the token that wrote each row, and its answers to POST requests with an Idempotency-Key
    // (recorded in the transaction that wrote what they report). Only new tables and a column;
    // a row's written_by joins its link's canonical bytes when it is set (chain.hpp), so the
    // links written before keep their hashes.
    {4, R"sql(
ALTER TABLE licenses ADD COLUMN written_by TEXT;
CREATE TABLE api_tokens (
  name        TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('auditor', 'shop', 'clerk', 'admin')),
  lookup_id   TEXT NOT NULL UNIQUE,
  token_hash  BLOB NOT NULL CHECK (length(token_hash) = 32),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
  BEGIN SELECT RAISE(ABORT, 'API tokens are revoked, never removed: rows name the token that wrote them'); END;
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
  WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.name IS NOT OLD.name
       OR NEW.role IS NOT OLD.role OR NEW.lookup_id IS NOT OLD.lookup_id
       OR NEW.token_hash IS NOT OLD.token_hash OR NEW.created_at IS NOT OLD.created_at
  BEGIN SELECT RAISE(ABORT, 'an API token is only ever revoked, once'); END;
CREATE TABLE idempotent_requests (
  token_name      TEXT NOT NULL REFERENCES api_tokens (name),
  idempotency_key TEXT NOT NULL,
  request_hash    BLOB NOT NULL,
  status          INTEGER NOT NULL,
  response        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (token_name, idempotency_key)
);
)sql",
     nullptr},
};

// The second half of the rebuild, once the rows are in licenses_v3.
constexpr const char* kSwapLicensesTable = R"sql(
DROP TABLE licenses;
ALTER TABLE licenses_v3 RENAME TO licenses;
CREATE INDEX licenses_by_appliance ON licenses (appliance, serial);
CREATE INDEX licenses_by_transferred_from ON licenses (transferred_from) WHERE transferred_from IS NOT NULL;
CREATE TRIGGER licenses_no_update BEFORE UPDATE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE events (
  chain_seq   INTEGER PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL CHECK (type IN ('void', 'transfer')),
  serial      INTEGER NOT NULL UNIQUE REFERENCES licenses (serial),
  reason      TEXT,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  transfer_to TEXT,
  chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32),
  CHECK ((type = 'transfer') = (transfer_to IS NOT NULL))
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql";

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;
static_assert(kLatestVersion == Ledger::kSchemaVersion, "Ledger::kSchemaVersion is the last migration's");

// Column indexes of what select_licenses() reads: kLicenseColumns, then these.
enum LicenseColumn {
  kChainSeq,
  kSerial,
  kKind,
  kAppliance,
  kEdition,
  kUsers,
  kCustomer,
  kOrderRef,
  kIssuedAt,
  kUpdatesUntil,
  kExpires,
  kIssuer,
  kKeyId,
  kReplaces,
  kTransferredFrom,
  kPrimaryAppliance,
  kRevocationSeq,
  kToken,
  kChainHash,  // after the canonical columns
  kVoided,     // the type of the event that took it back, or NULL
  kWrittenBy,  // the API token that wrote it (version 4), or NULL
};
constexpr int kWrittenByVersion = 4;
static_assert(kToken + 1 == std::size(kLicenseColumns), "LicenseColumn follows kLicenseColumns");

// The columns a schema version does not have yet read as NULL.
bool column_exists(std::string_view column, int version) {
  if (version >= 3) return true;
  return column != "chain_seq" && column != "transferred_from" && column != "primary_appliance" &&
         column != "revocation_seq";
}

// "SELECT <every LicenseColumn> FROM licenses" for a ledger of `version`.
std::string select_licenses(int version) {
  std::string sql = "SELECT ";
  for (std::string_view c : kLicenseColumns)
    sql += std::string(column_exists(c, version) ? c : "NULL") + ", ";
  sql += version >= 3 ? "chain_hash, (SELECT type FROM events WHERE events.serial = licenses.serial), "
                      : "NULL, NULL, ";
  sql += version >= kWrittenByVersion ? "written_by" : "NULL";
  return sql + " FROM licenses";
}

std::string insert_sql(std::string_view table, const std::string_view* columns, std::size_t n) {
  std::string names, params;
  for (std::size_t i = 0; i < n; ++i) {
    names += std::string(columns[i]) + ", ";
    params += "?" + std::to_string(i + 1) + ", ";
  }
  return "INSERT INTO " + std::string(table) + " (" + names + "chain_hash) VALUES (" + params + "?" +
         std::to_string(n + 1) + ")";
}

constexpr const char* kSelectEvents =
    "SELECT chain_seq, type, serial, reason, at, who, transfer_to, chain_hash FROM events";
enum EventColumn { kEvChainSeq, kEvType, kEvSerial, kEvReason, kEvAt, kEvWho, kEvTransferTo, kEvChainHash };
static_assert(kEvTransferTo + 1 == std::size(kEventColumns), "EventColumn follows kEventColumns");

// Which columns are integers (bound as such; their text is the decimal number).
bool is_integer_column(std::string_view column) {
  for (std::string_view c :
       {"chain_seq", "serial", "users", "replaces", "transferred_from", "revocation_seq"}) {
    if (c == column) return true;
  }
  return false;
}

std::optional<ChainHash> as_chain_hash(const std::string& bytes) {
  if (bytes.size() != sizeof(ChainHash)) return std::nullopt;
  ChainHash h{};
  std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

std::string how_to_create(const std::string& path) {
  return "seatkey-keygen ledger init --ledger " + path + " --key FILE creates a ledger";
}

void refuse_development_key(const PublicKey& key, Ledger::DevelopmentKey development) {
  if (key.id() != kDevelopmentKeyId || development == Ledger::DevelopmentKey::allow) return;
  throw_refusal("the key " + key.id() +
                " is the development key of keys/, whose secret everyone has: anyone could issue "
                "licenses as this ledger's vendor. Use your own key (seatkey-keygen key new), or give "
                "--allow-development-key for a test ledger");
}

}  // namespace

struct Ledger::Impl {
  sqlite3* db = nullptr;
  std::string path;
  Access opened_for = Access::read_only;
  int version = 0;
  int migrated_from = 0;
  std::vector<std::string> warnings;
  // Insert statements by their SQL (a row with written_by has one more column).
  std::map<std::string, std::unique_ptr<Statement>> inserts;

  ~Impl() {
    inserts.clear();
    if (db != nullptr) sqlite3_close_v2(db);
  }

  [[noreturn]] void fail(const std::string& what) const { detail::throw_sqlite(db, path, what); }

  // Opening, by phase.
  void connect(Access access);
  void set_pragmas(Access access);
  int read_version() const;  // 0 for an empty database
  // Brings the schema to kLatestVersion in one write transaction; `also` runs in it before the
  // commit (a new ledger's first signing key).
  void migrate(const std::function<void()>& also = {});

  // Runs SQL without results, retrying (with a random back-off) while the ledger is busy.
  void exec(const char* sql, const char* what) const {
    std::minstd_rand jitter(std::random_device{}());
    for (int attempt = 1;; ++attempt) {
      char* message = nullptr;
      const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
      sqlite3_free(message);
      if (rc == SQLITE_OK) return;
      if (!detail::is_busy(rc) || attempt == kBusyAttempts) fail(what);
      std::this_thread::sleep_for(std::chrono::milliseconds(10 + jitter() % 90));
    }
  }

  // The chain and the events exist from version 3 on.
  void require_chain() const {
    if (version >= 3) return;
    throw_input_error("ledger " + path + " has schema version " + std::to_string(version) +
                      ", from before the hash chain: seatkey-keygen ledger migrate --ledger " + path +
                      " brings it to version " + std::to_string(kLatestVersion) +
                      " and computes its chain (so does its next issue)");
  }

  // A row of select_licenses(), or nullopt with *why set when it cannot be read.
  std::optional<LedgerEntry> parse_row(const Statement& s, std::string* why) const {
    LedgerEntry e;
    e.serial = s.integer(kSerial);
    e.appliance = s.text(kAppliance);
    const std::string kind = s.text(kKind);
    const auto corrupt = [&](const std::string& what) {
      *why = "row " + std::to_string(e.serial) +
             (kind == kind_name(LicenseKind::revocation) ? std::string(" (revocation list)")
                                                         : " (appliance " + e.appliance + ")") +
             " is corrupt: " + what;
      return std::nullopt;
    };
    const auto parsed_kind = parse_kind(kind);
    if (!parsed_kind) return corrupt("kind \"" + kind + "\"");
    e.kind = *parsed_kind;
    if (!s.is_null(kEdition)) {
      e.edition = parse_edition(s.text(kEdition));
      if (!e.edition) return corrupt("edition \"" + s.text(kEdition) + "\"");
    }
    e.users = static_cast<int>(s.integer(kUsers));
    e.customer = s.optional_text(kCustomer);
    e.order = s.optional_text(kOrderRef);
    static constexpr const char* kTimeColumns[] = {"issued_at", "updates_until", "expires"};
    std::optional<UnixTime> times[3];
    for (int i = 0; i < 3; ++i) {
      auto text = s.optional_text(kIssuedAt + i);
      if (!text) continue;
      auto t = parse_rfc3339(*text);
      if (!t) {
        return corrupt(std::string(kTimeColumns[i]) + " \"" + *text +
                       "\" is not an RFC 3339 time in the years 0000-9999");
      }
      times[i] = *t;
    }
    e.issued_at = times[0].value_or(0);
    e.updates_until = times[1];
    e.expires = times[2];
    e.issuer = s.text(kIssuer);
    e.key_id = s.text(kKeyId);
    if (!s.is_null(kReplaces)) e.replaces = s.integer(kReplaces);
    if (!s.is_null(kTransferredFrom)) e.transferred_from = s.integer(kTransferredFrom);
    e.primary_appliance = s.optional_text(kPrimaryAppliance);
    if (!s.is_null(kRevocationSeq)) e.revocation_seq = s.integer(kRevocationSeq);
    e.token = s.text(kToken);
    e.written_by = s.optional_text(kWrittenBy);
    e.chain_seq = s.is_null(kChainSeq) ? 0 : s.integer(kChainSeq);
    if (!s.is_null(kChainHash)) e.chain_hash = as_chain_hash(s.bytes(kChainHash));
    if (!s.is_null(kVoided)) {
      const std::string type = s.text(kVoided);
      e.voided = event_kind_named(type);
      if (!e.voided) return corrupt("its event has type \"" + type + "\"");
    }
    return e;
  }

  // An event of kSelectEvents, or nullopt with *why set.
  std::optional<LedgerEvent> parse_event(const Statement& s, std::string* why) const {
    LedgerEvent e;
    e.chain_seq = s.integer(kEvChainSeq);
    const auto corrupt = [&](const std::string& what) {
      *why = "event " + std::to_string(e.chain_seq) + " is corrupt: " + what;
      return std::nullopt;
    };
    const std::string type = s.text(kEvType);
    const std::optional<EventKind> kind = event_kind_named(type);
    if (!kind) return corrupt("type \"" + type + "\"");
    e.kind = *kind;
    e.serial = s.integer(kEvSerial);
    e.reason = s.optional_text(kEvReason);
    const std::string at = s.text(kEvAt);
    const auto t = parse_rfc3339(at);
    if (!t) return corrupt("at \"" + at + "\" is not an RFC 3339 time in the years 0000-9999");
    e.at = *t;
    e.who = s.text(kEvWho);
    e.transfer_to = s.optional_text(kEvTransferTo);
    return e;
  }

  // The rows `where` selects (a clause after WHERE, or empty), by serial; `bind` binds its
  // parameters.
  LedgerRows select(const std::string& where, const std::function<void(Statement&)>& bind,
                    bool strict) const {
    std::string sql = select_licenses(version);
    if (!where.empty()) sql += " WHERE " + where;
    sql += " ORDER BY serial";
    Statement s(db, path, sql);
    if (bind) bind(s);
    LedgerRows out;
    while (s.step()) {
      std::string why;
      if (auto e = parse_row(s, &why)) {
        out.entries.push_back(std::move(*e));
      } else if (strict) {
        const std::string appliance = s.text(kAppliance);
        throw_ledger_error(
            "ledger " + path + ": " + why + "; " +
            (appliance.empty() ? std::string("it") : "appliance " + appliance) +
            " cannot be judged until the row is repaired (docs/back-office.md, \"A corrupt row\")");
      } else {
        out.corrupt.push_back({s.integer(kSerial), s.text(kAppliance), why});
      }
    }
    return out;
  }

  LedgerRows select(const std::optional<std::string>& appliance, bool strict) const {
    if (!appliance) return select("", {}, strict);
    return select(
        "appliance = ?1", [&](Statement& s) { s.bind(1, std::string_view(*appliance)); }, strict);
  }

  // The standby licenses naming `primary` (none before schema version 3, which has no such column).
  std::vector<LedgerEntry> select_standbys(const std::string& primary) const {
    if (version < 3) return {};
    return select(
               "kind = 'standby' AND primary_appliance = ?1",
               [&](Statement& s) { s.bind(1, std::string_view(primary)); }, true)
        .entries;
  }

  std::optional<LedgerEntry> select_one(std::int64_t serial) const {
    auto rows = select(
        "serial = ?1", [&](Statement& s) { s.bind(1, serial); }, true);
    if (rows.entries.empty()) return std::nullopt;
    return std::move(rows.entries.front());
  }

  std::vector<LedgerEvent> select_events(const std::optional<std::int64_t>& serial) const {
    if (version < 3) return {};
    Statement s(db, path,
                std::string(kSelectEvents) + (serial ? " WHERE serial = ?1" : "") + " ORDER BY chain_seq");
    if (serial) s.bind(1, *serial);
    std::vector<LedgerEvent> out;
    while (s.step()) {
      std::string why;
      auto e = parse_event(s, &why);
      if (!e) throw_ledger_error("ledger " + path + ": " + why);
      out.push_back(std::move(*e));
    }
    return out;
  }

  ChainHead read_head() const {
    require_chain();
    ChainHead head;
    for (const char* sql : {"SELECT chain_seq, chain_hash FROM licenses ORDER BY chain_seq DESC LIMIT 1",
                            "SELECT chain_seq, chain_hash FROM events ORDER BY chain_seq DESC LIMIT 1"}) {
      Statement s(db, path, sql);
      if (!s.step() || s.integer(0) <= head.seq) continue;
      const auto hash = as_chain_hash(s.bytes(1));
      if (!hash) {
        throw_ledger_error("ledger " + path + ": the chain's newest link (position " +
                           std::to_string(s.integer(0)) +
                           ") has no 32-byte hash: run seatkey-keygen ledger verify");
      }
      head = {s.integer(0), *hash};
    }
    return head;
  }

  // Inserts `values` (canonical order of `columns`) as the next link after *head.
  void insert_link(std::string_view table, ChainLinkType type, const std::string_view* columns,
                   const ChainValues& values, ChainHead* head) {
    const std::string sql = insert_sql(table, columns, values.size());
    std::unique_ptr<Statement>& cached = inserts[sql];
    if (!cached) cached = std::make_unique<Statement>(db, path, sql);
    const ChainHash hash = next_chain_hash(head->hash, canonical_bytes(type, values));
    Statement& s = *cached;
    s.reset();
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (!values[i]) {
        s.bind_null(index);
      } else if (is_integer_column(columns[i])) {
        s.bind(index, static_cast<std::int64_t>(std::stoll(*values[i])));
      } else {
        s.bind(index, std::string_view(*values[i]));
      }
    }
    s.bind_blob(static_cast<int>(values.size()) + 1, hash.data(), hash.size());
    s.step();
    head->seq += 1;
    head->hash = hash;
  }

  std::vector<SigningKey> keys() const {
    // A version 1 ledger (read as it is) has the keys its rows were signed with, as its
    // migration will register them.
    Statement s(db, path,
                version >= 2
                    ? "SELECT key_id, public_key, added_at, origin FROM signing_keys ORDER BY rowid"
                    : "SELECT key_id, NULL, MIN(issued_at), 'migrated' FROM licenses GROUP BY key_id "
                      "ORDER BY MIN(serial)");
    std::vector<SigningKey> out;
    while (s.step()) out.push_back({s.text(0), s.optional_text(1), s.text(2), s.text(3)});
    return out;
  }

  // The signing key registered as `key_id`, if any; *public_key_known tells whether its public
  // key is recorded.
  bool has_key(const std::string& key_id, bool* public_key_known = nullptr) const {
    Statement s(db, path, "SELECT public_key IS NOT NULL FROM signing_keys WHERE key_id = ?1");
    s.bind(1, std::string_view(key_id));
    if (!s.step()) return false;
    if (public_key_known != nullptr) *public_key_known = s.integer(0) != 0;
    return true;
  }

  void insert_key(const PublicKey& key, const char* origin) {
    Statement s(db, path,
                "INSERT INTO signing_keys (key_id, public_key, added_at, origin) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, std::string_view(key.id()));
    s.bind(2, std::string_view(key.to_paserk()));
    s.bind(3, std::string_view(format_rfc3339(unix_now())));
    s.bind(4, std::string_view(origin));
    s.step();
  }
};

namespace {

// Schema step 3: the rows of the old licenses table, in serial order, become the first links
// of the chain in the rebuilt table (each copied by SQL as it is stored, its hash computed
// over the same column text), then the tables are swapped and the AUTOINCREMENT counter
// carried over, so that no serial is ever used again.
void chain_existing_rows(Ledger::Impl& impl) {
  std::int64_t counter = 0;
  {
    Statement s(impl.db, impl.path, "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'");
    if (s.step()) counter = s.integer(0);
  }
  // What the old table has of the canonical columns: chain_seq comes from here, the columns
  // step 3 adds are NULL.
  std::string columns;
  for (std::string_view c : kLicenseColumns) {
    if (c == "chain_seq") continue;
    columns += std::string(columns.empty() ? "" : ", ") + (column_exists(c, 2) ? std::string(c) : "NULL");
  }
  Statement read(impl.db, impl.path, "SELECT " + columns + " FROM licenses ORDER BY serial");
  std::string names;
  for (std::string_view c : kLicenseColumns) names += std::string(c) + ", ";
  std::string copied;
  for (std::string_view c : kLicenseColumns) {
    copied += c == "chain_seq" ? std::string("?2") : std::string(column_exists(c, 2) ? c : "NULL");
    copied += ", ";
  }
  Statement copy(impl.db, impl.path,
                 "INSERT INTO licenses_v3 (" + names + "chain_hash) SELECT " + copied +
                     "?3 FROM licenses WHERE serial = ?1");
  ChainHead head;
  while (read.step()) {
    ChainValues values{std::to_string(head.seq + 1)};
    for (std::size_t i = 0; i + 1 < std::size(kLicenseColumns); ++i)
      values.push_back(read.optional_text(static_cast<int>(i)));
    const ChainHash hash = next_chain_hash(head.hash, canonical_bytes(ChainLinkType::license, values));
    copy.reset();
    copy.bind(1, read.integer(0));
    copy.bind(2, head.seq + 1);
    copy.bind_blob(3, hash.data(), hash.size());
    copy.step();
    head = {head.seq + 1, hash};
  }
  impl.exec(kSwapLicensesTable, "cannot rebuild the licenses table");
  // The rename carried licenses_v3's counter over (the copied serials); an old counter above
  // them (rows removed by hand) still counts.
  Statement keep(impl.db, impl.path, "UPDATE sqlite_sequence SET seq = MAX(seq, ?1) WHERE name = 'licenses'");
  keep.bind(1, counter);
  keep.step();
  if (sqlite3_changes(impl.db) == 0 && counter > 0) {
    Statement add(impl.db, impl.path, "INSERT INTO sqlite_sequence (name, seq) VALUES ('licenses', ?1)");
    add.bind(1, counter);
    add.step();
  }
}

}  // namespace

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

namespace {

// The ledger and the -wal and -shm files SQLite keeps next to it.
std::vector<std::string> ledger_files(const std::string& path) {
  return {path, path + "-wal", path + "-shm"};
}

// SQLite opens a file it may not write read-only and fails only at the first write with
// "unable to open database file": say what is wrong before anything is signed. The folder
// must be writable too, for the -wal and -shm files. A ledger that group or others may write
// is never written (anyone of them could rewrite what was sold); one they may read is a
// warning (it holds every customer, order and token).
void check_access(const std::string& path, Ledger::Access access, std::vector<std::string>* warnings) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    throw_input_error("cannot open ledger " + path + ": " + std::strerror(err) +
                      (err == ENOENT ? " (" + how_to_create(path) + "; issue never does)" : std::string()));
  }
  if (!S_ISREG(st.st_mode)) throw_input_error("ledger " + path + " is not a regular file");
  std::string writable, readable, files;
  for (const std::string& file : ledger_files(path)) {
    struct stat fs {};
    if (::stat(file.c_str(), &fs) != 0) continue;
    const std::string entry = file + " (mode " + detail::octal_mode(fs.st_mode) + ")";
    if ((fs.st_mode & 022) != 0) writable += (writable.empty() ? "" : ", ") + entry;
    if ((fs.st_mode & 044) != 0) readable += (readable.empty() ? "" : ", ") + entry;
    if ((fs.st_mode & 066) != 0) files += " " + file;
  }
  const std::string chmod = "run: chmod 600" + files;
  if (!writable.empty()) {
    if (access == Ledger::Access::read_write) {
      throw_input_error("group or others may write the ledger: " + writable +
                        "; seatkey-keygen writes only a ledger its owner alone may write (" + chmod + ")");
    }
    warnings->push_back("group or others may write the ledger: " + writable + " (" + chmod + ")");
  } else if (!readable.empty()) {
    warnings->push_back("group or others may read the ledger, which holds every customer, order and token: " +
                        readable + " (" + chmod + ")");
  }
  if (access == Ledger::Access::read_only) return;
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(path.c_str(), W_OK) != 0) {
    throw_input_error("cannot write ledger " + path + ": " + std::strerror(errno));
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw_input_error("cannot write ledger " + path + ": its folder " + folder + ": " + std::strerror(errno) +
                      " (SQLite keeps the -wal and -shm files there)");
  }
}

}  // namespace

void Ledger::Impl::connect(Access access) {
  // Never SQLITE_OPEN_CREATE: only create() makes a ledger, and makes its file itself.
  const int flags =
      SQLITE_OPEN_NOMUTEX | (access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    if (db == nullptr) throw_ledger_error("cannot open ledger " + path + ": out of memory");
    throw_input_error("cannot open ledger " + path + ": " + sqlite3_errmsg(db));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
}

void Ledger::Impl::set_pragmas(Access access) {
  if (access != Access::read_only) {
    // WAL: readers never block the issuer; FULL: a committed serial survives a power cut.
    std::string mode;
    for (int attempt = 1; mode != "wal"; ++attempt) {
      try {
        Statement s(db, path, "PRAGMA journal_mode=WAL");
        if (s.step()) mode = s.text(0);
        if (mode != "wal")
          throw_ledger_error("ledger " + path + " cannot use WAL mode (journal mode " + mode + ")");
      } catch (const Failure& e) {
        if (attempt == kBusyAttempts || std::string(e.what()).find("busy") == std::string::npos) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
      }
    }
    exec("PRAGMA synchronous=FULL", "PRAGMA synchronous");
    // A batch of 10,000 tokens touches about 9 MiB of pages: with SQLite's default 2 MiB cache
    // it spills pages into the WAL mid-transaction and writes them again at commit. The cache
    // grows only as far as a transaction needs it.
    exec("PRAGMA cache_size=-65536", "PRAGMA cache_size");
  }
  exec("PRAGMA foreign_keys=ON", "PRAGMA foreign_keys");
}

int Ledger::Impl::read_version() const {
  {
    Statement tables(db, path, "SELECT COUNT(*) FROM sqlite_master");
    if (tables.step() && tables.integer(0) == 0) return 0;  // an empty database: a new ledger
  }
  sqlite3_stmt* probe = nullptr;
  const int rc = sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &probe, nullptr);
  sqlite3_finalize(probe);
  if (rc != SQLITE_OK) {
    if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_NOTADB ||
        std::string(sqlite3_errmsg(db)).find("no such table") != std::string::npos) {
      throw_input_error(path + " is not a seatkey ledger");
    }
    fail("cannot read the schema version");
  }
  Statement s(db, path, "SELECT MAX(version) FROM schema_version");
  const int found = s.step() && !s.is_null(0) ? static_cast<int>(s.integer(0)) : 0;
  if (found < 1) throw_input_error(path + " is not a seatkey ledger (no schema version)");
  return found;
}

void Ledger::Impl::migrate(const std::function<void()>& also) {
  // A step that rebuilds a table drops the table other tables' foreign keys point at: SQLite's
  // procedure for that turns the checks off around the transaction (inside one the pragma does
  // nothing).
  exec("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys");
  // Under the write lock, re-read: another issuer may have migrated it meanwhile.
  exec("BEGIN IMMEDIATE", "cannot lock the ledger to update its schema");
  const int before = version;
  try {
    version = read_version();
    if (version > kLatestVersion) throw_input_error(path + " was changed to a newer schema meanwhile");
    const int found = version;
    if (version == 0)
      exec("CREATE TABLE schema_version (version INTEGER NOT NULL)", "cannot create the schema");
    for (const Migration& m : kMigrations) {
      if (m.version <= version) continue;
      const std::string what = "cannot bring the schema to version " + std::to_string(m.version);
      exec(m.statements, what.c_str());
      if (m.then != nullptr) m.then(*this);
      Statement s(db, path, "INSERT INTO schema_version (version) VALUES (?1)");
      s.bind(1, static_cast<std::int64_t>(m.version));
      s.step();
      version = m.version;
    }
    if (also) also();
    exec("COMMIT", "cannot commit the schema");
    if (found > 0 && found < version) migrated_from = found;
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
    version = before;
    throw;
  }
  exec("PRAGMA foreign_keys=ON", "PRAGMA foreign_keys");
}

Ledger Ledger::open(const std::string& path, Access access) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->opened_for = access;
  check_access(path, access, &impl->warnings);
  impl->connect(access);
  // The version first: nothing (not even WAL mode) is written to a file that is no ledger.
  impl->version = impl->read_version();
  if (impl->version == 0) {
    throw_input_error(path + " is not a seatkey ledger (an empty database; " + how_to_create(path) + ")");
  }
  if (impl->version > kLatestVersion) {
    throw_input_error("ledger " + path + " has schema version " + std::to_string(impl->version) +
                      ", newer than this seatkey-keygen understands (" + std::to_string(kLatestVersion) +
                      "): use a newer seatkey-keygen");
  }
  impl->set_pragmas(access);
  // A read must not write: a read-only open reads an older schema as it is (select_licenses()
  // reads the columns it lacks as NULL; Impl::keys() knows where each keeps its keys).
  if (access == Access::read_write && impl->version < kLatestVersion) impl->migrate();
  return Ledger(std::move(impl));
}

Ledger Ledger::create(const std::string& path, const PublicKey& key, DevelopmentKey development) {
  refuse_development_key(key, development);
  struct stat st {};
  const auto exists = [&] {
    throw_input_error(path +
                      " already exists: ledger init makes a new ledger and never touches an existing file");
  };
  if (::lstat(path.c_str(), &st) == 0) exists();
  // SQLite would replay a -wal left by an earlier ledger at this path into the new one.
  for (const std::string& file : {path + "-wal", path + "-shm"}) {
    if (::lstat(file.c_str(), &st) == 0) {
      throw_input_error(file +
                        " exists, left by an earlier ledger at this path: move it away first (a new "
                        "ledger must not start from another's write-ahead log)");
    }
  }
  // The file is made here, exclusively and 0600 whatever the umask; SQLite gives the -wal and
  // -shm files it creates the ledger's mode.
  {
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) exists();
      throw_input_error("cannot create ledger " + path + ": " + std::strerror(errno));
    }
    const bool chmod_ok = ::fchmod(fd, 0600) == 0;
    const int chmod_errno = errno;
    ::close(fd);
    if (!chmod_ok) {
      ::unlink(path.c_str());
      throw_input_error("cannot create ledger " + path + ": " + std::strerror(chmod_errno));
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->opened_for = Access::read_write;
  try {
    check_access(path, Access::read_write, &impl->warnings);
    impl->connect(Access::read_write);
    impl->set_pragmas(Access::read_write);
    impl->migrate([&] { impl->insert_key(key, "init"); });
  } catch (...) {
    impl.reset();  // closes the database before its files go
    for (const std::string& file : ledger_files(path)) ::unlink(file.c_str());
    throw;
  }
  return Ledger(std::move(impl));
}

Ledger::KeyAdded Ledger::add_signing_key(const PublicKey& key, DevelopmentKey development) {
  refuse_development_key(key, development);
  Impl& impl = *impl_;
  if (impl.opened_for != Access::read_write) throw_input_error("ledger " + impl.path + " is open read-only");
  impl.exec("BEGIN IMMEDIATE", "cannot lock the ledger to add a signing key");
  try {
    bool public_key_known = false;
    KeyAdded result = KeyAdded::already_known;
    if (!impl.has_key(key.id(), &public_key_known)) {
      impl.insert_key(key, "add-key");
      result = KeyAdded::added;
    } else if (!public_key_known) {
      Statement s(impl.db, impl.path, "UPDATE signing_keys SET public_key = ?2 WHERE key_id = ?1");
      s.bind(1, std::string_view(key.id()));
      s.bind(2, std::string_view(key.to_paserk()));
      s.step();
      result = KeyAdded::public_key_recorded;
    }
    impl.exec("COMMIT", "cannot commit the signing key");
    return result;
  } catch (...) {
    sqlite3_exec(impl.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<SigningKey> Ledger::signing_keys() const {
  return impl_->keys();
}

bool Ledger::is_development() const {
  for (const SigningKey& k : signing_keys()) {
    if (k.development()) return true;
  }
  return false;
}

const std::vector<std::string>& Ledger::warnings() const {
  return impl_->warnings;
}

const std::string& Ledger::path() const {
  return impl_->path;
}

int Ledger::schema_version() const {
  return impl_->version;
}

int Ledger::migrated_from() const {
  return impl_->migrated_from;
}

std::vector<LedgerEntry> Ledger::entries() const {
  return impl_->select(std::nullopt, true).entries;
}

std::vector<LedgerEntry> Ledger::entries_for(const std::string& appliance) const {
  return impl_->select(appliance, true).entries;
}

std::vector<LedgerEntry> Ledger::standbys_of(const std::string& primary) const {
  return impl_->select_standbys(primary);
}

LedgerRows Ledger::rows(const std::optional<std::string>& appliance) const {
  return impl_->select(appliance, false);
}

namespace {

ApiToken token_of(const Statement& s) {
  ApiToken t;
  t.name = s.text(0);
  // The CHECK constraint keeps the role one of the names.
  t.role = parse_role(s.text(1)).value_or(Role::auditor);
  t.created_at = s.text(2);
  t.revoked_at = s.optional_text(3);
  return t;
}

}  // namespace

SecureBuffer Ledger::create_api_token(const std::string& name, Role role) {
  const std::string checked = check_token_name(name);
  Impl& impl = *impl_;
  if (impl.opened_for != Access::read_write) throw_input_error("ledger " + impl.path + " is open read-only");
  NewBearer bearer = make_bearer();
  impl.exec("BEGIN IMMEDIATE", "cannot lock the ledger to create an API token");
  try {
    {
      Statement s(impl.db, impl.path, "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = ?1");
      s.bind(1, std::string_view(checked));
      if (s.step()) {
        throw_refusal("ledger " + impl.path + " already has " +
                      (s.integer(0) != 0 ? std::string("a revoked") : std::string("an")) +
                      " API token named " + detail::quoted(checked) +
                      ": rows name the token that wrote them, so a name is never given to a second token");
      }
    }
    Statement s(
        impl.db, impl.path,
        "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, std::string_view(checked));
    s.bind(2, role_name(role));
    s.bind(3, std::string_view(bearer.lookup_id));
    s.bind_blob(4, bearer.hash.data(), bearer.hash.size());
    s.bind(5, std::string_view(format_rfc3339(unix_now())));
    s.step();
    impl.exec("COMMIT", "cannot commit the API token");
  } catch (...) {
    sqlite3_exec(impl.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return std::move(bearer.text);
}

std::vector<ApiToken> Ledger::api_tokens() const {
  std::vector<ApiToken> out;
  if (impl_->version < kWrittenByVersion) return out;  // read as it is: a ledger from before tokens
  Statement s(impl_->db, impl_->path,
              "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY rowid");
  while (s.step()) out.push_back(token_of(s));
  return out;
}

ApiToken Ledger::revoke_api_token(const std::string& name) {
  Impl& impl = *impl_;
  if (impl.opened_for != Access::read_write) throw_input_error("ledger " + impl.path + " is open read-only");
  impl.exec("BEGIN IMMEDIATE", "cannot lock the ledger to revoke an API token");
  try {
    ApiToken token;
    {
      Statement s(impl.db, impl.path,
                  "SELECT name, role, created_at, revoked_at FROM api_tokens WHERE name = ?1");
      s.bind(1, std::string_view(name));
      if (!s.step()) throw_refusal("ledger " + impl.path + " has no API token named " + detail::quoted(name));
      token = token_of(s);
    }
    if (token.revoked_at) {
      throw_refusal("the API token " + detail::quoted(name) + " was revoked already, at " +
                    *token.revoked_at);
    }
    token.revoked_at = format_rfc3339(unix_now());
    Statement s(impl.db, impl.path, "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1");
    s.bind(1, std::string_view(name));
    s.bind(2, std::string_view(*token.revoked_at));
    s.step();
    impl.exec("COMMIT", "cannot commit the revocation");
    return token;
  } catch (...) {
    sqlite3_exec(impl.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<ApiToken> Ledger::authenticate(std::string_view bearer) const {
  const auto id = bearer_lookup_id(bearer);
  if (!id || impl_->version < kWrittenByVersion) return std::nullopt;
  Statement s(impl_->db, impl_->path,
              "SELECT name, role, created_at, revoked_at, token_hash FROM api_tokens WHERE lookup_id = ?1");
  s.bind(1, std::string_view(*id));
  if (!s.step()) return std::nullopt;
  if (!bearer_matches(bearer, s.bytes(4))) return std::nullopt;
  ApiToken token = token_of(s);
  if (token.revoked_at) return std::nullopt;
  return token;
}

std::size_t Ledger::count() const {
  Statement s(impl_->db, impl_->path, "SELECT COUNT(*) FROM licenses");
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

std::optional<LedgerEntry> Ledger::entry(std::int64_t serial) const {
  return impl_->select_one(serial);
}

std::vector<LedgerEvent> Ledger::events(const std::optional<std::int64_t>& serial) const {
  impl_->require_chain();
  return impl_->select_events(serial);
}

ChainHead Ledger::head() const {
  return impl_->read_head();
}

void Ledger::read_chain(const std::function<bool(const ChainLink&)>& visit) const {
  Impl& impl = *impl_;
  impl.require_chain();
  // One read transaction: both tables from the same snapshot while issuers keep writing.
  impl.exec("BEGIN", "cannot read the ledger");
  try {
    Statement licenses(impl.db, impl.path, select_licenses(impl.version) + " ORDER BY chain_seq");
    Statement events(impl.db, impl.path, std::string(kSelectEvents) + " ORDER BY chain_seq");
    bool more_licenses = licenses.step(), more_events = events.step();
    while (more_licenses || more_events) {
      const bool take_license =
          more_licenses && (!more_events || licenses.integer(kChainSeq) <= events.integer(kEvChainSeq));
      Statement& s = take_license ? licenses : events;
      ChainLink link;
      link.type = take_license ? ChainLinkType::license : ChainLinkType::event;
      link.seq = s.integer(take_license ? static_cast<int>(kChainSeq) : static_cast<int>(kEvChainSeq));
      link.stored = as_chain_hash(
          s.bytes(take_license ? static_cast<int>(kChainHash) : static_cast<int>(kEvChainHash)));
      const std::size_t n = take_license ? std::size(kLicenseColumns) : std::size(kEventColumns);
      for (std::size_t i = 0; i < n; ++i) link.values.push_back(s.optional_text(static_cast<int>(i)));
      if (take_license && !s.is_null(kWrittenBy)) link.values.push_back(s.optional_text(kWrittenBy));
      if (take_license) {
        link.entry = impl.parse_row(s, &link.corrupt);
        more_licenses = licenses.step();
      } else {
        link.event = impl.parse_event(s, &link.corrupt);
        more_events = events.step();
      }
      if (!visit(link)) break;
    }
    impl.exec("COMMIT", "cannot end the read of the ledger");
  } catch (...) {
    sqlite3_exec(impl.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Ledger::backup(const std::string& path) const {
  const Impl& impl = *impl_;
  // Made here, exclusively and 0600 whatever the umask, like a ledger: the copy holds every
  // customer and token. SQLite then writes into the empty file.
  {
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int err = errno;
      throw_input_error("cannot create the backup " + path + ": " + std::strerror(err) +
                        (err == EEXIST ? " (a backup never replaces a file)" : ""));
    }
    const bool ok = ::fchmod(fd, 0600) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      throw_input_error("cannot create the backup " + path + ": " + std::strerror(err));
    }
  }
  sqlite3* copy = nullptr;
  std::string error;
  if (sqlite3_open_v2(path.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    error = copy != nullptr ? sqlite3_errmsg(copy) : "out of memory";
  } else {
    sqlite3_busy_timeout(copy, kBusyTimeoutMs);
    // All pages in one step: the copy is the snapshot of one read transaction of the ledger,
    // which in WAL mode does not hold up the issuers. A busy ledger is tried again.
    for (int attempt = 1; error.empty(); ++attempt) {
      sqlite3_backup* b = sqlite3_backup_init(copy, "main", impl.db, "main");
      if (b == nullptr) {
        error = sqlite3_errmsg(copy);
        break;
      }
      const int rc = sqlite3_backup_step(b, -1);
      sqlite3_backup_finish(b);
      if (rc == SQLITE_DONE) break;
      if (!detail::is_busy(rc) || attempt == kBusyAttempts) {
        error = sqlite3_errstr(rc);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    }
    if (error.empty() && sqlite3_errcode(copy) != SQLITE_OK && sqlite3_errcode(copy) != SQLITE_DONE) {
      error = sqlite3_errmsg(copy);
    }
  }
  sqlite3_close_v2(copy);
  if (!error.empty()) {
    for (const std::string& file : {path, path + "-journal", path + "-wal", path + "-shm"})
      ::unlink(file.c_str());
    throw_ledger_error("cannot back up ledger " + impl.path + " to " + path + ": " + error);
  }
}

Ledger::Transaction Ledger::begin() {
  impl_->exec("BEGIN IMMEDIATE", "cannot lock the ledger for issuing");
  return Transaction(this);
}

Ledger::Transaction::Transaction(Transaction&& other) noexcept : ledger_(other.ledger_), open_(other.open_) {
  other.open_ = false;
}

Ledger::Transaction::~Transaction() {
  if (open_ && sqlite3_get_autocommit(ledger_->impl_->db) == 0) {
    sqlite3_exec(ledger_->impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

std::int64_t Ledger::Transaction::next_serial() {
  Impl& impl = *ledger_->impl_;
  Statement s(impl.db, impl.path,
              "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'licenses'), 0), "
              "COALESCE((SELECT MAX(serial) FROM licenses), 0)) + 1");
  s.step();
  return s.integer(0);
}

std::vector<LedgerEntry> Ledger::Transaction::entries_for(const std::string& appliance) {
  return ledger_->impl_->select(appliance, true).entries;
}

std::vector<LedgerEntry> Ledger::Transaction::standbys_of(const std::string& primary) {
  return ledger_->impl_->select_standbys(primary);
}

std::optional<LedgerEntry> Ledger::Transaction::entry(std::int64_t serial) {
  return ledger_->impl_->select_one(serial);
}

std::vector<std::int64_t> Ledger::Transaction::voided_serials() {
  Impl& impl = *ledger_->impl_;
  Statement s(impl.db, impl.path, "SELECT serial FROM events ORDER BY serial");
  std::vector<std::int64_t> out;
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

std::optional<LedgerEntry> Ledger::Transaction::newest_revocation_list() {
  auto rows = ledger_->impl_->select(
      "serial = (SELECT serial FROM licenses WHERE kind = 'revocation' ORDER BY revocation_seq DESC LIMIT 1)",
      {}, true);
  if (rows.entries.empty()) return std::nullopt;
  return std::move(rows.entries.front());
}

ChainHead& Ledger::Transaction::head() {
  if (!head_) head_ = ledger_->impl_->read_head();
  return *head_;
}

bool Ledger::Transaction::knows_key(const std::string& key_id) {
  return ledger_->impl_->has_key(key_id);
}

void Ledger::Transaction::insert(const LedgerEntry& e) {
  Impl& impl = *ledger_->impl_;
  ChainHead& h = head();
  const ChainValues values = license_values(e, h.seq + 1);
  impl.insert_link("licenses", ChainLinkType::license, kLicenseColumnsWrittenBy.data(), values, &h);
}

void Ledger::Transaction::insert_event(const LedgerEvent& e) {
  Impl& impl = *ledger_->impl_;
  ChainHead& h = head();
  impl.insert_link("events", ChainLinkType::event, kEventColumns.data(), event_values(e, h.seq + 1), &h);
}

std::optional<StoredAnswer> Ledger::Transaction::find_answer(const std::string& token_name,
                                                             const std::string& key) {
  Impl& impl = *ledger_->impl_;
  Statement s(impl.db, impl.path,
              "SELECT request_hash, status, response FROM idempotent_requests "
              "WHERE token_name = ?1 AND idempotency_key = ?2");
  s.bind(1, std::string_view(token_name));
  s.bind(2, std::string_view(key));
  if (!s.step()) return std::nullopt;
  return StoredAnswer{s.bytes(0), static_cast<int>(s.integer(1)), s.text(2)};
}

void Ledger::Transaction::record_answer(const std::string& token_name, const std::string& key,
                                        const StoredAnswer& answer) {
  Impl& impl = *ledger_->impl_;
  Statement s(impl.db, impl.path,
              "INSERT INTO idempotent_requests (token_name, idempotency_key, request_hash, status, response, "
              "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  s.bind(1, std::string_view(token_name));
  s.bind(2, std::string_view(key));
  s.bind_blob(3, answer.request_hash.data(), answer.request_hash.size());
  s.bind(4, static_cast<std::int64_t>(answer.status));
  s.bind(5, std::string_view(answer.body));
  s.bind(6, std::string_view(format_rfc3339(unix_now())));
  s.step();
}

void Ledger::Transaction::commit() {
  ledger_->impl_->exec("COMMIT", "cannot commit");
  open_ = false;
}

}  // namespace seatkey::keygen
