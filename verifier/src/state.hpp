// Private to libseatkey-verifier: the state file (docs/format.md, "The state file") and the
// grace rules that read and write it (docs/format.md, "Grace").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "internal.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/verifier.hpp"

namespace seatkey::verifier::detail {

// At `at`, the accepted packs that expire then take `users` pack users with them.
struct PackExpiry {
  UnixTime at = 0;
  int users = 0;

  bool operator==(const PackExpiry& o) const { return at == o.at && users == o.users; }
};

// The most PackExpiry entries a state file keeps (a few KiB): a set may hold thousands of
// rental packs, each with its own exp.
inline constexpr std::size_t kMaxPackExpiries = 100;

// How a last good entitlement wears off on its own, so that in grace a license that expires
// drops out alone (the state file's good_ends and good_pack_expiries, docs/format.md).
struct Expiries {
  // When it ends as a whole: the active server license's exp or the standby license's,
  // whichever is first, and never after the first pack expiry left out of `packs` (past it,
  // what is left is not known); nullopt: never.
  std::optional<UnixTime> ends;
  // The accepted packs' expiries before `ends`, in time order, each time once.
  std::vector<PackExpiry> packs;

  bool operator==(const Expiries& o) const { return ends == o.ends && packs == o.packs; }
};

// The last evaluation that was licensed without grace, as the state file keeps it.
struct LastGood {
  std::string appliance;  // canonical
  UnixTime at = 0;        // its evaluated_at
  Edition edition = Edition::free;
  std::string server_license;
  int included_users = 0;
  int pack_users = 0;
  int licensed_users = 0;
  std::optional<int> max_users;  // nullopt: unlimited
  int excess_users = 0;
  std::optional<UnixTime> updates_until;
  // The first moment at which this entitlement gets worse on its own: the active server
  // license's exp, or the exp of a pack without which fewer users are licensed, whichever is
  // first. Without `expiries`, grace never lasts past it (a loss from then on may be the
  // expiry); builds before `expiries` read only this.
  std::optional<UnixTime> good_until;
  // Set when an accepted pack had an exp: then grace lasts until expiries->ends and each
  // pack drops out at its own exp. Unset: good_until ends it all (a state file of an older
  // build, or no pack that expires).
  std::optional<Expiries> expiries;
  // A standby's last good entitlement is its primary's: the primary (canonical) and the serial
  // of the standby license that made it count, both set or neither.
  std::optional<std::string> standby_for;
  std::optional<std::string> standby_license;

  bool operator==(const LastGood& o) const;
};

// A grace period, in progress or (until > the evaluation time) used up.
struct GraceRecord {
  UnixTime since = 0;
  UnixTime until = 0;
  GraceReason reason = GraceReason::licenses_damaged;

  bool operator==(const GraceRecord& o) const {
    return since == o.since && until == o.until && reason == o.reason;
  }
};

struct State {
  std::optional<UnixTime> high_water;  // nullopt only for the empty state
  std::optional<LastGood> last_good;
  std::optional<GraceRecord> grace;  // set only with last_good

  bool empty() const { return !high_water && !last_good && !grace; }
  bool operator==(const State& o) const {
    return high_water == o.high_water && last_good == o.last_good && grace == o.grace;
  }
};

// The most a state file may hold (it is about 600 bytes).
inline constexpr std::size_t kMaxStateFileBytes = 64 * 1024;
// How far the high-water mark moves before it alone makes the state file be rewritten.
inline constexpr UnixTime kHighWaterStep = 3600;

// Parses a state file's text: one flat JSON object (docs/format.md, "The state file"), read
// with common's strict scanner. When it is not a valid state (the file is damaged), an
// Errc::malformed error whose message says why: not JSON, not an object, a duplicated key,
// another format version, a missing or mistyped member, a time outside 0000..9999, or values
// that contradict each other (a grace without a last good entitlement, a last good or grace
// time after the high-water mark, since after until). Unknown members are ignored.
seatkey::Result<State> parse_state(std::string_view text);
// The state file's text (JSON, one member per line); parse_state() reads it back equal.
// Times are clamped to 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z.
std::string format_state(const State& state);
// Whether `after` must replace `before` on disk: anything but the high-water mark and the
// last good evaluation's time changed, or the high-water mark moved by kHighWaterStep or
// more. A re-check within the hour that changes nothing writes nothing (no fsync at every
// call for firmware that checks often); the high-water mark then lags the latest evaluation
// by less than an hour.
bool needs_saving(const State& before, const State& after);

// The state file on disk for one evaluation: open() takes an exclusive lock (waiting at most
// kLockWaitMillis) and reads it; save() writes the new state atomically (temporary file in the
// same folder, fsync, rename, fsync of the folder) while the lock is held. The lock is a
// `flock` on the lock file FILE.lock beside it, which the verifier creates 0600: never on the
// folder, which anyone who may read the folder could open and lock, and so stop every
// evaluation from saving. Problems never fail the evaluation: they become Warnings.
class StateFile {
 public:
  static constexpr int kLockWaitMillis = 10000;

