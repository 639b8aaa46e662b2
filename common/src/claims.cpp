#include "seatkey/common/claims.hpp"

#include <nlohmann/json.hpp>

#include "json_scan.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/text.hpp"

namespace seatkey {
namespace {

using detail::JsonMember;
using Type = JsonMember::Type;

Error invalid(std::string why) {
  return make_error(Errc::invalid_claims, std::move(why));
}

bool is_serial_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':';
}

// The claims as found in the payload, before the cross-claim rules.
struct Found {
  const JsonMember* by_name[12] = {};
};
constexpr const char* kKnown[12] = {"iss",   "jti",      "iat",   "kind",          "appliance", "edition",
                                    "users", "customer", "order", "updates_until", "nbf",       "exp"};
enum Claim {
  kIss,
  kJti,
  kIat,
  kKind,
  kAppliance,
  kEdition,
  kUsers,
  kCustomer,
  kOrder,
  kUpdatesUntil,
  kNbf,
  kExp
};

Result<std::string> want_string(const JsonMember& m) {
  if (m.type != Type::string) {
    return invalid("claim \"" + m.key + "\" must be a string, not " + json_type_name(m.type));
  }
  return m.string;
}

Result<UnixTime> want_time(const JsonMember& m) {
  auto s = want_string(m);
  if (!s) return s.error();
  auto t = parse_rfc3339(*s);
  if (!t) return invalid("claim \"" + m.key + "\" is not an RFC 3339 time");
  return *t;
}

// "\"server\" or \"users\"".
std::string kind_list() {
  std::string out;
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (i > 0) out += i + 1 == kKindNames.size() ? " or " : ", ";
    out += "\"" + std::string(kKindNames[i]) + "\"";
  }
  return out;
}

}  // namespace

Result<License> validate_license(License l) {
  if (l.issuer.empty()) return invalid("claim \"iss\" is empty");
  for (const std::string* text :
       {&l.issuer, l.customer ? &*l.customer : nullptr, l.order ? &*l.order : nullptr}) {
    if (text != nullptr && !is_valid_utf8(*text)) return invalid("a text claim is not valid UTF-8");
  }
  if (l.serial.empty() || l.serial.size() > kMaxSerialLength) {
    return invalid("claim \"jti\" must be 1 to 64 characters");
  }
  for (char c : l.serial) {
    if (!is_serial_char(c)) return invalid("claim \"jti\" has a character outside A-Z a-z 0-9 - _ . :");
  }
  auto canonical = canonical_appliance_id(l.appliance);
  if (!canonical || *canonical != l.appliance) {
    return invalid("claim \"appliance\" is not a canonical appliance ID");
  }
  if (l.kind == LicenseKind::server) {
    if (!l.edition) return invalid("server license without claim \"edition\"");
    const EditionRules& rules = rules_of(*l.edition);
    if (l.users != rules.included_users) {
      return invalid("claim \"users\" of a " + std::string(rules.name) + " server license must be " +
                     std::to_string(rules.included_users));
    }
    if (l.updates_until && !rules.updates) {
      return invalid("claim \"updates_until\" is not allowed on a free server license");
    }
  } else {
    if (l.edition) return invalid("claim \"edition\" is not allowed on a user pack");
    if (l.updates_until) return invalid("claim \"updates_until\" is not allowed on a user pack");
    if (!is_valid_pack_size(l.users)) return invalid("claim \"users\" of a user pack must be 1 or 5");
  }
  return l;
}

Result<License> parse_claims(std::string_view payload) {
  std::vector<JsonMember> members;
  std::string why;
  if (!detail::scan_json_object(payload, &members, &why)) return invalid("payload: " + why);
  Found f;
  for (const auto& m : members) {
    for (int i = 0; i < 12; ++i) {
      if (m.key == kKnown[i]) f.by_name[i] = &m;
    }
  }
  for (int required : {kIss, kJti, kIat, kKind, kAppliance, kUsers}) {
    if (f.by_name[required] == nullptr)
      return invalid(std::string("missing claim \"") + kKnown[required] + "\"");
  }
  License l;
  auto iss = want_string(*f.by_name[kIss]);
  if (!iss) return iss.error();
  l.issuer = std::move(*iss);
  auto jti = want_string(*f.by_name[kJti]);
  if (!jti) return jti.error();
  l.serial = std::move(*jti);
  auto iat = want_time(*f.by_name[kIat]);
  if (!iat) return iat.error();
  l.issued_at = *iat;
  auto kind = want_string(*f.by_name[kKind]);
  if (!kind) return kind.error();
  const std::optional<LicenseKind> parsed_kind = parse_kind(*kind);
  if (!parsed_kind) return invalid("claim \"kind\" must be " + kind_list());
  l.kind = *parsed_kind;
  auto appliance = want_string(*f.by_name[kAppliance]);
  if (!appliance) return appliance.error();
  l.appliance = std::move(*appliance);
  const JsonMember& users = *f.by_name[kUsers];
  if (users.type != Type::integer || !users.integer_fits || users.integer < 0 || users.integer > 1000000) {
    return invalid("claim \"users\" must be a small non-negative integer");
  }
  l.users = static_cast<int>(users.integer);
  if (const JsonMember* m = f.by_name[kEdition]) {
    auto e = want_string(*m);
    if (!e) return e.error();
    l.edition = parse_edition(*e);
    if (!l.edition) return invalid("claim \"edition\" is not one of " + edition_list());
  }
  for (auto [claim, field] : {std::pair{kCustomer, &l.customer}, std::pair{kOrder, &l.order}}) {
    if (const JsonMember* m = f.by_name[claim]) {
      auto s = want_string(*m);
      if (!s) return s.error();
      *field = std::move(*s);
    }
  }
  for (auto [claim, field] : {std::pair{kUpdatesUntil, &l.updates_until}, std::pair{kNbf, &l.not_before},
                              std::pair{kExp, &l.expires}}) {
    if (const JsonMember* m = f.by_name[claim]) {
      auto t = want_time(*m);
      if (!t) return t.error();
      *field = *t;
    }
  }
  return validate_license(std::move(l));
}

std::string to_payload_json(const License& l) {
  nlohmann::ordered_json j;
  j["iss"] = l.issuer;
  j["jti"] = l.serial;
  j["iat"] = format_rfc3339(l.issued_at);
  j["kind"] = std::string(kind_name(l.kind));
  j["appliance"] = l.appliance;
  if (l.edition) j["edition"] = std::string(edition_name(*l.edition));
  j["users"] = l.users;
  if (l.customer) j["customer"] = *l.customer;
  if (l.order) j["order"] = *l.order;
  if (l.updates_until) j["updates_until"] = format_rfc3339(*l.updates_until);
  if (l.not_before) j["nbf"] = format_rfc3339(*l.not_before);
  if (l.expires) j["exp"] = format_rfc3339(*l.expires);
  return j.dump();
}

}  // namespace seatkey
