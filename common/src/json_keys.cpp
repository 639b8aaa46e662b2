#include "seatkey/common/json_keys.hpp"

#include <algorithm>

namespace seatkey {

bool ObjectKeys::add(std::string_view key) {
  if (open_.empty()) return true;
  auto& keys = open_.back();
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return false;
  keys.emplace_back(key);
  return true;
}

std::string nul_byte_in(std::string_view text) {
  const std::size_t nul = text.find('\0');
  if (nul == std::string_view::npos) return {};
  return "a NUL byte at offset " + std::to_string(nul);
}

}  // namespace seatkey
