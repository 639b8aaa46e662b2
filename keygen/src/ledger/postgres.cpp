#include "postgres.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "raise.hpp"

namespace seatkey::keygen::detail {

namespace {

// The URL with its scheme in lower case: URI schemes are case-insensitive (RFC 3986), libpq's
// prefix check is not.
std::string with_lower_case_scheme(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  for (std::size_t i = 0; i < scheme && scheme != std::string::npos; ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool is_postgresql_url(std::string_view location) {
  return starts_with_ignoring_case(location, "postgresql://") ||
         starts_with_ignoring_case(location, "postgres://");
}

std::string url_without_password(std::string_view url) {
  // libpq reads the URL (percent-decoding its names and values, as it will to connect) and says
  // which options are secret (dispchar "*": password, sslpassword) or for debugging ("D"): what
  // is shown is rebuilt from the others, so that no spelling of a secret slips through.
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(with_lower_case_scheme(url).c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);  // it may quote the part it could not read: a password, perhaps
    return "postgresql://(a URL that does not parse)";
  }
  std::string user, host, port, dbname, query;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0' || std::string_view(o->dispchar) != "") continue;
    const std::string_view key = o->keyword;
    // An '@' where libpq did not take it for the end of the user part is most likely in a password
    // written unencoded ("desk:pa/ss@host": libpq reads "pa" as the port, "ss@host/db" as the
    // database): none of such a URL is shown.
    if (std::strchr(o->val, '@') != nullptr) {
      PQconninfoFree(options);
      return "postgresql://(a URL with an unencoded @ or / in its password)";
    }
    const std::string value = o->val;
    const bool socket_directory = key == "host" && value[0] == '/';
    if (key == "user")
      user = value;
    else if (key == "host" && !socket_directory)
      host = value;
    else if (key == "port")
      port = value;
    else if (key == "dbname")
      dbname = value;
    else
      query += (query.empty() ? "?" : "&") + std::string(key) + "=" + value;
  }
  PQconninfoFree(options);
  return "postgresql://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" +
         dbname + query;
}

namespace {

// One key for every writer of a ledger database (advisory locks are per database): "seatkey".
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(7310594041632613753)";
// The same lock held by the session, across the transaction of a schema change.
constexpr const char* kSchemaLock = "SELECT pg_advisory_lock(7310594041632613753)";
constexpr const char* kSchemaUnlock = "SELECT pg_advisory_unlock(7310594041632613753)";

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
  void run() override;
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
    // libpq's message for a URL it cannot read may quote the part it stumbled on: a password.
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(with_lower_case_scheme(url).c_str(), &error);
    PQfreemem(error);
    if (parsed == nullptr) {
      raise_input(
          "cannot connect to ledger " + name() +
          ": libpq cannot read it as a connection URL (postgresql://user@host:port/dbname?option=value)");
    }
    PQconninfoFree(parsed);
    conn_ = PQconnectdb(with_lower_case_scheme(url).c_str());
    if (conn_ == nullptr)
      raise(Code::out_of_memory, "cannot connect to ledger " + name() + ": out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = first_line(PQerrorMessage(conn_));
      PQfinish(conn_);
      conn_ = nullptr;
      raise_input("cannot connect to ledger " + name() + ": " + why);
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

  // Takes `result`: gives it back when it is a success, else frees it and raises: busy for a
  // lock not granted in time (SQLSTATE 55P03), unavailable for a lost connection, otherwise an
  // internal error with the server's message.
  PGresult* checked(PGresult* result, const std::string& what) const {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string message =
        first_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    const std::string sqlstate = state != nullptr ? state : "";
    PQclear(result);
    if (PQstatus(conn_) == CONNECTION_BAD) {
      raise(Code::database_unavailable, "ledger " + name() + ": " + what +
                                            ": the connection to the database server was lost (" + message +
                                            "); the server rolls back what was not committed");
    }
    if (sqlstate == "55P03")
      raise(Code::ledger_busy, "ledger " + name() + " is busy (another writer holds it): " + what);
    raise_internal("ledger " + name() + ": " + what + ": " + message);
  }

  bool is_postgresql() const override { return true; }
  std::unique_ptr<Cursor> prepare(std::string_view sql) override {
    return std::make_unique<PostgresCursor>(*this, sql);
  }
  void exec(std::string_view sql, const std::string& what) override {
    finish_pipeline(what);
    PQclear(checked(PQexec(conn_, std::string(sql).c_str()), what));
  }
  PGresult* exec_result(const std::string& sql, const std::string& what) {
    finish_pipeline(what);
    return checked(PQexec(conn_, sql.c_str()), what);
  }

  bool writing() const { return writing_; }

  // Sends a statement of the write transaction without waiting for its answer: a batch of
  // thousands of rows is not a round trip to the server per row. The answers are read when
  // the transaction next needs one (any other statement, the commit), and every kQueueLimit
  // statements, so that the server never waits to send answers nobody reads.
  void queue(const std::string& sql, const std::vector<const char*>& values, const std::string& what) {
    if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) {
      PQclear(checked(nullptr, what));
    }
    if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                          nullptr, nullptr, 0) != 1) {
      finish_pipeline(what);  // an earlier statement's error is the first one
      PQclear(checked(nullptr, what));
    }
    if (++queued_ >= kQueueLimit) finish_pipeline(what);
  }

