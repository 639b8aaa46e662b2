#include "seatkey/common/claims.hpp"

#include "json_scan.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/text.hpp"

namespace seatkey {
namespace {

using detail::JsonMember;
using Type = JsonMember::Type;

constexpr std::size_t kClaimCount = kClaimNames.size();
static_assert(kClaimCount == static_cast<std::size_t>(Claim::code) + 1, "a name for every Claim");
static_assert(kClaimUse.size() == kKindNames.size(), "a row of kClaimUse for every kind");

constexpr bool every_kind_requires_the_common_claims() {
  for (const auto& row : kClaimUse) {
    for (Claim c : {Claim::iss, Claim::jti, Claim::iat, Claim::kind}) {
      if (row[static_cast<std::size_t>(c)] != ClaimUse::required) return false;
    }
  }
  return true;
}
// The kind claim decides which row applies: every row must require it (and what identifies a
// token: iss, jti, iat).
static_assert(every_kind_requires_the_common_claims(), "iss, jti, iat and kind are required on every kind");

Error invalid(std::string why) {
  return make_error(Errc::invalid_claims, std::move(why));
}

std::string quoted(Claim c) {
  return "\"" + std::string(claim_name(c)) + "\"";
}

bool is_serial_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':';
}

// nullopt when `serial` is a valid serial, else what is wrong with it.
std::optional<std::string> serial_problem(std::string_view serial) {
  if (serial.empty() || serial.size() > kMaxSerialLength) return std::string("must be 1 to 64 characters");
  for (char c : serial) {
    if (!is_serial_char(c)) return std::string("has a character outside A-Z a-z 0-9 - _ . :");
  }
  return std::nullopt;
}

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

// "\"server\", \"users\" or \"revocation\"".
std::string kind_list() {
  std::string out;
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (i > 0) out += i + 1 == kKindNames.size() ? " or " : ", ";
    out += "\"" + std::string(kKindNames[i]) + "\"";
  }
  return out;
}

std::optional<Error> check_issuer_and_serial(const std::string& issuer, const std::string& serial) {
  if (issuer.empty()) return invalid("claim \"iss\" is empty");
  if (!is_valid_utf8(issuer)) return invalid("a text claim is not valid UTF-8");
  if (auto why = serial_problem(serial)) return invalid("claim \"jti\" " + *why);
  return std::nullopt;
}

// The members of a scanned payload, by Claim (nullptr: absent).
// The members by Claim; not const: a revocation list's serials are moved out, not copied.
using Members = std::array<JsonMember*, kClaimCount>;

Result<License> license_from(LicenseKind kind, const Members& m) {
  License l;
  l.kind = kind;
  auto appliance = want_string(*m[static_cast<std::size_t>(Claim::appliance)]);
  if (!appliance) return appliance.error();
  l.appliance = std::move(*appliance);
  if (const JsonMember* users = m[static_cast<std::size_t>(Claim::users)]) {
    if (users->type != Type::integer || !users->integer_fits || users->integer < 0 ||
        users->integer > 1000000) {
      return invalid("claim \"users\" must be a small non-negative integer");
    }
    l.users = static_cast<int>(users->integer);
  }
  if (const JsonMember* e = m[static_cast<std::size_t>(Claim::edition)]) {
    auto name = want_string(*e);
    if (!name) return name.error();
    l.edition = parse_edition(*name);
    if (!l.edition) return invalid("claim \"edition\" is not one of " + edition_list());
  }
  for (auto [claim, field] : {std::pair{Claim::customer, &l.customer}, std::pair{Claim::order, &l.order},
                              std::pair{Claim::primary, &l.primary}}) {
    if (const JsonMember* member = m[static_cast<std::size_t>(claim)]) {
      auto s = want_string(*member);
      if (!s) return s.error();
      *field = std::move(*s);
    }
  }
  if (const JsonMember* code = m[static_cast<std::size_t>(Claim::code)]) {
    if (code->type != Type::integer || !code->integer_fits || code->integer < 1 ||
        code->integer > kMaxCodeNumber) {
      return invalid("claim \"code\" must be an integer from 1 to 9007199254740991");
    }
    l.code = code->integer;
  }
  for (auto [claim, field] : {std::pair{Claim::updates_until, &l.updates_until},
                              std::pair{Claim::nbf, &l.not_before}, std::pair{Claim::exp, &l.expires}}) {
    if (const JsonMember* member = m[static_cast<std::size_t>(claim)]) {
      auto t = want_time(*member);
      if (!t) return t.error();
      *field = *t;
    }
  }
  return l;
}

