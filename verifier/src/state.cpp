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
#include "seatkey/common/json_keys.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::verifier::detail {

bool LastGood::operator==(const LastGood& o) const {
  return appliance == o.appliance && at == o.at && edition == o.edition &&
         server_license == o.server_license && included_users == o.included_users &&
         pack_users == o.pack_users && licensed_users == o.licensed_users && max_users == o.max_users &&
         excess_users == o.excess_users && updates_until == o.updates_until && good_until == o.good_until;
}

namespace {

using Json = nlohmann::json;

constexpr int kStateVersion = 1;
constexpr std::size_t kMaxStateDepth = 4;
constexpr int kMaxUsers = 1000000;             // far above what 10,000 tokens can license
constexpr UnixTime kFirstTime = -62167219200;  // 0000-01-01T00:00:00Z
constexpr UnixTime kLastTime = 253402300799;   // 9999-12-31T23:59:59Z
constexpr UnixTime kDay = 86400;

// ---- Parsing -------------------------------------------------------------------------------

// Reads the members of one JSON object of the state; every problem is a sentence in *why.
class Fields {
 public:
  Fields(const Json& object, std::string where) : object_(object), where_(std::move(where)) {}

  const Json* member(const char* name, std::string* why) const {
    auto it = object_.find(name);
    if (it == object_.end()) {
      *why = where_ + name + " is missing";
      return nullptr;
    }
    return &*it;
  }
  bool time(const char* name, UnixTime* out, std::string* why) const {
    const Json* v = member(name, why);
    if (v == nullptr) return false;
    if (!v->is_string()) return wrong(name, "an RFC 3339 time", why);
    auto t = seatkey::parse_rfc3339(v->get_ref<const std::string&>());
    if (!t) return wrong(name, "an RFC 3339 time", why);
    *out = *t;
    return true;
  }
  bool optional_time(const char* name, std::optional<UnixTime>* out, std::string* why) const {
    const Json* v = member(name, why);
    if (v == nullptr) return false;
    if (v->is_null()) {
      out->reset();
      return true;
    }
    UnixTime t = 0;
    if (!time(name, &t, why)) return false;
    *out = t;
    return true;
  }
  bool count(const char* name, int* out, std::string* why) const {
    const Json* v = member(name, why);
    if (v == nullptr) return false;
    if (!v->is_number_integer()) return wrong(name, "a whole number", why);
    const bool in_range = v->is_number_unsigned()
                              ? v->get<std::uint64_t>() <= kMaxUsers
                              : v->get<std::int64_t>() >= 0 && v->get<std::int64_t>() <= kMaxUsers;
    if (!in_range) return wrong(name, "a whole number from 0 to 1000000", why);
    *out = static_cast<int>(v->get<std::int64_t>());
    return true;
  }
  bool string(const char* name, std::string* out, std::string* why) const {
    const Json* v = member(name, why);
    if (v == nullptr) return false;
    if (!v->is_string()) return wrong(name, "a string", why);
    *out = v->get<std::string>();
    return true;
  }

 private:
  bool wrong(const char* name, const char* what, std::string* why) const {
    *why = where_ + name + " is not " + what;
    return false;
  }

