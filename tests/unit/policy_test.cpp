// The licensing rules in one table: each row is a license set and a time, and what the rules
// decide for every license and for the users.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/policy.hpp"

using namespace seatkey;

namespace {

constexpr UnixTime T = 1800000000;
constexpr auto kFree = Edition::free;
constexpr auto kCompact = Edition::compact;
constexpr auto kAppliance = Edition::appliance;
constexpr auto kVm = Edition::vm;
constexpr std::optional<Reason> kOk;

LicenseTerms server(const char* serial, Edition e, UnixTime iat, std::optional<UnixTime> exp = std::nullopt,
                    std::optional<UnixTime> nbf = std::nullopt) {
  return LicenseTerms{LicenseKind::server, e, rules_of(e).included_users, iat, serial, nbf, exp};
}
LicenseTerms pack(const char* serial, int users, std::optional<UnixTime> exp = std::nullopt,
                  std::optional<UnixTime> nbf = std::nullopt) {
  return LicenseTerms{LicenseKind::users, std::nullopt, users, T - 10, serial, nbf, exp};
}

LicenseTerms revoked(LicenseTerms l) {
  l.revoked = true;
  return l;
}

struct Row {
  const char* name;
  std::vector<LicenseTerms> licenses;
  UnixTime now;
  std::vector<std::optional<Reason>> rulings;
  std::optional<std::size_t> active;
  long long licensed_users;
  long long excess_users;
};

}  // namespace

TEST_CASE("policy: apply_rules - the table of rules 1 (time, duplicates) to 5") {
  const std::vector<Row> rows = {
      {"no license at all", {}, T, {}, std::nullopt, 0, 0},
      {"a pack alone has no server license",
       {pack("2", 5)},
       T,
       {Reason::no_server_license},
       std::nullopt,
       0,
       0},
      {"compact with packs: 3 + 5 + 1",
       {server("1", kCompact, T - 9), pack("2", 5), pack("3", 1)},
       T,
       {kOk, kOk, kOk},
       0,
       9,
       0},
      {"compact capped at 20: 3 + 4 x 5",
       {server("1", kCompact, T - 9), pack("2", 5), pack("3", 5), pack("4", 5), pack("5", 5)},
       T,
       {kOk, kOk, kOk, kOk, kOk},
       0,
       20,
       3},
      {"appliance and vm are unlimited",
       {server("1", kVm, T - 9), pack("2", 5), pack("3", 5), pack("4", 5), pack("5", 5), pack("6", 5)},
       T,
       {kOk, kOk, kOk, kOk, kOk, kOk},
       0,
       26,
       0},
      {"free takes no packs",
       {server("1", kFree, T - 9), pack("2", 5)},
       T,
       {kOk, Reason::free_edition},
       0,
       3,
       0},
      {"commercial beats a later free",
       {server("1", kCompact, T - 9), server("2", kFree, T - 1)},
       T,
       {kOk, Reason::superseded},
       0,
       3,
       0},
      {"the later iat wins",
       {server("1", kVm, T - 9), server("2", kAppliance, T - 5)},
       T,
       {Reason::superseded, kOk},
       1,
       1,
       0},
      {"equal iat: the larger serial wins",
       {server("10", kVm, T - 9), server("9", kVm, T - 9)},
       T,
       {kOk, Reason::superseded},
       0,
       1,
       0},
      {"expired at exp, valid just before",
       {server("1", kCompact, T - 9), pack("2", 5, T), pack("3", 1, T + 1)},
       T,
       {kOk, Reason::expired, kOk},
       0,
       4,
       0},
      {"not yet valid before nbf",
       {server("1", kCompact, T - 9), pack("2", 5, std::nullopt, T + 1)},
       T,
       {kOk, Reason::not_yet_valid},
       0,
       3,
       0},
      {"an expired server license: packs have none",
       {server("1", kCompact, T - 9, T - 1), pack("2", 5)},
       T,
       {Reason::expired, Reason::no_server_license},
       std::nullopt,
       0,
       0},
      {"an expired replacement: the older compact counts again",
       {server("1", kCompact, T - 9), server("2", kAppliance, T - 5, T - 1), pack("3", 5), pack("4", 5),
        pack("5", 5), pack("6", 5)},
       T,
       {kOk, Reason::expired, kOk, kOk, kOk, kOk},
       0,
       20,
       3},
      {"a copy of an accepted pack is a duplicate",
       {server("1", kCompact, T - 9), pack("2", 5), pack("2", 5)},
       T,
       {kOk, kOk, Reason::duplicate},
       0,
       8,
       0},
      {"an expired copy does not make the next one a duplicate",
       {server("1", kCompact, T - 9), pack("2", 5, T - 1), pack("2", 5)},
       T,
       {kOk, Reason::expired, kOk},
       0,
       8,
       0},
      {"revoked before anything else: a revoked pack frees room, a revoked server license is not active",
       {revoked(server("1", kCompact, T - 9, T - 1)), server("2", kVm, T - 5), revoked(pack("3", 5)),
        pack("4", 1)},
       T,
       {Reason::revoked, kOk, Reason::revoked, kOk},
       1,
       2,
       0},
      {"a revoked copy does not make the next one a duplicate",
       {server("1", kCompact, T - 9), revoked(pack("2", 5)), pack("2", 5)},
       T,
       {kOk, Reason::revoked, kOk},
       0,
       8,
       0},
      {"a duplicate is decided before rule 2",
       {server("1", kVm, T - 9), server("1", kVm, T - 9)},
       T,
       {kOk, Reason::duplicate},
       0,
       1,
       0},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    const Outcome out = apply_rules(row.licenses, row.now);
    REQUIRE(out.rulings.size() == row.rulings.size());
    for (std::size_t i = 0; i < row.rulings.size(); ++i) {
      CAPTURE(i);
      CHECK(out.rulings[i].reason == row.rulings[i]);
    }
    CHECK(out.active_server == row.active);
    CHECK(out.licensed() == row.active.has_value());
    CHECK(out.users.licensed_users == row.licensed_users);
    CHECK(out.users.excess_users == row.excess_users);
  }
}

