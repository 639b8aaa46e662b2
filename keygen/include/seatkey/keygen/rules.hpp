// The issuing rules of spec section 4, on what the ledger holds for one appliance. Pure logic:
// no SQLite, no signing, so every rule is testable on its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/orders.hpp"

namespace seatkey::keygen {

// Verifier rule 2: a commercial license beats free, then the later iat, then the larger serial.
bool outranks(const LedgerEntry& a, const LedgerEntry& b);
// The verifier's `expired`: exp reached.
bool is_expired(const LedgerEntry& entry, UnixTime now);

// One appliance as the verifier would see its exported license file at `now`: the active
// server license (the unexpired one rule 2 picks) and the unexpired packs on record.
class ApplianceState {
 public:
  ApplianceState(std::string appliance, const std::vector<LedgerEntry>& history, UnixTime now);

  const std::string& appliance() const { return appliance_; }
  const LedgerEntry* active_server() const { return active_ ? &*active_ : nullptr; }
  // The newest expired server license, for messages when there is no active one.
  const LedgerEntry* expired_server() const { return expired_ ? &*expired_ : nullptr; }
  const std::vector<LedgerEntry>& packs() const { return packs_; }  // unexpired, by serial

  int included_users() const;  // 0 without an active server license
  int pack_users() const { return pack_users_; }
  std::optional<int> max_users() const;  // nullopt: unlimited (or unlicensed)
  int total_users() const;               // what the verifier grants: min(included + packs, max)

  // The export file's size: tokens and bytes (checked against the verifier's set limits).
  std::size_t file_tokens() const;
  std::size_t file_bytes() const;

  // Adds a freshly issued entry (cumulative rules inside one batch).
  void record(const LedgerEntry& entry);

 private:
  std::string appliance_;
  UnixTime now_;
  std::optional<LedgerEntry> active_;
  std::optional<LedgerEntry> expired_;
  std::vector<LedgerEntry> packs_;
  int pack_users_ = 0;
  std::size_t pack_bytes_ = 0;
};

// Each throws Error(refused) with the reason when the order breaks a rule; returns otherwise.
// A server license: refused when `updates_until` is set on free, when it expires at or before
// `now`, and when the appliance has an active server license, unless it upgrades free to a
// commercial edition or `replace` is set -- and even then when the verifier would rank the
// new one below the current one (free replacing commercial, an older issue time) or when a
// Compact would start with more users than 20 from the packs on record. `replace` with nothing
// to replace is refused too (most likely a mistyped appliance ID).
void check_server_order(const ApplianceState& state, const ServerOrder& order, UnixTime now);
// Packs: refused for sizes other than 1 and 5, without an active server license, on free,
// past the edition's maximum (Compact: 20), and when expiring at or before `now`.
void check_pack_order(const ApplianceState& state, const PackOrder& order, UnixTime now);
// Refused when the appliance's license file would exceed what the verifier reads (10,000
// tokens, 4 MiB): such a file would be refused as a whole on the appliance.
void check_license_file_limits(const ApplianceState& state);

}  // namespace seatkey::keygen
