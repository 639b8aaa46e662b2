// What the license desk asks for: a server license, user packs or a standby license for one
// appliance. Built by
// the command line's flags or parsed from an `issue batch` JSON list (schema below).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {

inline constexpr int kMaxPacksPerOrder = 10000;         // --count and "count" bounds
inline constexpr std::size_t kMaxTextClaimBytes = 256;  // customer, order: keeps tokens small
inline constexpr std::size_t kMaxBatchFileBytes = 16u << 20;

struct ServerOrder {
  std::string appliance;  // canonical
  Edition edition = Edition::free;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> updates_until;
  std::optional<UnixTime> expires;
  bool replace = false;  // explicitly replaces the appliance's current server license
};

struct PackOrder {
  std::string appliance;  // canonical
  long long users = 0;    // 1 or 5 (any other size is refused by the rules, not here)
  int count = 1;          // identical packs, 1..kMaxPacksPerOrder
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> expires;
};

// A standby license: `appliance` becomes the standby of `primary` (a redundancy pair) and
// counts the primary's licenses.
struct StandbyOrder {
  std::string appliance;  // canonical: the standby
  std::string primary;    // canonical
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> expires;
  bool replace = false;  // explicitly replaces the primary's current standby license (voided)
};

using Order = std::variant<ServerOrder, PackOrder, StandbyOrder>;

// Input checks shared by the flags and the batch file; each throws Failure(input).
std::string parse_appliance(std::string_view typed);  // canonical ID, or the error naming what is wrong
Edition parse_edition_name(std::string_view name);    // "free", "compact", "appliance", "vm"
UnixTime parse_time(std::string_view what, std::string_view text);  // RFC 3339, years 0000-9999 in UTC
// customer/order/issuer: valid UTF-8, at most kMaxTextClaimBytes bytes, nothing a terminal
// would have to escape (control characters: C0, DEL, C1; bidirectional formatting characters).
std::string check_text(std::string_view what, std::string_view text);
int check_count(long long count);
// A serial as people type it: a decimal number from 1 (leading zeros allowed).
std::int64_t parse_serial(std::string_view typed);

// `issue batch --orders FILE`: a non-empty JSON array of order objects.
//   {"type":"server", "appliance":ID, "edition":E, "customer"?, "order"?, "updates_until"?,
//    "expires"?, "replace"?: bool}
//   {"type":"users", "appliance":ID, "users":1|5, "count"?: N (default 1), "customer"?,
//    "order"?, "expires"?}
//   {"type":"standby", "appliance":ID, "primary":ID, "customer"?, "order"?, "expires"?,
//    "replace"?: bool}
// Unknown fields, duplicated keys (at any depth), wrong types and bad values are Failure(input)
// naming the order ("order 3: ...", counted from 1).
std::vector<Order> parse_batch(std::string_view json_text);

// One order as a JSON object of the fields above without "type", which `type` gives (seatkey-server's
// POST /v1/licenses/server, /users and /standby): the same checks and messages, without "order N: ";
// a type the batch does not know is refused as the batch refuses it.
Order parse_order(std::string_view json_text, std::string_view type);

// The text fields of one JSON object (seatkey-server's void and transfer requests), read with
// the batch's strictness: text that is no JSON object, duplicated keys, an unknown field, a
// missing `required` one or one that is not a string are Failure(input); `what` names the text
// in messages ("the request"). Absent fields are absent from the map; values are not checked.
std::map<std::string, std::string> parse_text_fields(std::string_view json_text, std::string_view what,
                                                     std::initializer_list<const char*> allowed,
                                                     std::initializer_list<const char*> required);

// One line for people: "compact server license for 001A2B3C4D5E" / "2 packs of 5 users for ..."
// / "standby license for 00AABBCCDDEE, the standby of 001A2B3C4D5E".
std::string describe(const Order& order);

}  // namespace seatkey::keygen