TEST_CASE("policy: rulings name what they relate to - the accepted copy, the active server license and why") {
  const auto out = apply_rules({server("1", kFree, T - 1), server("2", kVm, T - 9), server("3", kVm, T - 9),
                                pack("4", 5), pack("4", 5)},
                               T);
  REQUIRE(out.active_server == 2u);
  CHECK(out.rulings[0].related == 2);
  CHECK(out.rulings[0].precedence == Precedence::commercial_over_free);
  CHECK(out.rulings[1].related == 2);
  CHECK(out.rulings[1].precedence == Precedence::larger_serial);
  CHECK(out.rulings[4].reason == Reason::duplicate);
  CHECK(out.rulings[4].related == 3);
  const auto later = apply_rules({server("1", kVm, T - 9), server("2", kVm, T - 5)}, T);
  CHECK(later.rulings[0].precedence == Precedence::issued_later);
}

TEST_CASE("policy: count_users - included users, packs and the cap, from the edition table") {
  CHECK(count_users(kCompact, 0).licensed_users == 3);
  CHECK(count_users(kCompact, 17).licensed_users == 20);
  CHECK(count_users(kCompact, 18).licensed_users == 20);
  CHECK(count_users(kCompact, 18).excess_users == 1);
  CHECK(count_users(kCompact, 18).max_users == 20);
  CHECK(count_users(kAppliance, 1000).licensed_users == 1001);
  CHECK_FALSE(count_users(kVm, 0).max_users);
  CHECK(count_users(kFree, 10).licensed_users == 3);  // packs never count on free
  CHECK(count_users(kFree, 10).pack_users == 0);
}

TEST_CASE("policy: validity_at - valid from nbf, up to but not at exp") {
  CHECK(validity_at(std::nullopt, std::nullopt, T) == kOk);
  CHECK(validity_at(T, std::nullopt, T) == kOk);
  CHECK(validity_at(T + 1, std::nullopt, T) == Reason::not_yet_valid);
  CHECK(validity_at(std::nullopt, T + 1, T) == kOk);
  CHECK(validity_at(std::nullopt, T, T) == Reason::expired);
  CHECK(validity_at(T + 5, T, T) == Reason::not_yet_valid);  // the first failing check decides
}

TEST_CASE("policy: later_change_points - every later nbf and exp, sorted, once") {
  const auto points = later_change_points({server("1", kCompact, T - 9, T + 50), pack("2", 5, T + 10, T + 5),
                                           pack("3", 1, T + 10), pack("4", 1, T - 1)},
                                          T);
  CHECK(points == std::vector<UnixTime>{T + 5, T + 10, T + 50});
}

TEST_CASE("policy: the tables - names, parsing, pack sizes") {
  CHECK(edition_list() == "free, compact, appliance, vm");
  CHECK(edition_list("|") == "free|compact|appliance|vm");
  for (const auto& e : kEditions) CHECK(parse_edition(e.name) == e.edition);
  CHECK_FALSE(parse_edition("Compact"));
  CHECK(parse_kind("server") == LicenseKind::server);
  CHECK(parse_kind("users") == LicenseKind::users);
  CHECK(parse_kind("revocation") == LicenseKind::revocation);
  CHECK(is_license(LicenseKind::server));
  CHECK(is_license(LicenseKind::users));
  CHECK_FALSE(is_license(LicenseKind::revocation));
  CHECK_FALSE(parse_kind("pack"));
  CHECK(reason_name(Reason::free_edition) == "free_edition");
  CHECK(is_valid_pack_size(1));
  CHECK(is_valid_pack_size(5));
  for (long long n : {0LL, 2LL, 3LL, 4LL, 6LL, -1LL}) CHECK_FALSE(is_valid_pack_size(n));
  CHECK_FALSE(is_commercial(kFree));
  CHECK(is_commercial(kCompact));
}

