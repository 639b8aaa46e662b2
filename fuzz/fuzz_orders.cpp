// The batch orders file of `seatkey-keygen issue batch` (keygen::parse_batch). Never crashes
// and throws nothing but keygen::Failure(input) naming the problem; orders that parse hold
// canonical appliance IDs, counts in 1..10000 and bounded, printable text claims.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/orders.hpp"

namespace k = seatkey::keygen;

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}

void check_text(const std::optional<std::string>& text) {
  if (text) check(k::check_text("text", *text) == *text);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<k::Order> orders;
  try {
    orders = k::parse_batch(text);
  } catch (const k::Failure& e) {
    check(e.kind() == k::Failure::Kind::input && e.what()[0] != '\0');
    return 0;
  }
  check(!orders.empty());
  for (const auto& order : orders) {
    check(!k::describe(order).empty());
    if (const auto* server = std::get_if<k::ServerOrder>(&order)) {
      check(k::parse_appliance(server->appliance) == server->appliance);
      check_text(server->customer);
      check_text(server->order);
    } else if (const auto* standby = std::get_if<k::StandbyOrder>(&order)) {
      check(k::parse_appliance(standby->appliance) == standby->appliance);
      check(k::parse_appliance(standby->primary) == standby->primary);
      check_text(standby->customer);
      check_text(standby->order);
    } else {
      const auto& pack = std::get<k::PackOrder>(order);
      check(k::parse_appliance(pack.appliance) == pack.appliance);
      check(pack.count >= 1 && pack.count <= k::kMaxPacksPerOrder);
      check_text(pack.customer);
      check_text(pack.order);
    }
  }
  return 0;
}
