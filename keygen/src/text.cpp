#include "text.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "seatkey/common/text.hpp"

namespace seatkey::keygen::detail {

std::string quoted(std::string_view s) {
  // JSON escapes quotes, backslashes and C0 controls; terminal_safe() what JSON leaves as it
  // is (DEL, C1 controls, bidirectional formatting characters).
  return terminal_safe(
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string octal_mode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

}  // namespace seatkey::keygen::detail
