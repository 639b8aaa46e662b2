// Internal: each table's columns, described once. A column says its SQL name and type, the
// schema version that added it, its place in the hash chain's canonical bytes (if it is part of
// them) and its JSON member (if it has one), and how to write it as text, read it from a row and
// show it as JSON. From that one description come the SELECT and INSERT statements of both
// dialects, the parsing of rows (a value that does not read makes its row corrupt, named), the
// chain's values (chain.hpp) and the JSON of `ledger list --json` and seatkey-server.
//
// Adding a column: one line in the table's spec (schema.cpp), one field in its row type
// (ledger/rows.hpp), one migration step (migrations.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/database.hpp"
#include "seatkey/keygen/ledger/rows.hpp"

namespace seatkey::keygen::detail {

enum class SqlType { integer, text, blob };

inline constexpr int kNotInChain = -1;

template <class Row>
struct Column {
  std::string_view name;  // the SQL column
  SqlType type;
  int since;              // the schema version that added it; older ledgers read it as NULL
  int chain;              // its position in the link's canonical bytes, or kNotInChain
  bool chain_when_set;    // part of the canonical bytes only when not NULL (written_by)
  std::string_view json;  // its JSON member; empty: none
  // The value as the ledger stores it as text (NULL: nullopt); integers in decimal, times in
  // RFC 3339.
  std::optional<std::string> (*text)(const Row&);
  // Sets the row's field from column `index` of a result row; raises what is wrong with a value
  // that does not read ("kind \"trial\"").
  void (*read)(Row&, const Statement&, int index);
  nlohmann::ordered_json (*json_value)(const Row&);
};

template <class Row>
struct TableSpec {
  std::string_view table;
  const Column<Row>* columns;
  std::size_t size;

  const Column<Row>* begin() const { return columns; }
  const Column<Row>* end() const { return columns + size; }
  // The index of the column named `name` in this spec (a programming error when there is none).
  int index_of(std::string_view name) const;
  // The columns in canonical order: the link's values are in this order.
  std::vector<const Column<Row>*> in_chain_order() const;
};

const TableSpec<LedgerEntry>& license_spec();
const TableSpec<LedgerEvent>& event_spec();
const TableSpec<CodeRow>& code_spec();
const TableSpec<CodeEvent>& code_event_spec();
const TableSpec<TokenEvent>& token_event_spec();
// Whether a column of a link type is an integer (bound as one).
bool is_integer_link_column(ChainLinkType type, std::string_view name);

// "SELECT <every column of the spec, NULL for those newer than `version`>"; `extra` is added
// after them (", chain_hash" ...), then " FROM <table>".
template <class Row>
std::string select_sql(const TableSpec<Row>& spec, int version, std::string_view extra);

// "INSERT INTO <table> (<columns of `names`>, chain_hash) VALUES (?1, ...)".
std::string insert_sql(std::string_view table, const std::vector<std::string_view>& names);

// Reads one row of select_sql(); raises the column's problem when a value does not read.
template <class Row>
void read_row(const TableSpec<Row>& spec, Row& row, const Statement& s);

// The link's values in canonical order (ChainValues), as text.
template <class Row>
ChainValues chain_values(const TableSpec<Row>& spec, const Row& row);

// The link's columns as stored, in canonical order (a row that may not read), for `ledger
// verify`: each column's text straight from the result row.
template <class Row>
ChainValues stored_chain_values(const TableSpec<Row>& spec, const Statement& s);

// The row's JSON members in the spec's order.
template <class Row>
void add_json(const TableSpec<Row>& spec, const Row& row, nlohmann::ordered_json& out);

// Whether a column is an integer (bound as one; its text is the decimal number).
template <class Row>
bool is_integer_column(const TableSpec<Row>& spec, std::string_view name);

// The other tables, which are no links of the chain: their columns for copying a ledger, in
// the order they were added, with their types.
struct PlainColumn {
  std::string_view name;
  SqlType type;
};
struct PlainTable {
  std::string_view table;
  std::vector<PlainColumn> columns;
  std::string_view order_by;  // how a copy reads them: "" for the insertion order
};
const std::vector<PlainTable>& plain_tables();

}  // namespace seatkey::keygen::detail
