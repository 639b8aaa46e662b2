#include "text.hpp"

#include <cstdio>

#include "seatkey/common/text.hpp"

namespace seatkey::keygen::detail {

std::string quoted(std::string_view s) {
  return terminal_quoted(s);
}

std::string octal_mode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

}  // namespace seatkey::keygen::detail
