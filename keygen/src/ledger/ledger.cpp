// A ledger's connection, schema and transactions; the tables are the stores' (licenses.cpp,
// events.cpp, keys.cpp, tokens.cpp, answers.cpp), copies and backups copy.cpp's.
#include "seatkey/keygen/ledger/ledger.hpp"

#include <unistd.h>

#include "ledger/context.hpp"
#include "ledger/files.hpp"
#include "ledger/migrations.hpp"
#include "ledger/postgres.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"
#include "ledger/search.hpp"
#include "ledger/sqlite.hpp"

namespace seatkey::keygen {
namespace detail {

void LedgerContext::require_writable() const {
  if (opened_for != Ledger::Access::read_write) raise_input("ledger " + path + " is open read-only");
}

void LedgerContext::require_chain() const {
  if (version >= 3) return;
  raise_input("ledger " + path + " has schema version " + std::to_string(version) +
                  ", from before the hash chain: migrating it brings it to version " +
                  std::to_string(latest_schema_version()) +
                  " and computes its chain (so does its next issue)",
              "seatkey-keygen ledger migrate --ledger " + path);
}

void LedgerContext::write(const std::string& what, const std::function<void()>& body) {
  if (writing) {
    body();
    return;
  }
  require_writable();
  db->begin_write("cannot lock the ledger to " + what);
  writing = true;
  head.reset();
  try {
    body();
    db->commit("cannot commit (" + what + ")");
  } catch (...) {
    db->rollback();
    writing = false;
    throw;
  }
  writing = false;
}

ChainHead LedgerContext::read_head() const {
  require_chain();
  ChainHead newest;
  for (std::string_view table : link_tables(version)) {
    Statement s(
        *db, "SELECT chain_seq, chain_hash FROM " + std::string(table) + " ORDER BY chain_seq DESC LIMIT 1");
    if (!s.step() || s.integer(0) <= newest.seq) continue;
    const auto hash = as_chain_hash(s.bytes(1));
    if (!hash) {
      raise_internal("ledger " + path + ": the chain's newest link (position " +
                         std::to_string(s.integer(0)) + ") has no 32-byte hash: the ledger needs verifying",
                     "seatkey-keygen ledger verify --ledger " + path);
    }
    newest = {s.integer(0), *hash};
  }
  return newest;
}

ChainHead& LedgerContext::transaction_head() {
  if (!writing) raise_internal("a link of the chain is written only in a write transaction (Ledger::begin)");
  if (!head) head = read_head();
  return *head;
}

void LedgerContext::insert_link(std::string_view table, ChainLinkType type,
                                const std::vector<std::string_view>& columns, const ChainValues& values,
                                ChainHead* at) {
  const std::vector<std::string_view> names(columns.begin(), columns.begin() + values.size());
  // A table's INSERT differs only in how many of its columns are set: its SQL is built and
  // prepared once per table and count, not once per row.
  std::unique_ptr<Statement>& cached = inserts[std::string(table) + " " + std::to_string(names.size())];
  if (!cached) cached = std::make_unique<Statement>(*db, insert_sql(table, names));
  const ChainHash hash = next_chain_hash(at->hash, canonical_bytes(type, values));
  Statement& s = *cached;
  s.reset();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const bool integer = is_integer_link_column(type, names[i]);
    if (!values[i]) {
      s.bind_null(index);
    } else if (integer) {
      s.bind(index, static_cast<std::int64_t>(std::stoll(*values[i])));
    } else {
      s.bind(index, std::string_view(*values[i]));
    }
  }
  s.bind_blob(static_cast<int>(values.size()) + 1, hash.data(), hash.size());
  s.run();
  if (type == ChainLinkType::license && version >= kSearchVersion) index_license(*this, names, values);
  at->seq += 1;
  at->hash = hash;
}

namespace {

// A link as a SELECT of its table reads it: the stored values and hash, and the row when it reads.
template <class Row>
ChainLink read_link(ChainLinkType type, const TableSpec<Row>& spec, const Statement& s,
                    Result<Row> (*read)(const Statement&), std::optional<Row> ChainLink::*field) {
  ChainLink link;
  link.type = type;
  link.seq = s.integer(spec.index_of("chain_seq"));
  link.stored = as_chain_hash(s.bytes(static_cast<int>(spec.size)));
  link.values = stored_chain_values(spec, s);
  auto row = read(s);
  if (row) {
    link.*field = std::move(*row);
  } else {
    link.corrupt = row.error().message;
  }
  return link;
}

// One table of links, read in chain order.
struct LinkSource {
  std::unique_ptr<Statement> rows;
  int seq_column;
  std::function<ChainLink(const Statement&)> link;
  bool more = false;
};

// `order`: " ORDER BY chain_seq", with a range before it and a limit after it for a page.
std::vector<LinkSource> link_sources(Database& db, int version, const std::string& order) {
  std::vector<LinkSource> out;
  out.push_back({std::make_unique<Statement>(db, select_licenses(version) + order),
                 license_column("chain_seq"), [](const Statement& s) {
                   return read_link(ChainLinkType::license, license_spec(), s, &read_license,
                                    &ChainLink::entry);
                 }});
  out.push_back({std::make_unique<Statement>(db, select_events(version) + order), event_column("chain_seq"),
                 [](const Statement& s) {
                   return read_link(ChainLinkType::event, event_spec(), s, &read_event, &ChainLink::event);
                 }});
  if (version >= kCodesVersion) {
    out.push_back({std::make_unique<Statement>(db, select_codes() + order), code_spec().index_of("chain_seq"),
                   [](const Statement& s) {
                     return read_link(ChainLinkType::code, code_spec(), s, &read_code, &ChainLink::code);
                   }});
    out.push_back({std::make_unique<Statement>(db, select_code_events() + order),
                   code_event_spec().index_of("chain_seq"), [](const Statement& s) {
                     return read_link(ChainLinkType::code_event, code_event_spec(), s, &read_code_event,
                                      &ChainLink::code_event);
                   }});
  }
  if (version >= kTokenChainVersion) {
    out.push_back({std::make_unique<Statement>(db, select_token_events(version) + order),
                   token_event_spec().index_of("chain_seq"), [](const Statement& s) {
                     return read_link(ChainLinkType::token_event, token_event_spec(), s, &read_token_event,
                                      &ChainLink::token_event);
                   }});
  }
  return out;
}

}  // namespace

std::vector<std::string_view> link_tables(int version) {
  if (version >= kTokenChainVersion) return {"licenses", "events", "codes", "code_events", "token_events"};
  if (version >= kCodesVersion) return {"licenses", "events", "codes", "code_events"};
  return {"licenses", "events"};
}

std::string_view link_table(ChainLinkType type) {
  switch (type) {
    case ChainLinkType::license: return "licenses";
    case ChainLinkType::event: return "events";
    case ChainLinkType::code: return "codes";
    case ChainLinkType::code_event: return "code_events";
    case ChainLinkType::token_event: return "token_events";
  }
  return "";
}

void LedgerContext::visit_chain(const std::function<bool(const ChainLink&)>& visit, std::int64_t after,
                                std::optional<std::size_t> limit) const {
  // Integers only: nothing a client sent is spliced into the statement as text.
  const std::string order = limit ? " WHERE chain_seq > " + std::to_string(after) +
                                        " ORDER BY chain_seq LIMIT " + std::to_string(*limit)
                                  : std::string(" ORDER BY chain_seq");
  std::vector<LinkSource> sources = link_sources(*db, version, order);
  std::size_t visited = 0;
  for (LinkSource& source : sources) source.more = source.rows->step();
  for (;;) {
    LinkSource* next = nullptr;
    for (LinkSource& source : sources) {
      if (!source.more) continue;
      if (next == nullptr || source.rows->integer(source.seq_column) < next->rows->integer(next->seq_column))
        next = &source;
    }
    if (next == nullptr) return;
    if (limit && visited++ == *limit) return;
    ChainLink link = next->link(*next->rows);
    next->more = next->rows->step();
    if (!visit(link)) return;
  }
}

LedgerContext& context_of(const Ledger& ledger) {
  return *ledger.context_;
}

}  // namespace detail

