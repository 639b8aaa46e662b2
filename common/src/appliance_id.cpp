#include "seatkey/common/appliance_id.hpp"

namespace seatkey {

Result<std::string> canonical_appliance_id(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  for (std::size_t i = 0; i < typed.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(typed[i]);
    if (c == '-' || c == ':') continue;
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(static_cast<char>(c));
    } else {
      const char* what = c == ' '                ? "a space"
                         : c < 0x20 || c == 0x7f ? "a control character"
                         : c >= 0x80             ? "a non-ASCII byte"
                                                 : nullptr;
      std::string shown = what ? what : std::string("'") + static_cast<char>(c) + "'";
      return make_error(Errc::invalid_appliance_id, "invalid appliance ID: " + shown + " at position " +
                                                        std::to_string(i + 1) +
                                                        " (allowed: letters, digits, '-' and ':')");
    }
  }
  if (out.size() < kMinApplianceIdLength || out.size() > kMaxApplianceIdLength) {
    return make_error(Errc::invalid_appliance_id, "invalid appliance ID: " + std::to_string(out.size()) +
                                                      " characters without '-' and ':', must be 4 to 64");
  }
  return out;
}

}  // namespace seatkey