TEST_CASE("policy: serial order - all-digit serials numerically, others byte-wise, a total order") {
  CHECK(compare_serials("10", "9") > 0);
  CHECK(compare_serials("9", "10") < 0);
  CHECK(compare_serials("0010", "9") > 0);
  CHECK(compare_serials("123456789012345678901234567890", "99") > 0);  // beyond 64 bits
  CHECK(compare_serials("100", "100") == 0);
  CHECK(compare_serials("0100", "100") < 0);  // equal value: the raw text decides
  CHECK(compare_serials("abc", "abd") < 0);
  CHECK(compare_serials("A-10", "A-9") < 0);  // not all digits: byte-wise
  CHECK(compare_serials("1a", "9") < 0);      // any all-digit serial ranks above the others
  CHECK(compare_serials("9", "1a") > 0);
  // Transitive on a mixed sample (the naive "numeric if both are digits, else byte-wise"
  // rule is not: 9 < 10 < 1a < 9).
  const std::vector<std::string> s = {"9", "10", "1a", "0", "00", "a", "Z", "09", "100", "1.0", ""};
  for (const auto& a : s)
    for (const auto& b : s) {
      CHECK(compare_serials(a, b) == -compare_serials(b, a));
      for (const auto& c : s) {
        if (compare_serials(a, b) < 0 && compare_serials(b, c) < 0) CHECK(compare_serials(a, c) < 0);
      }
    }
}

TEST_CASE("policy: docs/format.md - its edition, reason and claims-by-kind tables are the code's") {
  std::ifstream in(std::string(SEATKEY_SOURCE_DIR) + "/docs/format.md");
  REQUIRE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // The rows of the table under the header line that starts with `header`.
  const auto table = [&](const std::string& header) {
    std::vector<std::string> rows;
    std::size_t i = 0;
    while (i < lines.size() && lines[i].rfind(header, 0) != 0) ++i;
    for (i += 2; i < lines.size() && lines[i].rfind("| `", 0) == 0; ++i) rows.push_back(lines[i]);
    return rows;
  };
  // The cells of a row "| a | b |", without the spaces around them. (Not std::regex: GCC 12's
  // <regex> trips -Wmaybe-uninitialized in the sanitizer build.)
  const auto cells = [](const std::string& row) {
    std::vector<std::string> out;
    for (std::size_t bar = row.find('|'), next; bar != std::string::npos; bar = next) {
      next = row.find('|', bar + 1);
      if (next == std::string::npos) break;
      const std::size_t first = row.find_first_not_of(' ', bar + 1);
      const std::size_t last = row.find_last_not_of(' ', next - 1);
      out.push_back(first < next && last > bar ? row.substr(first, last - first + 1) : "");
    }
    return out;
  };
  const auto editions = table("| edition |");
  REQUIRE(editions.size() == kEditions.size());
  for (std::size_t i = 0; i < kEditions.size(); ++i) {
    CAPTURE(editions[i]);
    const auto c = cells(editions[i]);
    REQUIRE(c.size() == 6);  // edition, what it is, included, max, packs, updates
    const EditionRules& rules = kEditions[i];
    CHECK(c[0] == "`" + std::string(rules.name) + "`");
    CHECK(c[2] == std::to_string(rules.included_users));
    CHECK(c[3] == (rules.max_users ? std::to_string(*rules.max_users) : "unlimited"));
    CHECK(c[4] == (rules.accepts_packs ? "accepted" : "refused"));
  }
  const auto reasons = table("| reason |");
  REQUIRE(reasons.size() == kReasonNames.size());
  for (std::size_t i = 0; i < kReasonNames.size(); ++i) {
    CAPTURE(reasons[i]);
    CHECK(reasons[i].rfind("| `" + std::string(kReasonNames[i]) + "` |", 0) == 0);
  }
  // Which kind carries which claim: the columns are the kinds, in the kinds table's order.
  const auto claims = table("| claim | `server` |");
  REQUIRE(claims.size() == kClaimNames.size());
  for (std::size_t i = 0; i < kClaimNames.size(); ++i) {
    CAPTURE(claims[i]);
    const auto c = cells(claims[i]);
    REQUIRE(c.size() == 1 + kKindNames.size());
    CHECK(c[0] == "`" + std::string(kClaimNames[i]) + "`");
    for (std::size_t k = 0; k < kKindNames.size(); ++k) {
      const ClaimUse use = kClaimUse[k][i];
      CHECK(c[1 + k] == (use == ClaimUse::required ? "R" : use == ClaimUse::optional ? "O" : "–"));
    }
  }
  const std::size_t header =
      std::find(lines.begin(), lines.end(), "| claim | `server` | `users` | `revocation` | `standby` |") -
      lines.begin();
  CHECK(header < lines.size());
}

