// The issuing rules (rules.hpp): each refusal raised with its code and its numbers.
#include "seatkey/keygen/issuing/rules.hpp"

#include <algorithm>

#include "raise.hpp"
#include "seatkey/common/text.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using detail::guarded;
using detail::raise;

// "the compact server license 7"
std::string server_text(const LedgerEntry& e) {
  return "the " + std::string(edition_name(*e.edition)) + " server license " + std::to_string(e.serial);
}

// " (its compact server license 7 expired at 2026-01-01T00:00:00Z)" or "".
std::string expired_note(const ApplianceState& state) {
  const LedgerEntry* old = state.expired_server();
  if (old == nullptr) return "";
  return " (its " + std::string(edition_name(*old->edition)) + " server license " +
         std::to_string(old->serial) + " expired at " + format_rfc3339(*old->expires) + ")";
}

void check_expiry(const std::optional<UnixTime>& expires, UnixTime now) {
  if (expires && *expires <= now) {
    raise(Code::expires_in_past, "expiry " + format_rfc3339(*expires) + " is not in the future (now " +
                                     format_rfc3339(now) + "): the license would be expired on arrival");
  }
}

// "standby license 12 (appliance 00AABBCCDDEE, the standby of 001A2B3C4D5E, issued ...)"
std::string standby_text(const LedgerEntry& e) {
  return "standby license " + std::to_string(e.serial) + " (appliance " + e.appliance + ", the standby of " +
         *e.primary_appliance + ", issued " + format_rfc3339(e.issued_at) + ")";
}

// The editions that take user packs: "compact|appliance|vm".
std::string editions_taking_packs() {
  std::string out;
  for (const EditionRules& e : kEditions) {
    if (e.accepts_packs) out += (out.empty() ? "" : "|") + std::string(e.name);
  }
  return out;
}

// "seatkey-keygen issue server --appliance X --edition compact": what a command-line user runs to
// give appliance X a server license of `editions` ("compact" or "compact|appliance|vm").
std::string issue_server_command(const std::string& appliance, const std::string& editions,
                                 bool replace = false) {
  return "seatkey-keygen issue server --appliance " + appliance + " --edition " + editions +
         (replace ? " --replace" : "");
}

// "seatkey-keygen void 12": what a command-line user runs to take license 12 back.
std::string void_command(std::int64_t serial) {
  return "seatkey-keygen void " + std::to_string(serial) + " --reason TEXT";
}

// A standby counts its primary's licenses, never its own: licenses issued for it would be
// sold for nothing.
void refuse_on_a_standby(const ApplianceState& state) {
  const LedgerEntry* standby = state.active_standby();
  if (standby == nullptr) return;
  const std::string& primary = *standby->primary_appliance;
  raise(Code::appliance_is_standby,
        "appliance " + state.appliance() + " is the standby of " + primary + " (standby license " +
            std::to_string(standby->serial) +
            "): a standby counts only its primary's licenses, so its own would not count; issue for " +
            primary + ", or void standby license " + std::to_string(standby->serial) + " first",
        {{"appliance", state.appliance()}, {"primary", primary}, {"standby_serial", standby->serial}},
        void_command(standby->serial));
}

// The entry behind the active server license of `outcome`, if any.
const LedgerEntry* active_entry(const Outcome& outcome, const std::vector<LedgerEntry>& entries) {
  return outcome.active_server ? &entries[*outcome.active_server] : nullptr;
}

// A second server license: an upgrade from free, or a replacement (never a commercial one by
// free, never before a license issued after this clock).
void refuse_second_server_license(const ApplianceState& state, const ServerOrder& order,
                                  const LedgerEntry& current, UnixTime now) {
  const std::string current_text =
      server_text(current) + " (issued " + format_rfc3339(current.issued_at) + ")";
  const std::vector<Member> members{{"appliance", state.appliance()}, {"serial", current.serial}};
  const bool upgrade = !is_commercial(*current.edition) && is_commercial(order.edition);
  const bool downgrade = is_commercial(*current.edition) && !is_commercial(order.edition);
  if (!upgrade && !order.replace) {
    // The replacement is the command to run only where the next rule would let it through.
    raise(Code::second_server_license,
          "appliance " + state.appliance() + " already has " + current_text +
              "; a second server license is issued only to upgrade free to a commercial edition, or as a "
              "replacement that reissues it (the old one is voided)",
          members,
          downgrade
              ? std::string()
              : issue_server_command(state.appliance(), std::string(edition_name(order.edition)), true));
  }
  if (downgrade) {
    raise(Code::free_replaces_commercial,
          "a " + std::string(edition_name(order.edition)) + " server license cannot replace " + current_text +
              ": the verifier ranks any commercial license above free, so the new one would be superseded",
          members);
  }
  if (now < current.issued_at) {
    raise(Code::clock_behind,
          current_text + " was issued after this machine's clock (" + format_rfc3339(now) +
              "): a new license would rank below it; fix the clock",
          {{"serial", current.serial}});
  }
}

