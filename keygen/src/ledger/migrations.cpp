#include "ledger/migrations.hpp"

#include <array>
#include <string>

#include "ledger/records.hpp"
#include "ledger/search.hpp"
#include "raise.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/rows.hpp"

namespace seatkey::keygen::detail {
namespace {

// ---- Step 5: lookup tables instead of CHECKs of names ---------------------------------------------

// The names the ledger's enumerations may take are rows of lookup tables, which the program
// fills from its own tables (complete_lookups): a new edition, kind, role or event type is a
// row added on the next write, never a CHECK that SQLite can change only by rebuilding the
// table. The columns that named them by CHECK name them by foreign key from here on.
constexpr const char* kLookups5 = R"sql(
CREATE TABLE editions (name TEXT PRIMARY KEY);
CREATE TABLE license_kinds (name TEXT PRIMARY KEY);
CREATE TABLE event_types (name TEXT PRIMARY KEY);
CREATE TABLE roles (name TEXT PRIMARY KEY);
CREATE TABLE key_origins (name TEXT PRIMARY KEY);
)sql";

// PostgreSQL alters the constraints in place (its CHECKs of one column are named
// <table>_<column>_check).
constexpr const char* kPostgresqlConstraints5 = R"sql(
ALTER TABLE licenses DROP CONSTRAINT licenses_kind_check, DROP CONSTRAINT licenses_edition_check,
  ADD CONSTRAINT licenses_kind_fkey FOREIGN KEY (kind) REFERENCES license_kinds (name),
  ADD CONSTRAINT licenses_edition_fkey FOREIGN KEY (edition) REFERENCES editions (name);
ALTER TABLE events DROP CONSTRAINT events_type_check,
  ADD CONSTRAINT events_type_fkey FOREIGN KEY (type) REFERENCES event_types (name);
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_origin_check,
  ADD CONSTRAINT signing_keys_origin_fkey FOREIGN KEY (origin) REFERENCES key_origins (name);
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check,
  ADD CONSTRAINT api_tokens_role_fkey FOREIGN KEY (role) REFERENCES roles (name);
)sql";

// SQLite cannot alter a constraint: each table is made again under a new name, its rows copied
// as they are stored (so every link keeps its canonical bytes, and signing_keys and api_tokens
// their rowids, which order them), the old one dropped and the new one renamed, with its
// indexes and triggers made again. The foreign keys are off meanwhile (begin_schema_change).
struct Rebuild {
  const char* table;
  const char* create;   // the new table, named <table>_v5
  const char* columns;  // what is copied
  const char* after;    // indexes and triggers
};
constexpr std::array<Rebuild, 4> kSqliteRebuilds5{{
    {"licenses", R"sql(
CREATE TABLE licenses_v5 (
  serial            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind              TEXT NOT NULL REFERENCES license_kinds (name),
  appliance         TEXT,
  edition           TEXT REFERENCES editions (name),
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
  written_by        TEXT,
  CHECK ((kind = 'server') = (edition IS NOT NULL)),
  CHECK ((kind = 'revocation') = (appliance IS NULL)),
  CHECK ((kind = 'revocation') = (revocation_seq IS NOT NULL)),
  CHECK ((kind = 'standby') = (primary_appliance IS NOT NULL))
)
)sql",
     "serial, kind, appliance, edition, users, customer, order_ref, issued_at, updates_until, expires, "
     "issuer, "
     "key_id, replaces, transferred_from, primary_appliance, revocation_seq, token, chain_seq, chain_hash, "
     "written_by",
     R"sql(
CREATE INDEX licenses_by_appliance ON licenses (appliance, serial);
CREATE INDEX licenses_by_transferred_from ON licenses (transferred_from) WHERE transferred_from IS NOT NULL;
CREATE TRIGGER licenses_no_update BEFORE UPDATE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql"},
    {"events", R"sql(
CREATE TABLE events_v5 (
  chain_seq   INTEGER PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL REFERENCES event_types (name),
  serial      INTEGER NOT NULL UNIQUE REFERENCES licenses (serial),
  reason      TEXT,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  transfer_to TEXT,
  chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32),
  CHECK ((type = 'transfer') = (transfer_to IS NOT NULL))
)
)sql",
     "chain_seq, type, serial, reason, at, who, transfer_to, chain_hash",
     R"sql(
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql"},
    {"signing_keys", R"sql(
CREATE TABLE signing_keys_v5 (
  key_id      TEXT PRIMARY KEY,
  public_key  TEXT UNIQUE,
  added_at    TEXT NOT NULL,
  origin      TEXT NOT NULL REFERENCES key_origins (name)
)
)sql",
     "rowid, key_id, public_key, added_at, origin",
     R"sql(
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
  BEGIN SELECT RAISE(ABORT, 'signing keys are never removed from the ledger'); END;
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
  WHEN OLD.public_key IS NOT NULL OR NEW.key_id IS NOT OLD.key_id OR NEW.added_at IS NOT OLD.added_at
       OR NEW.origin IS NOT OLD.origin
  BEGIN SELECT RAISE(ABORT, 'a signing key is recorded once; only an unknown public key may be filled in'); END;
)sql"},
    {"api_tokens", R"sql(
CREATE TABLE api_tokens_v5 (
  name        TEXT PRIMARY KEY,
  role        TEXT NOT NULL REFERENCES roles (name),
  lookup_id   TEXT NOT NULL UNIQUE,
  token_hash  BLOB NOT NULL CHECK (length(token_hash) = 32),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
)
)sql",
     "rowid, name, role, lookup_id, token_hash, created_at, revoked_at",
     R"sql(
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
  BEGIN SELECT RAISE(ABORT, 'API tokens are revoked, never removed: rows name the token that wrote them'); END;
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
  WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.name IS NOT OLD.name
       OR NEW.role IS NOT OLD.role OR NEW.lookup_id IS NOT OLD.lookup_id
       OR NEW.token_hash IS NOT OLD.token_hash OR NEW.created_at IS NOT OLD.created_at
  BEGIN SELECT RAISE(ABORT, 'an API token is only ever revoked, once'); END;
)sql"},
}};

