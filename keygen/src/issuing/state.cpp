// One appliance's licenses on record and what the verifier computes from them (rules.hpp).
#include "seatkey/keygen/issuing/rules.hpp"

namespace seatkey::keygen {
namespace {

// The entry behind the active server license of `outcome`, if any.
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
  reserve_more(history.size());
  for (LedgerEntry& e : history) record(std::move(e));
}

void ApplianceState::reserve_more(std::size_t more) {
  history_.reserve(history_.size() + more);
  index_of_.reserve(history_.size() + more);
}

void ApplianceState::record(LedgerEntry entry) {
  index_of_[entry.serial] = history_.size();
  serials_.push_back(std::to_string(entry.serial));
  history_.push_back(std::move(entry));
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

void ApplianceState::record_token(std::int64_t serial, std::string token) {
  const auto it = index_of_.find(serial);
  if (it != index_of_.end()) history_[it->second].token = std::move(token);
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

}  // namespace seatkey::keygen
