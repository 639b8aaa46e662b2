// The JSON half of io/input.hpp: `issue batch` files and seatkey-server's request bodies, read
// strictly (no NUL bytes, duplicated keys, unknown fields or deep nesting).
#include <map>

#include <nlohmann/json.hpp>

#include "io/checks.hpp"
#include "raise.hpp"
#include "seatkey/common/json_keys.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using detail::raise_input;
using nlohmann::json;
constexpr int kMaxBatchDepth = 4;

// The fields of one order object, with its position for messages.
class OrderFields {
 public:
  // `prefix` names the order in messages ("order 3"); empty for a request of one order.
  OrderFields(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  [[noreturn]] void fail(const std::string& why) const {
    raise_input(prefix_.empty() ? why : prefix_ + ": " + why);
  }

  // `skip`: a field the object may not have although the list names it (the type of a single
  // order, which the request already says).
  void only(std::initializer_list<const char*> allowed, const char* skip = nullptr) const {
    for (const auto& item : object_.items()) {
      bool known = false;
      for (const char* name : allowed)
        known = known || (item.key() == name && (skip == nullptr || item.key() != skip));
      if (known) continue;
      std::string list;
      for (const char* name : allowed) {
        if (skip == nullptr || std::string_view(name) != skip)
          list += std::string(list.empty() ? "" : ", ") + name;
      }
      fail("unknown field " + detail::quoted(item.key()) + " (allowed here: " + list + ")");
    }
  }
  const json* find(const char* name) const {
    auto it = object_.find(name);
    return it == object_.end() ? nullptr : &*it;
  }
  const json* present(const char* name, bool required) const {
    const json* v = find(name);
    if (v == nullptr && required) fail("missing field \"" + std::string(name) + "\"");
    return v;
  }
  std::optional<std::string> string(const char* name, bool required = false) const {
    const json* v = present(name, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) fail("field \"" + std::string(name) + "\" must be a string, not " + v->type_name());
    return v->get<std::string>();
  }
  std::optional<long long> integer(const char* name, bool required = false) const {
    const json* v = present(name, required);
    if (v == nullptr) return std::nullopt;
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
  // "target_users": the users an appliance is to have in all, 1 to kMaxTargetUsers.
  std::optional<long long> target_users() const {
    const auto n = integer("target_users");
    if (!n) return std::nullopt;
    return checked([&] { return detail::target_users_or_raise("field \"target_users\"", *n); });
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
    } catch (detail::Raised& r) {
      // Its own code (a mistyped appliance ID) and members stay; only the message is prefixed.
      if (r.error.kind != Kind::input) throw;
      if (!prefix_.empty()) r.error.message = prefix_ + ": " + r.error.message;
      throw;
    }
  }
  std::optional<std::string> text(const char* name) const {
    auto s = string(name);
    if (!s) return std::nullopt;
    return checked([&] { return detail::text_or_raise(name, *s); });
  }
  std::optional<UnixTime> time(const char* name) const {
    auto s = string(name);
    if (!s) return std::nullopt;
    return checked([&] { return detail::time_or_raise(name, *s); });
  }
  std::string appliance(const char* name) const {
    const std::string typed = *string(name, true);
    return checked([&] { return detail::new_appliance_or_raise(typed); });
  }

 private:
  const json& object_;
  std::string prefix_;
};

ServerOrder server_order(const OrderFields& f, const char* fixed_type) {
  f.only({"type", "appliance", "edition", "target_users", "customer", "order", "updates_until", "expires",
          "replace"},
         fixed_type != nullptr ? "type" : nullptr);
  ServerOrder o;
  o.appliance = f.appliance("appliance");
  const std::string edition = *f.string("edition", true);
  o.edition = f.checked([&] { return detail::edition_or_raise(edition); });
  o.customer = f.text("customer");
  o.order = f.text("order");
  o.updates_until = f.time("updates_until");
  o.expires = f.time("expires");
  o.replace = f.boolean("replace");
  o.target_users = f.target_users();
  return o;
}

PackOrder pack_order(const OrderFields& f, const char* fixed_type) {
  f.only({"type", "appliance", "users", "count", "target_users", "customer", "order", "expires"},
         fixed_type != nullptr ? "type" : nullptr);
  PackOrder o;
  o.appliance = f.appliance("appliance");
  // Either the packs themselves, or the users the appliance is to have in all.
  o.target_users = f.target_users();
  if (o.target_users && (f.find("users") != nullptr || f.find("count") != nullptr))
    f.fail(
        "give either \"target_users\" (the users in all) or \"users\" and \"count\" (the packs), not both");
  if (!o.target_users) {
    o.users = *f.integer("users", true);
    const long long count = f.integer("count").value_or(1);
    o.count = f.checked([&] { return detail::count_or_raise(count); });
  }
  o.customer = f.text("customer");
  o.order = f.text("order");
  o.expires = f.time("expires");
  return o;
}

StandbyOrder standby_order(const OrderFields& f) {
  f.only({"type", "appliance", "primary", "customer", "order", "expires", "replace"});
  StandbyOrder o;
  o.appliance = f.appliance("appliance");
  o.primary = f.appliance("primary");
  o.customer = f.text("customer");
  o.order = f.text("order");
  o.expires = f.time("expires");
  o.replace = f.boolean("replace");
  return o;
}

// One order object; `fixed_type` is the type a request for one order already says (the object
// must then have no "type" field).
Order parse_one(const json& item, const std::string& prefix, const char* fixed_type = nullptr) {
  OrderFields f(item, prefix);
  if (!item.is_object()) f.fail(std::string("must be a JSON object, not ") + item.type_name());
  const std::string type = fixed_type != nullptr ? fixed_type : *f.string("type", true);
  (void)f.string("appliance", true);
  if (type == kind_name(LicenseKind::server)) return server_order(f, fixed_type);
  if (type == kind_name(LicenseKind::users)) return pack_order(f, fixed_type);
  if (type == kind_name(LicenseKind::standby)) return standby_order(f);
  f.fail("field \"type\" must be \"server\", \"users\" or \"standby\", not " + detail::quoted(type));
}

// Where the parser gave up, in words a person can act on: the parser's own message names its
// internals ("[json.exception.parse_error.101] ... syntax error while parsing object key") and
// never reaches a client. `byte` is the parser's 1-based position of the byte it stopped at.
std::string where_json_fails(std::string_view text, std::size_t byte) {
  if (byte == 0 || byte > text.size()) return "it ends before the JSON is complete";
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte; ++i) {
    column = text[i] == '\n' ? 1 : column + 1;
    line += text[i] == '\n' ? 1 : 0;
  }
  return "unexpected text at line " + std::to_string(line) + ", column " + std::to_string(column) +
         " (byte " + std::to_string(byte) + ")";
}