void rebuild_sqlite_tables(Database& db) {
  std::int64_t counter = 0;
  {
    Statement s(db, "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'");
    if (s.step()) counter = s.integer(0);
  }
  for (const Rebuild& r : kSqliteRebuilds5) {
    const std::string table = r.table;
    const std::string what = "cannot rebuild the " + table + " table";
    db.exec(r.create, what);
    db.exec("INSERT INTO " + table + "_v5 (" + r.columns + ") SELECT " + r.columns + " FROM " + table +
                " ORDER BY rowid",
            what);
    db.exec("DROP TABLE " + table + "; ALTER TABLE " + table + "_v5 RENAME TO " + table, what);
    db.exec(r.after, what);
  }
  // The copied serials carried the counter over; an old counter above them still counts.
  db.keep_serials_above(counter);
}

void use_lookup_tables(Database& db) {
  complete_lookups(db, 5);
  if (db.is_postgresql()) {
    db.exec(kPostgresqlConstraints5, "cannot bring the schema to version 5");
  } else {
    rebuild_sqlite_tables(db);
  }
}

struct Lookup {
  const char* table;
  std::vector<std::string_view> names;
  int since;  // the schema step that made the table
};

template <class Names>
std::vector<std::string_view> names_of(const Names& names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

const std::vector<Lookup>& lookups() {
  static const std::vector<Lookup> kLookups = [] {
    std::vector<std::string_view> editions;
    for (const EditionRules& e : kEditions) editions.push_back(e.name);
    return std::vector<Lookup>{{"editions", editions, 5},
                               {"license_kinds", names_of(kKindNames), 5},
                               {"event_types", names_of(kEventKindNames), 5},
                               {"roles", names_of(kRoleNames), 5},
                               {"key_origins", names_of(kKeyOriginNames), 5},
                               {"code_event_types", names_of(kCodeEventKindNames), 6},
                               {"token_event_types", names_of(kTokenEventKindNames), 7}};
  }();
  return kLookups;
}

// ---- Step 6: activation codes ---------------------------------------------------------------------

// A code row (its number and the hash of the normalized code, never the code) and its events
// (redeemed for an appliance, voided), each once, are links of the chain like licenses and
// events; a license issued from a code names it. Only the hash is looked up (UNIQUE makes its
// index); reseller and order are what the desk finds codes by.
constexpr const char* kSqliteCodes6 = R"sql(
CREATE TABLE code_event_types (name TEXT PRIMARY KEY);
CREATE TABLE codes (
  number      INTEGER PRIMARY KEY CHECK (number >= 1),
  code_hash   TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
  items       TEXT NOT NULL,
  reseller    TEXT,
  customer    TEXT,
  order_ref   TEXT,
  valid_until TEXT,
  created_at  TEXT NOT NULL,
  who         TEXT NOT NULL,
  chain_seq   INTEGER NOT NULL UNIQUE CHECK (chain_seq >= 1),
  chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32)
);
CREATE INDEX codes_by_reseller ON codes (reseller, number);
CREATE INDEX codes_by_order ON codes (order_ref, number);
CREATE TRIGGER codes_no_update BEFORE UPDATE ON codes
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER codes_no_delete BEFORE DELETE ON codes
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE code_events (
  chain_seq   INTEGER PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL REFERENCES code_event_types (name),
  number      INTEGER NOT NULL REFERENCES codes (number),
  appliance   TEXT,
  reason      TEXT,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32),
  UNIQUE (number, type),
  CHECK ((type = 'redeem') = (appliance IS NOT NULL))
);
CREATE TRIGGER code_events_no_update BEFORE UPDATE ON code_events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER code_events_no_delete BEFORE DELETE ON code_events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
ALTER TABLE licenses ADD COLUMN code INTEGER REFERENCES codes (number);
CREATE INDEX licenses_by_code ON licenses (code, serial) WHERE code IS NOT NULL;
)sql";

