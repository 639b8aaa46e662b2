#include "json_scan.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "seatkey/common/json_keys.hpp"
#include "seatkey/common/limits.hpp"

namespace seatkey::detail {
namespace {

using Json = nlohmann::json;

class ObjectScanner final : public nlohmann::json_sax<Json> {
 public:
  // `text_size`: the size of the JSON text, which bounds what an array's strings can hold.
  ObjectScanner(std::vector<JsonMember>* members, std::size_t text_size)
      : members_(members), text_size_(text_size) {}

  // Why the scan failed, once it has.
  const std::string& problem() const { return problem_; }

  bool null() override { return value(JsonMember::Type::null); }
  bool boolean(bool v) override {
    if (top_level_value()) members_->back().boolean = v;
    return value(JsonMember::Type::boolean);
  }
  bool number_integer(number_integer_t v) override {
    if (top_level_value()) {
      members_->back().integer = v;
      members_->back().integer_fits = true;
    }
    return value(JsonMember::Type::integer);
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (top_level_value() && v <= static_cast<number_unsigned_t>(INT64_MAX)) {
      members_->back().integer = static_cast<std::int64_t>(v);
      members_->back().integer_fits = true;
    }
    return value(JsonMember::Type::integer);
  }
  bool number_float(number_float_t, const string_t&) override { return value(JsonMember::Type::floating); }
  bool string(string_t& v) override {
    if (top_level_value()) members_->back().string = std::move(v);
    if (in_top_level_array()) {
      if (array_text_.size() + v.size() > UINT32_MAX) return fail("an array over 4 GiB");
      if (array_ends_.empty()) reserve_array();
      array_text_ += v;
      array_ends_.push_back(static_cast<std::uint32_t>(array_text_.size()));
    }
    return value(JsonMember::Type::string);
  }
  bool binary(binary_t&) override { return fail("binary value"); }

  bool start_object(std::size_t) override {
    if (stack_.empty() && seen_root_) return fail("trailing data");
    if (!enter(true, JsonMember::Type::object)) return false;
    return true;
  }
  bool key(string_t& k) override {
    if (!keys_.add(k)) return fail("duplicated key \"" + k.substr(0, 32) + "\"");
    if (stack_.size() == 1) {
      members_->emplace_back();
      members_->back().key = k;
    }
    return true;
  }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override {
    if (stack_.empty()) return fail("not a JSON object");
    return enter(false, JsonMember::Type::array);
  }
  bool end_array() override {
    if (in_top_level_array()) take_array_strings();
    return leave();
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    if (problem_.empty()) problem_ = "not valid JSON";
    return false;
  }

 private:
  // A value sits directly in the root object when exactly the root frame is open.
  bool top_level_value() const { return stack_.size() == 1 && stack_.back(); }
  // A value is an element of an array that is a member of the root object.
  bool in_top_level_array() const { return stack_.size() == 2 && !stack_.back(); }

  bool value(JsonMember::Type type) {
    if (stack_.empty()) return fail("not a JSON object");
    if (top_level_value()) members_->back().type = type;
    if (in_top_level_array() && type != JsonMember::Type::string) members_->back().only_strings = false;
    return true;
  }
  bool enter(bool is_object, JsonMember::Type type) {
    if (top_level_value()) members_->back().type = type;
    if (in_top_level_array()) members_->back().only_strings = false;
    if (stack_.size() >= kMaxJsonDepth) return fail("nested too deeply");
    if (stack_.empty()) {
      if (!is_object) return fail("not a JSON object");
      seen_root_ = true;
    }
    stack_.push_back(is_object);
    if (is_object) keys_.enter_object();
    return true;
  }
  bool leave() {
    if (stack_.back()) keys_.leave_object();
    stack_.pop_back();
    return true;
  }
  // A root member's array of strings is gathered as one text and its ends, which become the
  // member's PackedStrings as they are. Both are reserved for the most the rest of the JSON text
  // can hold (a string takes at least 3 bytes of it, `"",`): the memory is only touched as it
  // fills, where growing by doubling would copy a 20,000-serial list into fresh pages again
  // and again, and on an appliance those first touches are most of the list's cost.
  void reserve_array() {
    array_text_.reserve(text_size_);
    array_ends_.reserve(text_size_ / 3 + 1);
  }
  void take_array_strings() {
    members_->back().strings = PackedStrings(std::move(array_text_), std::move(array_ends_));
    array_text_ = std::string();
    array_ends_ = std::vector<std::uint32_t>();
  }
  bool fail(std::string problem) {
    problem_ = std::move(problem);
    return false;
  }

  std::vector<JsonMember>* members_;
  std::size_t text_size_;
  std::string problem_;
  std::vector<bool> stack_;                // the open containers, innermost last: true for an object
  std::string array_text_;                 // the strings of the root member's array being read, joined
  std::vector<std::uint32_t> array_ends_;  // where each ends in array_text_ (half a size_t)
  ObjectKeys keys_;
  bool seen_root_ = false;
};

}  // namespace

const char* json_type_name(JsonMember::Type type) noexcept {
  switch (type) {
    case JsonMember::Type::null: return "null";
    case JsonMember::Type::boolean: return "a boolean";
    case JsonMember::Type::integer: return "an integer";
    case JsonMember::Type::floating: return "a non-integer number";
    case JsonMember::Type::string: return "a string";
    case JsonMember::Type::object: return "an object";
    case JsonMember::Type::array: return "an array";
  }
  return "?";
}

Result<std::vector<JsonMember>> scan_json_object(std::string_view text) {
  if (std::string nul = nul_byte_in(text); !nul.empty())
    return make_error(Errc::malformed, "not valid JSON: " + nul);
  std::vector<JsonMember> members;
  ObjectScanner scanner(&members, text.size());
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &scanner, nlohmann::detail::input_format_t::json, true);
  } catch (const std::exception&) {  // allocation failure or a library surprise: not valid
    ok = false;
  }
  if (ok) return members;
  return make_error(Errc::malformed, scanner.problem().empty() ? "not valid JSON" : scanner.problem());
}

}  // namespace seatkey::detail