// Parses JSON refusing NUL bytes, duplicated keys and deep nesting. `what` names the text in
// messages ("orders file"); `item_name` the objects of a list in duplicated-key messages
// ("order"), or null for one object.
json parse_strict(std::string_view json_text, const std::string& what, const char* item_name) {
  if (std::string nul = nul_byte_in(json_text); !nul.empty())
    raise_input(what + " is not valid JSON: " + nul);
  ObjectKeys open_objects;
  std::size_t item_index = 0;
  const int max_depth = item_name != nullptr ? kMaxBatchDepth : kMaxBatchDepth - 1;
  const auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > max_depth) raise_input(what + " nests too deeply");
    switch (event) {
      case json::parse_event_t::object_start:
        if (depth == 1) ++item_index;
        open_objects.enter_object();
        break;
      case json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!open_objects.add(key)) {
          raise_input((item_name != nullptr ? std::string(item_name) + " " + std::to_string(item_index) + ": "
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
  if (!is_valid_utf8(json_text)) raise_input(what + " is not valid JSON: it is not UTF-8 text");
  try {
    return json::parse(json_text.begin(), json_text.end(), callback);
  } catch (const json::parse_error& e) {
    raise_input(what + " is not valid JSON: " + where_json_fails(json_text, e.byte));
  } catch (const json::out_of_range&) {  // a number beyond double's range, e.g. 1e999
    raise_input(what + " is not valid JSON: a number is too large to read");
  }
}

// A request's one JSON object, read strictly; `what` names it in messages ("the request").
json object_of(std::string_view json_text, const std::string& what) {
  json doc = parse_strict(json_text, what, nullptr);
  if (!doc.is_object()) raise_input(what + " must be a JSON object, not " + doc.type_name());
  return doc;
}

}  // namespace

Result<std::map<std::string, std::string>> parse_text_fields(std::string_view json_text,
                                                             std::string_view what,
                                                             std::initializer_list<const char*> allowed,
                                                             std::initializer_list<const char*> required) {
  return detail::guarded([&] {
    const json doc = object_of(json_text, std::string(what));
    const OrderFields f(doc, "");
    f.only(allowed);
    std::map<std::string, std::string> out;
    for (const char* field : allowed) {
      bool needed = false;
      for (const char* r : required) needed = needed || std::string_view(r) == field;
      if (auto v = f.string(field, needed)) out.emplace(field, std::move(*v));
    }
    return out;
  });
}

Result<CodeBatch> parse_code_batch(std::string_view json_text) {
  return detail::guarded([&] {
    const json doc = object_of(json_text, "the request");
    const OrderFields f(doc, "");
    f.only({"count", "items", "reseller", "customer", "order", "valid_until"});
    CodeBatch batch;
    if (auto n = f.integer("count")) {
      if (*n < 1 || *n > kMaxCodesPerBatch)
        f.fail("field \"count\" must be from 1 to " + std::to_string(kMaxCodesPerBatch));
      batch.count = static_cast<int>(*n);
    }
    const json* items = f.present("items", true);
    if (!items->is_array() || items->empty() || items->size() > kMaxCodeItems) {
      f.fail("field \"items\" must be a list of 1 to " + std::to_string(kMaxCodeItems) +
             " items, e.g. [\"server:compact\", \"users:5x2\"]");
    }
    for (const json& item : *items) {
      if (!item.is_string()) f.fail(std::string("each item must be a string, not ") + item.type_name());
      batch.items.push_back(detail::take(parse_code_item(item.get<std::string>())));
    }
    batch.reseller = f.text("reseller");
    batch.customer = f.text("customer");
    batch.order = f.text("order");
    batch.valid_until = f.time("valid_until");
    return batch;
  });
}

Result<TokenRequest> parse_token_request(std::string_view json_text) {
  return detail::guarded([&] {
    const json doc = object_of(json_text, "the request");
    const OrderFields f(doc, "");
    f.only({"name", "role", "expires_at", "max_per_day"});
    TokenRequest request;
    request.name = *f.string("name", true);
    request.role = detail::take(parse_role_name(*f.string("role", true)));
    if (auto at = f.string("expires_at"))
      request.limits.expires_at = detail::time_or_date_or_raise("field \"expires_at\"", *at);
    if (auto n = f.integer("max_per_day"))
      request.limits.max_per_day = detail::max_per_day_or_raise("field \"max_per_day\"", *n);
    return request;
  });
}

Result<Order> parse_order(std::string_view json_text, std::string_view type) {
  return detail::guarded([&] {
    const json doc = parse_strict(json_text, "the order", nullptr);
    if (!doc.is_object()) raise_input(std::string("the order must be a JSON object, not ") + doc.type_name());
    if (doc.contains("type")) {
      raise_input("unknown field \"type\": the request already says the kind of license (" +
                  std::string(type) + ")");
    }
    const std::string fixed(type);
    return parse_one(doc, "", fixed.c_str());
  });
}

Result<std::vector<Order>> parse_batch(std::string_view json_text) {
  return detail::guarded([&] {
    if (json_text.size() > kMaxBatchFileBytes) raise_input("the orders file is larger than 16 MiB");
    const json doc = parse_strict(json_text, "orders file", "order");
    if (!doc.is_array()) {
      raise_input(std::string("orders file must hold a JSON array of orders, not ") + doc.type_name());
    }
    if (doc.empty()) raise_input("orders file holds no orders");
    std::vector<Order> orders;
    std::size_t tokens = 0;
    std::map<std::string, std::size_t> per_appliance;
    for (std::size_t i = 0; i < doc.size(); ++i) {
      orders.push_back(parse_one(doc[i], "order " + std::to_string(i + 1)));
      const auto* p = std::get_if<PackOrder>(&orders.back());
      tokens += p != nullptr ? static_cast<std::size_t>(p->count) : 1;
      const std::string& appliance =
          std::visit([](const auto& o) -> const std::string& { return o.appliance; }, orders.back());
      if (++per_appliance[appliance] > kMaxOrdersPerAppliance) {
        raise_input("the batch holds more than " + std::to_string(kMaxOrdersPerAppliance) +
                    " orders for appliance " + appliance + "; give its packs as one order with a count");
      }
    }
    if (tokens > kMaxBatchTokens) {
      raise_input("the batch asks for " + std::to_string(tokens) + " tokens; one batch issues at most " +
                  std::to_string(kMaxBatchTokens));
    }
    return orders;
  });
}

}  // namespace seatkey::keygen
