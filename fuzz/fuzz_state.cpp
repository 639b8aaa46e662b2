// The state file (docs/format.md, "The state file"): parse_state() never crashes; a state it
// accepts is consistent (a grace only with a last good entitlement, no time after the
// high-water mark), format_state() writes it so that it reads back equal, byte for byte the
// same the second time; and the grace rules on it keep their promises for a licensed and an
// unlicensed evaluation at the high-water mark and a day later: the high-water mark never goes
// back, a grace covers the evaluation time, lasts at most the grace days from its start and
// never past the last good entitlement's end, and keeps no more users than the last good
// entitlement had, without those of the packs that expired by then.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "state.hpp"

namespace v = seatkey::verifier;
namespace d = seatkey::verifier::detail;

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

v::Entitlement fresh(bool licensed, const char* appliance) {
  v::Entitlement e;
  e.appliance = appliance;
  if (licensed) {
    e.licensed = true;
    e.edition = v::Edition::compact;
    e.server_license = "1001";
    e.included_users = 3;
    e.pack_users = 5;
    e.licensed_users = 8;
    e.max_users = 20;
  }
  return e;
}

void check_rules(const d::State& before, const v::Entitlement& e, v::UnixTime t, int days) {
  const d::Revoked revoked;
  const d::GraceDecision g = d::decide_grace(before, d::GraceInput{e, {}, t, days, false, revoked});
  check(g.after.high_water && *g.after.high_water >= t);
  check(!before.high_water || *g.after.high_water >= *before.high_water);
  check(!g.after.grace || g.after.last_good);
  if (g.grace) {
    check(before.last_good.has_value() &&
          (!e.licensed || e.licensed_users < before.last_good->licensed_users));
    check(g.grace->since <= t && t < g.grace->until);
    check(g.grace->until - g.grace->since <= static_cast<v::UnixTime>(days) * 86400);
    const auto end = d::end_of(*before.last_good);
    check(!end || g.grace->until <= *end);
    check(g.kept == d::kept_at(*before.last_good, t));
    check(g.kept.licensed_users <= before.last_good->licensed_users && g.kept.licensed_users >= 1);
    check(before.grace || g.grace->since == t);  // a grace in progress keeps its start
    check(!before.grace || g.grace->since == before.grace->since);
  }
  if (e.licensed && !g.grace) check(g.after.last_good && g.after.last_good->at == t && !g.after.grace);
  check(d::parse_state(d::format_state(g.after)).ok());  // times past 9999 are written clamped
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = d::parse_state(text);
  if (!parsed) {
    check(!parsed.error().message.empty());
    return 0;
  }
  const d::State& state = *parsed;
  check(state.high_water.has_value());
  check(!state.grace || state.last_good);
  check(!state.last_good || state.last_good->at <= *state.high_water);
  check(!state.grace ||
        (state.grace->since <= state.grace->until && state.grace->since <= *state.high_water));

  const std::string once = d::format_state(state);
  auto back = d::parse_state(once);
  check(back.ok() && *back == state);
  check(d::format_state(*back) == once);

  const v::UnixTime hw = *state.high_water;
  for (v::UnixTime t : {hw, hw + 86400}) {
    for (int days : {0, 30}) {
      check_rules(state, fresh(true, "001A2B3C4D5E"), t, days);
      check_rules(state, fresh(false, "001A2B3C4D5E"), t, days);
      check_rules(state, fresh(false, "0099AABBCCDD"), t, days);
    }
  }
  return 0;
}
