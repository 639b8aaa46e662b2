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
         standby_for == o.standby_for && standby_license == o.standby_license;
}

namespace {

using seatkey::detail::JsonMember;

constexpr std::int64_t kStateVersion = 1;
constexpr int kMaxUsers = 1000000;             // far above what 10,000 tokens can license
constexpr UnixTime kFirstTime = -62167219200;  // 0000-01-01T00:00:00Z
constexpr UnixTime kLastTime = 253402300799;   // 9999-12-31T23:59:59Z
constexpr UnixTime kDay = 86400;

// ---- Parsing -------------------------------------------------------------------------------

// The members of the state's JSON object by name; every problem becomes a sentence in *why.
class Members {
 public:
  explicit Members(const std::vector<JsonMember>& members) : members_(members) {}

  const JsonMember* find(std::string_view name) const {
    for (const auto& m : members_) {
      if (m.key == name) return &m;
    }
    return nullptr;
  }
  const JsonMember* required(const char* name, std::string* why) const {
    const JsonMember* m = find(name);
    if (m == nullptr) *why = std::string(name) + " is missing";
    return m;
  }
  bool time(const char* name, UnixTime* out, std::string* why) const {
    const JsonMember* m = required(name, why);
    if (m == nullptr) return false;
    auto t = m->type == JsonMember::Type::string
                 ? seatkey::parse_rfc3339(m->string)
                 : seatkey::Result<UnixTime>(seatkey::Error{Errc::invalid_time, {}});
    if (!t) return wrong(name, "an RFC 3339 time", why);
    *out = *t;
    return true;
  }
  bool optional_time(const char* name, std::optional<UnixTime>* out, std::string* why) const {
    const JsonMember* m = required(name, why);
    if (m == nullptr) return false;
    if (m->type == JsonMember::Type::null) {
      out->reset();
      return true;
    }
    UnixTime t = 0;
    if (!time(name, &t, why)) return false;
    *out = t;
    return true;
  }
  bool count(const char* name, int* out, std::string* why) const {
    const JsonMember* m = required(name, why);
    if (m == nullptr) return false;
    if (m->type != JsonMember::Type::integer) return wrong(name, "a whole number", why);
    if (!m->integer_fits || m->integer < 0 || m->integer > kMaxUsers) {
      return wrong(name, "a whole number from 0 to 1000000", why);
    }
    *out = static_cast<int>(m->integer);
    return true;
  }
  bool optional_count(const char* name, std::optional<int>* out, std::string* why) const {
    const JsonMember* m = required(name, why);
    if (m == nullptr) return false;
    if (m->type == JsonMember::Type::null) {
      out->reset();
      return true;
    }
    int n = 0;
    if (!count(name, &n, why)) return false;
    *out = n;
    return true;
  }
  bool string(const char* name, std::string* out, std::string* why) const {
    const JsonMember* m = required(name, why);
    if (m == nullptr) return false;
    if (m->type != JsonMember::Type::string) return wrong(name, "a string", why);
    *out = m->string;
    return true;
  }

 private:
  static bool wrong(const char* name, const char* what, std::string* why) {
    *why = std::string(name) + " is not " + what;
    return false;
  }

