// The edition table of spec section 1, in one place.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace seatkey {

enum class Edition { free, compact, appliance, vm };

struct EditionRules {
  Edition edition;
  std::string_view name;
  int included_users;
  std::optional<int> max_users;  // nullopt: unlimited
  bool accepts_packs;
  bool updates;
};

inline constexpr std::array<EditionRules, 4> kEditions{{
    {Edition::free, "free", 3, 3, false, false},
    {Edition::compact, "compact", 3, 20, true, true},
    {Edition::appliance, "appliance", 1, std::nullopt, true, true},
    {Edition::vm, "vm", 1, std::nullopt, true, true},
}};

constexpr const EditionRules& rules_of(Edition e) {
  return kEditions[static_cast<int>(e)];
}
constexpr std::string_view edition_name(Edition e) {
  return rules_of(e).name;
}
std::optional<Edition> parse_edition(std::string_view name) noexcept;
inline constexpr bool is_commercial(Edition e) {
  return e != Edition::free;
}

// User pack sizes a pack may carry.
inline constexpr bool is_valid_pack_size(long long users) {
  return users == 1 || users == 5;
}

}  // namespace seatkey