using detail::guarded;
using detail::LedgerContext;
using detail::raise_input;
using detail::Statement;

std::string ledger_name(std::string_view location) {
  if (detail::is_postgresql_url(location)) return detail::url_without_password(location);
  return std::string(location);
}

bool is_ledger_url(std::string_view location) {
  return detail::is_postgresql_url(location);
}

Ledger::Ledger(std::unique_ptr<LedgerContext> context) : context_(std::move(context)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

namespace {

std::string already_a_ledger(const std::string& name) {
  return name + " already holds a seatkey ledger: a new ledger is never made over an existing one";
}

// Brings the schema to the latest version in one write transaction; `also` runs in it before
// the commit and makes it a new ledger's creation (its first signing key, or a copy's rows): a
// database that another writer made a ledger of meanwhile is refused, not filled again.
void migrate(LedgerContext& ledger, const std::function<void()>& also = {}) {
  detail::Database& db = *ledger.db;
  // Under the write lock, re-read: another issuer may have migrated it meanwhile.
  db.begin_schema_change("cannot lock the ledger to update its schema");
  const int before = ledger.version;
  try {
    ledger.version = db.read_version();
    const int found = ledger.version;
    if (found > detail::latest_schema_version())
      raise_input(ledger.path + " was changed to a newer schema meanwhile");
    // A new ledger (`also` fills it) is made only where there was none: another `ledger init`
    // of the same database may have made one while this waited for the lock.
    if (also && found != 0) raise_input(already_a_ledger(ledger.path));
    if (found == 0)
      db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)", "cannot create the schema");
    for (const detail::MigrationStep& step : detail::migration_steps()) {
      const char* statements = db.is_postgresql() ? step.postgresql : step.sqlite;
      if (step.version <= ledger.version || statements == nullptr) continue;
      db.exec(statements, "cannot bring the schema to version " + std::to_string(step.version));
      if (step.then != nullptr) step.then(db);
      Statement s(db, "INSERT INTO schema_version (version) VALUES (?1)");
      s.bind(1, static_cast<std::int64_t>(step.version));
      s.step();
      ledger.version = step.version;
    }
    if (ledger.version != Ledger::kSchemaVersion) {
      detail::raise_internal("ledger " + ledger.path + ": the schema steps end at version " +
                             std::to_string(ledger.version) + ", not " +
                             std::to_string(Ledger::kSchemaVersion));
    }
    if (also) also();
    db.commit("cannot commit the schema");
    if (found > 0 && found < ledger.version) ledger.migrated_from = found;
  } catch (...) {
    db.rollback();
    db.end_schema_change();
    ledger.version = before;
    throw;
  }
  db.end_schema_change();
}

// The names of the program's enumerations that the ledger's lookup tables lack (a build with a
// new edition, say), added in a write transaction of their own.
void complete_lookups(LedgerContext& ledger) {
  if (ledger.version < 5 || detail::lookups_complete(*ledger.db)) return;
  ledger.db->begin_schema_change("cannot lock the ledger to update its schema");
  try {
    detail::complete_lookups(*ledger.db, ledger.version);
    ledger.db->commit("cannot commit the schema");
  } catch (...) {
    ledger.db->rollback();
    ledger.db->end_schema_change();
    throw;
  }
  ledger.db->end_schema_change();
}

void set_pragmas(detail::Database& db, Ledger::Access access) {
  if (db.is_postgresql()) return;
  static_cast<detail::SqliteDatabase&>(db).set_pragmas(access == Ledger::Access::read_only);
}

// What a ledger location names: a PostgreSQL database (a postgresql:// URL) or a SQLite file,
// which must be one its owner alone may write (check_access) before anything opens it.
std::unique_ptr<LedgerContext> connect(const std::string& location, Ledger::Access access) {
  auto ledger = std::make_unique<LedgerContext>();
  ledger->opened_for = access;
  const bool read_only = access == Ledger::Access::read_only;
  if (detail::is_postgresql_url(location)) {
    ledger->db = detail::connect_postgresql(location, read_only);
  } else {
    detail::check_access(location, access, &ledger->warnings);
    ledger->db = std::make_unique<detail::SqliteDatabase>(location, read_only);
  }
  ledger->path = ledger->db->name();
  return ledger;
}

std::unique_ptr<LedgerContext> open_context(const std::string& location, Ledger::Access access) {
  auto ledger = connect(location, access);
  const std::string& path = ledger->path;
  // The version first: nothing (not even WAL mode) is written to a file that is no ledger.
  ledger->version = ledger->db->read_version();
  if (ledger->version == 0) {
    raise_input(path + " is not a seatkey ledger (an empty database; create the ledger first)",
                detail::how_to_create(path));
  }
  const int latest = detail::latest_schema_version();
  if (ledger->version > latest) {
    raise_input("ledger " + path + " has schema version " + std::to_string(ledger->version) +
                ", newer than this program understands (" + std::to_string(latest) +
                "): use a newer release of seatkey");
  }
  set_pragmas(*ledger->db, access);
  // A read must not write: a read-only open reads an older schema as it is (the stores read the
  // columns it lacks as NULL, and know where each version keeps its keys).
  if (access == Ledger::Access::read_write) {
    if (ledger->version < latest) migrate(*ledger);
    complete_lookups(*ledger);
  }
  return ledger;
}

}  // namespace