constexpr const char* kPostgresqlCodes6 = R"sql(
CREATE TABLE code_event_types (name TEXT PRIMARY KEY);
CREATE TABLE codes (
  number      BIGINT PRIMARY KEY CHECK (number >= 1),
  code_hash   TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
  items       TEXT NOT NULL,
  reseller    TEXT,
  customer    TEXT,
  order_ref   TEXT,
  valid_until TEXT,
  created_at  TEXT NOT NULL,
  who         TEXT NOT NULL,
  chain_seq   BIGINT NOT NULL UNIQUE CHECK (chain_seq >= 1),
  chain_hash  BYTEA NOT NULL CHECK (octet_length(chain_hash) = 32)
);
CREATE INDEX codes_by_reseller ON codes (reseller, number);
CREATE INDEX codes_by_order ON codes (order_ref, number);
CREATE TRIGGER codes_no_change BEFORE UPDATE OR DELETE ON codes
  FOR EACH ROW EXECUTE FUNCTION seatkey_append_only();
CREATE TRIGGER codes_no_truncate BEFORE TRUNCATE ON codes
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_append_only();
CREATE TABLE code_events (
  chain_seq   BIGINT PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL REFERENCES code_event_types (name),
  number      BIGINT NOT NULL REFERENCES codes (number),
  appliance   TEXT,
  reason      TEXT,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  chain_hash  BYTEA NOT NULL CHECK (octet_length(chain_hash) = 32),
  UNIQUE (number, type),
  CHECK ((type = 'redeem') = (appliance IS NOT NULL))
);
CREATE TRIGGER code_events_no_change BEFORE UPDATE OR DELETE ON code_events
  FOR EACH ROW EXECUTE FUNCTION seatkey_append_only();
CREATE TRIGGER code_events_no_truncate BEFORE TRUNCATE ON code_events
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_append_only();
ALTER TABLE licenses ADD COLUMN code BIGINT REFERENCES codes (number);
CREATE INDEX licenses_by_code ON licenses (code, serial) WHERE code IS NOT NULL;
)sql";

void fill_code_lookups(Database& db) {
  complete_lookups(db, 6);
}

// ---- Step 7: API tokens in the chain; stored answers fixed --------------------------------------