Result<RevocationList> revocation_list_from(const Members& m) {
  RevocationList r;
  const JsonMember& seq = *m[static_cast<std::size_t>(Claim::seq)];
  if (seq.type != Type::integer || !seq.integer_fits || seq.integer < 1 || seq.integer > kMaxRevocationSeq) {
    return invalid("claim \"seq\" must be an integer from 1 to 9007199254740991");
  }
  r.seq = seq.integer;
  JsonMember& revoked = *m[static_cast<std::size_t>(Claim::revoked)];
  if (revoked.type != Type::array || !revoked.only_strings) {
    return invalid("claim \"revoked\" must be an array of serials (strings)");
  }
  r.revoked = std::move(revoked.strings);
  return r;
}

}  // namespace

LicenseKind kind_of(const Claims& claims) noexcept {
  if (const auto* l = std::get_if<License>(&claims)) return l->kind;
  return LicenseKind::revocation;
}

std::string_view kind_description(LicenseKind kind) noexcept {
  switch (kind) {
    case LicenseKind::server: return "server license";
    case LicenseKind::users: return "user pack";
    case LicenseKind::revocation: return "revocation list";
    case LicenseKind::standby: return "standby license";
  }
  return "token";
}

std::optional<Error> check_claim_presence(LicenseKind kind, const ClaimsPresent& present) {
  for (std::size_t i = 0; i < kClaimCount; ++i) {
    const ClaimUse use = kClaimUse[static_cast<std::size_t>(kind)][i];
    const Claim c = static_cast<Claim>(i);
    if (use == ClaimUse::required && !present[i]) {
      return invalid("missing claim " + quoted(c) + ", which a " + std::string(kind_description(kind)) +
                     " requires");
    }
    if (use == ClaimUse::forbidden && present[i]) {
      return invalid("claim " + quoted(c) + " is not allowed on a " + std::string(kind_description(kind)));
    }
  }
  return std::nullopt;
}

std::optional<Error> check_license_values(const License& l) {
  if (!is_license(l.kind)) return invalid("a revocation list is not a license");
  if (auto e = check_issuer_and_serial(l.issuer, l.serial)) return *e;
  for (const std::string* text : {l.customer ? &*l.customer : nullptr, l.order ? &*l.order : nullptr}) {
    if (text != nullptr && !is_valid_utf8(*text)) return invalid("a text claim is not valid UTF-8");
  }
  if (l.code && (*l.code < 1 || *l.code > kMaxCodeNumber)) {
    return invalid("claim \"code\" must be an integer from 1 to 9007199254740991");
  }
  auto canonical = canonical_appliance_id(l.appliance);
  if (!canonical || *canonical != l.appliance) {
    return invalid("claim \"appliance\" is not a canonical appliance ID");
  }
  if (l.kind == LicenseKind::server) {
    if (!l.edition) return invalid("missing claim \"edition\", which a server license requires");
    const EditionRules& rules = rules_of(*l.edition);
    if (l.users != rules.included_users) {
      return invalid("claim \"users\" of a " + std::string(rules.name) + " server license must be " +
                     std::to_string(rules.included_users));
    }
    if (l.updates_until && !rules.updates) {
      return invalid("claim \"updates_until\" is not allowed on a free server license");
    }
  } else if (l.kind == LicenseKind::standby) {
    if (!l.primary) return invalid("missing claim \"primary\", which a standby license requires");
    // A primary's ID is shown to admins and compared byte for byte: canonical only, like the
    // appliance's. A standby of itself would make its own licenses count twice over.
    auto primary = canonical_appliance_id(*l.primary);
    if (!primary || *primary != *l.primary)
      return invalid("claim \"primary\" is not a canonical appliance ID");
    if (*l.primary == l.appliance) {
      return invalid(
          "claim \"primary\" names the standby's own appliance: a standby license pairs two appliances");
    }
  } else if (!is_valid_pack_size(l.users)) {
    return invalid("claim \"users\" of a user pack must be 1 or 5");
  }
  return std::nullopt;
}