namespace {

LicenseTerms standby(const char* serial, const char* primary, UnixTime iat,
                     std::optional<UnixTime> exp = std::nullopt) {
  LicenseTerms l{LicenseKind::standby, std::nullopt, 0, iat, serial, std::nullopt, exp};
  l.primary = primary;
  return l;
}
// A license bound to the primary `primary`, seen from its standby.
LicenseTerms of(const char* primary, LicenseTerms l) {
  l.primary = primary;
  return l;
}

}  // namespace

TEST_CASE("policy: standby - the standby license that applies decides whose licenses count") {
  const LicenseTerms p_server = of("P", server("1", kCompact, T - 20));
  const LicenseTerms p_pack = of("P", pack("2", 5));
  const LicenseTerms own_server = server("3", kVm, T - 20);

  // The primary's licenses count, the standby's own are wrong_appliance (related: the standby).
  auto out = apply_rules({p_server, p_pack, own_server, standby("9", "P", T - 5)}, T);
  REQUIRE(out.active_standby == 3u);
  REQUIRE(out.active_server == 0u);
  CHECK_FALSE(out.rulings[1].reason);
  CHECK(out.users.licensed_users == 8);
  CHECK(out.rulings[2].reason == Reason::wrong_appliance);
  CHECK(out.rulings[2].related == 3);
  CHECK_FALSE(out.rulings[3].reason);

  // Without a standby license (none, expired, revoked, not yet valid) the primary's are
  // wrong_appliance and the appliance's own count.
  for (const LicenseTerms& s : {standby("9", "P", T - 5, T), revoked(standby("9", "P", T - 5)), [] {
                                  auto l = standby("9", "P", T - 5);
                                  l.not_before = T + 1;
                                  return l;
                                }()}) {
    out = apply_rules({p_server, p_pack, own_server, s}, T);
    CHECK_FALSE(out.active_standby);
    CHECK(out.rulings[0].reason == Reason::wrong_appliance);
    CHECK(out.rulings[1].reason == Reason::wrong_appliance);
    REQUIRE(out.active_server == 2u);
    CHECK(out.users.licensed_users == 1);
    CHECK(out.rulings[3].reason);
  }
  CHECK(apply_rules({p_server, standby("9", "P", T - 5, T)}, T).rulings[1].reason == Reason::expired);
  CHECK(apply_rules({p_server}, T).rulings[0].reason == Reason::wrong_appliance);

  // Two standby licenses: rule 2's order (the later issue time, then the larger serial); the
  // other is superseded, and the licenses of its primary do not count.
  const LicenseTerms q_server = of("Q", server("4", kVm, T - 20));
  out = apply_rules({p_server, q_server, standby("9", "P", T - 5), standby("8", "Q", T - 6)}, T);
  REQUIRE(out.active_standby == 2u);
  CHECK(out.rulings[3].reason == Reason::superseded);
  CHECK(out.rulings[3].related == 2);
  CHECK(out.rulings[3].precedence == Precedence::issued_later);
  CHECK(out.active_server == 0u);
  CHECK(out.rulings[1].reason == Reason::wrong_appliance);
  out = apply_rules({p_server, q_server, standby("8", "P", T - 5), standby("9", "Q", T - 5)}, T);
  REQUIRE(out.active_standby == 3u);
  CHECK(out.rulings[2].precedence == Precedence::larger_serial);
  CHECK(out.active_server == 1u);

  // A copy of the standby license is a duplicate; a standby of a primary without a server
  // license leaves the appliance unlicensed (its own licenses still do not count).
  out = apply_rules({standby("9", "P", T - 5), standby("9", "P", T - 5), own_server}, T);
  CHECK(out.rulings[1].reason == Reason::duplicate);
  CHECK(out.rulings[2].reason == Reason::wrong_appliance);
  CHECK_FALSE(out.licensed());

  // The standby's nbf and exp are moments at which the outcome changes.
  CHECK(later_change_points({standby("9", "P", T - 5, T + 50)}, T) == std::vector<UnixTime>{T + 50});
}
