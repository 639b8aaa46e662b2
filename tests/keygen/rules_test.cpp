// The issuing rules (docs/back-office.md) as pure checks on an appliance's ledger history.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/rules.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::kAppliance;
using test::kNow;
using test::pack_entry;
using test::packs;
using test::server;
using test::server_entry;

namespace {

ApplianceState state(const std::vector<LedgerEntry>& history, UnixTime now = kNow) {
  return ApplianceState(kAppliance, history, now);
}

// `count` new packs of `users` from serial `first`, as the issuer builds them for an order.
std::vector<LedgerEntry> new_packs(std::int64_t first, int users, int count,
                                   std::optional<UnixTime> expires = std::nullopt) {
  std::vector<LedgerEntry> out;
  for (int i = 0; i < count; ++i) out.push_back(pack_entry(first + i, users, kNow, expires));
  return out;
}

// The refusal message, or "" when the check passes; anything but a refusal fails the test.
std::string refusal(const std::function<void()>& f) {
  auto e = test::error_of(f);
  if (!e) return "";
  CHECK(e->kind == Kind::refused);
  CHECK(kind_info(e->kind).exit_status == 1);
  return e->message;
}

// The command a refusal names for seatkey-keygen beside its message (Error::command_hint).
std::string hint_of(const std::function<void()>& f) {
  auto e = test::error_of(f);
  REQUIRE(e);
  return e->command_hint;
}

}  // namespace

TEST_CASE("appliance state: the active server license is rule 2's pick among unexpired ones") {
  const auto s =
      state({server_entry(1, Edition::free, kNow - 500), server_entry(2, Edition::compact, kNow - 400),
             server_entry(3, Edition::vm, kNow - 300, kNow - 1), pack_entry(4, 5, kNow - 200)});
  REQUIRE(s.active_server() != nullptr);
  CHECK(s.active_server()->serial == 2);
  REQUIRE(s.expired_server() != nullptr);
  CHECK(s.expired_server()->serial == 3);
  CHECK(s.users().licensed_users == 8);
  CHECK(s.users().max_users == 20);
  CHECK(s.counted_packs().size() == 1);
  CHECK(s.status_of(s.history()[0]) == "superseded");
  CHECK(s.status_of(s.history()[1]) == "active");
  CHECK(s.status_of(s.history()[2]) == "expired");
  CHECK(s.status_of(s.history()[3]) == "active");
}

TEST_CASE("appliance state: expired packs count neither toward users nor the license file") {
  const auto s = state({server_entry(1, Edition::compact, kNow - 500), pack_entry(2, 5, kNow - 400, kNow),
                        pack_entry(3, 1, kNow - 400, kNow + 1)});
  CHECK(s.users().pack_users == 1);
  REQUIRE(s.counted_packs().size() == 1);
  CHECK(s.counted_packs().front()->serial == 3);
}

TEST_CASE("server order: the first server license of an appliance passes") {
  CHECK(refusal([] { test::ok(check_server_order(state({}), server(Edition::compact), kNow)); }) == "");
  CHECK(refusal([] { test::ok(check_server_order(state({}), server(Edition::free), kNow)); }) == "");
}

TEST_CASE("server order: a second server license without upgrade or --replace is refused") {
  const auto s = state({server_entry(7, Edition::compact, kNow - 10)});
  const auto why = refusal([&] { test::ok(check_server_order(s, server(Edition::vm), kNow)); });
  CHECK(test::contains(why, "already has the compact server license 7"));
  // The desk's words in the message; the command line beside it.
  CHECK(test::contains(why, "or as a replacement that reissues it (the old one is voided)"));
  CHECK(!test::contains(why, "--"));
  const std::string hint = hint_of([&] { test::ok(check_server_order(s, server(Edition::vm), kNow)); });
  CHECK(test::contains(hint, "seatkey-keygen issue server --appliance "));
  CHECK(test::contains(hint, " --edition vm --replace"));
  // A free one would not replace it either: no command to run.
  CHECK(hint_of([&] { test::ok(check_server_order(s, server(Edition::free), kNow)); }).empty());
  const auto free_again = state({server_entry(1, Edition::free, kNow - 10)});
  CHECK(
      test::contains(refusal([&] { test::ok(check_server_order(free_again, server(Edition::free), kNow)); }),
                     "already has the free server license 1"));
}

