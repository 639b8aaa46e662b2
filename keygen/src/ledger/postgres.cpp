#include "postgres.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen::detail {

bool is_postgresql_url(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string url_without_password(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto end = std::min(out.find_first_of("/?#", start), out.size());
    const auto at = out.rfind('@', end == 0 ? 0 : end - 1);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  const auto query = out.find('?');
  for (auto p = query; p != std::string::npos && p < out.size(); p = out.find('&', p + 1)) {
    const auto name = p + 1;
    if (out.compare(name, 9, "password=") != 0) continue;
    const auto value = name + 9;
    const auto stop = std::min(out.find('&', value), out.size());
    out.replace(value, stop - value, "***");
  }
  return out;
}

namespace {

// One key for every writer of a ledger database (advisory locks are per database): "seatkey".
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(7310594041632613753)";
// The same lock held by the session, across the transaction of a schema change.
constexpr const char* kSchemaLock = "SELECT pg_advisory_lock(7310594041632613753)";
constexpr const char* kSchemaUnlock = "SELECT pg_advisory_unlock(7310594041632613753)";

// The schema. PostgreSQL ledgers start at version 4, the SQLite ledger's version 4 in
// PostgreSQL's types: the same tables, columns, CHECKs and append-only rules, so that the
// ledger code and the chain's canonical bytes are the same on both. A later version is a new
// step here and in sqlite.cpp.
//  - Integers are BIGINT (SQLite's INTEGER), times RFC 3339 TEXT, hashes BYTEA.
//  - A token can be larger than a B-tree entry (a revocation list of many serials), so its
//    uniqueness is kept by an index of its MD5.
//  - serial_counter is SQLite's AUTOINCREMENT counter: every write transaction raises it to
//    the highest serial before it commits (commit()), and a copied ledger keeps its source's.
//    So a serial is never given twice, not even after a row was removed by hand, past the
//    triggers that refuse DELETE and TRUNCATE.
//  - position orders signing_keys and api_tokens as they were added (SQLite's rowid).
const std::vector<Migration> kPostgresMigrations = {
    {4, R"sql(
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
)sql",
     nullptr},
};

// The first line of a libpq message (they end in a newline, some carry a DETAIL line).
std::string first_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  const auto end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text.empty() ? "unknown error" : text;
}

std::string hex_bytea(const void* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 0xf];
  }
  return out;
}

class PostgresDatabase;

class PostgresCursor final : public Cursor {
 public:
  PostgresCursor(PostgresDatabase& db, std::string_view sql);
  ~PostgresCursor() override { PQclear(result_); }
  PostgresCursor(const PostgresCursor&) = delete;
  PostgresCursor& operator=(const PostgresCursor&) = delete;