namespace detail {

std::unique_ptr<LedgerContext> create_context(const std::string& location,
                                              const std::function<void(LedgerContext&)>& fill) {
  if (is_postgresql_url(location)) {
    // The database exists (its administrator made it); the ledger is its tables, all made in
    // one transaction with what `fill` writes, so a failure leaves the database as it was.
    auto ledger = connect(location, Ledger::Access::read_write);
    if (ledger->db->read_version() != 0) raise_input(already_a_ledger(ledger->path));
    migrate(*ledger, [&] { fill(*ledger); });
    return ledger;
  }
  create_ledger_file(location);
  std::unique_ptr<LedgerContext> ledger;
  try {
    ledger = connect(location, Ledger::Access::read_write);
    set_pragmas(*ledger->db, Ledger::Access::read_write);
    migrate(*ledger, [&] { fill(*ledger); });
  } catch (...) {
    ledger.reset();  // closes the database before its files go
    for (const std::string& file : ledger_files(location)) ::unlink(file.c_str());
    throw;
  }
  return ledger;
}

}  // namespace detail

Result<Ledger> Ledger::open(const std::string& location, Access access) {
  return guarded([&] { return Ledger(open_context(location, access)); });
}

Result<Ledger> Ledger::create(const std::string& location, const PublicKey& key, DevelopmentKey development) {
  return guarded([&] {
    detail::refuse_development_key(key, development);
    return Ledger(detail::create_context(
        location, [&](LedgerContext& ledger) { detail::insert_signing_key(ledger, key, KeyOrigin::init); }));
  });
}

