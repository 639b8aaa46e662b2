#include "seatkey/common/edition.hpp"

namespace seatkey {

std::optional<Edition> parse_edition(std::string_view name) noexcept {
  for (const auto& e : kEditions) {
    if (e.name == name) return e.edition;
  }
  return std::nullopt;
}

}  // namespace seatkey
