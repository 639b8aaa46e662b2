// The licensing rules, in one place: the edition table, the kinds of license, the reasons a
// license is not accepted, the ranking of server licenses, validity in time, and the count of
// users. The verifier's evaluate() and the vendor tool's issuing rules both decide with
// apply_rules(), so the tool never issues what an appliance would count differently.
// Pure logic: no I/O, no cryptography, no allocation beyond the outcome's vector.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/editions.h"

namespace seatkey {

using UnixTime = std::int64_t;

// ---- Editions ------------------------------------------------------------------------------

// The editions are listed once, in seatkey/editions.h (the C API numbers them); their rules are
// kEditions, in the same order.
#define SEATKEY_EDITION_ENUMERATOR(name, NAME, value) name,
enum class Edition { SEATKEY_EDITIONS(SEATKEY_EDITION_ENUMERATOR) };
#undef SEATKEY_EDITION_ENUMERATOR

struct EditionRules {
  Edition edition;
  std::string_view name;
  std::string_view display_name;  // for people: "Compact edition"
  bool commercial;                // a commercial edition outranks free (rule 2)
  int included_users;
  std::optional<int> max_users;  // nullopt: unlimited
  bool accepts_packs;
  bool updates;  // may carry an update option; free is never updated
};

inline constexpr std::array<EditionRules, 4> kEditions{{
    // policy.cpp checks the order
    {Edition::free, "free", "Free", false, 3, 3, false, false},
    {Edition::compact, "compact", "Compact", true, 3, 20, true, true},
    {Edition::appliance, "appliance", "Appliance", true, 1, std::nullopt, true, true},
    {Edition::vm, "vm", "VM", true, 1, std::nullopt, true, true},
}};

constexpr const EditionRules& rules_of(Edition e) {
  return kEditions[static_cast<std::size_t>(e)];
}
constexpr std::string_view edition_name(Edition e) {
  return rules_of(e).name;
}
constexpr bool is_commercial(Edition e) {
  return rules_of(e).commercial;
}
// Whether moving from edition `from` to edition `to` takes away what the edition table grants:
// a commercial edition for free, or a lower maximum of users (compact's 20 below the unlimited
// appliance and vm). Appliance and VM rank alike. What seatkey-verify install calls a lower
// edition.
constexpr bool is_lower_edition(Edition to, Edition from) {
  const EditionRules& t = rules_of(to);
  const EditionRules& f = rules_of(from);
  if (f.commercial && !t.commercial) return true;
  return t.max_users.has_value() && (!f.max_users.has_value() || *t.max_users < *f.max_users);
}
std::optional<Edition> parse_edition(std::string_view name) noexcept;
// "free, compact, appliance, vm" (or with another separator), for help texts and messages.
std::string edition_list(std::string_view separator = ", ");

// ---- Kinds of token ------------------------------------------------------------------------

// What a token is (its `kind` claim). Server licenses, user packs and standby licenses are
// licenses, bound to an appliance, and are what the rules below decide on; a revocation list is
// bound to none and names the serials the vendor took back. A standby license makes its
// appliance the standby of a primary appliance (a redundancy pair): it carries no users of its
// own. Each kind's claims are in claims.cpp.
enum class LicenseKind { server, users, revocation, standby };

inline constexpr std::array<std::string_view, 4> kKindNames{{"server", "users", "revocation", "standby"}};

constexpr std::string_view kind_name(LicenseKind k) {
  return kKindNames[static_cast<std::size_t>(k)];
}
std::optional<LicenseKind> parse_kind(std::string_view name) noexcept;
// A license (bound to an appliance, decided on by apply_rules()), not a revocation list.
constexpr bool is_license(LicenseKind k) {
  return k != LicenseKind::revocation;
}

// The users a pack may carry.
inline constexpr std::array<int, 2> kPackSizes{{1, 5}};
constexpr bool is_valid_pack_size(long long users) {
  for (int size : kPackSizes) {
    if (users == size) return true;
  }
  return false;
}

// ---- Reasons -------------------------------------------------------------------------------

// Why a license is not accepted, in the order the checks run: the first failing one decides.
// The first five are decided on the token alone (format, key, signature, claims, binding);
// apply_rules() decides the others.
enum class Reason {
  malformed,
  unknown_key,
  bad_signature,
  invalid_claims,
  wrong_appliance,
  revoked,  // its serial is on the revocation list that applies (voided in the vendor's ledger)
  not_yet_valid,
  expired,
  duplicate,
  superseded,
  no_server_license,
  free_edition,
};

inline constexpr std::array<std::string_view, 12> kReasonNames{{
    "malformed",
    "unknown_key",
    "bad_signature",
    "invalid_claims",
    "wrong_appliance",
    "revoked",
    "not_yet_valid",
    "expired",
    "duplicate",
    "superseded",
    "no_server_license",
    "free_edition",
}};

constexpr std::string_view reason_name(Reason r) {
  return kReasonNames[static_cast<std::size_t>(r)];
}

// ---- Rules ---------------------------------------------------------------------------------

// A total order of serials (negative, zero, positive like strcmp): all-digit serials compare
// by numeric value (leading zeros ignored; on equal value the raw text decides) and rank above
// any other serial; those compare byte-wise.
int compare_serials(std::string_view a, std::string_view b) noexcept;

// nbf and exp at time t: nullopt (valid), Reason::not_yet_valid (t < nbf) or Reason::expired
// (t >= exp: a license is valid up to, not at, its exp).
std::optional<Reason> validity_at(const std::optional<UnixTime>& not_before,
                                  const std::optional<UnixTime>& expires, UnixTime t) noexcept;

// What the rules read of a license (a server license, a user pack or a standby license: never
// a revocation list) whose signature and claims checked out, and which is bound to the
// appliance being evaluated or (a server license or pack) to a primary that a standby license
// bound to it names.
struct LicenseTerms {
  LicenseKind kind = LicenseKind::users;
  std::optional<Edition> edition;  // server licenses
  int users = 0;
  UnixTime issued_at = 0;
  std::string_view serial;  // the caller keeps the text alive
  std::optional<UnixTime> not_before;
  std::optional<UnixTime> expires;
  bool revoked = false;  // on the revocation list that applies (voided, on the vendor's side)
  // A standby license: the primary it names. A server license or pack: empty when it is bound
  // to the appliance being evaluated, else the appliance it is bound to (a primary, whose
  // licenses count only through a standby license naming it).
  std::string_view primary = {};
};

// Why one server license beat another under rule 2.
enum class Precedence { commercial_over_free, issued_later, larger_serial };

// Rule 2: does server license a beat server license b? A commercial edition beats free, then
// the later issue time, then the larger serial. Sets *why when given and a wins.
bool outranks(const LicenseTerms& a, const LicenseTerms& b, Precedence* why = nullptr) noexcept;

// The users an edition grants with `pack_users` users of accepted packs (rules 4 and 5).
struct UserCount {
  int included_users = 0;
  long long pack_users = 0;  // the packs that count (0 on an edition without packs)
  long long licensed_users = 0;
  std::optional<int> max_users;  // nullopt: unlimited
  long long excess_users = 0;    // what the cap cut off
};
UserCount count_users(Edition edition, long long pack_users) noexcept;

// One license's fate under apply_rules().
struct Ruling {
  std::optional<Reason> reason;  // nullopt: accepted
  // duplicate: the index of the accepted copy; superseded: the index of the active server
  // license; otherwise unused.
  std::size_t related = 0;
  Precedence precedence = Precedence::issued_later;  // superseded: why the active one won
};

struct Outcome {
  std::vector<Ruling> rulings;               // one per license, in input order
  std::optional<std::size_t> active_server;  // index of the active server license
  UserCount users;                           // zero when there is no active server license
  // Index of the standby license that applies: then the licenses that count are its
  // primary's, and the appliance is that primary's standby.
  std::optional<std::size_t> active_standby;

