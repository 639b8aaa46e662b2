// Internal: the schema steps of the released versions 1 to 4, as ledgers in the field ran them.
// Never edited (migrations.hpp): a change of the schema is a new step in migrations.cpp.
#include <string>

#include "ledger/migrations.hpp"
#include "ledger/schema.hpp"
#include "seatkey/keygen/ledger/chain.hpp"

namespace seatkey::keygen::detail {
namespace {

// ---- Steps 1 to 3: the SQLite ledgers from before PostgreSQL ----------------------------------

// The first ledger: one row per token.
constexpr const char* kSqlite1 = R"sql(
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
)sql";

// The keys the ledger issues with. A version 1 ledger knew none: its keys are the ones its
// rows were signed with, public key unknown (a k4.pid is a hash of the public key, so the
// ID alone recognises the key; `ledger add-key` with the key itself fills it in).
constexpr const char* kSqlite2 = R"sql(
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
)sql";

// Taking licenses back and the hash chain. SQLite cannot alter a CHECK, so the licenses
// table is rebuilt (the statements make the new one; chain_existing_rows() copies the rows
// in serial order as the first links of the chain, then swaps the tables): revocation
// lists have no appliance and no users, a transfer's re-issue names what it stands in for,
// and the CHECKs already admit the standby kind and its primary_appliance, so that adding
// it needs no second rebuild. Events take licenses back; every row and event is a link.
constexpr const char* kSqlite3 = R"sql(
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
)sql";

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

// Schema step 3: the rows of the old licenses table, in serial order, become the first links
// of the chain in the rebuilt table (each copied by SQL as it is stored, its hash computed
// over the same column text), then the tables are swapped and the AUTOINCREMENT counter
// carried over, so that no serial is ever used again.
void chain_existing_rows(Database& db) {
  std::int64_t counter = 0;
  {
    Statement s(db, "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'");
    if (s.step()) counter = s.integer(0);
  }
  // The canonical columns of version 3 (written_by came with version 4), of which the old
  // table has those of version 2; chain_seq is given, the columns step 3 adds are NULL.
  std::string read_columns, names, copied;
  for (const Column<LedgerEntry>* c : license_spec().in_chain_order()) {
    if (c->since > 3) continue;
    const std::string old = c->since <= 2 ? std::string(c->name) : "NULL";
    names += std::string(c->name) + ", ";
    copied += (c->name == "chain_seq" ? std::string("?2") : old) + ", ";
    if (c->name != "chain_seq") read_columns += (read_columns.empty() ? "" : ", ") + old;
  }
  Statement read(db, "SELECT " + read_columns + " FROM licenses ORDER BY serial");
  Statement copy(db, "INSERT INTO licenses_v3 (" + names + "chain_hash) SELECT " + copied +
                         "?3 FROM licenses WHERE serial = ?1");
  ChainHead head;
  while (read.step()) {
    ChainValues values{std::to_string(head.seq + 1)};
    for (int i = 0; i < 17; ++i) values.push_back(read.optional_text(i));
    const ChainHash hash = next_chain_hash(head.hash, canonical_bytes(ChainLinkType::license, values));
    copy.reset();
    copy.bind(1, read.integer(0));
    copy.bind(2, head.seq + 1);
    copy.bind_blob(3, hash.data(), hash.size());
    copy.step();
    head = {head.seq + 1, hash};
  }
  db.exec(kSwapLicensesTable, "cannot rebuild the licenses table");
  // The rename carried licenses_v3's counter over (the copied serials); an old counter above
  // them (rows removed by hand) still counts.
  db.keep_serials_above(counter);
}

// ---- Step 4: seatkey-server; PostgreSQL ledgers begin here ------------------------------------

// seatkey-server: its API tokens (only a hash of each; revoked, never removed), the name of
// the token that wrote each row, and its answers to POST requests with an Idempotency-Key
// (recorded in the transaction that wrote what they report). Only new tables and a column;
// a row's written_by joins its link's canonical bytes when it is set (chain.hpp), so the
// links written before keep their hashes.
constexpr const char* kSqlite4 = R"sql(
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
)sql";

