// The clock floor (evaluation at max(clock, clock floor)) and the expiry warnings, through the
// public API (docs/format.md, "The clock floor" and "Expiry warnings").
#include <doctest/doctest.h>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

constexpr UnixTime kDay = 86400;

// The current time, whole seconds, as the tests' "today".
UnixTime today() {
  return v::current_time();
}

Lic issued(Lic l, UnixTime t) {
  l.l.issued_at = t;
  return l;
}
Lic expiring(Lic l, UnixTime t) {
  l.l.expires = t;
  return l;
}

v::Entitlement evaluate_at(const v::LicenseSet& set, v::EvaluationContext context,
                           const std::string& appliance = kAppliance) {
  auto e = v::evaluate(set, appliance, dev_trust(), context);
  REQUIRE_MESSAGE(e.ok(), (e.ok() ? std::string() : e.error().message));
  return std::move(*e);
}

v::EvaluationContext at_time(UnixTime now) {
  v::EvaluationContext c;
  c.now = now;
  return c;
}

}  // namespace

TEST_CASE("clock floor: a set whose newest iat is today licenses with the clock at 1970") {
  const UnixTime t = today();
  const auto set = set_of(
      {issued(server("1001", Edition::compact), t).token(), issued(pack("1002", 5), t - 30 * kDay).token()});
  const v::Entitlement e = evaluate_at(set, at_time(0));
  CHECK(e.licensed);
  CHECK(e.licensed_users == 8);
  CHECK(e.clock == 0);
  REQUIRE(e.clock_floor);
  CHECK(*e.clock_floor == t);
  CHECK(e.clock_behind);
  CHECK(e.evaluated_at == t);
  CHECK(e.updates_allowed());
}

TEST_CASE("clock floor: a pack whose exp was yesterday stays expired with the clock a year back") {
  const UnixTime t = today();
  const auto set = set_of({issued(server("1001", Edition::compact), t).token(),
                           expiring(issued(pack("1002", 5), t - 10 * kDay), t - kDay).token()});
  const v::Entitlement e = evaluate_at(set, at_time(t - 365 * kDay));
  CHECK(e.licensed);
  CHECK(e.licensed_users == 3);
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "expired"});
  CHECK(e.clock_behind);
  CHECK(e.evaluated_at == t);
  // The same clock without the new server license: nothing says time has passed the exp.
  const auto old = set_of({issued(server("1001", Edition::compact), t - 20 * kDay).token(),
                           expiring(issued(pack("1002", 5), t - 10 * kDay), t - kDay).token()});
  const v::Entitlement before = evaluate_at(old, at_time(t - 365 * kDay));
  CHECK(before.licensed_users == 8);
  CHECK(before.evaluated_at == t - 10 * kDay);
}

TEST_CASE("clock floor: iat of every token whose signature and claims checked out, whatever its fate") {
  const UnixTime base = at("2026-11-01T00:00:00Z");
  const auto floor_of = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> tokens = {issued(server("1001", Edition::compact), base).token()};
    tokens.insert(tokens.end(), extra.begin(), extra.end());
    const v::Entitlement e = evaluate_at(set_of(tokens), at_time(0));
    REQUIRE(e.clock_floor);
    return *e.clock_floor;
  };
  CHECK(floor_of({}) == base);
  // Rejected, but signed by the vendor: wrong_appliance, expired, superseded, duplicate.
  CHECK(floor_of({issued(pack("1", 5).appliance(kOtherAppliance), base + 5).token()}) == base + 5);
  CHECK(floor_of({expiring(issued(pack("2", 5), base + 6), base + 7).token()}) == base + 6);
  CHECK(floor_of({issued(server("0", Edition::free), base + 8).token()}) == base + 8);
  CHECK(floor_of({issued(server("1001", Edition::compact), base + 9).token()}) == base + 9);
  // Not verified (unknown key, bad signature) or claims that did not parse: no floor.
  CHECK(floor_of({issued(pack("3", 5), base + 10).token(key_a())}) == base);
  std::string altered = issued(pack("4", 5), base + 11).token();
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  CHECK(floor_of({altered}) == base);
  Lic bad = issued(pack("5", 7), base + 12);  // a pack of 7 users: invalid_claims
  CHECK(floor_of({sign_payload(bad.payload())}) == base);
}

