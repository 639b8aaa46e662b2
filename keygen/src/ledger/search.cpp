#include "ledger/search.hpp"

#include <charconv>

#include "raise.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "text.hpp"

namespace seatkey::keygen::detail {
namespace {

// Reports over a period read licenses by issue time and voids by event time; a license's
// replacements are found by `replaces` (its re-issues by transferred_from already). Times are
// RFC 3339 text of one width (format_rfc3339, UTC), so their text order is their time order.
//
// license_search holds a license's customer and order folded (search_folded): FTS5's trigram
// tokenizer compares characters exactly (case_sensitive 1), so what is found is what the
// program's folding says in either database; a search of fewer than three characters, which
// has no trigram, reads the table without its index. Rows without either have no entry. No
// foreign keys: a derived row never stops what may be done to the rows it comes from (a
// repair from a backup), and a search reads the licenses it finds from their table.
constexpr const char* kSqliteSearch = R"sql(
CREATE INDEX licenses_by_issued_at ON licenses (issued_at);
CREATE INDEX licenses_by_replaces ON licenses (replaces) WHERE replaces IS NOT NULL;
CREATE INDEX events_by_at ON events (at);
CREATE VIRTUAL TABLE license_search USING fts5 (customer, order_ref, tokenize = 'trigram case_sensitive 1');
CREATE TABLE revoked_serials (
  serial INTEGER NOT NULL,
  list   INTEGER NOT NULL,
  PRIMARY KEY (serial, list)
) WITHOUT ROWID;
)sql";

// pg_trgm's GIN index answers LIKE '%part%' (and checks each row it finds). It is a trusted
// extension: a ledger's owner may create it without being a superuser.
constexpr const char* kPostgresqlSearch = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX licenses_by_issued_at ON licenses (issued_at);
CREATE INDEX licenses_by_replaces ON licenses (replaces) WHERE replaces IS NOT NULL;
CREATE INDEX events_by_at ON events (at);
CREATE TABLE license_search (
  serial    BIGINT PRIMARY KEY,
  customer  TEXT,
  order_ref TEXT
);
CREATE INDEX license_search_customer ON license_search USING gin (customer gin_trgm_ops);
CREATE INDEX license_search_order ON license_search USING gin (order_ref gin_trgm_ops);
CREATE TABLE revoked_serials (
  serial BIGINT NOT NULL,
  list   BIGINT NOT NULL,
  PRIMARY KEY (serial, list)
);
)sql";

// An FTS5 table's key is its rowid.
std::string_view search_key(const Database& db) {
  return db.is_postgresql() ? "serial" : "rowid";
}

std::string_view column_name(SearchColumn column) {
  return column == SearchColumn::customer ? "customer" : "order_ref";
}

std::optional<std::int64_t> decimal(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1) return std::nullopt;
  return n;
}

std::string insert_search_sql(const Database& db) {
  return "INSERT INTO license_search (" + std::string(search_key(db)) +
         ", customer, order_ref) VALUES (?1, ?2, ?3)";
}

constexpr const char* kInsertRevoked =
    "INSERT INTO revoked_serials (serial, list) VALUES (?1, ?2) ON CONFLICT DO NOTHING";

void add_search_row(Statement& insert, std::int64_t serial, const std::optional<std::string>& customer,
                    const std::optional<std::string>& order) {
  if (!customer && !order) return;
  insert.reset();
  insert.bind(1, serial);
  insert.bind(2, customer ? std::optional<std::string>(search_folded(*customer)) : std::nullopt);
  insert.bind(3, order ? std::optional<std::string>(search_folded(*order)) : std::nullopt);
  insert.run();
}

void add_revoked(Statement& insert, std::int64_t list, std::string_view token) {
  for (std::int64_t serial : serials_named_by(token)) {
    insert.reset();
    insert.bind(1, serial);
    insert.bind(2, list);
    insert.run();
  }
}