// PostgreSQL ledgers start at version 4, the SQLite ledger's version 4 in
// PostgreSQL's types: the same tables, columns, CHECKs and append-only rules, so that the
// ledger code and the chain's canonical bytes are the same on both. A later version is a
// step for both.
//  - Integers are BIGINT (SQLite's INTEGER), times RFC 3339 TEXT, hashes BYTEA.
//  - A token can be larger than a B-tree entry (a revocation list of many serials), so its
//    uniqueness is kept by an index of its MD5.
//  - serial_counter is SQLite's AUTOINCREMENT counter: every write transaction raises it to
//    the highest serial before it commits (commit()), and a copied ledger keeps its source's.
//    So a serial is never given twice, not even after a row was removed by hand, past the
//    triggers that refuse DELETE and TRUNCATE.
//  - position orders signing_keys and api_tokens as they were added (SQLite's rowid).
constexpr const char* kPostgresql4 = R"sql(
CREATE FUNCTION seatkey_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$;
CREATE TABLE serial_counter (
  only_row    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  last_serial BIGINT NOT NULL CHECK (last_serial >= 0)
);
INSERT INTO serial_counter (last_serial) VALUES (0);
CREATE TABLE signing_keys (
  position    BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  key_id      TEXT PRIMARY KEY,
  public_key  TEXT UNIQUE,
  added_at    TEXT NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('init', 'add-key', 'migrated'))
);
CREATE FUNCTION seatkey_signing_key_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.public_key IS NOT NULL OR NEW.key_id IS DISTINCT FROM OLD.key_id
     OR NEW.added_at IS DISTINCT FROM OLD.added_at OR NEW.origin IS DISTINCT FROM OLD.origin
     OR NEW.position IS DISTINCT FROM OLD.position THEN
    RAISE EXCEPTION 'a signing key is recorded once; only an unknown public key may be filled in';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER signing_keys_update BEFORE UPDATE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION seatkey_signing_key_update();
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION seatkey_append_only();
CREATE TABLE licenses (
  serial            BIGINT PRIMARY KEY CHECK (serial >= 1),
  kind              TEXT NOT NULL CHECK (kind IN ('server', 'users', 'revocation', 'standby')),
  appliance         TEXT,
  edition           TEXT CHECK (edition IN ('free', 'compact', 'appliance', 'vm')),
  users             BIGINT NOT NULL CHECK (users >= 0),
  customer          TEXT,
  order_ref         TEXT,
  issued_at         TEXT NOT NULL,
  updates_until     TEXT,
  expires           TEXT,
  issuer            TEXT NOT NULL,
  key_id            TEXT NOT NULL,
  replaces          BIGINT REFERENCES licenses (serial),
  transferred_from  BIGINT REFERENCES licenses (serial),
  primary_appliance TEXT,
  revocation_seq    BIGINT UNIQUE CHECK (revocation_seq >= 1),
  token             TEXT NOT NULL,
  chain_seq         BIGINT NOT NULL UNIQUE CHECK (chain_seq >= 1),
  chain_hash        BYTEA NOT NULL CHECK (octet_length(chain_hash) = 32),
  written_by        TEXT,
  CHECK ((kind = 'server') = (edition IS NOT NULL)),
  CHECK ((kind = 'revocation') = (appliance IS NULL)),
  CHECK ((kind = 'revocation') = (revocation_seq IS NOT NULL)),
  CHECK ((kind = 'standby') = (primary_appliance IS NOT NULL))
);
CREATE UNIQUE INDEX licenses_token ON licenses (md5(token));
CREATE INDEX licenses_by_appliance ON licenses (appliance, serial);
CREATE INDEX licenses_by_transferred_from ON licenses (transferred_from) WHERE transferred_from IS NOT NULL;
CREATE TRIGGER licenses_no_change BEFORE UPDATE OR DELETE ON licenses
  FOR EACH ROW EXECUTE FUNCTION seatkey_append_only();
CREATE TRIGGER licenses_no_truncate BEFORE TRUNCATE ON licenses
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_append_only();
CREATE TABLE events (
  chain_seq   BIGINT PRIMARY KEY CHECK (chain_seq >= 1),
  type        TEXT NOT NULL CHECK (type IN ('void', 'transfer')),
  serial      BIGINT NOT NULL UNIQUE REFERENCES licenses (serial),
  reason      TEXT,
  at          TEXT NOT NULL,
  who         TEXT NOT NULL,
  transfer_to TEXT,
  chain_hash  BYTEA NOT NULL CHECK (octet_length(chain_hash) = 32),
  CHECK ((type = 'transfer') = (transfer_to IS NOT NULL))
);
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION seatkey_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION seatkey_append_only();
CREATE TABLE api_tokens (
  position    BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  name        TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('auditor', 'shop', 'clerk', 'admin')),
  lookup_id   TEXT NOT NULL UNIQUE,
  token_hash  BYTEA NOT NULL CHECK (octet_length(token_hash) = 32),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE FUNCTION seatkey_api_token_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.name IS DISTINCT FROM OLD.name
     OR NEW.role IS DISTINCT FROM OLD.role OR NEW.lookup_id IS DISTINCT FROM OLD.lookup_id
     OR NEW.token_hash IS DISTINCT FROM OLD.token_hash OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.position IS DISTINCT FROM OLD.position THEN
    RAISE EXCEPTION 'an API token is only ever revoked, once';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION seatkey_api_token_update();
CREATE FUNCTION seatkey_api_token_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'API tokens are revoked, never removed: rows name the token that wrote them'; END $$;
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION seatkey_api_token_delete();
CREATE TABLE idempotent_requests (
  token_name      TEXT NOT NULL REFERENCES api_tokens (name),
  idempotency_key TEXT NOT NULL,
  request_hash    BYTEA NOT NULL,
  status          INTEGER NOT NULL,
  response        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (token_name, idempotency_key)
);
)sql";

}  // namespace

const std::vector<MigrationStep>& released_steps() {
  static const std::vector<MigrationStep> kSteps = {
      {1, kSqlite1, nullptr, nullptr},
      {2, kSqlite2, nullptr, nullptr},
      {3, kSqlite3, nullptr, chain_existing_rows},
      {4, kSqlite4, kPostgresql4, nullptr},
  };
  return kSteps;
}

}  // namespace seatkey::keygen::detail