// Creating and revoking an API token are links of the chain (token_events), written in the
// transaction that writes the api_tokens row: a row added or revoked past seatkey-keygen has no
// link, which `ledger verify` names. A link records the token's name, role and lookup ID and the
// time its row took (version 8 adds the token's hash to a creation's link). The tokens a
// ledger already had get no link (that would move its head): tokens_before_chain lists them, as
// they stood, once; rows may join it only while no token link exists (a copy fills it first),
// and none changes or leaves. A stored answer is given again as recorded: it is never changed or
// removed (seatkey-server removes none).
constexpr const char* kSqliteTokens7 = R"sql(
CREATE TABLE token_event_types (name TEXT PRIMARY KEY);
CREATE TABLE token_events (
  chain_seq   INTEGER PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL REFERENCES token_event_types (name),
  name        TEXT NOT NULL REFERENCES api_tokens (name),
  role        TEXT NOT NULL REFERENCES roles (name),
  lookup_id   TEXT NOT NULL,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32),
  UNIQUE (name, type)
);
CREATE TRIGGER token_events_no_update BEFORE UPDATE ON token_events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER token_events_no_delete BEFORE DELETE ON token_events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE tokens_before_chain (
  name        TEXT PRIMARY KEY REFERENCES api_tokens (name),
  revoked_at  TEXT
);
INSERT INTO tokens_before_chain (name, revoked_at) SELECT name, revoked_at FROM api_tokens;
CREATE TRIGGER tokens_before_chain_closed BEFORE INSERT ON tokens_before_chain
  WHEN EXISTS (SELECT 1 FROM token_events)
  BEGIN SELECT RAISE(ABORT, 'the tokens from before the chain covered tokens are listed once, by the migration'); END;
CREATE TRIGGER tokens_before_chain_no_update BEFORE UPDATE ON tokens_before_chain
  BEGIN SELECT RAISE(ABORT, 'the tokens from before the chain covered tokens are listed once, by the migration'); END;
CREATE TRIGGER tokens_before_chain_no_delete BEFORE DELETE ON tokens_before_chain
  BEGIN SELECT RAISE(ABORT, 'the tokens from before the chain covered tokens are listed once, by the migration'); END;
CREATE TRIGGER idempotent_requests_no_update BEFORE UPDATE ON idempotent_requests
  BEGIN SELECT RAISE(ABORT, 'a stored answer is given again as it was recorded: it is never changed or removed'); END;
CREATE TRIGGER idempotent_requests_no_delete BEFORE DELETE ON idempotent_requests
  BEGIN SELECT RAISE(ABORT, 'a stored answer is given again as it was recorded: it is never changed or removed'); END;
)sql";

constexpr const char* kPostgresqlTokens7 = R"sql(
CREATE TABLE token_event_types (name TEXT PRIMARY KEY);
CREATE TABLE token_events (
  chain_seq   BIGINT PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL REFERENCES token_event_types (name),
  name        TEXT NOT NULL REFERENCES api_tokens (name),
  role        TEXT NOT NULL REFERENCES roles (name),
  lookup_id   TEXT NOT NULL,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  chain_hash  BYTEA NOT NULL CHECK (octet_length(chain_hash) = 32),
  UNIQUE (name, type)
);
CREATE TRIGGER token_events_no_change BEFORE UPDATE OR DELETE ON token_events
  FOR EACH ROW EXECUTE FUNCTION seatkey_append_only();
CREATE TRIGGER token_events_no_truncate BEFORE TRUNCATE ON token_events
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_append_only();
CREATE TABLE tokens_before_chain (
  name        TEXT PRIMARY KEY REFERENCES api_tokens (name),
  revoked_at  TEXT
);
INSERT INTO tokens_before_chain (name, revoked_at) SELECT name, revoked_at FROM api_tokens;
CREATE FUNCTION seatkey_tokens_before_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM token_events) THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'the tokens from before the chain covered tokens are listed once, by the migration';
END $$;
CREATE TRIGGER tokens_before_chain_fixed BEFORE INSERT OR UPDATE OR DELETE ON tokens_before_chain
  FOR EACH ROW EXECUTE FUNCTION seatkey_tokens_before_chain();
CREATE TRIGGER tokens_before_chain_no_truncate BEFORE TRUNCATE ON tokens_before_chain
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_tokens_before_chain();
CREATE FUNCTION seatkey_answer_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'a stored answer is given again as it was recorded: it is never changed or removed'; END $$;
CREATE TRIGGER idempotent_requests_fixed BEFORE UPDATE OR DELETE ON idempotent_requests
  FOR EACH ROW EXECUTE FUNCTION seatkey_answer_fixed();
CREATE TRIGGER idempotent_requests_no_truncate BEFORE TRUNCATE ON idempotent_requests
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_answer_fixed();
)sql";

void fill_token_lookups(Database& db) {
  complete_lookups(db, 7);
}

// ---- Step 8: an API token's expiry and quota, and which events a token recorded -------------------