  void bind_integer(int index, std::int64_t value) override { param(index) = std::to_string(value); }
  void bind_text(int index, std::string_view text) override { param(index) = std::string(text); }
  void bind_blob(int index, const void* data, std::size_t size) override {
    param(index) = hex_bytea(data, size);
  }
  void bind_null(int index) override { param(index) = std::nullopt; }
  bool step() override;
  void reset() override {
    PQclear(result_);
    result_ = nullptr;
    params_.clear();
  }
  bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  std::int64_t integer(int column) const override {
    const char* value = PQgetvalue(result_, row_, column);
    if (value[0] == 't' && value[1] == '\0') return 1;  // a boolean
    if (value[0] == 'f' && value[1] == '\0') return 0;
    return std::strtoll(value, nullptr, 10);
  }
  std::string text(int column) const override {
    return std::string(PQgetvalue(result_, row_, column),
                       static_cast<std::size_t>(PQgetlength(result_, row_, column)));
  }
  std::string bytes(int column) const override {
    if (is_null(column)) return {};
    std::size_t size = 0;
    unsigned char* raw =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, column)), &size);
    if (raw == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(raw), size);
    PQfreemem(raw);
    return out;
  }

 private:
  std::optional<std::string>& param(int index) {
    if (params_.size() < static_cast<std::size_t>(index)) params_.resize(static_cast<std::size_t>(index));
    return params_[static_cast<std::size_t>(index) - 1];
  }

  PostgresDatabase& db_;
  std::string sql_;  // ?N written as $N
  std::vector<std::optional<std::string>> params_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const std::string& url, bool read_only)
      : Database(url_without_password(url)), read_only_(read_only) {
    conn_ = PQconnectdb(url.c_str());
    if (conn_ == nullptr) throw_ledger_error("cannot connect to ledger " + name() + ": out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = first_line(PQerrorMessage(conn_));
      PQfinish(conn_);
      conn_ = nullptr;
      throw_input_error("cannot connect to ledger " + name() + ": " + why);
    }
    // Notices (e.g. of a trigger) are not for the desk's terminal.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    set_up_session();
  }
  ~PostgresDatabase() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  PGconn* connection() const { return conn_; }

  // Takes `result`: gives it back when it is a success, else frees it and throws: busy for a
  // lock not granted in time, a lost connection named as such, otherwise the server's message.
  PGresult* checked(PGresult* result, const std::string& what) const {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string message =
        first_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    const std::string sqlstate = state != nullptr ? state : "";
    PQclear(result);
    if (PQstatus(conn_) == CONNECTION_BAD) {
      throw_ledger_error("ledger " + name() + ": " + what +
                         ": the connection to the database server was lost (" + message +
                         "); the server rolls back what was not committed");
    }
    if (sqlstate == "55P03") {
      throw_ledger_error("ledger " + name() + " is busy (another writer holds it): " + what);
    }
    throw_ledger_error("ledger " + name() + ": " + what + ": " + message);
  }

  bool is_postgresql() const override { return true; }
  std::unique_ptr<Cursor> prepare(std::string_view sql) override {
    return std::make_unique<PostgresCursor>(*this, sql);
  }
  void exec(std::string_view sql, const std::string& what) override {
    PQclear(checked(PQexec(conn_, std::string(sql).c_str()), what));
  }
  PGresult* exec_result(const std::string& sql, const std::string& what) {
    return checked(PQexec(conn_, sql.c_str()), what);
  }
  // A connection the server or the network dropped is opened again before the next
  // transaction (never within one: what it had not committed is gone, and says so).
  void reconnect_if_lost() {
    if (PQstatus(conn_) != CONNECTION_BAD) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      throw_ledger_error("ledger " + name() +
                         ": the connection to the database server was lost and cannot be " +
                         "opened again: " + first_line(PQerrorMessage(conn_)));
    }
    set_up_session();
  }
  void set_up_session() {
    // Text as UTF-8, byte for byte (the chain hashes it).
    exec(std::string("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'") +
             (read_only_ ? "; SET default_transaction_read_only = on" : ""),
         "cannot set up the session");
    // A writer waits for the ledger's lock as long as SQLite's issuers retry, then says the
    // ledger is busy; unless the URL set a wait of its own (options=-c lock_timeout=...).
    Statement wait(*this, "SELECT current_setting('lock_timeout') = '0'");
    if (wait.step() && wait.integer(0) != 0) exec("SET lock_timeout = '30s'", "cannot set up the session");
  }

  void begin_write(const std::string& what) override {
    reconnect_if_lost();
    exec("BEGIN", what);
    try {
      exec(kWriterLock, what);
    } catch (...) {
      rollback();
      throw;
    }
    writing_ = true;
  }
  void begin_read(const std::string& what) override {
    reconnect_if_lost();
    exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what);
  }
  void commit(const std::string& what) override {
    // Once per write transaction rather than a trigger per row: a batch of thousands of rows
    // would update the counter's one row as many times in one transaction.
    if (writing_ && PQtransactionStatus(conn_) == PQTRANS_INTRANS) {
      exec(
          "UPDATE serial_counter SET last_serial = "
          "GREATEST(last_serial, COALESCE((SELECT MAX(serial) FROM licenses), 0))",
          what);
    }
    writing_ = false;
    PGresult* result = exec_result("COMMIT", what);
    // A transaction a failed statement aborted answers COMMIT with ROLLBACK.
    const std::string tag = PQcmdStatus(result);
    PQclear(result);
    if (tag != "COMMIT") throw_ledger_error("ledger " + name() + ": " + what + ": the server rolled it back");
  }
  void rollback() noexcept override {
    writing_ = false;
    if (in_transaction()) PQclear(PQexec(conn_, "ROLLBACK"));
  }
  bool in_transaction() const override {
    const PGTransactionStatusType status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
  }

  int read_version() override {
    // From pg_tables rather than to_regclass(): in a transaction that waited for the writers'
    // lock, to_regclass() answers from this session's catalog cache, which may still hold "no
    // such table" from before another writer made the ledger; reading the catalog takes the
    // statement's snapshot and brings the cache up to date for the queries that follow.
    Statement tables(*this,
                     "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                     "AND tablename = 'schema_version'), EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
                     "WHERE schemaname = current_schema() AND tablename = 'licenses')");
    tables.step();
    if (tables.integer(0) == 0) {
      if (tables.integer(1) != 0) throw_input_error(name() + " is not a seatkey ledger (no schema version)");
      return 0;
    }
    Statement s(*this, "SELECT MAX(version) FROM schema_version");
    const int found = s.step() && !s.is_null(0) ? static_cast<int>(s.integer(0)) : 0;
    if (found < 1) throw_input_error(name() + " is not a seatkey ledger (no schema version)");
    return found;
  }
  const std::vector<Migration>& migrations() const override { return kPostgresMigrations; }
  // The writers' lock exists before any table does: two `ledger init`s of one database wait
  // for each other, and the second finds the first's ledger. It is taken before the
  // transaction begins: a transaction that began before the first committed would look its
  // tables up in a catalog cache from before they existed.
  void begin_schema_change(const std::string& what) override {
    exec(kSchemaLock, what);
    try {
      begin_write(what);
    } catch (...) {
      end_schema_change();
      throw;
    }
  }
  void end_schema_change() override {
    // A lost connection has released it already.
    if (PQstatus(conn_) == CONNECTION_OK) PQclear(PQexec(conn_, kSchemaUnlock));
  }

  std::int64_t next_serial() override {
    Statement s(*this,
                "SELECT GREATEST(last_serial, COALESCE((SELECT MAX(serial) FROM licenses), 0)) + 1 "
                "FROM serial_counter");
    if (!s.step()) throw_ledger_error("ledger " + name() + ": its serial counter is missing");
    return s.integer(0);
  }
  void keep_serials_above(std::int64_t serial) override {
    Statement s(*this, "UPDATE serial_counter SET last_serial = GREATEST(last_serial, ?1)");
    s.bind(1, serial);
    s.step();
  }
  std::string_view insertion_order() const override { return "position"; }

 private:
  PGconn* conn_ = nullptr;
  bool read_only_ = false;
  bool writing_ = false;  // in a begin_write() transaction: commit() raises the serial counter
};

PostgresCursor::PostgresCursor(PostgresDatabase& db, std::string_view sql) : db_(db) {
  // The ledger writes parameters as ?N (SQLite); PostgreSQL's are $N. Quoted text is copied as
  // it is.
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    sql_ += (c == '?' && !quoted) ? '$' : c;
  }
}

bool PostgresCursor::step() {
  if (result_ == nullptr) {
    if (!db_.in_transaction()) db_.reconnect_if_lost();
    std::vector<const char*> values;
    values.reserve(params_.size());
    for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
    result_ = db_.checked(PQexecParams(db_.connection(), sql_.c_str(), static_cast<int>(values.size()),
                                       nullptr, values.data(), nullptr, nullptr, 0),
                          "statement failed");
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(result_);
}

}  // namespace

std::unique_ptr<Database> connect_postgresql(const std::string& url, bool read_only) {
  return std::make_unique<PostgresDatabase>(url, read_only);
}

}  // namespace seatkey::keygen::detail
