#include "seatkey/keygen/rules.hpp"

#include <algorithm>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen {
namespace {

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
    throw_refusal("expiry " + format_rfc3339(*expires) + " is not in the future (now " + format_rfc3339(now) +
                  "): the license would be expired on arrival");
  }
}

// "standby license 12 (the standby of 001A2B3C4D5E on 00AABBCCDDEE, issued ...)"
std::string standby_text(const LedgerEntry& e) {
  return "standby license " + std::to_string(e.serial) + " (appliance " + e.appliance + ", the standby of " +
         *e.primary_appliance + ", issued " + format_rfc3339(e.issued_at) + ")";
}

// A standby counts its primary's licenses, never its own: licenses issued for it would be
// sold for nothing.
void refuse_on_a_standby(const ApplianceState& state) {
  const LedgerEntry* standby = state.active_standby();
  if (standby == nullptr) return;
  throw_refusal("appliance " + state.appliance() + " is the standby of " + *standby->primary_appliance +
                " (standby license " + std::to_string(standby->serial) +
                "): a standby counts only its primary's licenses, so its own would not count; issue for " +
                *standby->primary_appliance + ", or void the standby license first (seatkey-keygen void " +
                std::to_string(standby->serial) + ")");
}

// The entry behind terms index i of `entries`.
const LedgerEntry* active_entry(const Outcome& outcome, const std::vector<LedgerEntry>& entries) {
  return outcome.active_server ? &entries[*outcome.active_server] : nullptr;
}

}  // namespace

