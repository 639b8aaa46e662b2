// What people and programs type, read strictly: the checks that the command line's flags,
// `issue batch` files and seatkey-server's requests share, so that each input has one rule and
// one message wherever it comes from. Every function here returns an input error (Code::bad_input)
// naming what is wrong.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/orders.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::keygen {

inline constexpr int kMaxPacksPerOrder = 10000;         // --count and "count" bounds
inline constexpr long long kMaxTargetUsers = 50000;     // --target-users and "target_users" bounds
inline constexpr std::size_t kMaxTextClaimBytes = 256;  // customer, order: keeps tokens small
inline constexpr std::size_t kMaxBatchFileBytes = 16u << 20;
inline constexpr std::size_t kMaxBatchTokens = 100000;
// Orders of one batch for one appliance: each is checked against the appliance with all the
// batch's earlier ones, so their time grows with the square of their number while the ledger's
// write lock is held; more packs for one appliance are one order with a count.
inline constexpr std::size_t kMaxOrdersPerAppliance = 1000;
inline constexpr std::size_t kMaxTokenNameBytes = 64;
inline constexpr std::int64_t kMaxTokenQuota = 1000000;  // --max-per-day and "max_per_day" bounds

// The canonical appliance ID, or the error naming what is wrong with the typed one.
Result<std::string> parse_appliance(std::string_view typed);
// The same for an appliance about to get licenses (issue, an order, a code's redemption), which
// also catches typos: an ID written as hex byte groups (00:1a:2b:3c:4d:5e, 00-1A-...) must have
// a MAC address's 6 bytes, one written as a UUID (8-4-4-4-12 hex digits) its 16; otherwise
// Code::appliance_id_mistyped (members: form "mac" or "uuid", expected_bytes). Other IDs
// (SF-2024-00123) pass as parse_appliance() takes them, and the canonical form is the same.
// Looking up, voiding or moving licenses already issued takes parse_appliance().
Result<std::string> parse_new_appliance(std::string_view typed);
// An edition by its name (kEditions), naming the editions there are when it is none.
Result<Edition> parse_edition_name(std::string_view name);
// RFC 3339, years 0000-9999, in UTC; `what` names the input in the message ("--expires").
Result<UnixTime> parse_time(std::string_view what, std::string_view text);
// A date, YYYY-MM-DD, as the start of that day in UTC, or an RFC 3339 time (the rule of the
// filters' "since" and "until" below, and of an API token's expiry).
Result<UnixTime> parse_time_or_date(std::string_view what, std::string_view text);
// A serial as people type it: a decimal number from 1 (leading zeros allowed).
Result<std::int64_t> parse_serial(std::string_view typed);
// customer/order/issuer: valid UTF-8, at most kMaxTextClaimBytes bytes, nothing a terminal
// would have to escape (control characters: C0, DEL, C1; bidirectional formatting characters).
Result<std::string> check_text(std::string_view what, std::string_view text);
// Packs per order: 1 to kMaxPacksPerOrder.
Result<int> check_count(long long count);
// The users an appliance is to have in all: 1 to kMaxTargetUsers; `what` names the input in the
// message ("--target-users").
Result<long long> check_target_users(std::string_view what, long long users);
// A role by its name (kRoleNames), naming the roles there are when it is none.
Result<Role> parse_role_name(std::string_view name);
// A token's name: what check_text accepts, at most kMaxTokenNameBytes.
Result<std::string> check_token_name(std::string_view name);
// An API token's quota of licenses a day: 1 to kMaxTokenQuota; `what` names the input.
Result<std::int64_t> check_max_per_day(std::string_view what, long long licenses);

// ---- Filters of `ledger list` and GET /v1/licenses ------------------------------------------