TEST_CASE("clock floor: a clock after the floor is used as it is, min_time only raises the floor") {
  const auto set = set_of({server("1001", Edition::compact).token(), pack("1002", 5).token()});
  const UnixTime now = at(kNow);
  v::Entitlement e = evaluate_at(set, at_time(now));
  CHECK(e.evaluated_at == now);
  CHECK(e.clock == now);
  CHECK(*e.clock_floor == at("2026-11-02T09:00:00Z"));  // the pack's iat
  CHECK_FALSE(e.clock_behind);

  v::EvaluationContext c = at_time(now);
  c.min_time = at("2020-01-01T00:00:00Z");
  e = evaluate_at(set, c);
  CHECK(*e.clock_floor == at("2026-11-02T09:00:00Z"));
  c.min_time = now + 3600;
  e = evaluate_at(set, c);
  CHECK(*e.clock_floor == now + 3600);
  CHECK(e.clock_behind);
  CHECK(e.evaluated_at == now + 3600);

  // Nothing verified, no build time (not a firmware build), no state: no floor.
  CHECK_FALSE(v::build_time());
  e = evaluate_at(set_of({"v4.public.garbage"}), at_time(now));
  CHECK_FALSE(e.clock_floor);
  CHECK_FALSE(e.clock_behind);
  CHECK(e.evaluated_at == now);
}

TEST_CASE("clock: without a clock in the context evaluate() reads the system clock") {
  const UnixTime before = v::current_time();
  const v::Entitlement e = evaluate_at(set_of({server("1001", Edition::compact).token()}), {});
  CHECK(e.clock >= before);
  CHECK(e.clock <= v::current_time());
  CHECK(e.evaluated_at == e.clock);
}

TEST_CASE("evaluate(set, id, trust, now) - the same as a context with that clock and nothing else") {
  const auto set = set_of({server("1001", Edition::compact).iat("2026-12-01T00:00:00Z").token(),
                           expiring(pack("1002", 5), at("2026-12-05T00:00:00Z")).token()});
  const v::Entitlement a = evaluate_ok(set);
  const v::Entitlement b = evaluate_at(set, at_time(at(kNow)));
  CHECK(a.evaluated_at == b.evaluated_at);
  CHECK(a.evaluated_at == at("2026-12-01T00:00:00Z"));
  CHECK(a.clock_behind);
  CHECK(a.licensed_users == b.licensed_users);
  CHECK(a.expiring == b.expiring);
  CHECK(a.warnings.empty());
  CHECK_FALSE(a.grace);
}

TEST_CASE("expiry warnings: expires on every verified report, expiring within warn_days, soonest first") {
  const UnixTime now = at(kNow);
  const auto set = set_of({
      expiring(server("1001", Edition::compact), now + 30 * kDay).token(),     // exactly 30 days: listed
      expiring(pack("1002", 5), now + 30 * kDay + 1).token(),                  // a second later: not
      expiring(pack("1003", 1), now + 3600).token(),                           // in an hour: first
      pack("1004", 1).token(),                                                 // no exp
      expiring(pack("1005", 1), now - 1).token(),                              // expired: not listed
      expiring(pack("1006", 1).appliance(kOtherAppliance), now + 60).token(),  // not accepted
  });
  v::Entitlement e = evaluate_at(set, at_time(now));
  REQUIRE(e.accepted.size() == 4);
  CHECK(*e.accepted[0].expires == now + 30 * kDay);
  CHECK(*e.accepted[1].expires == now + 30 * kDay + 1);
  CHECK_FALSE(e.accepted[3].expires);
  CHECK(*report_of(e, "t:5").expires == now - 1);
  CHECK(*report_of(e, "t:6").expires == now + 60);
  REQUIRE(e.expiring.size() == 2);
  CHECK(*e.accepted[e.expiring[0]].serial == "1003");
  CHECK(*e.accepted[e.expiring[1]].serial == "1001");

  v::EvaluationContext c = at_time(now);
  c.warn_days = 0;
  CHECK(evaluate_at(set, c).expiring.empty());
  c.warn_days = 3650;
  CHECK(evaluate_at(set, c).expiring.size() == 3);

  // Unverified tokens report no expiry.
  const v::Entitlement u =
      evaluate_at(set_of({expiring(pack("7", 5), now + 5).token(key_a())}), at_time(now));
  CHECK_FALSE(u.rejected[0].expires);
}

TEST_CASE("evaluation context: days out of range are invalid_argument, naming the field") {
  const auto set = set_of({server("1001", Edition::compact).token()});
  const auto error_of = [&](v::EvaluationContext c) {
    auto e = v::evaluate(set, kAppliance, dev_trust(), c);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == v::ErrorCode::invalid_argument);
    CHECK(std::string(v::error_code_name(e.error().code)) == "invalid_argument");
    return e.error().message;
  };
  v::EvaluationContext c = at_time(at(kNow));
  c.warn_days = -1;
  CHECK(error_of(c) == "warn_days must be 0 to 3650, not -1");
  c.warn_days = 3651;
  CHECK(error_of(c) == "warn_days must be 0 to 3650, not 3651");
  c.warn_days = 30;
  c.grace_days = -5;
  CHECK(error_of(c) == "grace_days must be 0 to 3650, not -5");
  c.grace_days = 3650;
  CHECK(v::evaluate(set, kAppliance, dev_trust(), c).ok());
  CHECK(v::default_grace_days() == 30);
}