TEST_CASE("server order: free upgraded to a commercial edition passes without --replace") {
  const auto s = state({server_entry(1, Edition::free, kNow - 10)});
  for (Edition e : {Edition::compact, Edition::appliance, Edition::vm}) {
    CHECK(refusal([&] { test::ok(check_server_order(s, server(e), kNow)); }) == "");
  }
}

TEST_CASE("server order: --replace of a commercial license by a commercial one passes") {
  const auto s = state({server_entry(1, Edition::compact, kNow - 10), pack_entry(2, 5, kNow - 5)});
  CHECK(refusal([&] { test::ok(check_server_order(s, server(Edition::vm, true), kNow)); }) == "");
  CHECK(refusal([&] { test::ok(check_server_order(s, server(Edition::compact, true), kNow)); }) == "");
}

TEST_CASE("server order: free replacing a commercial license is refused even with --replace") {
  const auto s = state({server_entry(3, Edition::vm, kNow - 10)});
  const auto why = refusal([&] { test::ok(check_server_order(s, server(Edition::free, true), kNow)); });
  CHECK(test::contains(why, "free server license cannot replace the vm server license 3"));
  CHECK(test::contains(why, "superseded"));
}

TEST_CASE("server order: a Compact replacing a license whose packs exceed 20 users is refused") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::vm, kNow - 100)};
  for (int i = 0; i < 4; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50));  // 1 + 20 users
  const auto s = state(history);
  const auto order = server(Edition::compact, true);
  const auto why =
      refusal([&] { test::ok(check_effect(s, order, {server_entry(9, Edition::compact, kNow)})); });
  CHECK(test::contains(why, "a compact server license allows at most 20 users"));
  CHECK(test::contains(why, "would then count 23 (3 included + 20 in packs on record)"));
  history.pop_back();  // 15 pack users: 3 + 15 = 18 fits
  CHECK(refusal([&] {
          test::ok(check_effect(state(history), order, {server_entry(9, Edition::compact, kNow)}));
        }) == "");
}

TEST_CASE("server order: --replace with no active server license is refused (likely a wrong ID)") {
  CHECK(test::contains(
      refusal([] { test::ok(check_server_order(state({}), server(Edition::vm, true), kNow)); }),
      "nothing to replace"));
  const auto expired = state({server_entry(4, Edition::vm, kNow - 100, kNow - 1)});
  const auto why = refusal([&] { test::ok(check_server_order(expired, server(Edition::vm, true), kNow)); });
  CHECK(test::contains(why, "server license 4 expired at"));
}

TEST_CASE("server order: an expired server license does not block a new one") {
  const auto s = state({server_entry(4, Edition::compact, kNow - 100, kNow - 1)});
  CHECK(refusal([&] { test::ok(check_server_order(s, server(Edition::compact), kNow)); }) == "");
}

TEST_CASE("server order: updates_until on free is refused") {
  auto o = server(Edition::free);
  o.updates_until = kNow + 1000;
  CHECK(test::contains(refusal([&] { test::ok(check_server_order(state({}), o, kNow)); }),
                       "free edition is never updated"));
  o.edition = Edition::compact;
  CHECK(refusal([&] { test::ok(check_server_order(state({}), o, kNow)); }) == "");
}

TEST_CASE("server order: an expiry at or before now is refused") {
  auto o = server(Edition::vm);
  o.expires = kNow;
  CHECK(test::contains(refusal([&] { test::ok(check_server_order(state({}), o, kNow)); }),
                       "not in the future"));
  o.expires = kNow + 1;
  CHECK(refusal([&] { test::ok(check_server_order(state({}), o, kNow)); }) == "");
}

TEST_CASE("server order: a replacement older than the current license (clock behind) is refused") {
  const auto s = state({server_entry(1, Edition::vm, kNow + 3600)});
  CHECK(test::contains(refusal([&] { test::ok(check_server_order(s, server(Edition::vm, true), kNow)); }),
                       "fix the clock"));
}

