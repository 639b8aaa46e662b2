// The batch orders file of `seatkey-keygen issue batch` (keygen::parse_batch). Never crashes,
// throws nothing, and fails only with an input error naming the problem; orders that parse hold
// canonical appliance IDs, counts in 1..10000 and bounded, printable text claims.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/orders.hpp"

namespace k = seatkey::keygen;

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}

void check_text(const std::optional<std::string>& text) {
  if (text) check(k::check_text("text", *text).value() == *text);
}

void check_appliance(const std::string& id) {
  const auto canonical = k::parse_appliance(id);
  check(canonical.ok() && *canonical == id);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = k::parse_batch(text);
  if (!parsed) {
    check(parsed.error().kind == k::Kind::input && !parsed.error().message.empty());
    return 0;
  }
  const std::vector<k::Order>& orders = *parsed;
  check(!orders.empty());
  for (const auto& order : orders) {
    check(!k::describe(order).empty());
    if (const auto* server = std::get_if<k::ServerOrder>(&order)) {
      check_appliance(server->appliance);
      check_text(server->customer);
      check_text(server->order);
    } else if (const auto* standby = std::get_if<k::StandbyOrder>(&order)) {
      check_appliance(standby->appliance);
      check_appliance(standby->primary);
      check_text(standby->customer);
      check_text(standby->order);
    } else {
      const auto& pack = std::get<k::PackOrder>(order);
      check_appliance(pack.appliance);
      check(pack.count >= 1 && pack.count <= k::kMaxPacksPerOrder);
      check_text(pack.customer);
      check_text(pack.order);
    }
  }
  return 0;
}
