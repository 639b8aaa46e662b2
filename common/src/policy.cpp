#include "seatkey/common/policy.hpp"

#include <algorithm>
#include <unordered_map>

namespace seatkey {
namespace {

constexpr bool editions_in_enum_order() {
  for (std::size_t i = 0; i < kEditions.size(); ++i) {
    if (static_cast<std::size_t>(kEditions[i].edition) != i) return false;
  }
  return true;
}
static_assert(editions_in_enum_order(), "kEditions is indexed by Edition");
static_assert(kKindNames.size() == static_cast<std::size_t>(LicenseKind::standby) + 1,
              "a name for every LicenseKind");
static_assert(kReasonNames.size() == static_cast<std::size_t>(Reason::free_edition) + 1,
              "a name for every Reason");

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int sign_of(int v) noexcept {
  return (v > 0) - (v < 0);
}

bool is_commercial_server(const LicenseTerms& l) noexcept {
  return l.edition && is_commercial(*l.edition);
}

}  // namespace

std::optional<Edition> parse_edition(std::string_view name) noexcept {
  for (const auto& e : kEditions) {
    if (e.name == name) return e.edition;
  }
  return std::nullopt;
}

std::string edition_list(std::string_view separator) {
  std::string out;
  for (const auto& e : kEditions) {
    if (!out.empty()) out += separator;
    out += e.name;
  }
  return out;
}

std::optional<LicenseKind> parse_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<LicenseKind>(i);
  }
  return std::nullopt;
}

int compare_serials(std::string_view a, std::string_view b) noexcept {
  const bool na = all_digits(a);
  const bool nb = all_digits(b);
  if (na != nb) return na ? 1 : -1;
  if (na) {
    std::string_view va = a.substr(std::min(a.find_first_not_of('0'), a.size()));
    std::string_view vb = b.substr(std::min(b.find_first_not_of('0'), b.size()));
    if (va.size() != vb.size()) return va.size() < vb.size() ? -1 : 1;
    if (int c = va.compare(vb); c != 0) return sign_of(c);
  }
  return sign_of(a.compare(b));
}

std::optional<Reason> validity_at(const std::optional<UnixTime>& not_before,
                                  const std::optional<UnixTime>& expires, UnixTime t) noexcept {
  if (not_before && t < *not_before) return Reason::not_yet_valid;
  if (expires && t >= *expires) return Reason::expired;
  return std::nullopt;
}

bool outranks(const LicenseTerms& a, const LicenseTerms& b, Precedence* why) noexcept {
  Precedence decided;
  bool wins;
  if (is_commercial_server(a) != is_commercial_server(b)) {
    decided = Precedence::commercial_over_free;
    wins = is_commercial_server(a);
  } else if (a.issued_at != b.issued_at) {
    decided = Precedence::issued_later;
    wins = a.issued_at > b.issued_at;
  } else {
    decided = Precedence::larger_serial;
    wins = compare_serials(a.serial, b.serial) > 0;
  }
  if (wins && why != nullptr) *why = decided;
  return wins;
}

UserCount count_users(Edition edition, long long pack_users) noexcept {
  const EditionRules& rules = rules_of(edition);
  UserCount c;
  c.included_users = rules.included_users;
  c.pack_users = rules.accepts_packs ? pack_users : 0;
  c.max_users = rules.max_users;
  const long long total = c.included_users + c.pack_users;
  c.licensed_users = rules.max_users ? std::min<long long>(total, *rules.max_users) : total;
  c.excess_users = total - c.licensed_users;
  return c;
}

namespace {

// Rule 1 and the standby rule: each license alone (revoked, valid in time, not a duplicate of a
// serial accepted earlier in the list); the standby license that applies decides whose
// licenses take part, the others are wrong_appliance.
void rule_alone_and_standby(const std::vector<LicenseTerms>& licenses, UnixTime now, Outcome* out) {
  std::unordered_map<std::string_view, std::size_t> first_accepted;
  first_accepted.reserve(licenses.size());
  const auto check_alone = [&](std::size_t i) {
    Ruling& r = out->rulings[i];
    r.reason =
        licenses[i].revoked ? Reason::revoked : validity_at(licenses[i].not_before, licenses[i].expires, now);
    if (r.reason) return;
    auto [it, inserted] = first_accepted.emplace(licenses[i].serial, i);
    if (!inserted) {
      r.reason = Reason::duplicate;
      r.related = it->second;
    }
  };
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    if (licenses[i].kind != LicenseKind::standby) continue;
    check_alone(i);
    if (out->rulings[i].reason) continue;
    if (!out->active_standby || outranks(licenses[i], licenses[*out->active_standby]))
      out->active_standby = i;
  }
  const std::string_view counted = out->active_standby ? licenses[*out->active_standby].primary : "";
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    Ruling& r = out->rulings[i];
    if (licenses[i].kind != LicenseKind::standby) {
      if (licenses[i].primary != counted) {
        r.reason = Reason::wrong_appliance;
        r.related = out->active_standby.value_or(0);
      } else {
        check_alone(i);
      }
    } else if (!r.reason && i != *out->active_standby) {
      r.reason = Reason::superseded;
      r.related = *out->active_standby;
      outranks(licenses[*out->active_standby], licenses[i], &r.precedence);
    }
  }
}

// Rule 2: the active server license; the other valid ones are superseded.
void rule_active_server(const std::vector<LicenseTerms>& licenses, Outcome* out) {
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    if (out->rulings[i].reason || licenses[i].kind != LicenseKind::server) continue;
    if (!out->active_server || outranks(licenses[i], licenses[*out->active_server])) out->active_server = i;
  }
  if (!out->active_server) return;
  const LicenseTerms& active = licenses[*out->active_server];
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    Ruling& r = out->rulings[i];
    if (r.reason || licenses[i].kind != LicenseKind::server || i == *out->active_server) continue;
    r.reason = Reason::superseded;
    r.related = *out->active_server;
    outranks(active, licenses[i], &r.precedence);
  }
}

// Rules 3 to 5: the packs count under a server license of an edition that takes them.
void rule_packs(const std::vector<LicenseTerms>& licenses, Outcome* out) {
  const std::optional<Edition> edition =
      out->active_server ? licenses[*out->active_server].edition : std::optional<Edition>();
  long long pack_users = 0;
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    Ruling& r = out->rulings[i];
    if (r.reason || licenses[i].kind != LicenseKind::users) continue;
    if (!edition) {
      r.reason = Reason::no_server_license;
    } else if (!rules_of(*edition).accepts_packs) {
      r.reason = Reason::free_edition;
    } else {
      pack_users += licenses[i].users;
    }
  }
  if (edition) out->users = count_users(*edition, pack_users);
}

}  // namespace

Outcome apply_rules(const std::vector<LicenseTerms>& licenses, UnixTime now) {
  Outcome out;
  out.rulings.resize(licenses.size());
  rule_alone_and_standby(licenses, now, &out);
  rule_active_server(licenses, &out);
  rule_packs(licenses, &out);
  return out;
}

std::vector<UnixTime> later_change_points(const std::vector<LicenseTerms>& licenses, UnixTime now) {
  std::vector<UnixTime> points;
  for (const LicenseTerms& l : licenses) {
    for (const std::optional<UnixTime>& t : {l.not_before, l.expires}) {
      if (t && *t > now) points.push_back(*t);
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

}  // namespace seatkey