  const std::vector<JsonMember>& members_;
};

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

bool parse_last_good(const Members& f, UnixTime high_water, LastGood* g, std::string* why) {
  std::string edition;
  if (!f.string("good_appliance", &g->appliance, why) || !f.time("good_at", &g->at, why) ||
      !f.string("good_edition", &edition, why) || !f.string("good_server_license", &g->server_license, why) ||
      !f.count("good_included_users", &g->included_users, why) ||
      !f.count("good_pack_users", &g->pack_users, why) ||
      !f.count("good_licensed_users", &g->licensed_users, why) ||
      !f.optional_count("good_max_users", &g->max_users, why) ||
      !f.count("good_excess_users", &g->excess_users, why) ||
      !f.optional_time("good_updates_until", &g->updates_until, why) ||
      !f.optional_time("good_until", &g->good_until, why)) {
    return false;
  }
  auto canonical = seatkey::canonical_appliance_id(g->appliance);
  if (!canonical || *canonical != g->appliance) {
    *why = "good_appliance is not a canonical appliance ID";
    return false;
  }
  const auto e = seatkey::parse_edition(edition);
  if (!e) {
    *why = "good_edition is not one of " + seatkey::edition_list();
    return false;
  }
  g->edition = to_api(*e);
  if (!is_serial(g->server_license)) {
    *why = "good_server_license is not a license serial";
    return false;
  }
  if (g->licensed_users < 1) {
    *why = "good_licensed_users is 0: a last good entitlement is licensed";
    return false;
  }
  if (g->at > high_water) {
    *why = "good_at is after high_water";
    return false;
  }
  if (g->good_until && *g->good_until <= g->at) {
    *why = "good_until is not after good_at";
    return false;
  }
  // A standby's: both members or neither (a state file from before standby licenses has none).
  if (f.find("good_standby_for") != nullptr || f.find("good_standby_license") != nullptr) {
    std::string primary, serial;
    if (!f.string("good_standby_for", &primary, why) || !f.string("good_standby_license", &serial, why)) {
      return false;
    }
    auto canonical_primary = seatkey::canonical_appliance_id(primary);
    if (!canonical_primary || *canonical_primary != primary) {
      *why = "good_standby_for is not a canonical appliance ID";
      return false;
    }
    if (!is_serial(serial)) {
      *why = "good_standby_license is not a license serial";
      return false;
    }
    g->standby_for = std::move(primary);
    g->standby_license = std::move(serial);
  }
  return true;
}

bool parse_grace(const Members& f, UnixTime high_water, GraceRecord* r, std::string* why) {
  std::string reason;
  if (!f.time("grace_since", &r->since, why) || !f.time("grace_until", &r->until, why) ||
      !f.string("grace_reason", &reason, why)) {
    return false;
  }
  bool known = false;
  for (int i = 0; i <= static_cast<int>(GraceReason::licenses_damaged); ++i) {
    if (reason == grace_reason_name(static_cast<GraceReason>(i))) {
      r->reason = static_cast<GraceReason>(i);
      known = true;
    }
  }
  if (!known) {
    *why = "grace_reason is not a grace reason";
    return false;
  }
  if (r->until < r->since) {
    *why = "grace_until is before grace_since";
    return false;
  }
  if (r->since > high_water) {
    *why = "grace_since is after high_water";
    return false;
  }
  return true;
}

// ---- Formatting ----------------------------------------------------------------------------

std::string time_text(UnixTime t) {
  return seatkey::format_rfc3339(std::clamp(t, kFirstTime, kLastTime));
}

nlohmann::ordered_json time_or_null(const std::optional<UnixTime>& t) {
  return t ? nlohmann::ordered_json(time_text(*t)) : nlohmann::ordered_json(nullptr);
}

}  // namespace

