#include "seatkey/keygen/orders.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/json_keys.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using nlohmann::json;
constexpr std::size_t kMaxBatchTokens = 100000;
constexpr int kMaxBatchDepth = 4;

// The fields of one batch order, with its position for messages.
class OrderFields {
 public:
  // `prefix` names the order in messages ("order 3"); empty for a request of one order.
  OrderFields(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw_input_error(prefix_.empty() ? why : prefix_ + ": " + why);
  }

  // `skip`: a field the object may not have although the list names it (the type of a single
  // order, which the request already says).
  void only(std::initializer_list<const char*> allowed, const char* skip = nullptr) const {
    for (const auto& item : object_.items()) {
      bool known = false;
      for (const char* name : allowed)
        known = known || (item.key() == name && (skip == nullptr || item.key() != skip));
      if (!known) {
        std::string list;
        for (const char* name : allowed) {
          if (skip == nullptr || std::string_view(name) != skip)
            list += std::string(list.empty() ? "" : ", ") + name;
        }
        fail("unknown field " + detail::quoted(item.key()) + " (allowed here: " + list + ")");
      }
    }
  }
  const json* find(const char* name) const {
    auto it = object_.find(name);
    return it == object_.end() ? nullptr : &*it;
  }
  std::optional<std::string> string(const char* name, bool required = false) const {
    const json* v = find(name);
    if (v == nullptr) {
      if (required) fail("missing field \"" + std::string(name) + "\"");
      return std::nullopt;
    }
    if (!v->is_string()) fail("field \"" + std::string(name) + "\" must be a string, not " + v->type_name());
    return v->get<std::string>();
  }
  std::optional<long long> integer(const char* name, bool required = false) const {
    const json* v = find(name);
    if (v == nullptr) {
      if (required) fail("missing field \"" + std::string(name) + "\"");
      return std::nullopt;
    }
    if (!v->is_number_integer()) {
      fail("field \"" + std::string(name) + "\" must be a whole number, not " +
           (v->is_number() ? std::string("a fraction") : std::string(v->type_name())));
    }
    if (v->is_number_unsigned() && v->get<unsigned long long>() > 1000000000ull) {
      fail("field \"" + std::string(name) + "\" is out of range");
    }
    const long long n = v->get<long long>();
    if (n < -1000000000ll || n > 1000000000ll) fail("field \"" + std::string(name) + "\" is out of range");
    return n;
  }
  bool boolean(const char* name) const {
    const json* v = find(name);
    if (v == nullptr) return false;
    if (!v->is_boolean()) fail("field \"" + std::string(name) + "\" must be true or false");
    return v->get<bool>();
  }

  // Runs an input check, prefixing its message with the order.
  template <class F>
  auto checked(F&& f) const -> decltype(f()) {
    try {
      return f();
    } catch (const Failure& e) {
      if (e.kind() != Failure::Kind::input) throw;
      fail(e.what());
    }
  }

 private:
  const json& object_;
  std::string prefix_;
};

template <class T>
std::optional<T> optional_text(const OrderFields& f, const char* name) {
  auto s = f.string(name);
  if (!s) return std::nullopt;
  return f.checked([&] { return check_text(name, *s); });
}

std::optional<UnixTime> optional_time(const OrderFields& f, const char* name) {
  auto s = f.string(name);
  if (!s) return std::nullopt;
  return f.checked([&] { return parse_time(name, *s); });
}