  const Json& object_;
  std::string where_;
};

bool parse_last_good(const Json& j, LastGood* g, std::string* why) {
  if (!j.is_object()) {
    *why = "last_good is neither an object nor null";
    return false;
  }
  const Fields f(j, "last_good.");
  std::string edition;
  int max_users = 0;
  if (!f.string("appliance", &g->appliance, why) || !f.time("at", &g->at, why) ||
      !f.string("edition", &edition, why) || !f.string("server_license", &g->server_license, why) ||
      !f.count("included_users", &g->included_users, why) || !f.count("pack_users", &g->pack_users, why) ||
      !f.count("licensed_users", &g->licensed_users, why) ||
      !f.count("excess_users", &g->excess_users, why) ||
      !f.optional_time("updates_until", &g->updates_until, why) ||
      !f.optional_time("good_until", &g->good_until, why)) {
    return false;
  }
  auto canonical = seatkey::canonical_appliance_id(g->appliance);
  if (!canonical || *canonical != g->appliance) {
    *why = "last_good.appliance is not a canonical appliance ID";
    return false;
  }
  const auto e = seatkey::parse_edition(edition);
  if (!e) {
    *why = "last_good.edition is not one of " + seatkey::edition_list();
    return false;
  }
  g->edition = to_api(*e);
  if (g->server_license.empty() || g->server_license.size() > 64) {
    *why = "last_good.server_license is not a serial of 1 to 64 bytes";
    return false;
  }
  const Json* m = f.member("max_users", why);
  if (m == nullptr) return false;
  if (m->is_null()) {
    g->max_users.reset();
  } else if (!f.count("max_users", &max_users, why)) {
    return false;
  } else {
    g->max_users = max_users;
  }
  if (g->licensed_users < 1) {
    *why = "last_good.licensed_users is 0: a last good entitlement is licensed";
    return false;
  }
  if (g->good_until && *g->good_until <= g->at) {
    *why = "last_good.good_until is not after last_good.at";
    return false;
  }
  return true;
}

bool parse_grace(const Json& j, GraceRecord* r, std::string* why) {
  if (!j.is_object()) {
    *why = "grace is neither an object nor null";
    return false;
  }
  const Fields f(j, "grace.");
  std::string reason;
  if (!f.time("since", &r->since, why) || !f.time("until", &r->until, why) ||
      !f.string("reason", &reason, why)) {
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
    *why = "grace.reason is not a grace reason";
    return false;
  }
  if (r->until < r->since) {
    *why = "grace.until is before grace.since";
    return false;
  }
  return true;
}

// The text parsed into a JSON document, refusing duplicated keys and deep nesting.
bool parse_json(std::string_view text, Json* doc, std::string* why) {
  if (std::string nul = seatkey::nul_byte_in(text); !nul.empty()) {
    *why = "not valid JSON: " + nul;
    return false;
  }
  seatkey::ObjectKeys keys;
  std::string problem;
  const auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (!problem.empty()) return false;
    if (static_cast<std::size_t>(depth) > kMaxStateDepth) {
      problem = "nested too deeply";
      return false;
    }
    switch (event) {
      case Json::parse_event_t::object_start: keys.enter_object(); break;
      case Json::parse_event_t::object_end: keys.leave_object(); break;
      case Json::parse_event_t::key:
        if (!keys.add(parsed.get_ref<const std::string&>())) {
          problem = "a duplicated key " + parsed.get<std::string>().substr(0, 32);
          return false;
        }
        break;
      default: break;
    }
    return true;
  };
  *doc = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (!problem.empty()) {
    *why = "not valid JSON: " + problem;
    return false;
  }
  if (doc->is_discarded()) {
    *why = "not valid JSON";
    return false;
  }
  return true;
}

// ---- Formatting ----------------------------------------------------------------------------

std::string time_text(UnixTime t) {
  return seatkey::format_rfc3339(std::clamp(t, kFirstTime, kLastTime));
}

Json time_or_null(const std::optional<UnixTime>& t) {
  return t ? Json(time_text(*t)) : Json(nullptr);
}

}  // namespace

bool parse_state(std::string_view text, State* out, std::string* why) {
  try {
    Json doc;
    if (!parse_json(text, &doc, why)) return false;
    if (!doc.is_object()) {
      *why = "not a JSON object";
      return false;
    }
    const Fields f(doc, "");
    const Json* version = f.member("seatkey_state", why);
    if (version == nullptr) return false;
    if (!version->is_number_integer() || version->get<std::int64_t>() != kStateVersion) {
      *why = "seatkey_state is not 1 (a state file of another version)";
      return false;
    }
    State s;
    UnixTime high_water = 0;
    if (!f.time("high_water", &high_water, why)) return false;
    s.high_water = high_water;
    const Json* last_good = f.member("last_good", why);
    if (last_good == nullptr) return false;
    if (!last_good->is_null()) {
      LastGood g;
      if (!parse_last_good(*last_good, &g, why)) return false;
      if (g.at > high_water) {
        *why = "last_good.at is after high_water";
        return false;
      }
      s.last_good = std::move(g);
    }
    const Json* grace = f.member("grace", why);
    if (grace == nullptr) return false;
    if (!grace->is_null()) {
      GraceRecord r;
      if (!parse_grace(*grace, &r, why)) return false;
      if (!s.last_good) {
        *why = "a grace without a last good entitlement";
        return false;
      }
      if (r.since > high_water) {
        *why = "grace.since is after high_water";
        return false;
      }
      s.grace = r;
    }
    *out = std::move(s);
    return true;
  } catch (const std::exception&) {  // out of memory, or a library surprise: not a valid state
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
    nlohmann::ordered_json o;
    o["appliance"] = g.appliance;
    o["at"] = time_text(g.at);
    o["edition"] = edition_name(g.edition);
    o["server_license"] = g.server_license;
    o["included_users"] = g.included_users;
    o["pack_users"] = g.pack_users;
    o["licensed_users"] = g.licensed_users;
    o["max_users"] = g.max_users ? nlohmann::ordered_json(*g.max_users) : nlohmann::ordered_json(nullptr);
    o["excess_users"] = g.excess_users;
    o["updates_until"] = time_or_null(g.updates_until);
    o["good_until"] = time_or_null(g.good_until);
    j["last_good"] = std::move(o);
  } else {
    j["last_good"] = nullptr;
  }
  if (state.grace) {
    nlohmann::ordered_json o;
    o["since"] = time_text(state.grace->since);
    o["until"] = time_text(state.grace->until);
    o["reason"] = grace_reason_name(state.grace->reason);
    j["grace"] = std::move(o);
  } else {
    j["grace"] = nullptr;
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
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
                           bool unreadable) {
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
  if (!worse) {
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
}

}  // namespace seatkey::verifier::detail