bool parse_state(std::string_view text, State* out, std::string* why) {
  try {
    auto members = seatkey::detail::scan_json_object(text);
    if (!members) {
      *why = members.error().message;
      return false;
    }
    const Members f(*members);
    const JsonMember* version = f.required("seatkey_state", why);
    if (version == nullptr) return false;
    if (version->type != JsonMember::Type::integer || !version->integer_fits ||
        version->integer != kStateVersion) {
      *why = "seatkey_state is not 1 (a state file of another version)";
      return false;
    }
    State s;
    UnixTime high_water = 0;
    if (!f.time("high_water", &high_water, why)) return false;
    s.high_water = high_water;
    // The last good entitlement's members are there together or not at all; so are the grace's.
    if (f.find("good_appliance") != nullptr) {
      LastGood g;
      if (!parse_last_good(f, high_water, &g, why)) return false;
      s.last_good = std::move(g);
    }
    if (f.find("grace_since") != nullptr) {
      GraceRecord r;
      if (!parse_grace(f, high_water, &r, why)) return false;
      if (!s.last_good) {
        *why = "a grace without a last good entitlement";
        return false;
      }
      s.grace = r;
    }
    *out = std::move(s);
    return true;
  } catch (const std::exception&) {  // out of memory: not a state this time
    *why = "cannot be read as a state";
    return false;
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

// Writes all of `text` to `fd`.
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

}  // namespace

void StateFile::open(const std::string& path, std::vector<Warning>* warnings, int lock_wait_millis) {
  path_ = path;
  folder_ = folder_of(path);

  // The lock: concurrent evaluations read, decide and write one after the other, so that the
  // high-water mark never goes back and a grace is decided once.
  folder_fd_ = seatkey::FileDescriptor(::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder_fd_.get() < 0) {
    lock_problem_ = "cannot open its folder " + folder_ + ": " + errno_text(errno);
  } else {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(lock_wait_millis);
    for (;;) {
      if (::flock(folder_fd_.get(), LOCK_EX | LOCK_NB) == 0) {
        locked_ = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) {
        lock_problem_ = "cannot lock its folder " + folder_ + ": " + errno_text(errno);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        lock_problem_ = "another evaluation held the lock on " + folder_ + " for " +
                        std::to_string(lock_wait_millis) + " ms";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
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
  std::string why;
  if (text->size() > kMaxStateFileBytes) {
    why = "over 64 KiB";
  } else if (parse_state(*text, &state_, &why)) {
    return;
  }
  state_ = State{};
  warnings->push_back({WarningCode::state_damaged, "state file " + path + " is damaged (" + why +
                                                       "): evaluated without one; it is rewritten"});
}

void StateFile::save(const State& state, std::vector<Warning>* warnings) {
  const auto not_saved = [&](const std::string& why) {
    warnings->push_back({WarningCode::state_not_saved, "state file " + path_ + " was not updated: " + why});
  };
  if (!locked_) {
    not_saved(lock_problem_);
    return;
  }
  if (!needs_saving(state_, state)) return;
  // The temporary file has one name: only the holder of the lock writes it, and one left by
  // a killed evaluation is removed here.
  const std::string temp = path_ + ".tmp";
  const std::string text = format_state(state);
  if (::unlink(temp.c_str()) != 0 && errno != ENOENT) {
    not_saved("cannot remove " + temp + ": " + errno_text(errno));
    return;
  }
  // O_EXCL | O_NOFOLLOW: never write through a link someone put in the temporary file's place.
  seatkey::FileDescriptor fd(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    not_saved("cannot create " + temp + ": " + errno_text(errno));
    return;
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
    not_saved(std::string(step) + " of " + temp + ": " + errno_text(err));
    return;
  }
  if (::fsync(folder_fd_.get()) != 0) {
    not_saved("fsync of its folder " + folder_ + ": " + errno_text(errno) +
              " (the new state is in place, but may not survive a power loss)");
  }
  state_ = state;
}

// ---- Grace ---------------------------------------------------------------------------------

namespace {

UnixTime add_days(UnixTime t, int days) {
  const UnixTime span = static_cast<UnixTime>(days) * kDay;
  return t > kLastTime - span ? kLastTime : t + span;
}

LastGood last_good_of(const Entitlement& e, UnixTime t, const std::optional<UnixTime>& good_until) {
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
  g.good_until = good_until;
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
// grace must not cover: an expiry (the evaluation is at or past g's first expiry), or a newer
// server license of the vendor's that superseded g's.
bool loss_is_the_licenses(const LastGood& g, const Entitlement& fresh, UnixTime t) {
  if (g.good_until && t >= *g.good_until) return true;
  for (const auto& r : fresh.rejected) {
    if (r.serial && *r.serial == g.server_license && r.kind == LicenseKind::server &&
        (r.reason == Reason::expired || r.reason == Reason::superseded)) {
      return true;
    }
  }
  return false;
}

// Whether the vendor took back what the last good entitlement `g` counted: its server license
// or a standby's standby license is on the revocation list that applies, or a license here was
// rejected as revoked (the state keeps those two serials only, not the packs'). Grace never
// covers a revocation, not even one that arrives during a grace period.
bool loss_is_revoked(const LastGood& g, const Entitlement& fresh, const std::vector<std::string>& revoked) {
  if (is_revoked(revoked, g.server_license)) return true;
  if (g.standby_license && is_revoked(revoked, *g.standby_license)) return true;
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

GraceDecision decide_grace(const State& before, const Entitlement& fresh,
                           const std::optional<UnixTime>& fresh_good_until, UnixTime t, int grace_days,
                           bool unreadable, const std::vector<std::string>& revoked) {
  GraceDecision d;
  d.after = before;
  d.after.high_water = std::max(before.high_water.value_or(t), t);
  // A licensed evaluation that grace does not replace is the new last good one, and a grace
  // record (in progress or used up) ends with it.
  const auto record_fresh = [&] {
    if (!fresh.licensed) return;
    d.after.last_good = last_good_of(fresh, t, fresh_good_until);
    d.after.grace.reset();
  };
  if (!before.last_good) {
    record_fresh();
    return d;
  }
  const LastGood& g = *before.last_good;
  const bool worse = !fresh.licensed || fresh.licensed_users < g.licensed_users;
  if (!worse || loss_is_revoked(g, fresh, revoked)) {
    record_fresh();
    return d;
  }
  GraceRecord r;
  if (before.grace) {
    // A grace once started keeps its since and until, whatever happens to the files or the
    // clock; a shorter grace period or an earlier expiry of the last good licenses shorten it.
    r = *before.grace;
    r.until = std::min(r.until, add_days(r.since, grace_days));
    if (g.good_until) r.until = std::min(r.until, *g.good_until);
    r.until = std::max(r.until, r.since);
  } else {
    if (grace_days == 0 || loss_is_the_licenses(g, fresh, t)) {
      record_fresh();
      return d;
    }
    r.since = t;
    r.until = add_days(t, grace_days);
    if (g.good_until) r.until = std::min(r.until, *g.good_until);
    r.reason = reason_of(g, fresh, unreadable);
  }
  d.after.grace = r;
  if (t < r.until) {
    d.grace = Grace{r.since, r.until, r.reason, grace_message(r, g, fresh)};
  } else {
    // Used up: the record stays (no new grace) until a licensed evaluation replaces it.
    record_fresh();
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

}  // namespace seatkey::verifier::detail
