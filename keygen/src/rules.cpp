#include "seatkey/keygen/rules.hpp"

#include "seatkey/common/limits.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/license_file.hpp"

namespace seatkey::keygen {
namespace {

bool commercial(const LedgerEntry& e) {
  return e.edition && is_commercial(*e.edition);
}

// " (server license 7 expired at 2026-01-01T00:00:00Z)" or "".
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

}  // namespace

bool outranks(const LedgerEntry& a, const LedgerEntry& b) {
  if (commercial(a) != commercial(b)) return commercial(a);
  if (a.issued_at != b.issued_at) return a.issued_at > b.issued_at;
  return a.serial > b.serial;
}

bool is_expired(const LedgerEntry& entry, UnixTime now) {
  return entry.expires && *entry.expires <= now;
}

ApplianceState::ApplianceState(std::string appliance, const std::vector<LedgerEntry>& history, UnixTime now)
    : appliance_(std::move(appliance)), now_(now) {
  for (const LedgerEntry& e : history) {
    if (e.kind == LicenseKind::server && is_expired(e, now)) {
      if (!expired_ || *e.expires > *expired_->expires) expired_ = e;
    } else {
      record(e);
    }
  }
}

void ApplianceState::record(const LedgerEntry& e) {
  if (is_expired(e, now_)) return;
  if (e.kind == LicenseKind::server) {
    if (!active_ || outranks(e, *active_)) active_ = e;
    return;
  }
  pack_users_ += e.users;
  pack_bytes_ += license_file_entry_bytes(e);
  packs_.push_back(e);
}

int ApplianceState::included_users() const {
  return active_ ? rules_of(*active_->edition).included_users : 0;
}

std::optional<int> ApplianceState::max_users() const {
  if (!active_) return std::nullopt;
  return rules_of(*active_->edition).max_users;
}

int ApplianceState::total_users() const {
  if (!active_) return 0;
  const EditionRules& rules = rules_of(*active_->edition);
  if (!rules.accepts_packs) return rules.included_users;
  const int total = rules.included_users + pack_users_;
  return rules.max_users ? std::min(total, *rules.max_users) : total;
}

std::size_t ApplianceState::file_tokens() const {
  return (active_ ? 1 : 0) + packs_.size();
}

std::size_t ApplianceState::file_bytes() const {
  return kLicenseFileHeaderBudget + (active_ ? license_file_entry_bytes(*active_) : 0) + pack_bytes_;
}

void check_server_order(const ApplianceState& state, const ServerOrder& order, UnixTime now) {
  const EditionRules& rules = rules_of(order.edition);
  const std::string edition(rules.name);
  if (order.updates_until && !rules.updates) {
    throw_refusal("the free edition is never updated: a free server license cannot carry --updates-until");
  }
  check_expiry(order.expires, now);
  // Packs on record stay valid under a new server license: a capped edition must hold them.
  if (rules.accepts_packs && rules.max_users &&
      rules.included_users + state.pack_users() > *rules.max_users) {
    throw_refusal("a " + edition + " server license allows at most " + std::to_string(*rules.max_users) +
                  " users, but appliance " + state.appliance() + " already has " +
                  std::to_string(state.pack_users()) + " users in packs on record (" +
                  std::to_string(rules.included_users) + " included + " + std::to_string(state.pack_users()) +
                  " = " + std::to_string(rules.included_users + state.pack_users()) + ")");
  }
  const LedgerEntry* current = state.active_server();
  if (current == nullptr) {
    if (order.replace) {
      throw_refusal("nothing to replace: appliance " + state.appliance() +
                    " has no active server license on record" + expired_note(state) +
                    "; check the appliance ID, or issue without --replace");
    }
    return;
  }
  const std::string current_edition(edition_name(*current->edition));
  const std::string current_text = current_edition + " server license " + std::to_string(current->serial) +
                                   " (issued " + format_rfc3339(current->issued_at) + ")";
  const bool upgrade = !is_commercial(*current->edition) && is_commercial(order.edition);
  if (!upgrade && !order.replace) {
    throw_refusal("appliance " + state.appliance() + " already has the " + current_text +
                  "; a second server license is issued only to upgrade free to a commercial edition, "
                  "or with --replace to reissue it");
  }
  // The new license must win the verifier's rule 2, or the appliance would keep the old one.
  if (is_commercial(*current->edition) && !is_commercial(order.edition)) {
    throw_refusal(
        "a free server license cannot replace the " + current_text +
        ": the verifier ranks any commercial license above free, so the new one would be superseded");
  }
  if (now < current->issued_at) {
    throw_refusal("the " + current_text + " was issued after this machine's clock (" + format_rfc3339(now) +
                  "): a new license would rank below it; fix the clock");
  }
}

void check_pack_order(const ApplianceState& state, const PackOrder& order, UnixTime now) {
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
  const std::string edition(rules.name);
  if (!rules.accepts_packs) {
    throw_refusal("appliance " + state.appliance() + " runs the " + edition + " edition (server license " +
                  std::to_string(server->serial) + "), which takes no user packs: upgrade it first " +
                  "(seatkey-keygen issue server --edition compact|appliance|vm)");
  }
  const long long adding = order.users * order.count;
  const long long after = rules.included_users + state.pack_users() + adding;
  if (rules.max_users && after > *rules.max_users) {
    const int now_total = rules.included_users + state.pack_users();
    throw_refusal(describe(Order{order}) + " would take the " + edition + " appliance to " +
                  std::to_string(after) + " users, over its maximum of " + std::to_string(*rules.max_users) +
                  " (it has " + std::to_string(now_total) + ": " + std::to_string(rules.included_users) +
                  " included + " + std::to_string(state.pack_users()) + " in packs; room for " +
                  std::to_string(*rules.max_users - now_total) + " more)");
  }
}

void check_license_file_limits(const ApplianceState& state) {
  if (state.file_tokens() > kMaxLicenseSetTokens) {
    throw_refusal("appliance " + state.appliance() + "'s license file would hold " +
                  std::to_string(state.file_tokens()) + " tokens, over the " +
                  std::to_string(kMaxLicenseSetTokens) +
                  " the verifier reads: it would refuse the whole file");
  }
  if (state.file_bytes() > kMaxLicenseSetBytes) {
    throw_refusal("appliance " + state.appliance() + "'s license file would be about " +
                  std::to_string(state.file_bytes()) + " bytes, over the " +
                  std::to_string(kMaxLicenseSetBytes) +
                  " the verifier reads: it would refuse the whole file");
  }
}

}  // namespace seatkey::keygen
