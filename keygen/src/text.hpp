// Internal: how the keygen shows text from outside (customers, orders, IDs) in its messages.
#pragma once

#include <string>
#include <string_view>

namespace seatkey::keygen::detail {

// A JSON string literal of `s` (quotes, escapes; invalid UTF-8 replaced), with the control
// and bidirectional formatting characters JSON keeps escaped too: safe in one terminal line.
std::string quoted(std::string_view s);

// "0644": the permission bits of a st_mode, for messages.
std::string octal_mode(unsigned mode);

}  // namespace seatkey::keygen::detail