  // Locks and reads `path`; the state is empty when the file is missing, unreadable or
  // damaged (each with its Warning in *warnings).
  void open(const std::string& path, std::vector<Warning>* warnings, int lock_wait_millis = kLockWaitMillis);
  const State& state() const { return state_; }
  // Replaces the file with `state` when needs_saving() says so. False, with a Warning, when
  // it cannot (also when open() could not take the lock: then nothing is written); true when
  // the file now holds `state` (give or take needs_saving()'s hour).
  bool save(const State& state, std::vector<Warning>* warnings);

 private:
  // Takes the lock on path_ + ".lock" (sets locked_ or lock_problem_).
  void lock(int lock_wait_millis);

  std::string path_;
  std::string folder_;
  seatkey::FileDescriptor folder_fd_;  // for the fsync after the rename
  seatkey::FileDescriptor lock_fd_;    // the lock file, locked while locked_
  bool locked_ = false;
  std::string lock_problem_;
  State state_;
};

// When the last good entitlement `g` ends on its own as a whole: expiries->ends, or without
// them good_until.
std::optional<UnixTime> end_of(const LastGood& g);
// The last good entitlement `g` as it is at `t`: without the users of the packs that expired
// by then (pack, licensed and excess users counted again under the edition's maximum).
LastGood kept_at(const LastGood& g, UnixTime t);

// How an evaluation's entitlement ends on its own, for its LastGood.
struct Ends {
  std::optional<UnixTime> good_until;
  std::optional<Expiries> expiries;
};

// What the grace rules decided for one evaluation.
struct GraceDecision {
  std::optional<Grace> grace;  // set: the entitlement is `kept`, in grace
  LastGood kept;               // in grace: the last good entitlement as it is now (kept_at())
  State after;                 // the state to save
};

// One evaluation as the grace rules see it.
struct GraceInput {
  const Entitlement& fresh;  // its own result, from the licenses alone (grace unset)
  Ends ends;                 // how fresh ends on its own when it is licensed
  UnixTime t = 0;            // its evaluation time
  int grace_days = 0;
  bool unreadable = false;  // the license set could not be read
  const Revoked& revoked;   // the serials the revocation lists revoke
};

// The grace rules (docs/format.md, "Grace") for the evaluation `in` with the state `before`.
GraceDecision decide_grace(const State& before, const GraceInput& in);

// The grace rules when the state file could not be written with decide_grace()'s `after`
// and that started a grace: a grace whose start is not on disk would start again at the next
// evaluation, and again at every one after it, so it is counted from the last good evaluation
// the state file holds instead (as if it had started then): it carries the PBX over a state
// file that cannot be written for the grace days after the last good check, and then ends.
// Its `after` is not for saving (the save has just failed).
GraceDecision decide_unsaved_grace(const State& before, const GraceInput& in);

// Makes `e` the last good entitlement `g` (licensed, edition, server license, users, update
// option), keeping its appliance, clock fields and reports.
void apply_last_good(const LastGood& g, Entitlement* e);

}  // namespace seatkey::verifier::detail
