// The state file: its JSON format, reading and writing it safely, and the grace rules.
#include "state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "internal.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/json_scan.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::verifier::detail {

bool LastGood::operator==(const LastGood& o) const {
  return appliance == o.appliance && at == o.at && edition == o.edition &&
         server_license == o.server_license && included_users == o.included_users &&
         pack_users == o.pack_users && licensed_users == o.licensed_users && max_users == o.max_users &&
         excess_users == o.excess_users && updates_until == o.updates_until && good_until == o.good_until &&
         expiries == o.expiries && standby_for == o.standby_for && standby_license == o.standby_license;
}

namespace {

using seatkey::detail::JsonMember;

constexpr std::int64_t kStateVersion = 1;
constexpr int kMaxUsers = 1000000;             // far above what 10,000 tokens can license
constexpr UnixTime kFirstTime = -62167219200;  // 0000-01-01T00:00:00Z
constexpr UnixTime kLastTime = 253402300799;   // 9999-12-31T23:59:59Z
constexpr UnixTime kDay = 86400;

// ---- Parsing -------------------------------------------------------------------------------

// The members of the state's JSON object by name, read one after the other. The reader keeps
// the first problem it meets (a member missing or of the wrong type), so that the parse reads
// a group of members and then asks problem() once: it names the first one that is wrong, in
// reading order.
class Members {
 public:
  explicit Members(const std::vector<JsonMember>& members) : members_(members) {}

  const JsonMember* find(std::string_view name) const {
    for (const auto& m : members_) {
      if (m.key == name) return &m;
    }
    return nullptr;
  }
  const std::optional<std::string>& problem() const { return problem_; }

  const JsonMember* required(const char* name) {
    const JsonMember* m = find(name);
    if (m == nullptr) note(std::string(name) + " is missing");
    return m;
  }
  UnixTime time(const char* name) { return time_or_null(name, false).value_or(0); }
  std::optional<UnixTime> optional_time(const char* name) { return time_or_null(name, true); }
  int count(const char* name) { return count_or_null(name, false).value_or(0); }
  std::optional<int> optional_count(const char* name) { return count_or_null(name, true); }
  std::string string(const char* name) {
    const JsonMember* m = required(name);
    if (m == nullptr) return {};
    if (m->type != JsonMember::Type::string) {
      wrong(name, "a string");
      return {};
    }
    return m->string;
  }

 private:
  std::optional<UnixTime> time_or_null(const char* name, bool null_allowed) {
    const JsonMember* m = required(name);
    if (m == nullptr || (null_allowed && m->type == JsonMember::Type::null)) return std::nullopt;
    auto t = m->type == JsonMember::Type::string
                 ? seatkey::parse_rfc3339(m->string)
                 : seatkey::Result<UnixTime>(seatkey::Error{Errc::invalid_time, {}});
    if (!t) {
      wrong(name, "an RFC 3339 time");
      return std::nullopt;
    }
    return *t;
  }
  std::optional<int> count_or_null(const char* name, bool null_allowed) {
    const JsonMember* m = required(name);
    if (m == nullptr || (null_allowed && m->type == JsonMember::Type::null)) return std::nullopt;
    if (m->type != JsonMember::Type::integer) {
      wrong(name, "a whole number");
      return std::nullopt;
    }
    if (!m->integer_fits || m->integer < 0 || m->integer > kMaxUsers) {
      wrong(name, "a whole number from 0 to 1000000");
      return std::nullopt;
    }
    return static_cast<int>(m->integer);
  }
  void note(std::string problem) {
    if (!problem_) problem_ = std::move(problem);
  }
  void wrong(const char* name, const char* what) { note(std::string(name) + " is not " + what); }