// The derived rows of every license a ledger holds, when the step adds their tables: only the
// columns they come from are read.
void fill_search_tables(Database& db) {
  {
    Statement insert(db, insert_search_sql(db));
    Statement rows(db, "SELECT serial, customer, order_ref FROM licenses ORDER BY serial");
    while (rows.step()) add_search_row(insert, rows.integer(0), rows.optional_text(1), rows.optional_text(2));
  }
  Statement insert(db, kInsertRevoked);
  Statement lists(db, "SELECT serial, token FROM licenses WHERE revocation_seq IS NOT NULL ORDER BY serial");
  while (lists.step()) add_revoked(insert, lists.integer(0), lists.text(1));
}

const std::optional<std::string>& value_of(const std::vector<std::string_view>& names,
                                           const ChainValues& values, std::string_view name) {
  static const std::optional<std::string> kNull;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (names[i] == name) return values[i];
  }
  return kNull;
}

}  // namespace

MigrationStep search_step(int version) {
  return {version, kSqliteSearch, kPostgresqlSearch, fill_search_tables};
}

void index_license(LedgerContext& ledger, const std::vector<std::string_view>& names,
                   const ChainValues& values) {
  const std::optional<std::string>& serial_text = value_of(names, values, "serial");
  const auto serial = serial_text ? decimal(*serial_text) : std::nullopt;
  if (!serial) raise_internal("a license link without a serial");
  const std::optional<std::string>& customer = value_of(names, values, "customer");
  const std::optional<std::string>& order = value_of(names, values, "order_ref");
  if (customer || order)
    add_search_row(ledger.prepared(insert_search_sql(*ledger.db)), *serial, customer, order);
  if (value_of(names, values, "kind") == std::optional<std::string>(kind_name(LicenseKind::revocation))) {
    const std::optional<std::string>& token = value_of(names, values, "token");
    if (token) add_revoked(ledger.prepared(kInsertRevoked), *serial, *token);
  }
}

std::vector<std::int64_t> serials_named_by(std::string_view token) {
  std::vector<std::int64_t> out;
  auto decoded = decode_v4_public(token, TokenLimit::revocation_list);
  if (!decoded) return out;
  auto claims = parse_token_claims(decoded->payload);
  if (!claims || !std::holds_alternative<RevocationList>(*claims)) return out;
  for (std::string_view s : std::get<RevocationList>(*claims).revoked) {
    if (const auto n = decimal(s)) out.push_back(*n);
  }
  return out;
}

std::string search_condition(const Database& db, SearchColumn column, const std::string& folded, int param) {
  const std::string name(column_name(column)), p = "?" + std::to_string(param);
  if (db.is_postgresql()) {
    // An array computed once, before the rows: the licenses are then read by serial from their
    // primary key, in order, as far as a page needs, whatever the planner thinks of the text.
    return "serial = ANY (ARRAY (SELECT serial FROM license_search WHERE " + name + " LIKE " + p +
           " ESCAPE '!'))";
  }
  if (folded_length(folded) >= 3) {
    return "serial IN (SELECT rowid FROM license_search WHERE license_search MATCH " + p + ")";
  }
  return "serial IN (SELECT rowid FROM license_search WHERE instr(" + name + ", " + p + ") > 0)";
}

std::string search_parameter(const Database& db, SearchColumn column, const std::string& folded) {
  std::string out;
  if (db.is_postgresql()) {
    // LIKE's wildcards and the escape character stand for themselves.
    for (char c : folded) {
      if (c == '%' || c == '_' || c == '!') out += '!';
      out += c;
    }
    return "%" + out + "%";
  }
  if (folded_length(folded) < 3) return folded;
  // An FTS5 phrase of the column: its text in double quotes, a quote doubled.
  for (char c : folded) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return std::string(column_name(column)) + " : \"" + out + "\"";
}

}  // namespace seatkey::keygen::detail
