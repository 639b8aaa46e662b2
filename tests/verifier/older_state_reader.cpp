// The state file reader of the builds before good_ends and good_pack_expiries, kept as it was:
// the rules of verifier/src/state.cpp's parse_state() up to commit 645569f (written here with
// a result instead of its out-parameter). Firmware rolled back to such a build must still read
// the state file this build writes, so the tests give this build's files to it. Never change
// its rules: it stands for the readers in the field. It fills this build's State (whose
// `expiries` it never sets).
#include "older_state_reader.hpp"

#include "internal.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/json_scan.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::test::older {

using namespace seatkey::verifier;
using namespace seatkey::verifier::detail;

namespace {

using seatkey::detail::JsonMember;

constexpr std::int64_t kStateVersion = 1;
constexpr int kMaxUsers = 1000000;

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

}  // namespace seatkey::test::older