void server_order_rules(const ApplianceState& state, const ServerOrder& order, UnixTime now) {
  const EditionRules& edition = rules_of(order.edition);
  if (order.target_users && *order.target_users < edition.included_users) {
    raise(Code::target_below_included,
          "a " + std::string(edition.display_name) + " server license includes " +
              std::to_string(edition.included_users) + " users: an installation with it has at least " +
              std::to_string(edition.included_users) + ", not " + std::to_string(*order.target_users),
          {{"edition", std::string(edition.name)},
           {"included_users", static_cast<std::int64_t>(edition.included_users)},
           {"target_users", static_cast<std::int64_t>(*order.target_users)}});
  }
  refuse_on_a_standby(state);
  const EditionRules& rules = rules_of(order.edition);
  if (order.updates_until && !rules.updates) {
    raise(Code::edition_not_updated,
          "a " + std::string(rules.name) + " server license cannot have updates until a date: the " +
              std::string(rules.name) + " edition is never updated; leave the date out",
          {{"edition", std::string(rules.name)}});
  }
  check_expiry(order.expires, now);
  const LedgerEntry* current = state.active_server();
  if (current != nullptr) return refuse_second_server_license(state, order, *current, now);
  if (order.replace) {
    raise(Code::nothing_to_replace,
          "nothing to replace: appliance " + state.appliance() + " has no active server license on record" +
              expired_note(state) +
              "; check the appliance ID, or issue a new server license rather than a "
              "replacement",
          {{"appliance", state.appliance()}},
          issue_server_command(state.appliance(), std::string(edition_name(order.edition))));
  }
}

void pack_order_rules(const ApplianceState& state, const PackOrder& order, UnixTime now) {
  refuse_on_a_standby(state);
  if (!is_valid_pack_size(order.users)) {
    raise(
        Code::pack_size,
        "a user pack holds exactly " + pack_size_list(" or ") + " users, not " + std::to_string(order.users),
        {{"users", static_cast<std::int64_t>(order.users)}});
  }
  check_expiry(order.expires, now);
  const LedgerEntry* server = state.active_server();
  if (server == nullptr) {
    raise(Code::no_server_license,
          "appliance " + state.appliance() + " has no server license on record" + expired_note(state) +
              ": issue its server license first",
          {{"appliance", state.appliance()}},
          issue_server_command(state.appliance(), editions_taking_packs()));
  }
  const EditionRules& rules = rules_of(*server->edition);
  if (!rules.accepts_packs) {
    raise(
        Code::free_takes_no_packs,
        "appliance " + state.appliance() + " runs the " + std::string(rules.name) +
            " edition (server license " + std::to_string(server->serial) +
            "), which takes no user packs: upgrade it to a commercial edition first",
        {{"appliance", state.appliance()}, {"edition", std::string(rules.name)}, {"serial", server->serial}},
        issue_server_command(state.appliance(), editions_taking_packs()));
  }
}

// " at 2027-01-01T00:00:00Z, when the compact server license 9 has expired and ... counts again"
std::string moment_text(const ApplianceState& after, const Outcome& after_now, const LedgerEntry& server,
                        UnixTime t) {
  if (t == after.now()) return "";
  std::string when = " at " + format_rfc3339(t);
  const LedgerEntry* active_now = active_entry(after_now, after.history());
  if (active_now != nullptr && active_now->serial != server.serial) {
    when +=
        ", when " + server_text(*active_now) + " has expired and " + server_text(server) + " counts again";
  }
  return when;
}

// The refusal of an order that would cut off users at `t`.
[[noreturn]] void refuse_over_maximum(const ApplianceState& state, const ApplianceState& after,
                                      const Order& order, const Outcome& after_now, UnixTime t) {
  const Outcome with = t == state.now() ? after_now : after.outcome_at(t);
  const Outcome without = state.outcome_at(t);
  const LedgerEntry& server = *active_entry(with, after.history());
  const EditionRules& rules = rules_of(*server.edition);
  const std::string max = std::to_string(*rules.max_users);
  const long long total = with.users.included_users + with.users.pack_users;
  const std::string when = moment_text(after, after_now, server, t);
  const long long had = without.licensed() ? without.users.included_users + without.users.pack_users : 0;
  const std::vector<Member> members{{"appliance", state.appliance()},
                                    {"edition", std::string(rules.name)},
                                    {"max_users", static_cast<std::int64_t>(*rules.max_users)},
                                    {"current_users", static_cast<std::int64_t>(had)},
                                    {"users_after", static_cast<std::int64_t>(total)}};
  if (std::holds_alternative<ServerOrder>(order)) {
    raise(Code::compact_max_users,
          "a " + std::string(rules.name) + " server license allows at most " + max +
              " users, but appliance " + state.appliance() + " would then count " + std::to_string(total) +
              when + " (" + std::to_string(with.users.included_users) + " included + " +
              std::to_string(with.users.pack_users) + " in packs on record)",
          members);
  }
  const long long room = std::max<long long>(0, *rules.max_users - had);
  raise(Code::compact_max_users,
        describe(order) + " would take the " + std::string(rules.name) + " appliance to " +
            std::to_string(total) + " users" + when + ", over its maximum of " + max + " (it has " +
            std::to_string(had) + (t != state.now() ? " then" : "") + ": " +
            std::to_string(without.users.included_users) + " included + " +
            std::to_string(without.users.pack_users) + " in packs; room for " + std::to_string(room) +
            " more)",
        members);
}

