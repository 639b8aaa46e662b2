#include "seatkey/keygen/issuing/orders.hpp"

namespace seatkey::keygen {

std::string describe(const Order& order) {
  if (const auto* s = std::get_if<ServerOrder>(&order)) {
    return std::string(edition_name(s->edition)) + " server license for " + s->appliance +
           (s->target_users ? " with " + std::to_string(*s->target_users) + " users" : "");
  }
  if (const auto* s = std::get_if<StandbyOrder>(&order)) {
    return "standby license for " + s->appliance + ", the standby of " + s->primary;
  }
  const auto& p = std::get<PackOrder>(order);
  if (p.target_users)
    return "user packs to bring " + p.appliance + " to " + std::to_string(*p.target_users) + " users";
  return std::to_string(p.count) + (p.count == 1 ? " pack of " : " packs of ") + std::to_string(p.users) +
         (p.users == 1 ? " user" : " users") + " for " + p.appliance;
}

std::string pack_size_list(std::string_view last_separator, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < kPackSizes.size(); ++i) {
    if (i > 0) out += std::string(i + 1 == kPackSizes.size() ? last_separator : separator);
    out += std::to_string(kPackSizes[i]);
  }
  return out;
}

}  // namespace seatkey::keygen