bool names_serial(const PackedStrings& serials, std::string_view serial) noexcept {
  std::size_t low = 0;
  std::size_t high = serials.size();
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    const int c = compare_serials(serials[mid], serial);
    if (c == 0) return true;
    if (c < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return false;
}

std::optional<Error> check_revocation_list_values(const RevocationList& r) {
  if (auto e = check_issuer_and_serial(r.issuer, r.serial)) return *e;
  if (r.seq < 1 || r.seq > kMaxRevocationSeq) {
    return invalid("claim \"seq\" must be an integer from 1 to 9007199254740991");
  }
  for (std::size_t i = 0; i < r.revoked.size(); ++i) {
    if (auto why = serial_problem(r.revoked[i])) {
      return invalid("claim \"revoked\": element " + std::to_string(i + 1) + " is not a serial: it " + *why);
    }
    // Serials only from here on: safe to quote.
    if (i > 0 && compare_serials(r.revoked[i - 1], r.revoked[i]) >= 0) {
      return invalid("claim \"revoked\" must list each serial once, in order: \"" +
                     std::string(r.revoked[i]) + "\" follows \"" + std::string(r.revoked[i - 1]) + "\"");
    }
  }
  return std::nullopt;
}

Result<Claims> parse_token_claims(std::string_view payload) {
  auto scanned = detail::scan_json_object(payload);
  if (!scanned) return invalid("payload: " + scanned.error().message);
  std::vector<JsonMember>& members = *scanned;
  Members m{};
  ClaimsPresent present{};
  for (auto& member : members) {
    for (std::size_t i = 0; i < kClaimCount; ++i) {
      if (member.key == kClaimNames[i]) {
        m[i] = &member;
        present[i] = true;
      }
    }
  }
  for (Claim c : {Claim::iss, Claim::jti, Claim::iat, Claim::kind}) {
    if (!present[static_cast<std::size_t>(c)]) return invalid("missing claim " + quoted(c));
  }
  auto iss = want_string(*m[static_cast<std::size_t>(Claim::iss)]);
  if (!iss) return iss.error();
  auto jti = want_string(*m[static_cast<std::size_t>(Claim::jti)]);
  if (!jti) return jti.error();
  auto iat = want_time(*m[static_cast<std::size_t>(Claim::iat)]);
  if (!iat) return iat.error();
  auto kind_text = want_string(*m[static_cast<std::size_t>(Claim::kind)]);
  if (!kind_text) return kind_text.error();
  const std::optional<LicenseKind> kind = parse_kind(*kind_text);
  if (!kind) return invalid("claim \"kind\" must be " + kind_list());
  if (auto e = check_claim_presence(*kind, present)) return *e;

  if (*kind == LicenseKind::revocation) {
    auto r = revocation_list_from(m);
    if (!r) return r.error();
    r->issuer = std::move(*iss);
    r->serial = std::move(*jti);
    r->issued_at = *iat;
    if (auto e = check_revocation_list_values(*r)) return *e;
    return Claims{std::move(*r)};
  }
  auto l = license_from(*kind, m);
  if (!l) return l.error();
  l->issuer = std::move(*iss);
  l->serial = std::move(*jti);
  l->issued_at = *iat;
  if (auto e = check_license_values(*l)) return *e;
  return Claims{std::move(*l)};
}

Result<License> parse_claims(std::string_view payload) {
  auto claims = parse_token_claims(payload);
  if (!claims) return claims.error();
  if (auto* l = std::get_if<License>(&*claims)) return std::move(*l);
  return invalid("claim \"kind\" is \"revocation\": a revocation list, not a license");
}

}  // namespace seatkey