ApplianceState effect_rules(const ApplianceState& state, const Order& order,
                            const std::vector<LedgerEntry>& added) {
  ApplianceState after = state;
  after.reserve_more(added.size());
  for (const LedgerEntry& e : added) after.record(e);
  const UnixTime now = state.now();
  const Outcome after_now = after.outcome_at(now);
  if (const auto* server = std::get_if<ServerOrder>(&order)) {
    const LedgerEntry* active = active_entry(after_now, after.history());
    if (active == nullptr || active->serial != added.front().serial) {
      raise(Code::not_active,
            "the new " + std::string(edition_name(server->edition)) + " server license would not be " +
                "the active one on appliance " + state.appliance() +
                (active ? ": " + server_text(*active) + " ranks above it" : std::string()),
            {{"appliance", state.appliance()}});
    }
  }
  std::vector<UnixTime> moments{now};
  for (UnixTime t : after.later_change_points()) moments.push_back(t);
  for (UnixTime t : moments) {
    const Outcome with = t == now ? after_now : after.outcome_at(t);
    if (with.users.excess_users > state.outcome_at(t).users.excess_users) {
      refuse_over_maximum(state, after, order, after_now, t);
    }
  }
  return after;
}

// The primary: licensed on its own, with a commercial server license.
void refuse_primary(const ApplianceState& primary) {
  const std::string& p = primary.appliance();
  if (const LedgerEntry* its = primary.active_standby()) {
    raise(Code::primary_is_standby,
          "appliance " + p + " is itself the standby of " + *its->primary_appliance + " (" +
              standby_text(*its) + "): the primary of a standby must run on licenses of its own",
          {{"primary", p}});
  }
  const LedgerEntry* server = primary.active_server();
  if (server == nullptr) {
    raise(Code::no_server_license,
          "primary " + p + " has no active server license on record" + expired_note(primary) +
              ": a standby runs on its primary's licenses; issue the primary's server license first",
          {{"appliance", p}});
  }
  if (!is_commercial(*server->edition)) {
    raise(Code::primary_not_commercial,
          "primary " + p + " runs the " + std::string(edition_name(*server->edition)) +
              " edition (server license " + std::to_string(server->serial) +
              "): a standby needs a primary with a commercial server license",
          {{"primary", p}});
  }
}

// The primary's standby licenses that count now (one at most, unless the ledger was written by
// hand): replaced, or in the way.
std::vector<LedgerEntry> current_standbys(const std::vector<LedgerEntry>& of_primary,
                                          const StandbyOrder& order, const std::string& p, UnixTime now) {
  std::vector<LedgerEntry> current;
  for (const LedgerEntry& e : of_primary) {
    if (!e.voided && !(e.expires && *e.expires <= now)) current.push_back(e);
  }
  if (!current.empty() && !order.replace) {
    raise(Code::standby_exists,
          "primary " + p + " already has " + standby_text(current.front()) +
              "; one standby per primary: issue the new one as its replacement (the old one is voided)",
          {{"primary", p}, {"serial", current.front().serial}},
          "seatkey-keygen issue standby --appliance " + order.appliance + " --primary " + p + " --replace");
  }
  if (current.empty() && order.replace) {
    raise(Code::nothing_to_replace,
          "nothing to replace: primary " + p +
              " has no active standby license on record; check the appliance IDs, or issue a new standby "
              "license rather than a replacement",
          {{"appliance", p}},
          "seatkey-keygen issue standby --appliance " + order.appliance + " --primary " + p);
  }
  return current;
}