// A token may have an expiry and a quota of licenses a UTC day, both fixed when it is made: its
// creation link records them (columns at the end of the link's canonical bytes, counted only
// when set, so every link written before keeps its bytes), and its row's trigger keeps them as
// they were, as it keeps everything but a revocation. The quota counts a token's licenses of a
// day: licenses_by_writer finds them without reading the others. The creation link also records
// the token's hash (hex), so that a row whose hash was replaced no longer matches its link.
//
// An event's `who` is the login name at the desk, or on a server the API token's name: the
// token is named apart as well (events.written_by, an optional last column of the event's link),
// so that "alice" the clerk and a token named "alice" are told apart.
constexpr const char* kSqliteTokenLimits8 = R"sql(
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN max_per_day INTEGER CHECK (max_per_day >= 1);
ALTER TABLE token_events ADD COLUMN expires_at TEXT;
ALTER TABLE token_events ADD COLUMN max_per_day INTEGER CHECK (max_per_day >= 1);
ALTER TABLE token_events ADD COLUMN token_hash TEXT;
DROP TRIGGER api_tokens_revoke_only;
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
  WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.name IS NOT OLD.name
       OR NEW.role IS NOT OLD.role OR NEW.lookup_id IS NOT OLD.lookup_id
       OR NEW.token_hash IS NOT OLD.token_hash OR NEW.created_at IS NOT OLD.created_at
       OR NEW.expires_at IS NOT OLD.expires_at OR NEW.max_per_day IS NOT OLD.max_per_day
  BEGIN SELECT RAISE(ABORT, 'an API token is only ever revoked, once'); END;
CREATE INDEX licenses_by_writer ON licenses (written_by, issued_at) WHERE written_by IS NOT NULL;
ALTER TABLE events ADD COLUMN written_by TEXT;
)sql";

constexpr const char* kPostgresqlTokenLimits8 = R"sql(
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT, ADD COLUMN max_per_day BIGINT CHECK (max_per_day >= 1);
ALTER TABLE token_events ADD COLUMN expires_at TEXT, ADD COLUMN max_per_day BIGINT CHECK (max_per_day >= 1),
  ADD COLUMN token_hash TEXT;
CREATE OR REPLACE FUNCTION seatkey_api_token_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.name IS DISTINCT FROM OLD.name
     OR NEW.role IS DISTINCT FROM OLD.role OR NEW.lookup_id IS DISTINCT FROM OLD.lookup_id
     OR NEW.token_hash IS DISTINCT FROM OLD.token_hash OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.position IS DISTINCT FROM OLD.position OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
     OR NEW.max_per_day IS DISTINCT FROM OLD.max_per_day THEN
    RAISE EXCEPTION 'an API token is only ever revoked, once';
  END IF;
  RETURN NEW;
END $$;
CREATE INDEX licenses_by_writer ON licenses (written_by, issued_at) WHERE written_by IS NOT NULL;
ALTER TABLE events ADD COLUMN written_by TEXT;
)sql";

// The steps after the released ones, in order; the next one is 10.
const std::vector<MigrationStep> kNewSteps = {
    {5, kLookups5, kLookups5, use_lookup_tables},
    {6, kSqliteCodes6, kPostgresqlCodes6, fill_code_lookups},
    {7, kSqliteTokens7, kPostgresqlTokens7, fill_token_lookups},
    {8, kSqliteTokenLimits8, kPostgresqlTokenLimits8, nullptr},
    search_step(kSearchVersion),
};

}  // namespace

const std::vector<MigrationStep>& migration_steps() {
  static const std::vector<MigrationStep> kSteps = [] {
    std::vector<MigrationStep> steps = released_steps();
    steps.insert(steps.end(), kNewSteps.begin(), kNewSteps.end());
    return steps;
  }();
  return kSteps;
}

int latest_schema_version() {
  return migration_steps().back().version;
}

bool lookups_complete(Database& db) {
  for (const Lookup& l : lookups()) {
    Statement s(db, std::string("SELECT COUNT(*) FROM ") + l.table);
    // Names are never removed: as many rows as names means every name is there.
    if (!s.step() || s.integer(0) < static_cast<std::int64_t>(l.names.size())) return false;
  }
  return true;
}

void complete_lookups(Database& db, int version) {
  for (const Lookup& l : lookups()) {
    if (l.since > version) continue;
    Statement add(db, std::string("INSERT INTO ") + l.table + " (name) VALUES (?1) ON CONFLICT DO NOTHING");
    for (std::string_view name : l.names) {
      add.reset();
      add.bind(1, name);
      add.step();
    }
  }
}

}  // namespace seatkey::keygen::detail
