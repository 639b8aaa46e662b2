#include "text.hpp"

#include <nlohmann/json.hpp>

namespace seatkey::keygen::detail {

std::string quoted(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace seatkey::keygen::detail