// How the two spell a filter: the command line names its options "--since" and shows a wrong
// value as typed, with '|' between the choices; the server names its query parameters "since"
// and shows values JSON-quoted, with ", " between the choices, and takes pages (after, limit).
struct FilterSyntax {
  std::string_view prefix;            // "--" or ""
  bool quote_values = false;          // "happy" rather than happy
  std::string_view choice_separator;  // "|" or ", "
  bool pages = false;                 // `after` and `limit` are parameters (with a default limit)
};
inline constexpr FilterSyntax kCommandLineFilter{"--", false, "|", false};
inline constexpr FilterSyntax kQueryFilter{"", true, ", ", true};
inline constexpr std::size_t kDefaultListLimit = 1000;
inline constexpr std::size_t kMaxListLimit = 10000;

// A filter from named values ("appliance", "customer", "order", "since", "until", "kind",
// "status", and with pages "after" and "limit"), each at most once. "since" and "until" (here
// and in a period) take a date, YYYY-MM-DD, as the start of that day in UTC, or an RFC 3339 time.
Result<LedgerFilter> parse_filter(const std::vector<std::pair<std::string, std::string>>& values,
                                  const FilterSyntax& syntax);
// A period (report): "since" and "until", each at most once, since before until.
struct Period {
  std::optional<UnixTime> since, until;
};
Result<Period> parse_period(const std::vector<std::pair<std::string, std::string>>& values,
                            const FilterSyntax& syntax);

// A page of the event feed (GET /v1/events): "after", a position in the chain (0: from the
// beginning), and "limit", 1 to kMaxFeedLimit links, each at most once.
struct FeedPage {
  std::int64_t after = 0;
  std::size_t limit = kDefaultFeedLimit;
};
Result<FeedPage> parse_feed_page(const std::vector<std::pair<std::string, std::string>>& values);

// ---- JSON ------------------------------------------------------------------------------------

// `issue batch --orders FILE`: a non-empty JSON array of order objects.
//   {"type":"server", "appliance":ID, "edition":E, "target_users"?: N, "customer"?, "order"?,
//    "updates_until"?, "expires"?, "replace"?: bool}
//   {"type":"users", "appliance":ID, "users":N, "count"?: N (default 1), "customer"?,
//    "order"?, "expires"?}, or instead of "users" and "count" "target_users": N
//   ("target_users": the users the appliance is to have in all, its included ones counted: the
//   packs are computed, ServerOrder::target_users / PackOrder::target_users)
//   {"type":"standby", "appliance":ID, "primary":ID, "customer"?, "order"?, "expires"?,
//    "replace"?: bool}
// Unknown fields, duplicated keys (at any depth), wrong types and bad values are input errors
// naming the order ("order 3: ...", counted from 1). Pack sizes are the rules' to judge.
Result<std::vector<Order>> parse_batch(std::string_view json_text);

// One order as a JSON object of the fields above without "type", which `type` gives (seatkey-server's
// POST /v1/licenses/server, /users and /standby): the same checks and messages, without "order N: ";
// a type the batch does not know is refused as the batch refuses it.
Result<Order> parse_order(std::string_view json_text, std::string_view type);

// The text fields of one JSON object (seatkey-server's void and transfer requests), read with
// the batch's strictness: text that is no JSON object, duplicated keys, an unknown field, a
// missing `required` one or one that is not a string are input errors; `what` names the text
// in messages ("the request"). Absent fields are absent from the map; values are not checked.
Result<std::map<std::string, std::string>> parse_text_fields(std::string_view json_text,
                                                             std::string_view what,
                                                             std::initializer_list<const char*> allowed,
                                                             std::initializer_list<const char*> required);

// POST /v1/tokens: {"name", "role", "expires_at"?: a date or an RFC 3339 time as
// parse_time_or_date() reads it, "max_per_day"?: 1 to kMaxTokenQuota}, read with the batch's
// strictness (the name is TokenStore::create's to check).
struct TokenRequest {
  std::string name;
  Role role = Role::auditor;
  TokenLimits limits;
};
Result<TokenRequest> parse_token_request(std::string_view json_text);

}  // namespace seatkey::keygen
