// The tool and the appliance decide alike: random sequences of orders are issued through the
// keygen's rules, then every appliance's whole license file (every token ever issued to it)
// is evaluated by libseatkey-verifier now and at every later moment a license starts or stops
// counting. At each moment the verifier's count equals the tool's, and no pack the tool sold
// is ever cut off by an edition's maximum.
#include <doctest/doctest.h>

#include <random>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/verifier.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
namespace v = seatkey::verifier;
using test::kNow;

namespace {

constexpr UnixTime kDay = 86400;
const char* const kAppliances[] = {"AAAA0001", "AAAA0002", "AAAA0003"};

std::optional<UnixTime> random_expiry(std::mt19937& rng, UnixTime now) {
  switch (rng() % 4) {
    case 0: return now + kDay * static_cast<UnixTime>(1 + rng() % 3);
    case 1: return now + kDay * static_cast<UnixTime>(5 + rng() % 20);
    default: return std::nullopt;
  }
}

Order random_order(std::mt19937& rng, UnixTime now) {
  const std::string appliance = kAppliances[rng() % 3];
  if (rng() % 3 == 0) {
    ServerOrder o;
    o.appliance = appliance;
    o.edition = kEditions[rng() % kEditions.size()].edition;
    o.replace = rng() % 2 == 0;
    o.expires = random_expiry(rng, now);
    return o;
  }
  PackOrder o;
  o.appliance = appliance;
  o.users = rng() % 2 == 0 ? 1 : 5;
  o.count = 1 + static_cast<int>(rng() % 4);
  o.expires = random_expiry(rng, now);
  return o;
}

}  // namespace

TEST_CASE("agreement: random order sequences - the verifier counts what the tool sold, at every moment" *
          doctest::test_suite("ledger")) {
  const SecretKey key = test::development_key();
  auto trust = v::TrustStore::from_keys({key.public_key().to_paserk()});
  REQUIRE(trust);
  std::size_t moments_checked = 0, refusals = 0, issued = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    test::TempDir dir;
    Ledger ledger = test::ok(Ledger::create(test::new_ledger_location(dir, "ledger.db"), key.public_key(),
                                            Ledger::DevelopmentKey::allow));
    std::mt19937 rng(seed);
    UnixTime now = kNow;
    for (int step = 0; step < 40; ++step) {
      now += static_cast<UnixTime>(rng() % (2 * kDay));
      IssueOptions options;
      options.now = now;
      auto result = issue(ledger, key, {random_order(rng, now)}, options);
      if (result) {
        issued += result->tokens().size();
      } else {
        REQUIRE(result.error().kind == Kind::refused);
        ++refusals;
      }
    }
    for (const char* appliance : kAppliances) {
      CAPTURE(appliance);
      const ApplianceState state(appliance, test::ok(ledger.licenses().of_appliance(appliance)), now);
      v::LicenseSet set;
      for (const LedgerEntry& e : state.history())
        set.tokens.push_back({e.token, "ledger:" + std::to_string(e.serial)});
      std::vector<UnixTime> moments{now};
      for (UnixTime t : state.later_change_points()) moments.push_back(t);
      for (UnixTime t : moments) {
        CAPTURE(format_rfc3339(t));
        const Outcome tool = state.outcome_at(t);
        auto appliance_view = v::evaluate(set, appliance, *trust, t);
        REQUIRE(appliance_view);
        CHECK(appliance_view->licensed == tool.licensed());
        CHECK(appliance_view->licensed_users == tool.users.licensed_users);
        CHECK(appliance_view->pack_users == tool.users.pack_users);
        CHECK(appliance_view->excess_users == 0);
        if (tool.active_server) {
          CHECK(appliance_view->server_license ==
                std::to_string(state.history()[*tool.active_server].serial));
        }
        ++moments_checked;
      }
    }
  }
  // The scenarios exercise both sides of the rules.
  CHECK(issued > 100);
  CHECK(refusals > 20);
  CHECK(moments_checked > 50);
}