std::optional<Status> parse_status(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

ApplianceState::ApplianceState(std::string appliance, std::vector<LedgerEntry> history, UnixTime now)
    : appliance_(std::move(appliance)), now_(now) {
  history_.reserve(history.size());
  for (LedgerEntry& e : history) record(e);
}

void ApplianceState::record(const LedgerEntry& entry) {
  index_of_[entry.serial] = history_.size();
  history_.push_back(entry);
  serials_.push_back(std::to_string(entry.serial));
  now_outcome_.reset();
}

std::vector<LicenseTerms> ApplianceState::terms() const {
  std::vector<LicenseTerms> out;
  out.reserve(history_.size());
  for (std::size_t i = 0; i < history_.size(); ++i) {
    const LedgerEntry& e = history_[i];
    // A voided license is revoked by the rules the appliance runs: a voided pack frees its
    // room, a voided server license is no longer active.
    out.push_back(LicenseTerms{e.kind, e.edition, e.users, e.issued_at, serials_[i], std::nullopt, e.expires,
                               e.voided.has_value()});
    // The ledger's history of an appliance holds its own licenses and its standby licenses:
    // a standby license names its primary; the appliance's own licenses have none.
    if (e.primary_appliance) out.back().primary = *e.primary_appliance;
  }
  return out;
}

Outcome ApplianceState::outcome_at(UnixTime t) const {
  return apply_rules(terms(), t);
}

std::vector<UnixTime> ApplianceState::later_change_points() const {
  return seatkey::later_change_points(terms(), now_);
}

const Outcome& ApplianceState::outcome_now() const {
  if (!now_outcome_) now_outcome_ = outcome_at(now_);
  return *now_outcome_;
}

const LedgerEntry* ApplianceState::active_server() const {
  return active_entry(outcome_now(), history_);
}

const LedgerEntry* ApplianceState::active_standby() const {
  const Outcome& outcome = outcome_now();
  return outcome.active_standby ? &history_[*outcome.active_standby] : nullptr;
}

void ApplianceState::record_taken_back(std::int64_t serial, EventKind kind) {
  const auto it = index_of_.find(serial);
  if (it == index_of_.end()) return;
  history_[it->second].voided = kind;
  now_outcome_.reset();
}

const LedgerEntry* ApplianceState::expired_server() const {
  const LedgerEntry* newest = nullptr;
  const Outcome& outcome = outcome_now();
  for (std::size_t i = 0; i < history_.size(); ++i) {
    const LedgerEntry& e = history_[i];
    if (e.kind != LicenseKind::server || outcome.rulings[i].reason != Reason::expired) continue;
    if (newest == nullptr || *e.expires > *newest->expires) newest = &e;
  }
  return newest;
}

std::vector<const LedgerEntry*> ApplianceState::counted_packs() const {
  std::vector<const LedgerEntry*> out;
  const Outcome& outcome = outcome_now();
  for (std::size_t i = 0; i < history_.size(); ++i) {
    if (history_[i].kind == LicenseKind::users && !outcome.rulings[i].reason) out.push_back(&history_[i]);
  }
  return out;
}

const UserCount& ApplianceState::users() const {
  return outcome_now().users;
}

std::string ApplianceState::status_of(const LedgerEntry& entry) const {
  const auto it = index_of_.find(entry.serial);
  if (it == index_of_.end()) return "unknown";
  // This state's copy: it knows what was taken back since `entry` was read.
  const std::optional<EventKind>& voided = history_[it->second].voided;
  if (voided)
    return std::string(status_name(*voided == EventKind::voided ? Status::voided : Status::transferred));
  const std::optional<Reason>& reason = outcome_now().rulings[it->second].reason;
  if (reason == Reason::expired) return std::string(status_name(Status::expired));
  if (entry.kind == LicenseKind::users) return std::string(status_name(Status::active));
  return std::string(status_name(reason ? Status::superseded : Status::active));
}

void check_server_order(const ApplianceState& state, const ServerOrder& order, UnixTime now) {
  refuse_on_a_standby(state);
  const EditionRules& rules = rules_of(order.edition);
  if (order.updates_until && !rules.updates) {
    throw_refusal("a " + std::string(rules.name) + " server license cannot carry --updates-until: the " +
                  std::string(rules.name) + " edition is never updated");
  }
  check_expiry(order.expires, now);
  const LedgerEntry* current = state.active_server();
  if (current == nullptr) {
    if (order.replace) {
      throw_refusal("nothing to replace: appliance " + state.appliance() +
                    " has no active server license on record" + expired_note(state) +
                    "; check the appliance ID, or issue without --replace");
    }
    return;
  }
  const std::string current_text =
      server_text(*current) + " (issued " + format_rfc3339(current->issued_at) + ")";
  const bool upgrade = !is_commercial(*current->edition) && is_commercial(order.edition);
  if (!upgrade && !order.replace) {
    throw_refusal("appliance " + state.appliance() + " already has " + current_text +
                  "; a second server license is issued only to upgrade free to a commercial edition, "
                  "or with --replace to reissue it");
  }
  if (is_commercial(*current->edition) && !is_commercial(order.edition)) {
    throw_refusal(
        "a " + std::string(rules.name) + " server license cannot replace " + current_text +
        ": the verifier ranks any commercial license above free, so the new one would be superseded");
  }
  if (now < current->issued_at) {
    throw_refusal(current_text + " was issued after this machine's clock (" + format_rfc3339(now) +
                  "): a new license would rank below it; fix the clock");
  }
}

void check_pack_order(const ApplianceState& state, const PackOrder& order, UnixTime now) {
  refuse_on_a_standby(state);
  if (!is_valid_pack_size(order.users)) {
    throw_refusal("a user pack holds exactly 1 or 5 users, not " + std::to_string(order.users));
  }
  check_expiry(order.expires, now);
  const LedgerEntry* server = state.active_server();
  if (server == nullptr) {
    throw_refusal("appliance " + state.appliance() + " has no server license on record" +
                  expired_note(state) + ": issue its server license first (seatkey-keygen issue server)");
  }
  const EditionRules& rules = rules_of(*server->edition);
  if (!rules.accepts_packs) {
    throw_refusal("appliance " + state.appliance() + " runs the " + std::string(rules.name) +
                  " edition (server license " + std::to_string(server->serial) +
                  "), which takes no user packs: upgrade it first (seatkey-keygen issue server --edition " +
                  edition_list("|") + ")");
  }
}

void check_effect(const ApplianceState& state, const Order& order, const std::vector<LedgerEntry>& added) {
  ApplianceState after = state;
  for (const LedgerEntry& e : added) after.record(e);
  const UnixTime now = state.now();

  const Outcome after_now = after.outcome_at(now);
  if (const auto* server = std::get_if<ServerOrder>(&order)) {
    const LedgerEntry* active = active_entry(after_now, after.history());
    if (active == nullptr || active->serial != added.front().serial) {
      throw_refusal("the new " + std::string(edition_name(server->edition)) +
                    " server license would not be " + "the active one on appliance " + state.appliance() +
                    (active ? ": " + server_text(*active) + " ranks above it" : std::string()));
    }
  }

  std::vector<UnixTime> moments{now};
  for (UnixTime t : after.later_change_points()) moments.push_back(t);
  for (UnixTime t : moments) {
    const Outcome with = t == now ? after_now : after.outcome_at(t);
    const Outcome without = state.outcome_at(t);
    if (with.users.excess_users <= without.users.excess_users) continue;
    const LedgerEntry& server = *active_entry(with, after.history());
    const EditionRules& rules = rules_of(*server.edition);
    const std::string max = std::to_string(*rules.max_users);
    const long long total = with.users.included_users + with.users.pack_users;
    std::string when;
    if (t != now) {
      when = " at " + format_rfc3339(t);
      const LedgerEntry* active_now = active_entry(after_now, after.history());
      if (active_now != nullptr && active_now->serial != server.serial) {
        when += ", when " + server_text(*active_now) + " has expired and " + server_text(server) +
                " counts again";
      }
    }
    if (std::holds_alternative<ServerOrder>(order)) {
      throw_refusal("a " + std::string(rules.name) + " server license allows at most " + max +
                    " users, but appliance " + state.appliance() + " would then count " +
                    std::to_string(total) + when + " (" + std::to_string(with.users.included_users) +
                    " included + " + std::to_string(with.users.pack_users) + " in packs on record)");
    }
    const long long had = without.licensed() ? without.users.included_users + without.users.pack_users : 0;
    const long long room = std::max<long long>(0, *rules.max_users - had);
    throw_refusal(describe(order) + " would take the " + std::string(rules.name) + " appliance to " +
                  std::to_string(total) + " users" + when + ", over its maximum of " + max + " (it has " +
                  std::to_string(had) + (t != now ? " then" : "") + ": " +
                  std::to_string(without.users.included_users) + " included + " +
                  std::to_string(without.users.pack_users) + " in packs; room for " + std::to_string(room) +
                  " more)");
  }
}

std::vector<LedgerEntry> check_standby_order(const ApplianceState& standby, const ApplianceState& primary,
                                             const std::vector<LedgerEntry>& of_primary,
                                             const StandbyOrder& order, UnixTime now) {
  const std::string& s = standby.appliance();
  const std::string& p = primary.appliance();
  if (s == p) {
    throw_refusal("a standby license pairs two appliances, but --appliance and --primary are both " + s);
  }
  check_expiry(order.expires, now);
  if (const LedgerEntry* its = primary.active_standby()) {
    throw_refusal("appliance " + p + " is itself the standby of " + *its->primary_appliance + " (" +
                  standby_text(*its) + "): the primary of a standby must run on licenses of its own");
  }
  const LedgerEntry* server = primary.active_server();
  if (server == nullptr) {
    throw_refusal("primary " + p + " has no active server license on record" + expired_note(primary) +
                  ": a standby runs on its primary's licenses; issue the primary's server license first");
  }
  if (!is_commercial(*server->edition)) {
    throw_refusal("primary " + p + " runs the " + std::string(edition_name(*server->edition)) +
                  " edition (server license " + std::to_string(server->serial) +
                  "): a standby needs a primary with a commercial server license");
  }

  // The primary's standby licenses that count now (one at most, unless the ledger was written
  // by hand): replaced, or in the way.
  std::vector<LedgerEntry> current;
  for (const LedgerEntry& e : of_primary) {
    if (!e.voided && !(e.expires && *e.expires <= now)) current.push_back(e);
  }
  if (!current.empty() && !order.replace) {
    throw_refusal("primary " + p + " already has " + standby_text(current.front()) +
                  "; one standby per primary: give --replace to replace it (it is voided)");
  }
  if (current.empty() && order.replace) {
    throw_refusal(
        "nothing to replace: primary " + p +
        " has no active standby license on record; check the appliance IDs, or issue without --replace");
  }
  const auto replaced = [&](std::int64_t serial) {
    for (const LedgerEntry& e : current) {
      if (e.serial == serial) return true;
    }
    return false;
  };

  if (const LedgerEntry* its = standby.active_standby(); its != nullptr && !replaced(its->serial)) {
    throw_refusal("appliance " + s + " is already the standby of " + *its->primary_appliance + " (" +
                  standby_text(*its) + "); void that standby license first (seatkey-keygen void " +
                  std::to_string(its->serial) + ")");
  }
  std::string own;
  int owned = 0;
  for (const LedgerEntry& e : standby.history()) {
    if (e.kind == LicenseKind::standby || e.voided || (e.expires && *e.expires <= now)) continue;
    own += (own.empty() ? "" : ", ") + std::to_string(e.serial);
    ++owned;
  }
  if (!own.empty()) {
    throw_refusal("appliance " + s + " has licenses of its own on record (serial" +
                  (owned == 1 ? " " : "s ") + own +
                  "): a standby counts only its primary's licenses, so they would no longer count; void or "
                  "transfer them first");
  }
  return current;
}

}  // namespace seatkey::keygen