  const std::vector<JsonMember>& members_;
  std::optional<std::string> problem_;
};

// Why a state file is damaged.
seatkey::Error damaged(std::string why) {
  return seatkey::Error{Errc::malformed, std::move(why)};
}

// A serial as the claims allow it (docs/format.md: jti), so that it is written back as it is.
bool is_serial(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// "2027-01-01T00:00:00Z 5": a PackExpiry as good_pack_expiries holds it.
std::optional<PackExpiry> parse_pack_expiry(std::string_view text) {
  const std::size_t space = text.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view users = text.substr(space + 1);
  if (users.empty() || users.size() > 7) return std::nullopt;
  int n = 0;
  for (char c : users) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  auto at = seatkey::parse_rfc3339(text.substr(0, space));
  if (!at || n < 1 || n > kMaxUsers) return std::nullopt;
  return PackExpiry{*at, n};
}

// good_ends and good_pack_expiries: both or neither (a state file of an older build, or of an
// entitlement without a pack that expires, has neither).
seatkey::Result<std::optional<Expiries>> parse_expiries(Members& f, const LastGood& g) {
  if (f.find("good_ends") == nullptr && f.find("good_pack_expiries") == nullptr) {
    return std::optional<Expiries>();
  }
  Expiries x;
  x.ends = f.optional_time("good_ends");
  const JsonMember* list = f.required("good_pack_expiries");
  if (f.problem()) return damaged(*f.problem());
  if (x.ends && *x.ends <= g.at) return damaged("good_ends is not after good_at");
  if (list->type != JsonMember::Type::array || !list->only_strings) {
    return damaged("good_pack_expiries is not a list of \"TIME USERS\" strings");
  }
  if (list->strings.size() > kMaxPackExpiries) return damaged("good_pack_expiries holds over 100 expiries");
  long long users = 0;
  for (std::string_view text : list->strings) {
    auto p = parse_pack_expiry(text);
    if (!p) return damaged("good_pack_expiries is not a list of \"TIME USERS\" strings");
    if (p->at <= (x.packs.empty() ? g.at : x.packs.back().at)) {
      return damaged("good_pack_expiries is not in time order after good_at");
    }
    if (x.ends && p->at >= *x.ends) return damaged("good_pack_expiries holds an expiry not before good_ends");
    users += p->users;
    x.packs.push_back(*p);
  }
  if (users > g.pack_users) return damaged("good_pack_expiries takes more users than good_pack_users");
  return std::optional<Expiries>(std::move(x));
}

seatkey::Result<LastGood> parse_last_good(Members& f, UnixTime high_water) {
  LastGood g;
  g.appliance = f.string("good_appliance");
  g.at = f.time("good_at");
  const std::string edition = f.string("good_edition");
  g.server_license = f.string("good_server_license");
  g.included_users = f.count("good_included_users");
  g.pack_users = f.count("good_pack_users");
  g.licensed_users = f.count("good_licensed_users");
  g.max_users = f.optional_count("good_max_users");
  g.excess_users = f.count("good_excess_users");
  g.updates_until = f.optional_time("good_updates_until");
  g.good_until = f.optional_time("good_until");
  if (f.problem()) return damaged(*f.problem());
  auto canonical = seatkey::canonical_appliance_id(g.appliance);
  if (!canonical || *canonical != g.appliance)
    return damaged("good_appliance is not a canonical appliance ID");
  const auto e = seatkey::parse_edition(edition);
  if (!e) return damaged("good_edition is not one of " + seatkey::edition_list());
  g.edition = to_api(*e);
  if (!is_serial(g.server_license)) return damaged("good_server_license is not a license serial");
  if (g.licensed_users < 1) return damaged("good_licensed_users is 0: a last good entitlement is licensed");
  if (g.at > high_water) return damaged("good_at is after high_water");
  if (g.good_until && *g.good_until <= g.at) return damaged("good_until is not after good_at");
  auto expiries = parse_expiries(f, g);
  if (!expiries) return expiries.error();
  g.expiries = std::move(*expiries);
  // A standby's: both members or neither (a state file from before standby licenses has none).
  if (f.find("good_standby_for") != nullptr || f.find("good_standby_license") != nullptr) {
    std::string primary = f.string("good_standby_for");
    std::string serial = f.string("good_standby_license");
    if (f.problem()) return damaged(*f.problem());
    auto canonical_primary = seatkey::canonical_appliance_id(primary);
    if (!canonical_primary || *canonical_primary != primary) {
      return damaged("good_standby_for is not a canonical appliance ID");
    }
    if (!is_serial(serial)) return damaged("good_standby_license is not a license serial");
    g.standby_for = std::move(primary);
    g.standby_license = std::move(serial);
  }
  return g;
}

seatkey::Result<GraceRecord> parse_grace(Members& f, UnixTime high_water) {
  GraceRecord r;
  r.since = f.time("grace_since");
  r.until = f.time("grace_until");
  const std::string reason = f.string("grace_reason");
  if (f.problem()) return damaged(*f.problem());
  bool known = false;
  for (int i = 0; i <= static_cast<int>(GraceReason::licenses_damaged); ++i) {
    if (reason == grace_reason_name(static_cast<GraceReason>(i))) {
      r.reason = static_cast<GraceReason>(i);
      known = true;
    }
  }
  if (!known) return damaged("grace_reason is not a grace reason");
  if (r.until < r.since) return damaged("grace_until is before grace_since");
  if (r.since > high_water) return damaged("grace_since is after high_water");
  return r;
}

// ---- Formatting ----------------------------------------------------------------------------

std::string time_text(UnixTime t) {
  return seatkey::format_rfc3339(std::clamp(t, kFirstTime, kLastTime));
}

nlohmann::ordered_json time_or_null(const std::optional<UnixTime>& t) {
  return t ? nlohmann::ordered_json(time_text(*t)) : nlohmann::ordered_json(nullptr);
}

}  // namespace

seatkey::Result<State> parse_state(std::string_view text) {
  try {
    auto members = seatkey::detail::scan_json_object(text);
    if (!members) return damaged(members.error().message);
    Members f(*members);
    const JsonMember* version = f.required("seatkey_state");
    if (version == nullptr) return damaged(*f.problem());
    if (version->type != JsonMember::Type::integer || !version->integer_fits ||
        version->integer != kStateVersion) {
      return damaged("seatkey_state is not 1 (a state file of another version)");
    }
    State s;
    const UnixTime high_water = f.time("high_water");
    if (f.problem()) return damaged(*f.problem());
    s.high_water = high_water;
    // The last good entitlement's members are there together or not at all; so are the grace's.
    if (f.find("good_appliance") != nullptr) {
      auto g = parse_last_good(f, high_water);
      if (!g) return g.error();
      s.last_good = std::move(*g);
    }
    if (f.find("grace_since") != nullptr) {
      auto r = parse_grace(f, high_water);
      if (!r) return r.error();
      if (!s.last_good) return damaged("a grace without a last good entitlement");
      s.grace = *r;
    }
    return s;
  } catch (const std::exception&) {  // out of memory: not a state this time
    return damaged("cannot be read as a state");
  }
}

std::string format_state(const State& state) {
  nlohmann::ordered_json j;
  j["seatkey_state"] = kStateVersion;
  j["high_water"] = time_text(state.high_water.value_or(0));
  if (state.last_good) {
    const LastGood& g = *state.last_good;
    j["good_appliance"] = g.appliance;
    j["good_at"] = time_text(g.at);
    j["good_edition"] = edition_name(g.edition);
    j["good_server_license"] = g.server_license;
    j["good_included_users"] = g.included_users;
    j["good_pack_users"] = g.pack_users;
    j["good_licensed_users"] = g.licensed_users;
    j["good_max_users"] =
        g.max_users ? nlohmann::ordered_json(*g.max_users) : nlohmann::ordered_json(nullptr);
    j["good_excess_users"] = g.excess_users;
    j["good_updates_until"] = time_or_null(g.updates_until);
    j["good_until"] = time_or_null(g.good_until);
    if (g.expiries) {
      j["good_ends"] = time_or_null(g.expiries->ends);
      j["good_pack_expiries"] = nlohmann::ordered_json::array();
      for (const PackExpiry& p : g.expiries->packs) {
        j["good_pack_expiries"].push_back(time_text(p.at) + " " + std::to_string(p.users));
      }
    }
    if (g.standby_for && g.standby_license) {
      j["good_standby_for"] = *g.standby_for;
      j["good_standby_license"] = *g.standby_license;
    }
  }
  if (state.grace) {
    j["grace_since"] = time_text(state.grace->since);
    j["grace_until"] = time_text(state.grace->until);
    j["grace_reason"] = grace_reason_name(state.grace->reason);
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

bool needs_saving(const State& before, const State& after) {
  if (!before.high_water || !after.high_water) return true;  // nothing valid on disk yet
  if (!(before.grace == after.grace) || before.last_good.has_value() != after.last_good.has_value())
    return true;
  if (before.last_good) {
    LastGood a = *after.last_good;
    a.at = before.last_good->at;  // the last good evaluation's time may lag like the high-water mark
    if (!(a == *before.last_good)) return true;
  }
  return *after.high_water < *before.high_water || *after.high_water - *before.high_water >= kHighWaterStep;
}

// ---- The file --------------------------------------------------------------------------------

namespace {

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string errno_text(int err) {
  return std::strerror(err);
}

}  // namespace

void StateFile::open(const std::string& path, std::vector<Warning>* warnings, int lock_wait_millis) {
  path_ = path;
  folder_ = folder_of(path);
  folder_fd_ = seatkey::FileDescriptor(::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder_fd_.get() < 0) {
    lock_problem_ = "cannot open its folder " + folder_ + ": " + errno_text(errno);
  } else {
    lock(lock_wait_millis);
  }

  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    warnings->push_back(
        {WarningCode::state_missing,
         "state file " + path + " does not exist yet: evaluated without one; a new one is written"});
    return;
  }
  auto text = seatkey::read_file_bounded(path, kMaxStateFileBytes);
  if (!text) {
    warnings->push_back({WarningCode::state_unreadable,
                         "cannot read state file " + text.error().message + ": evaluated without one"});
    return;
  }
  std::string why = "over 64 KiB";
  if (text->size() <= kMaxStateFileBytes) {
    auto parsed = parse_state(*text);
    if (parsed) {
      state_ = std::move(*parsed);
      return;
    }
    why = parsed.error().message;
  }
  warnings->push_back({WarningCode::state_damaged, "state file " + path + " is damaged (" + why +
                                                       "): evaluated without one; it is rewritten"});
}

// The lock: concurrent evaluations read, decide and write one after the other, so that the
// high-water mark never goes back and a grace is decided once. The lock file is never removed
// (removing it would let two evaluations lock two different files).
void StateFile::lock(int lock_wait_millis) {
  const std::string lock_path = path_ + ".lock";
  // O_NOFOLLOW: never create or chmod through a link; O_NONBLOCK: a FIFO in its place is not
  // waited on (and then refused as not a regular file).
  lock_fd_ = seatkey::FileDescriptor(
      ::open(lock_path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600));
  if (lock_fd_.get() < 0) {
    lock_problem_ = "cannot open its lock file " + lock_path + ": " + errno_text(errno);
    return;
  }
  struct stat st;
  if (::fstat(lock_fd_.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    lock_problem_ = "its lock file " + lock_path + " is not a regular file";
    return;
  }
  // 0600 whatever the umask was when it was made, so that only the verifier's user can open it
  // (and so lock it).
  if ((st.st_mode & 07777) != 0600 && ::fchmod(lock_fd_.get(), 0600) != 0) {
    lock_problem_ = "cannot make its lock file " + lock_path + " 0600: " + errno_text(errno);
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(lock_wait_millis);
  for (;;) {
    if (::flock(lock_fd_.get(), LOCK_EX | LOCK_NB) == 0) {
      locked_ = true;
      return;
    }
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      lock_problem_ = "cannot lock " + lock_path + ": " + errno_text(errno);
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      lock_problem_ = "another evaluation held the lock on " + lock_path + " for " +
                      std::to_string(lock_wait_millis) + " ms";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool StateFile::save(const State& state, std::vector<Warning>* warnings) {
  const auto not_saved = [&](const std::string& why) {
    warnings->push_back({WarningCode::state_not_saved, "state file " + path_ + " was not updated: " + why});
    return false;
  };
  if (!locked_) return not_saved(lock_problem_);
  if (!needs_saving(state_, state)) return true;
  // The temporary file has one name: only the holder of the lock writes it, and one left by
  // a killed evaluation is removed here.
  const std::string temp = path_ + ".tmp";
  const std::string text = format_state(state);
  if (::unlink(temp.c_str()) != 0 && errno != ENOENT) {
    return not_saved("cannot remove " + temp + ": " + errno_text(errno));
  }
  // O_EXCL | O_NOFOLLOW: never write through a link someone put in the temporary file's place.
  seatkey::FileDescriptor fd(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return not_saved("cannot create " + temp + ": " + errno_text(errno));
  }
  const char* step = nullptr;
  if (::fchmod(fd.get(), 0600) != 0) {
    step = "chmod";
  } else if (!write_all(fd.get(), text)) {
    step = "write";
  } else if (::fsync(fd.get()) != 0) {
    step = "fsync";
  } else if (::close(fd.release()) != 0) {
    step = "close";
  } else if (::rename(temp.c_str(), path_.c_str()) != 0) {
    step = "rename";
  }
  if (step != nullptr) {
    const int err = errno;
    ::unlink(temp.c_str());
    return not_saved(std::string(step) + " of " + temp + ": " + errno_text(err));
  }
  state_ = state;
  if (::fsync(folder_fd_.get()) != 0) {
    // The new state is in place: the next evaluation reads it, unless the power fails first.
    not_saved("fsync of its folder " + folder_ + ": " + errno_text(errno) +
              " (the new state is in place, but may not survive a power loss)");
  }
  return true;
}

// ---- Grace ---------------------------------------------------------------------------------

namespace {

UnixTime add_days(UnixTime t, int days) {
  const UnixTime span = static_cast<UnixTime>(days) * kDay;
  return t > kLastTime - span ? kLastTime : t + span;
}

LastGood last_good_of(const Entitlement& e, UnixTime t, const Ends& ends) {
  LastGood g;
  g.appliance = e.appliance;
  g.at = t;
  g.edition = *e.edition;
  g.server_license = *e.server_license;
  g.included_users = e.included_users;
  g.pack_users = e.pack_users;
  g.licensed_users = e.licensed_users;
  g.max_users = e.max_users;
  g.excess_users = e.excess_users;
  g.updates_until = e.updates_until;
  g.good_until = ends.good_until;
  g.expiries = ends.expiries;
  if (e.standby_for) {
    // The standby license that applies is the accepted one of its kind.
    for (const LicenseReport& r : e.accepted) {
      if (r.kind == LicenseKind::standby && r.serial) {
        g.standby_for = e.standby_for;
        g.standby_license = r.serial;
      }
    }
  }
  return g;
}

// Whether a loss against the last good entitlement `g` may be the licenses' own doing, which
// grace must not cover: its end (the evaluation is at or past end_of(g)), or a newer server
// license of the vendor's that superseded g's. (A pack that expired is taken out of g before
// it is compared: kept_at().)
bool loss_is_the_licenses(const LastGood& g, const Entitlement& fresh, UnixTime t) {
  const std::optional<UnixTime> end = end_of(g);
  if (end && t >= *end) return true;
  for (const auto& r : fresh.rejected) {
    if (r.serial && *r.serial == g.server_license && r.kind == LicenseKind::server &&
        (r.reason == Reason::expired || r.reason == Reason::superseded)) {
      return true;
    }
  }
  return false;
}

// Whether the vendor took back what the last good entitlement `g` counted: its server license
// or a standby's standby license is revoked (by the list that applies or a floor), or a license
// here was rejected as revoked (the state keeps those two serials only, not the packs'). Grace
// never covers a revocation, not even one that arrives during a grace period.
bool loss_is_revoked(const LastGood& g, const Entitlement& fresh, const Revoked& revoked) {
  if (revoked.names(g.server_license)) return true;
  if (g.standby_license && revoked.names(*g.standby_license)) return true;
  return std::any_of(fresh.rejected.begin(), fresh.rejected.end(),
                     [](const LicenseReport& r) { return r.reason == Reason::revoked; });
}

GraceReason reason_of(const LastGood& g, const Entitlement& fresh, bool unreadable) {
  if (fresh.appliance != g.appliance) return GraceReason::appliance_changed;
  if (unreadable) return GraceReason::licenses_unreadable;
  return GraceReason::licenses_damaged;
}

std::string grace_message(const GraceRecord& r, const LastGood& g, const Entitlement& fresh) {
  const std::string kept = std::string(edition_name(g.edition)) + " edition, " +
                           seatkey::users_text(g.licensed_users) + ", server license " + g.server_license;
  switch (r.reason) {
    case GraceReason::appliance_changed:
      return "the last good licenses (" + kept + ") are for appliance " + g.appliance + ", and this is " +
             fresh.appliance + " (a moved VM or a replaced board?): get licenses for this appliance ID";
    case GraceReason::licenses_unreadable:
      return "the licenses could not be read; the last good ones (" + kept +
             ") are kept: restore the license files";
    case GraceReason::licenses_damaged:
      return "licenses that counted at the last good check (" + kept +
             ") no longer do: restore the license files the vendor sent";
  }
  return "";
}

}  // namespace

std::optional<UnixTime> end_of(const LastGood& g) {
  return g.expiries ? g.expiries->ends : g.good_until;
}

LastGood kept_at(const LastGood& g, UnixTime t) {
  if (!g.expiries || g.expiries->packs.empty() || g.expiries->packs.front().at > t) return g;
  long long pack_users = g.pack_users;
  for (const PackExpiry& p : g.expiries->packs) {
    if (p.at <= t) pack_users -= p.users;
  }
  LastGood kept = g;
  const seatkey::UserCount users = seatkey::count_users(to_policy(g.edition), std::max(pack_users, 0LL));
  kept.pack_users = static_cast<int>(users.pack_users);
  // Never more than the state file says were licensed (whatever else it says).
  kept.licensed_users = std::min(g.licensed_users, static_cast<int>(users.licensed_users));
  kept.excess_users = static_cast<int>(users.excess_users);
  return kept;
}

GraceDecision decide_grace(const State& before, const GraceInput& in) {
  const Entitlement& fresh = in.fresh;
  const UnixTime t = in.t;
  GraceDecision d;
  d.after = before;
  d.after.high_water = std::max(before.high_water.value_or(t), t);
  // A licensed evaluation that grace does not replace is the new last good one, and a grace
  // record (in progress or used up) ends with it.
  const auto record_fresh = [&] {
    if (!fresh.licensed) return;
    d.after.last_good = last_good_of(fresh, t, in.ends);
    d.after.grace.reset();
  };
  if (!before.last_good) {
    record_fresh();
    return d;
  }
  // What grace can keep now: the last good entitlement without the packs that expired since
  // (each drops out alone; the rest stays).
  const LastGood g = kept_at(*before.last_good, t);
  const std::optional<UnixTime> end = end_of(g);
  const bool worse = !fresh.licensed || fresh.licensed_users < g.licensed_users;
  if (!worse || loss_is_revoked(g, fresh, in.revoked)) {
    record_fresh();
    return d;
  }
  GraceRecord r;
  if (before.grace) {
    // A grace once started keeps its since and until, whatever happens to the files or the
    // clock; a shorter grace period or an earlier end of the last good licenses shorten it.
    r = *before.grace;
    r.until = std::min(r.until, add_days(r.since, in.grace_days));
    if (end) r.until = std::min(r.until, *end);
    r.until = std::max(r.until, r.since);
  } else {
    if (in.grace_days == 0 || loss_is_the_licenses(g, fresh, t)) {
      record_fresh();
      return d;
    }
    r.since = t;
    r.until = add_days(t, in.grace_days);
    if (end) r.until = std::min(r.until, *end);
  }
  // The cause is today's, not the one that started the grace: a grace that a moved VM started
  // may go on with the right ID and a deleted license file, and the admin must fix that.
  r.reason = reason_of(g, fresh, in.unreadable);
  d.after.grace = r;
  if (t < r.until) {
    d.grace = Grace{r.since, r.until, r.reason, grace_message(r, g, fresh)};
    d.kept = g;
  } else {
    // Used up: the record stays (no new grace) until a licensed evaluation replaces it.
    record_fresh();
  }
  return d;
}

GraceDecision decide_unsaved_grace(const State& before, const GraceInput& in) {
  if (!before.last_good || before.grace) return decide_grace(before, in);
  const LastGood& g = *before.last_good;
  State assumed = before;
  assumed.grace = GraceRecord{g.at, add_days(g.at, in.grace_days), reason_of(g, in.fresh, in.unreadable)};
  GraceDecision d = decide_grace(assumed, in);
  if (d.grace) {
    d.grace->message +=
        " (the state file cannot be written, so this grace counts from the last good check, " +
        seatkey::format_rfc3339(g.at) + ")";
  }
  return d;
}

void apply_last_good(const LastGood& g, Entitlement* e) {
  e->licensed = true;
  e->edition = g.edition;
  e->server_license = g.server_license;
  e->included_users = g.included_users;
  e->pack_users = g.pack_users;
  e->licensed_users = g.licensed_users;
  e->max_users = g.max_users;
  e->excess_users = g.excess_users;
  e->updates_until = g.updates_until;
  e->standby_for = g.standby_for;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace seatkey::verifier::detail
