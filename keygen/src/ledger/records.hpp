// Internal: license rows and events as a SELECT reads them (schema.hpp's specs, then the link's
// chain_hash and, for a license, how an event took it back), for the stores and the chain's
// readers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/database.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/ledger/rows.hpp"

namespace seatkey::keygen::detail {

// "SELECT <the license spec's columns>, chain_hash, <the type of the event that took it back>
// FROM licenses" for a ledger of `version` (the columns it lacks read as NULL).
std::string select_licenses(int version);
int license_column(std::string_view name);  // its index in select_licenses()
int license_chain_hash_column();
// The row, or a ledger_corrupt error: "row 7 (appliance 001A2B3C4D5E) is corrupt: ...".
Result<LedgerEntry> read_license(const Statement& s);

// "SELECT <the event spec's columns>, chain_hash FROM events".
std::string select_events(int version);
int event_column(std::string_view name);
int event_chain_hash_column();
// The event, or a ledger_corrupt error: "event 9 is corrupt: ...".
Result<LedgerEvent> read_event(const Statement& s);

// The schema version that added the codes and their events.
inline constexpr int kCodesVersion = 6;
// The schema version that made API tokens' creations and revocations links of the chain.
inline constexpr int kTokenChainVersion = 7;
// The schema version that gave API tokens an expiry and a quota.
inline constexpr int kTokenLimitsVersion = 8;
// The schema version that added the search tables and the indexes of time (ledger/search.hpp).
inline constexpr int kSearchVersion = 9;
// "SELECT <the token event spec's columns>, chain_hash FROM token_events" for a ledger of
// `version` (the columns it lacks read as NULL).
std::string select_token_events(int version);
Result<TokenEvent> read_token_event(const Statement& s);

// The tables whose rows are links of the chain in a ledger of `version`.
std::vector<std::string_view> link_tables(int version);
// The table of a link type's rows.
std::string_view link_table(ChainLinkType type);

// "SELECT <the code spec's columns>, chain_hash FROM codes" (a version-6 table, whole).
std::string select_codes();
// The code, or a ledger_corrupt error: "code 12 is corrupt: ...".
Result<CodeRow> read_code(const Statement& s);
// "SELECT <the code event spec's columns>, chain_hash FROM code_events".
std::string select_code_events();
Result<CodeEvent> read_code_event(const Statement& s);

// Binds ?1 and ?2 to a period's bounds as text, for "t >= ?1 AND t < ?2": RFC 3339 times of one
// form (format_rfc3339) compare as text; no bound is the earliest ("") or later than any ("~").
void bind_period(Statement& s, const std::optional<UnixTime>& since, const std::optional<UnixTime>& until);

// A chain_hash as stored: nullopt unless it is 32 bytes.
std::optional<ChainHash> as_chain_hash(const std::string& bytes);

}  // namespace seatkey::keygen::detail
