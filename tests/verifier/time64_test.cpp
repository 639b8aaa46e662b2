// Times past 2038 on every target: the verifier's times are 64-bit even where the C library's
// time_t is 32 bits by default (armhf; cmake/SeatkeyTime64.cmake). Run on every target; on a
// 32-bit one they are the point.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <ctime>

#include "state.hpp"
#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;
namespace d = seatkey::verifier::detail;

TEST_CASE("64-bit times: this build's time_t and off_t are 64 bits") {
  CHECK(sizeof(std::time_t) == 8);
  CHECK(sizeof(off_t) == 8);
  // The system clock is read as it is (the machine running the test is past 2024).
  CHECK(v::current_time() > at("2024-01-01T00:00:00Z"));
}

TEST_CASE("64-bit times: times past 2038 and 2106 are parsed and written back") {
  CHECK(at("2038-01-19T03:14:07Z") == 2147483647);
  CHECK(at("2038-01-19T03:14:08Z") == 2147483648);
  CHECK(at("2106-02-07T06:28:16Z") == 4294967296);
  for (const char* t :
       {"2038-01-19T03:14:08Z", "2040-02-29T12:00:00Z", "2106-02-07T06:28:16Z", "9999-12-31T23:59:59Z"}) {
    CAPTURE(t);
    CHECK(v::format_time(*v::parse_time(t)) == t);
  }
}

TEST_CASE("64-bit times: licenses dated past 2038 raise the clock floor there and count") {
  const auto set = set_of({server("1001", Edition::compact)
                               .iat("2039-06-01T09:00:00Z")
                               .updates_until("2040-12-31T23:59:59Z")
                               .token(),
                           pack("1002", 5).iat("2039-06-02T09:00:00Z").exp("2041-01-01T00:00:00Z").token()});
  const auto e = evaluate_ok(set, kAppliance, dev_trust(), at(kNow));
  CHECK(e.licensed);
  CHECK(e.licensed_users == 8);
  REQUIRE(e.clock_floor);
  CHECK(*e.clock_floor == at("2039-06-02T09:00:00Z"));
  CHECK(e.clock_behind);
  CHECK(e.evaluated_at == at("2039-06-02T09:00:00Z"));
  CHECK(*e.updates_until == at("2040-12-31T23:59:59Z"));
  CHECK(e.updates_allowed());
  CHECK_FALSE(e.updates_allowed(at("2041-01-01T00:00:00Z")));
  CHECK(*report_of(e, "t:2").expires == at("2041-01-01T00:00:00Z"));

  // At 2041 the pack has expired, past 2^31 seconds.
  const auto later = evaluate_ok(set, kAppliance, dev_trust(), at("2041-01-01T00:00:00Z"));
  CHECK(later.licensed_users == 3);
  CHECK(*report_of(later, "t:2").reason == v::Reason::expired);
}

TEST_CASE("64-bit times: a state file's high-water mark past 2038 is kept and is the clock floor") {
  ScratchDir dir;
  const auto set = set_of({server("1001", Edition::compact).token()});
  v::EvaluationContext c;
  c.state_path = dir.file("state");
  c.now = at("2040-03-01T00:00:00Z");
  auto first = v::evaluate(set, kAppliance, dev_trust(), c);
  REQUIRE(first);
  CHECK(first->evaluated_at == at("2040-03-01T00:00:00Z"));

  auto s = d::parse_state(read_file(c.state_path));
  REQUIRE(s);
  CHECK(s->high_water == at("2040-03-01T00:00:00Z"));

  c.now = 0;  // a clock at 1970
  auto second = v::evaluate(set, kAppliance, dev_trust(), c);
  REQUIRE(second);
  CHECK(second->clock_behind);
  REQUIRE(second->clock_floor);
  CHECK(*second->clock_floor == at("2040-03-01T00:00:00Z"));
  CHECK(second->evaluated_at == at("2040-03-01T00:00:00Z"));
  CHECK(second->licensed);
}
