#include "seatkey/common/packed_strings.hpp"

#include <limits>
#include <stdexcept>

namespace seatkey {

PackedStrings::PackedStrings(std::initializer_list<std::string_view> strings) {
  std::size_t bytes = 0;
  for (std::string_view s : strings) bytes += s.size();
  text_.reserve(bytes);
  ends_.reserve(strings.size());
  for (std::string_view s : strings) push_back(s);
}

void PackedStrings::push_back(std::string_view s) {
  if (s.size() > std::numeric_limits<std::uint32_t>::max() - text_.size()) {
    throw std::length_error("over 4 GiB of strings");
  }
  text_ += s;
  ends_.push_back(static_cast<std::uint32_t>(text_.size()));
}

std::vector<std::string> PackedStrings::to_strings() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (std::string_view s : *this) out.emplace_back(s);
  return out;
}

}  // namespace seatkey