// One order object; `fixed_type` is the type a request for one order already says (the object
// must then have no "type" field).
Order parse_one(const json& item, const std::string& prefix, const char* fixed_type = nullptr) {
  OrderFields f(item, prefix);
  if (!item.is_object()) f.fail(std::string("must be a JSON object, not ") + item.type_name());
  const std::string type = fixed_type != nullptr ? fixed_type : *f.string("type", true);
  const std::string typed_appliance = *f.string("appliance", true);
  if (type == "server") {
    f.only({"type", "appliance", "edition", "customer", "order", "updates_until", "expires", "replace"},
           fixed_type != nullptr ? "type" : nullptr);
    ServerOrder o;
    o.appliance = f.checked([&] { return parse_appliance(typed_appliance); });
    const std::string edition = *f.string("edition", true);
    o.edition = f.checked([&] { return parse_edition_name(edition); });
    o.customer = optional_text<std::string>(f, "customer");
    o.order = optional_text<std::string>(f, "order");
    o.updates_until = optional_time(f, "updates_until");
    o.expires = optional_time(f, "expires");
    o.replace = f.boolean("replace");
    return o;
  }
  if (type == "users") {
    f.only({"type", "appliance", "users", "count", "customer", "order", "expires"},
           fixed_type != nullptr ? "type" : nullptr);
    PackOrder o;
    o.appliance = f.checked([&] { return parse_appliance(typed_appliance); });
    o.users = *f.integer("users", true);
    const long long count = f.integer("count").value_or(1);
    o.count = f.checked([&] { return check_count(count); });
    o.customer = optional_text<std::string>(f, "customer");
    o.order = optional_text<std::string>(f, "order");
    o.expires = optional_time(f, "expires");
    return o;
  }
  if (type == "standby") {
    f.only({"type", "appliance", "primary", "customer", "order", "expires", "replace"});
    StandbyOrder o;
    o.appliance = f.checked([&] { return parse_appliance(typed_appliance); });
    const std::string primary = *f.string("primary", true);
    o.primary = f.checked([&] { return parse_appliance(primary); });
    o.customer = optional_text<std::string>(f, "customer");
    o.order = optional_text<std::string>(f, "order");
    o.expires = optional_time(f, "expires");
    o.replace = f.boolean("replace");
    return o;
  }
  f.fail("field \"type\" must be \"server\", \"users\" or \"standby\", not " + detail::quoted(type));
}

}  // namespace

std::string parse_appliance(std::string_view typed) {
  auto id = canonical_appliance_id(typed);
  if (!id) throw_input_error("invalid appliance ID " + detail::quoted(typed) + ": " + id.error().message);
  return std::move(*id);
}

Edition parse_edition_name(std::string_view name) {
  auto e = parse_edition(name);
  if (!e) throw_input_error("unknown edition " + detail::quoted(name) + " (one of: " + edition_list() + ")");
  return *e;
}

UnixTime parse_time(std::string_view what, std::string_view text) {
  auto t = parse_rfc3339(text);
  if (!t) {
    throw_input_error(std::string(what) + " " + detail::quoted(text) +
                      " is not an RFC 3339 time in the years 0000-9999 (like 2027-12-31T23:59:59Z)");
  }
  return *t;
}

std::int64_t parse_serial(std::string_view typed) {
  std::int64_t value = 0;
  bool digits = !typed.empty() && typed.size() <= 18;  // 18 digits never overflow
  for (char c : typed) {
    if (!digits || c < '0' || c > '9') {
      digits = false;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (!digits || value < 1) {
    throw_input_error("not a serial: " + detail::quoted(typed) +
                      " (serials are numbers from 1, as ledger list shows them)");
  }
  return value;
}

std::string check_text(std::string_view what, std::string_view text) {
  if (text.empty()) throw_input_error(std::string(what) + " is empty");
  if (text.size() > kMaxTextClaimBytes) {
    throw_input_error(std::string(what) + " is " + std::to_string(text.size()) +
                      " bytes, over the limit of " + std::to_string(kMaxTextClaimBytes));
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) throw_input_error(std::string(what) + " contains a control character");
  }
  if (!is_valid_utf8(text)) throw_input_error(std::string(what) + " is not valid UTF-8");
  // What a terminal would have to escape (C1 controls, bidirectional overrides, isolates and
  // marks: they can disguise the text around them) has no place in a license: one code point
  // at a time, terminal_safe() decides.
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::string_view point = text.substr(i, n);
    const std::string escaped = terminal_safe(point);
    if (escaped != point) {
      // terminal_safe() writes "\x85" for a C1 control, "\u202e" for the others.
      throw_input_error(
          std::string(what) + " contains " +
          (escaped[1] == 'x' ? "a control character (" : "a bidirectional formatting character (") + escaped +
          "), which could disguise what a terminal shows");
    }
    i += n;
  }
  return std::string(text);
}

int check_count(long long count) {
  if (count < 1 || count > kMaxPacksPerOrder) {
    throw_input_error("count must be 1 to " + std::to_string(kMaxPacksPerOrder) + ", not " +
                      std::to_string(count));
  }
  return static_cast<int>(count);
}