// The standby appliance: not another primary's standby, and with no licenses of its own.
void refuse_standby_appliance(const ApplianceState& standby, const std::vector<LedgerEntry>& replaced,
                              UnixTime now) {
  const std::string& s = standby.appliance();
  const auto is_replaced = [&](std::int64_t serial) {
    return std::any_of(replaced.begin(), replaced.end(),
                       [&](const LedgerEntry& e) { return e.serial == serial; });
  };
  if (const LedgerEntry* its = standby.active_standby(); its != nullptr && !is_replaced(its->serial)) {
    raise(Code::already_standby,
          "appliance " + s + " is already the standby of " + *its->primary_appliance + " (" +
              standby_text(*its) + "); void that standby license first",
          {{"appliance", s}, {"serial", its->serial}}, void_command(its->serial));
  }
  std::string own;
  int owned = 0;
  for (const LedgerEntry& e : standby.history()) {
    if (e.kind == LicenseKind::standby || e.voided || (e.expires && *e.expires <= now)) continue;
    own += (own.empty() ? "" : ", ") + std::to_string(e.serial);
    ++owned;
  }
  if (!own.empty()) {
    raise(Code::standby_has_licenses,
          "appliance " + s + " has licenses of its own on record (serial" + (owned == 1 ? " " : "s ") + own +
              "): a standby counts only its primary's licenses, so they would no longer count; void or "
              "transfer "
              "them first",
          {{"appliance", s}});
  }
}

std::vector<PackOrder> plan_packs(const ApplianceState& state, const PackOrder& like, long long target,
                                  UnixTime now) {
  PackOrder probe = like;
  probe.users = kPackSizes.back();
  pack_order_rules(state, probe, now);  // a server license that takes packs, not a standby
  const UserCount& users = state.users();
  const std::string& id = state.appliance();
  const EditionRules& edition = rules_of(*state.active_server()->edition);
  if (users.max_users && target > *users.max_users) {
    raise(Code::compact_max_users,
          "appliance " + id + " runs the " + std::string(edition.display_name) +
              " edition, which allows at most " + std::to_string(*users.max_users) + " users, not " +
              std::to_string(target),
          {{"appliance", id},
           {"edition", std::string(edition.name)},
           {"max_users", static_cast<std::int64_t>(*users.max_users)},
           {"current_users", static_cast<std::int64_t>(users.licensed_users)},
           {"users_after", static_cast<std::int64_t>(target)}});
  }
  if (target <= users.licensed_users) {
    raise(Code::target_reached,
          "appliance " + id + " has " + std::to_string(users.licensed_users) + " users already" +
              (target < users.licensed_users ? " (fewer users means voiding packs)" : "") +
              ": no packs to issue for " + std::to_string(target),
          {{"appliance", id},
           {"licensed_users", static_cast<std::int64_t>(users.licensed_users)},
           {"target_users", static_cast<std::int64_t>(target)}});
  }
  std::vector<PackOrder> packs;
  long long missing = target - users.licensed_users;
  for (auto size = kPackSizes.rbegin(); size != kPackSizes.rend() && missing > 0; ++size) {
    if (missing < *size) continue;
    PackOrder p = like;
    p.target_users.reset();
    p.users = *size;
    p.count = static_cast<int>(missing / *size);
    missing -= p.users * p.count;
    packs.push_back(std::move(p));
  }
  return packs;
}

}  // namespace

Result<std::vector<PackOrder>> packs_to_reach(const ApplianceState& state, const PackOrder& like,
                                              long long target, UnixTime now) {
  return guarded([&] { return plan_packs(state, like, target, now); });
}

Result<void> check_server_order(const ApplianceState& state, const ServerOrder& order, UnixTime now) {
  return guarded([&] { server_order_rules(state, order, now); });
}

Result<void> check_pack_order(const ApplianceState& state, const PackOrder& order, UnixTime now) {
  return guarded([&] { pack_order_rules(state, order, now); });
}

Result<void> check_effect(const ApplianceState& state, const Order& order,
                          const std::vector<LedgerEntry>& added) {
  return guarded([&] { effect_rules(state, order, added); });
}

Result<ApplianceState> state_after(const ApplianceState& state, const Order& order,
                                   const std::vector<LedgerEntry>& added) {
  return guarded([&] { return effect_rules(state, order, added); });
}

Result<std::vector<LedgerEntry>> check_standby_order(const ApplianceState& standby,
                                                     const ApplianceState& primary,
                                                     const std::vector<LedgerEntry>& of_primary,
                                                     const StandbyOrder& order, UnixTime now) {
  return guarded([&] {
    if (standby.appliance() == primary.appliance()) {
      raise(Code::standby_of_itself,
            "a standby license pairs two appliances, but the standby and its primary are both " +
                standby.appliance(),
            {{"appliance", standby.appliance()}});
    }
    check_expiry(order.expires, now);
    refuse_primary(primary);
    std::vector<LedgerEntry> current = current_standbys(of_primary, order, primary.appliance(), now);
    refuse_standby_appliance(standby, current, now);
    return current;
  });
}

}  // namespace seatkey::keygen