  // Reads the answers of the queued statements and leaves pipeline mode; raises the first
  // error among them, as a statement run on its own would have.
  void finish_pipeline(const std::string& what) {
    if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return;
    queued_ = 0;
    if (PQpipelineSync(conn_) != 1) PQclear(checked(nullptr, what));
    PGresult* failed = nullptr;
    for (;;) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        if (PQstatus(conn_) == CONNECTION_BAD) break;
        continue;  // the end of one statement's answers
      }
      const ExecStatusType status = PQresultStatus(r);
      if (status == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        break;
      }
      // After an error the server skips the rest up to the sync: those answer "aborted".
      const bool ok =
          status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_PIPELINE_ABORTED;
      if (!ok && failed == nullptr) {
        failed = r;
      } else {
        PQclear(r);
      }
    }
    if (PQstatus(conn_) != CONNECTION_BAD) PQexitPipelineMode(conn_);
    if (failed != nullptr || PQstatus(conn_) == CONNECTION_BAD) PQclear(checked(failed, what));
  }
  // A connection the server or the network dropped is opened again before the next
  // transaction (never within one: what it had not committed is gone, and says so).
  void reconnect_if_lost() {
    if (PQstatus(conn_) != CONNECTION_BAD) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      raise(Code::database_unavailable,
            "ledger " + name() + ": the connection to the database server was lost and cannot be " +
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
    finish_pipeline(what);
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
    if (tag != "COMMIT") raise_internal("ledger " + name() + ": " + what + ": the server rolled it back");
  }
  void rollback() noexcept override {
    writing_ = false;
    try {
      finish_pipeline("cannot roll back");
    } catch (...) {  // the error that made the caller roll back is the one to report
    }
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
      if (tables.integer(1) != 0) raise_input(name() + " is not a seatkey ledger (no schema version)");
      return 0;
    }
    Statement s(*this, "SELECT MAX(version) FROM schema_version");
    const int found = s.step() && !s.is_null(0) ? static_cast<int>(s.integer(0)) : 0;
    if (found < 1) raise_input(name() + " is not a seatkey ledger (no schema version)");
    return found;
  }
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
    if (!s.step()) raise_internal("ledger " + name() + ": its serial counter is missing");
    return s.integer(0);
  }
  void keep_serials_above(std::int64_t serial) override {
    Statement s(*this, "UPDATE serial_counter SET last_serial = GREATEST(last_serial, ?1)");
    s.bind(1, serial);
    s.step();
  }
  std::string_view insertion_order() const override { return "position"; }

 private:
  static constexpr int kQueueLimit = 256;

  PGconn* conn_ = nullptr;
  int queued_ = 0;  // statements sent in pipeline mode since the last answers were read
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

void PostgresCursor::run() {
  if (!db_.writing()) {
    step();
    return;
  }
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
  db_.queue(sql_, values, "statement failed");
}

bool PostgresCursor::step() {
  if (result_ == nullptr) {
    if (!db_.in_transaction()) db_.reconnect_if_lost();
    db_.finish_pipeline("statement failed");
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
