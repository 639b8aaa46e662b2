// Internal: the tables a ledger derives from its license rows so that a question is answered
// from an index rather than by reading every row: the customers and orders folded for a search
// in any case (license_search: FTS5 trigrams in SQLite, pg_trgm in PostgreSQL), and the serials
// each revocation list names (revoked_serials). They are no links of the chain: written in the
// transaction that writes their row (insert_link), made from the rows by the schema step that
// adds them, and made again by a copy as it writes each row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/context.hpp"
#include "ledger/database.hpp"
#include "ledger/migrations.hpp"
#include "seatkey/keygen/ledger/chain.hpp"

namespace seatkey::keygen::detail {

// The schema step that adds them, with the indexes on issue time, event time and replaces.
MigrationStep search_step(int version);

// The derived rows of a license link just inserted (`values` of the columns `names`).
void index_license(LedgerContext& ledger, const std::vector<std::string_view>& names,
                   const ChainValues& values);

// The serials a revocation list's token names (the decimal ones: every ledger serial is). A
// token that does not read names none, as on an appliance (`ledger verify` names it).
std::vector<std::int64_t> serials_named_by(std::string_view token);

// Which column of license_search a search looks in.
enum class SearchColumn { customer, order };
// "serial IN (...)": the licenses whose customer (order) holds `folded` (search_folded()),
// with parameter ?`param`; and that parameter's value.
std::string search_condition(const Database& db, SearchColumn column, const std::string& folded, int param);
std::string search_parameter(const Database& db, SearchColumn column, const std::string& folded);

}  // namespace seatkey::keygen::detail