TEST_CASE("pack order: sizes other than 1 and 5 are refused") {
  const auto s = state({server_entry(1, Edition::vm, kNow - 10)});
  for (long long users : {0LL, -1LL, 2LL, 3LL, 4LL, 6LL, 10LL, 1000000LL}) {
    CAPTURE(users);
    CHECK(test::contains(refusal([&] { test::ok(check_pack_order(s, packs(users), kNow)); }),
                         "exactly 1 or 5 users"));
  }
  CHECK(refusal([&] { test::ok(check_pack_order(s, packs(1), kNow)); }) == "");
  CHECK(refusal([&] { test::ok(check_pack_order(s, packs(5), kNow)); }) == "");
}

TEST_CASE("pack order: an appliance without a server license on record is refused") {
  CHECK(test::contains(refusal([] { test::ok(check_pack_order(state({}), packs(5), kNow)); }),
                       "has no server license on record"));
  const auto expired = state({server_entry(2, Edition::vm, kNow - 100, kNow - 1)});
  CHECK(test::contains(refusal([&] { test::ok(check_pack_order(expired, packs(5), kNow)); }), "expired at"));
}

TEST_CASE("pack order: an appliance whose active server license is free is refused") {
  const auto s = state({server_entry(1, Edition::free, kNow - 10)});
  const auto why = refusal([&] { test::ok(check_pack_order(s, packs(1), kNow)); });
  CHECK(test::contains(why, "runs the free edition"));
  CHECK(test::contains(why, "upgrade it to a commercial edition first"));
  CHECK(!test::contains(why, "seatkey-keygen"));
  CHECK(test::contains(hint_of([&] { test::ok(check_pack_order(s, packs(1), kNow)); }),
                       " --edition compact|appliance|vm"));
}

TEST_CASE("pack order: a Compact may reach 20 users but never more") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::compact, kNow - 100)};
  for (int i = 0; i < 3; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50));  // 3 + 15 = 18
  const auto s = state(history);
  CHECK(refusal([&] { test::ok(check_effect(s, packs(1, 2), new_packs(10, 1, 2))); }) == "");  // 20
  const auto why = refusal([&] { test::ok(check_effect(s, packs(1, 3), new_packs(10, 1, 3))); });
  CHECK(test::contains(why,
                       "3 packs of 1 user for 001A2B3C4D5E would take the compact appliance to 21 users, "
                       "over its maximum of 20 (it has 18: 3 included + 15 in packs; room for 2 more)"));
  CHECK(test::contains(refusal([&] { test::ok(check_effect(s, packs(5), new_packs(10, 5, 1))); }),
                       "to 23 users"));
}

TEST_CASE("pack order: expired packs leave room on a Compact") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::compact, kNow - 100)};
  for (int i = 0; i < 3; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50, kNow - 1));
  CHECK(refusal([&] { test::ok(check_effect(state(history), packs(5, 3), new_packs(10, 5, 3))); }) == "");
}

TEST_CASE("pack order: appliance and vm editions have no maximum") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::vm, kNow - 100)};
  for (int i = 0; i < 100; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50));
  CHECK(refusal([&] { test::ok(check_effect(state(history), packs(5, 100), new_packs(200, 5, 100))); }) ==
        "");
}

TEST_CASE("pack order: judged also at the moment a replacement expires and an older Compact counts again") {
  // A Compact (1) replaced by an appliance license (2) that expires in a day: today the
  // appliance edition has no maximum, but once 2 expires the Compact is active again and caps
  // the packs at 20.
  const UnixTime day = 86400;
  const auto s = state({server_entry(1, Edition::compact, kNow - 100),
                        server_entry(2, Edition::appliance, kNow - 50, kNow + day)});
  REQUIRE(s.active_server()->serial == 2);
  const auto why = refusal([&] { test::ok(check_effect(s, packs(5, 6), new_packs(10, 5, 6))); });
  CHECK(test::contains(
      why, "6 packs of 5 users for 001A2B3C4D5E would take the compact appliance to 33 users at " +
               format_rfc3339(kNow + day) +
               ", when the appliance server license 2 has expired and the compact server "
               "license 1 counts again, over its maximum of 20"));
  CHECK(test::contains(why, "room for 17 more"));
  CHECK(refusal([&] { test::ok(check_effect(s, packs(5, 3), new_packs(10, 5, 3))); }) ==
        "");  // 3 + 15 = 18 then
  // Packs that expire with the replacement never meet the Compact's cap.
  CHECK(refusal([&] { test::ok(check_effect(s, packs(5, 6), new_packs(10, 5, 6, kNow + day))); }) == "");
}