namespace {

// Parses JSON refusing NUL bytes, duplicated keys and deep nesting. `what` names the text in
// messages ("orders file"); `item_name` the objects of a list in duplicated-key messages
// ("order"), or null for one object.
json parse_strict(std::string_view json_text, const std::string& what, const char* item_name) {
  if (std::string nul = nul_byte_in(json_text); !nul.empty()) {
    throw_input_error(what + " is not valid JSON: " + nul);
  }
  ObjectKeys open_objects;
  std::size_t item_index = 0;
  const int max_depth = item_name != nullptr ? kMaxBatchDepth : kMaxBatchDepth - 1;
  const auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > max_depth) throw_input_error(what + " nests too deeply");
    switch (event) {
      case json::parse_event_t::object_start:
        if (depth == 1) ++item_index;
        open_objects.enter_object();
        break;
      case json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!open_objects.add(key)) {
          throw_input_error((item_name != nullptr
                                 ? std::string(item_name) + " " + std::to_string(item_index) + ": "
                                 : std::string()) +
                            "duplicated key " + detail::quoted(key));
        }
        break;
      }
      case json::parse_event_t::object_end: open_objects.leave_object(); break;
      default: break;
    }
    return true;
  };
  try {
    return json::parse(json_text.begin(), json_text.end(), callback);
  } catch (const json::parse_error& e) {
    throw_input_error(what + " is not valid JSON: " + e.what());
  } catch (const json::out_of_range& e) {  // a number beyond double's range, e.g. 1e999
    throw_input_error(what + " is not valid JSON: " + e.what());
  }
}

}  // namespace

std::map<std::string, std::string> parse_text_fields(std::string_view json_text, std::string_view what,
                                                     std::initializer_list<const char*> allowed,
                                                     std::initializer_list<const char*> required) {
  const std::string name(what);
  const json doc = parse_strict(json_text, name, nullptr);
  if (!doc.is_object()) throw_input_error(name + " must be a JSON object, not " + doc.type_name());
  const OrderFields f(doc, "");
  f.only(allowed);
  std::map<std::string, std::string> out;
  for (const char* field : allowed) {
    bool needed = false;
    for (const char* r : required) needed = needed || std::string_view(r) == field;
    if (auto v = f.string(field, needed)) out.emplace(field, std::move(*v));
  }
  return out;
}

Order parse_order(std::string_view json_text, std::string_view type) {
  const json doc = parse_strict(json_text, "the order", nullptr);
  if (!doc.is_object())
    throw_input_error(std::string("the order must be a JSON object, not ") + doc.type_name());
  if (doc.contains("type")) {
    throw_input_error("unknown field \"type\": the request already says the kind of license (" +
                      std::string(type) + ")");
  }
  const std::string fixed(type);
  return parse_one(doc, "", fixed.c_str());
}

std::vector<Order> parse_batch(std::string_view json_text) {
  if (json_text.size() > kMaxBatchFileBytes) throw_input_error("the orders file is larger than 16 MiB");
  const json doc = parse_strict(json_text, "orders file", "order");
  if (!doc.is_array()) {
    throw_input_error(std::string("orders file must hold a JSON array of orders, not ") + doc.type_name());
  }
  if (doc.empty()) throw_input_error("orders file holds no orders");
  std::vector<Order> orders;
  std::size_t tokens = 0;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    orders.push_back(parse_one(doc[i], "order " + std::to_string(i + 1)));
    if (const auto* p = std::get_if<PackOrder>(&orders.back())) {
      tokens += static_cast<std::size_t>(p->count);
    } else {
      ++tokens;
    }
  }
  if (tokens > kMaxBatchTokens) {
    throw_input_error("the batch asks for " + std::to_string(tokens) + " tokens; one batch issues at most " +
                      std::to_string(kMaxBatchTokens));
  }
  return orders;
}

std::string describe(const Order& order) {
  if (const auto* s = std::get_if<ServerOrder>(&order)) {
    return std::string(edition_name(s->edition)) + " server license for " + s->appliance;
  }
  if (const auto* s = std::get_if<StandbyOrder>(&order)) {
    return "standby license for " + s->appliance + ", the standby of " + s->primary;
  }
  const auto& p = std::get<PackOrder>(order);
  return std::to_string(p.count) + (p.count == 1 ? " pack of " : " packs of ") + std::to_string(p.users) +
         (p.users == 1 ? " user" : " users") + " for " + p.appliance;
}

}  // namespace seatkey::keygen