const std::string& Ledger::path() const {
  return context_->path;
}

int Ledger::schema_version() const {
  return context_->version;
}

int Ledger::migrated_from() const {
  return context_->migrated_from;
}

const std::vector<std::string>& Ledger::warnings() const {
  return context_->warnings;
}

LicenseStore Ledger::licenses() const {
  return LicenseStore(context_.get());
}

EventStore Ledger::events() const {
  return EventStore(context_.get());
}

KeyStore Ledger::keys() const {
  return KeyStore(context_.get());
}

TokenStore Ledger::tokens() const {
  return TokenStore(context_.get());
}

CodeStore Ledger::codes() const {
  return CodeStore(context_.get());
}

Result<ChainHead> Ledger::head() const {
  return guarded([&] { return context_->read_head(); });
}

Result<void> Ledger::read_chain(std::int64_t after, std::optional<std::size_t> limit,
                                const std::function<bool(const ChainLink&)>& visit) const {
  return guarded([&] {
    LedgerContext& ledger = *context_;
    ledger.require_chain();
    // One read transaction: both tables from the same snapshot while issuers keep writing.
    ledger.db->begin_read("cannot read the ledger");
    try {
      ledger.visit_chain(visit, after, limit);
      ledger.db->commit("cannot end the read of the ledger");
    } catch (...) {
      ledger.db->rollback();
      throw;
    }
  });
}

Result<Ledger::Transaction> Ledger::begin() {
  return guarded([&] {
    LedgerContext& ledger = *context_;
    if (ledger.writing)
      detail::raise_internal("ledger " + ledger.path + " has a write transaction open already");
    ledger.require_writable();
    ledger.db->begin_write("cannot lock the ledger for issuing");
    ledger.writing = true;
    ledger.head.reset();
    return Transaction(&ledger);
  });
}

Ledger::Transaction::Transaction(Transaction&& other) noexcept : ledger_(other.ledger_), open_(other.open_) {
  other.open_ = false;
}

Ledger::Transaction::~Transaction() {
  if (!open_) return;
  ledger_->db->rollback();
  ledger_->writing = false;
  ledger_->head.reset();
}

LicenseStore Ledger::Transaction::licenses() {
  return LicenseStore(ledger_);
}

EventStore Ledger::Transaction::events() {
  return EventStore(ledger_);
}

KeyStore Ledger::Transaction::keys() {
  return KeyStore(ledger_);
}

AnswerStore Ledger::Transaction::answers() {
  return AnswerStore(ledger_);
}

CodeStore Ledger::Transaction::codes() {
  return CodeStore(ledger_);
}

Result<void> Ledger::Transaction::commit() {
  return guarded([&] {
    ledger_->db->commit("cannot commit");
    open_ = false;
    ledger_->writing = false;
    ledger_->head.reset();
  });
}

}  // namespace seatkey::keygen