TEST_CASE("server order: a replacement that expires before packs on record is judged at that moment") {
  // A vm license with 30 users of packs, replaced by a Compact: refused now. Replaced by an
  // appliance license: fine now and later (the vm license counts again once it expires).
  std::vector<LedgerEntry> history{server_entry(1, Edition::vm, kNow - 100)};
  for (int i = 0; i < 6; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50));
  const auto s = state(history);
  auto replacement = server(Edition::appliance, true);
  replacement.expires = kNow + 1000;
  auto entry = server_entry(9, Edition::appliance, kNow, kNow + 1000);
  CHECK(refusal([&] { test::ok(check_effect(s, replacement, {entry})); }) == "");
}

TEST_CASE("pack order: an expiry at or before now is refused") {
  auto o = packs(5);
  o.expires = kNow - 1;
  const auto s = state({server_entry(1, Edition::vm, kNow - 10)});
  CHECK(test::contains(refusal([&] { test::ok(check_pack_order(s, o, kNow)); }), "expired on arrival"));
}

TEST_CASE("license file limits: more than 10,000 tokens for one appliance is refused") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::vm, kNow - 100)};
  for (int i = 0; i < 9999; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50));
  ApplianceState s = state(history);
  CHECK(refusal([&] { test::ok(check_license_file_limits(s)); }) == "");
  s.record(pack_entry(20000, 5, kNow));
  CHECK(test::contains(refusal([&] { test::ok(check_license_file_limits(s)); }),
                       "10001 tokens, over the 10000"));
}

TEST_CASE(
    "license file limits: a standby's file holds its standby license too, looked up only near the limit") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::vm, kNow - 100)};
  for (int i = 0; i < 9998; ++i) history.push_back(pack_entry(2 + i, 5, kNow - 50));
  ApplianceState s = state(history);
  LedgerEntry standby = server_entry(30000, Edition::vm, kNow - 10);
  standby.kind = LicenseKind::standby;
  standby.edition.reset();
  standby.appliance = "02AABBCCDDEE";
  standby.primary_appliance = s.appliance();
  int asked = 0;
  const StandbyLookup lookup = [&]() -> const LedgerEntry* {
    ++asked;
    return &standby;
  };
  CHECK(refusal([&] { test::ok(check_license_file_limits(s, lookup)); }) == "");
  CHECK(asked == 0);  // 9,999 tokens: the standby's file has room for its one more
  s.record(pack_entry(20000, 5, kNow));
  CHECK(refusal([&] { test::ok(check_license_file_limits(s)); }) == "");
  CHECK(test::contains(refusal([&] { test::ok(check_license_file_limits(s, lookup)); }),
                       "the license file of " + s.appliance() +
                           "'s standby 02AABBCCDDEE (standby license 30000) "
                           "would hold 10001 tokens, over the 10000"));
  CHECK(asked == 1);
  const StandbyLookup none = [] { return static_cast<const LedgerEntry*>(nullptr); };
  CHECK(refusal([&] { test::ok(check_license_file_limits(s, none)); }) == "");
}

TEST_CASE("license file limits: a file over 4 MiB is refused") {
  std::vector<LedgerEntry> history{server_entry(1, Edition::vm, kNow - 100)};
  for (int i = 0; i < 9; ++i) {
    auto p = pack_entry(2 + i, 5, kNow - 50);
    p.token = std::string(500 * 1024, 'x');
    history.push_back(p);
  }
  CHECK(test::contains(refusal([&] { test::ok(check_license_file_limits(state(history))); }),
                       "bytes, over the"));
}
