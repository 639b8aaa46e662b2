// What the license desk asks for: a server license, user packs or a standby license for one
// appliance. Built from the command line's flags, or read from JSON by io/input.hpp (an
// `issue batch` list, a seatkey-server request).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {

struct ServerOrder {
  std::string appliance;  // canonical
  Edition edition = Edition::free;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> updates_until;
  std::optional<UnixTime> expires;
  bool replace = false;  // explicitly replaces the appliance's current server license
  // "A new installation: EDITION with N users": the users the appliance is to have in all, the
  // included ones counted; the packs that make up the rest are issued with the server license,
  // all or none (packs_to_reach()).
  std::optional<long long> target_users;
};

struct PackOrder {
  std::string appliance;  // canonical
  long long users = 0;    // 1 or 5 (any other size is refused by the rules, not here)
  int count = 1;          // identical packs, 1..kMaxPacksPerOrder (io/input.hpp)
  // "Bring the appliance to N users": when set, `users` and `count` are not given; the issuer
  // computes the packs from the appliance's licenses on record (packs_to_reach()).
  std::optional<long long> target_users;
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

// The pack sizes (kPackSizes) for messages and help: "1 or 5" (last_separator " or "), "1|5".
std::string pack_size_list(std::string_view last_separator, std::string_view separator = ", ");

// One line for people: "compact server license for 001A2B3C4D5E" / "2 packs of 5 users for ..."
// / "standby license for 00AABBCCDDEE, the standby of 001A2B3C4D5E".
std::string describe(const Order& order);

}  // namespace seatkey::keygen
