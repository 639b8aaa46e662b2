// What seatkey adds to JSON parsing for everything it reads from outside (claims, footers,
// batch orders): a key given twice in one object is refused at any depth (JSON leaves its
// meaning open, and two readers could pick different values), and so is a NUL byte, which
// nlohmann::json takes for the end of the text ("{..}\0junk" would pass as "{..}").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace seatkey {

// The keys of the objects open during a parse, innermost last.
class ObjectKeys {
 public:
  void enter_object() { open_.emplace_back(); }
  void leave_object() {
    if (!open_.empty()) open_.pop_back();
  }
  // False when the innermost open object already has this key.
  bool add(std::string_view key);
  std::size_t depth() const noexcept { return open_.size(); }

 private:
  std::vector<std::vector<std::string>> open_;
};

// "a NUL byte at offset N" when `text` holds one, else empty.
std::string nul_byte_in(std::string_view text);

}  // namespace seatkey
