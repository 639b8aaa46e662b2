// Internal: the input checks of io/input.hpp in their raising form, for code inside keygen/src
// that reads input in the middle of other work (the JSON readers, the issuing commands' `who`
// and `--reason`). Each raises the input error the public function would return.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "seatkey/common/policy.hpp"

namespace seatkey::keygen::detail {

std::string appliance_or_raise(std::string_view typed);
std::string new_appliance_or_raise(std::string_view typed);
std::string text_or_raise(std::string_view what, std::string_view text);
UnixTime time_or_raise(std::string_view what, std::string_view text);
Edition edition_or_raise(std::string_view name);
int count_or_raise(long long count);
long long target_users_or_raise(std::string_view what, long long users);
UnixTime time_or_date_or_raise(std::string_view what, std::string_view text);
std::int64_t max_per_day_or_raise(std::string_view what, long long licenses);

}  // namespace seatkey::keygen::detail
