// The issuing rules: what the license desk may sell an appliance, decided with the licensing
// rules the verifier runs (seatkey/common/policy.hpp) on every license on record for it. An
// appliance may hold every token ever issued to it (the desk appends them to its license
// file), so an order is judged by what the appliance would compute from all of them, now and
// at every later moment when one of them starts or stops being valid: the tool never issues a
// license that the appliance will count differently from what was sold. Pure logic: no SQLite,
// no signing, no presentation.
#pragma once

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/orders.hpp"
#include "seatkey/keygen/ledger/rows.hpp"

namespace seatkey::keygen {

// Where a license stands in the ledger: it counts (a server license that is active, a pack
// that has not expired), it lost to another server license, it expired, or an event took it
// back. A revocation list is active while it is the newest, superseded after.
enum class Status { active, superseded, expired, voided, transferred };
inline constexpr std::array<std::string_view, 5> kStatusNames{
    {"active", "superseded", "expired", "voided", "transferred"}};
constexpr std::string_view status_name(Status s) {
  return kStatusNames[static_cast<std::size_t>(s)];
}
std::optional<Status> parse_status(std::string_view name) noexcept;

// One appliance's licenses on record, and what the verifier computes from them.
class ApplianceState {
 public:
  // `history`: every license on record for the appliance, by serial.
  ApplianceState(std::string appliance, std::vector<LedgerEntry> history, UnixTime now);

  const std::string& appliance() const { return appliance_; }
  UnixTime now() const { return now_; }
  const std::vector<LedgerEntry>& history() const { return history_; }

  // What the appliance computes from its whole license file at time t.
  Outcome outcome_at(UnixTime t) const;
  // The moments after now at which that can change.
  std::vector<UnixTime> later_change_points() const;

  // At now: the active server license (rule 2's pick among the valid ones), or nullptr.
  const LedgerEntry* active_server() const;
  // At now: the standby license that applies (the appliance is then its primary's standby, and
  // its own licenses do not count), or nullptr.
  const LedgerEntry* active_standby() const;
  // The server license whose expiry most recently passed, for messages when none is active.
  const LedgerEntry* expired_server() const;
  // The packs that count now, by serial.
  std::vector<const LedgerEntry*> counted_packs() const;
  // The users the appliance has now (zero without an active server license).
  const UserCount& users() const;
  // Its Status name: "active", "superseded" (a server license), "expired", "voided",
  // "transferred".
  std::string status_of(const LedgerEntry& entry) const;

  // Adds freshly issued entries (the rules of a batch apply cumulatively, in order).
  void record(LedgerEntry entry);
  // Makes room for `more` entries to be recorded: a batch of 10,000 packs would otherwise
  // copy the history over and over as it grows, each time into fresh memory.
  void reserve_more(std::size_t more);
  // Gives a recorded entry its signed token (the rules decide before anything is signed).
  void record_token(std::int64_t serial, std::string token);
  // Marks an entry taken back by an event recorded in the same transaction.
  void record_taken_back(std::int64_t serial, EventKind kind);

 private:
  const Outcome& outcome_now() const;
  std::vector<LicenseTerms> terms() const;

  std::string appliance_;
  UnixTime now_;
  std::vector<LedgerEntry> history_;
  std::deque<std::string> serials_;  // the serials as text, for LicenseTerms (stable addresses)
  std::unordered_map<std::int64_t, std::size_t> index_of_;  // serial -> index in history_
  mutable std::optional<Outcome> now_outcome_;
};

// Each refuses (an Error of kind refused, its code and numbers) when the order breaks a rule,
// before anything is built for it:
//  - a server license: `updates_until` on an edition without updates; an expiry not in the
//    future; a second server license, unless it upgrades free to a commercial edition or
//    `replace` is set; a free license replacing a commercial one (the verifier would rank it
//    below); a current license issued after `now` (a clock behind); `replace` with nothing to
//    replace (most likely a mistyped appliance ID);
//  - packs: sizes other than kPackSizes; an expiry not in the future; no active server license
//    on record; an active server license of an edition without packs.
//  - either, for an appliance that is a standby now: its own licenses would not count;
Result<void> check_server_order(const ApplianceState& state, const ServerOrder& order, UnixTime now);
Result<void> check_pack_order(const ApplianceState& state, const PackOrder& order, UnixTime now);

// A standby license for `standby` (the appliance) naming `primary`; `of_primary`: every
// standby license on record naming the primary (also those issued earlier in the batch).
// Refused when: the two are the same appliance; the expiry is not in the
// future; the primary is itself a standby now, or has no active commercial server license (a
// standby runs on its primary's licenses, and a free or unlicensed primary has none to share);
// the standby appliance has licenses of its own that could count (a server license or pack
// neither taken back nor expired: they would stop counting), or is already the standby of
// another primary; the primary already has an active standby license (bound to any appliance)
// and `replace` is not set; `replace` with no standby license to replace. Returns the standby
// licenses that `replace` takes back (voided in the same transaction).
Result<std::vector<LedgerEntry>> check_standby_order(const ApplianceState& standby,
                                                     const ApplianceState& primary,
                                                     const std::vector<LedgerEntry>& of_primary,
                                                     const StandbyOrder& order, UnixTime now);

// "Bring the appliance to N users" (`target`: all its users, the included ones counted): the
// fewest packs that add the users it lacks now, as many of the largest size (kPackSizes) as fit,
// then the smaller ones, each a PackOrder like `like` (customer, order, expiry). Refused when
// the appliance has `target` users or more already (target_reached), when `target` is over its
// edition's maximum (compact_max_users), and as any pack order would be (no server license, an
// edition without packs, a standby). The packs' effect is check_effect()'s to judge.
Result<std::vector<PackOrder>> packs_to_reach(const ApplianceState& state, const PackOrder& like,
                                              long long target, UnixTime now);

// Refused when the order's new licenses `added` (built for `order`, not yet
// recorded in `state`) would not count as sold on the appliance: a new server license that is
// not the active one now, or any moment (now or later) at which the appliance would cut off
// more users at its edition's maximum than without the order (a Compact over 20 users, also
// once a replacement expires and an older Compact license counts again).
Result<void> check_effect(const ApplianceState& state, const Order& order,
                          const std::vector<LedgerEntry>& added);
// The same check, answering the state with `added` recorded when the order may be issued: the
// issuer goes on with it, rather than recording a batch of 10,000 entries a second time.
Result<ApplianceState> state_after(const ApplianceState& state, const Order& order,
                                   const std::vector<LedgerEntry>& added);

}  // namespace seatkey::keygen