  bool licensed() const noexcept { return active_server.has_value(); }
};

// Rules 1 (revocation, validity in time and duplicates, in input order) and 2 to 5 at time
// `now`, after the standby rule:
//  - standby: of the standby licenses that are valid (not revoked, within nbf/exp, no
//    duplicate) the one outranks() puts first applies (the later issue time, then the larger
//    serial); the others are superseded. While one applies, exactly the licenses bound to its
//    primary take part in the rules below: the appliance's own licenses and those of any other
//    primary are wrong_appliance (related: the standby license). Without one, the licenses of
//    a primary are wrong_appliance and the appliance's own take part. One appliance's
//    licenses count, never a mix: a standby mirrors its primary, it does not add to it;
//  - revoked when the license says so; then not_yet_valid / expired by validity_at();
//  - duplicate: the serial of a license accepted earlier in the list;
//  - rule 2: of the valid server licenses the one outranks() puts first is active, the others
//    are superseded;
//  - rule 3: without an active server license every pack is no_server_license;
//  - rule 4: on free every pack is free_edition;
//  - rule 5: otherwise every pack is accepted and count_users() caps the sum.
Outcome apply_rules(const std::vector<LicenseTerms>& licenses, UnixTime now);

// The moments after `now` at which apply_rules() may decide differently: every nbf and exp
// later than now, sorted, each once. Between two of them the outcome does not change.
std::vector<UnixTime> later_change_points(const std::vector<LicenseTerms>& licenses, UnixTime now);

}  // namespace seatkey
