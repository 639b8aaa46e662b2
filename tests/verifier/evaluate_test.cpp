// evaluate(): rules 1 to 5 of docs/format.md, table-driven, with tokens signed in the test.
#include <doctest/doctest.h>

#include <set>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

// One row: licenses in set order with the outcome each must get, and the entitlement.
struct Row {
  const char* name;
  std::vector<std::pair<Lic, const char*>> licenses;  // license, "accepted" or a reason code
  bool licensed;
  std::optional<v::Edition> edition;
  int included, packs, licensed_users;
  std::optional<int> max_users;
  int excess;
};

Lic c3(const char* serial = "1001") {
  return server(serial, Edition::compact);
}

std::vector<Row> rows() {
  const auto E = [](v::Edition e) { return std::optional<v::Edition>(e); };
  const std::optional<int> unlimited;
  return {
      {"Compact 3 + 5 + 5 + 5 + 1 + 1 = 20",
       {{c3(), "accepted"},
        {pack("1002", 5), "accepted"},
        {pack("1003", 5), "accepted"},
        {pack("1004", 5), "accepted"},
        {pack("1005", 1), "accepted"},
        {pack("1006", 1), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       17,
       20,
       20,
       0},
      {"Compact 3 + 1 = 4 (docs/format.md's example)",
       {{c3(), "accepted"}, {pack("1002", 1), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       1,
       4,
       20,
       0},
      {"Compact 3 + 5 x 4 is capped at 20 with 3 excess users",
       {{c3(), "accepted"},
        {pack("1002", 5), "accepted"},
        {pack("1003", 5), "accepted"},
        {pack("1004", 5), "accepted"},
        {pack("1005", 5), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       20,
       20,
       20,
       3},
      {"Appliance 1 + 5 + 5 + 1 = 12, unlimited",
       {{server("2001", Edition::appliance), "accepted"},
        {pack("2002", 5), "accepted"},
        {pack("2003", 5), "accepted"},
        {pack("2004", 1), "accepted"}},
       true,
       E(v::Edition::appliance),
       1,
       11,
       12,
       unlimited,
       0},
      {"VM edition with no packs = 1",
       {{server("3001", Edition::vm), "accepted"}},
       true,
       E(v::Edition::vm),
       1,
       0,
       1,
       unlimited,
       0},
      {"VM edition with 40 x 5 packs is not capped",
       [] {
         std::vector<std::pair<Lic, const char*>> l{{server("3001", Edition::vm), "accepted"}};
         for (int i = 0; i < 40; ++i) l.push_back({pack(std::to_string(3100 + i), 5), "accepted"});
         return l;
       }(),
       true, E(v::Edition::vm), 1, 200, 201, unlimited, 0},
      {"Free with two packs = 3, both packs free_edition",
       {{server("4001", Edition::free), "accepted"},
        {pack("4002", 5), "free_edition"},
        {pack("4003", 1), "free_edition"}},
       true,
       E(v::Edition::free),
       3,
       0,
       3,
       3,
       0},
      {"Free + Compact server licenses = 3, the Free one superseded",
       {{server("4001", Edition::free), "superseded"}, {c3("4002"), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       0,
       3,
       20,
       0},
      {"Compact beats a Free issued later, whatever the order",
       {{c3("4002").iat("2026-01-01T00:00:00Z"), "accepted"},
        {server("9999", Edition::free).iat("2026-11-20T00:00:00Z"), "superseded"},
        {pack("4003", 5), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       5,
       8,
       20,
       0},
      {"of two commercial server licenses the later iat wins",
       {{server("5002", Edition::appliance).iat("2026-11-02T00:00:00Z"), "accepted"},
        {c3("5001").iat("2026-11-01T00:00:00Z"), "superseded"},
        {pack("5003", 5), "accepted"}},
       true,
       E(v::Edition::appliance),
       1,
       5,
       6,
       unlimited,
       0},
      {"with equal iat the numerically larger serial wins (10 > 9)",
       {{c3("10"), "accepted"}, {server("9", Edition::vm), "superseded"}},
       true,
       E(v::Edition::compact),
       3,
       0,
       3,
       20,
       0},
      {"the same pack twice is counted once (duplicate)",
       {{c3(), "accepted"}, {pack("1002", 5), "accepted"}, {pack("1002", 5), "duplicate"}},
       true,
       E(v::Edition::compact),
       3,
       5,
       8,
       20,
       0},
      {"the same server license twice: the copy is a duplicate",
       {{c3(), "accepted"}, {c3(), "duplicate"}},
       true,
       E(v::Edition::compact),
       3,
       0,
       3,
       20,
       0},
      {"a copy is no duplicate when the first one was rejected",
       {{pack("1002", 5).appliance(kOtherAppliance), "wrong_appliance"},
        {c3(), "accepted"},
        {pack("1002", 5), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       5,
       8,
       20,
       0},
      {"a pack for another appliance is wrong_appliance",
       {{c3(), "accepted"}, {pack("1002", 5).appliance(kOtherAppliance), "wrong_appliance"}},
       true,
       E(v::Edition::compact),
       3,
       0,
       3,
       20,
       0},
      {"a server license for another appliance leaves the appliance unlicensed",
       {{c3().appliance(kOtherAppliance), "wrong_appliance"}, {pack("1002", 5), "no_server_license"}},
       false,
       std::nullopt,
       0,
       0,
       0,
       0,
       0},
      {"packs with no server license are no_server_license",
       {{pack("1002", 5), "no_server_license"}, {pack("1003", 1), "no_server_license"}},
       false,
       std::nullopt,
       0,
       0,
       0,
       0,
       0},
      {"an empty set is not licensed", {}, false, std::nullopt, 0, 0, 0, 0, 0},
      {"an expired server license: its packs are no_server_license",
       {{c3().exp("2026-11-01T00:00:00Z"), "expired"}, {pack("1002", 5), "no_server_license"}},
       false,
       std::nullopt,
       0,
       0,
       0,
       0,
       0},
      {"exp before now is expired, at now is expired, after now is accepted",
       {{c3(), "accepted"},
        {pack("1002", 5).exp("2026-11-28T09:59:59Z"), "expired"},
        {pack("1003", 5).exp(kNow), "expired"},
        {pack("1004", 5).exp("2026-11-28T10:00:01Z"), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       5,
       8,
       20,
       0},
      {"nbf before now and at now is accepted, after now is not_yet_valid",
       {{c3(), "accepted"},
        {pack("1002", 5).nbf("2026-11-28T09:59:59Z"), "accepted"},
        {pack("1003", 5).nbf(kNow), "accepted"},
        {pack("1004", 5).nbf("2026-11-28T10:00:01Z"), "not_yet_valid"}},
       true,
       E(v::Edition::compact),
       3,
       10,
       13,
       20,
       0},
      {"a rental inside its window counts; nbf is checked before exp",
       {{c3().nbf("2026-11-01T00:00:00Z").exp("2026-12-01T00:00:00Z"), "accepted"},
        {pack("1002", 5).nbf("2026-12-01T00:00:00Z").exp("2026-11-01T00:00:00Z"), "not_yet_valid"}},
       true,
       E(v::Edition::compact),
       3,
       0,
       3,
       20,
       0},
      {"a not-yet-valid server license loses nothing to rule 2: the valid one is active",
       {{server("6001", Edition::appliance).iat("2026-11-27T00:00:00Z").nbf("2027-01-01T00:00:00Z"),
         "not_yet_valid"},
        {c3("6000"), "accepted"}},
       true,
       E(v::Edition::compact),
       3,
       0,
       3,
       20,
       0},
  };
}

}  // namespace

TEST_CASE("evaluate: table of license sets - each token's outcome and the entitlement match the spec") {
  for (const Row& row : rows()) {
    CAPTURE(row.name);
    std::vector<std::string> tokens;
    std::vector<std::string> expected;
    for (const auto& [lic, outcome] : row.licenses) {
      tokens.push_back(lic.token());
      expected.push_back(outcome);
    }
    const v::Entitlement e = evaluate_ok(set_of(tokens));
    CHECK(outcomes(e) == expected);
    CHECK(e.appliance == kAppliance);
    CHECK(e.licensed == row.licensed);
    CHECK(e.edition == row.edition);
    CHECK(e.included_users == row.included);
    CHECK(e.pack_users == row.packs);
    CHECK(e.licensed_users == row.licensed_users);
    CHECK(e.max_users == row.max_users);
    CHECK(e.excess_users == row.excess);
    CHECK(e.accepted.size() + e.rejected.size() == tokens.size());
  }
}

TEST_CASE("evaluate: appliance IDs typed with ':' '-' or lower case - match their canonical form") {
  const auto set = set_of({server("1001", Edition::compact).token(), pack("1002", 5).token()});
  for (const char* typed :
       {"00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a2b3c4d5e", "001A2B3C4D5E", "00:1A-2b:3C-4d:5E"}) {
    CAPTURE(typed);
    const v::Entitlement e = evaluate_ok(set, typed);
    CHECK(e.appliance == "001A2B3C4D5E");
    CHECK(e.licensed);
    CHECK(e.licensed_users == 8);
    CHECK(e.rejected.empty());
  }
}

TEST_CASE("evaluate: an invalid appliance ID - is an invalid_appliance_id error, not a rejection") {
  const auto set = set_of({server("1001", Edition::compact).token()});
  const std::string too_long(65, 'A');
  for (const std::string& typed :
       std::vector<std::string>{"", "abc", "00 1A 2B", "00_1A_2B_3C", "ä001A2B3C", too_long}) {
    CAPTURE(typed);
    auto e = v::evaluate(set, typed, dev_trust(), at(kNow));
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == v::ErrorCode::invalid_appliance_id);
    CHECK(e.error().message.find("invalid appliance ID") != std::string::npos);
  }
}

TEST_CASE("evaluate: the active server license - gives server_license, updates_until and updates_allowed") {
  SUBCASE("compact with an update option until a date") {
    const auto e = evaluate_ok(set_of({c3("1001").updates_until("2027-12-31T00:00:00Z").token()}));
    CHECK(e.server_license == "1001");
    CHECK(e.updates_until == at("2027-12-31T00:00:00Z"));
    CHECK(e.updates_allowed());
    CHECK(e.updates_allowed(at("2027-12-31T00:00:00Z")));
    CHECK_FALSE(e.updates_allowed(at("2027-12-31T00:00:01Z")));
    CHECK(e.updates_allowed(at("2020-01-01T00:00:00Z")));
  }
  SUBCASE("an update option that ended before now") {
    const auto e = evaluate_ok(set_of({c3("1001").updates_until("2026-01-01T00:00:00Z").token()}));
    CHECK(e.licensed);
    CHECK_FALSE(e.updates_allowed());
    CHECK(e.updates_allowed(at("2025-12-31T00:00:00Z")));
  }
  SUBCASE("no update option: every release allowed") {
    const auto e = evaluate_ok(set_of({server("1001", Edition::appliance).token()}));
    CHECK_FALSE(e.updates_until);
    CHECK(e.updates_allowed());
    CHECK(e.updates_allowed(at("2099-01-01T00:00:00Z")));
  }
  SUBCASE("free: never") {
    const auto e = evaluate_ok(set_of({server("1001", Edition::free).token()}));
    CHECK(e.licensed);
    CHECK_FALSE(e.updates_allowed());
    CHECK_FALSE(e.updates_allowed(at("2000-01-01T00:00:00Z")));
  }
  SUBCASE("not licensed: never") {
    const auto e = evaluate_ok(set_of({}));
    CHECK_FALSE(e.server_license);
    CHECK_FALSE(e.updates_allowed());
    CHECK_FALSE(e.updates_allowed(at("2000-01-01T00:00:00Z")));
  }
}

TEST_CASE("evaluate: may_add_user - true while current users are below licensed users") {
  const auto e = evaluate_ok(set_of({c3().token(), pack("1002", 5).token()}));  // 8 users
  CHECK(e.may_add_user(0));
  CHECK(e.may_add_user(7));
  CHECK_FALSE(e.may_add_user(8));
  CHECK_FALSE(e.may_add_user(9));
  CHECK_FALSE(e.may_add_user(-1));
  const auto none = evaluate_ok(set_of({pack("1002", 5).token()}));
  CHECK_FALSE(none.may_add_user(0));
  const auto full = evaluate_ok(set_of({server("1", Edition::free).token()}));
  CHECK(full.may_add_user(2));
  CHECK_FALSE(full.may_add_user(3));
}

TEST_CASE("evaluate: reports of verified tokens - carry serial, kind and users, others carry none") {
  const std::string good = c3("1001").token();
  const auto e = evaluate_ok(set_of({
      good,                                                                 // t:1 accepted
      pack("1002", 5).appliance(kOtherAppliance).token(),                   // t:2 wrong_appliance
      "v4.public.AAAA",                                                     // t:3 malformed
      pack("1003", 5).token(key_a()),                                       // t:4 unknown_key
      sign_raw(key_a(), pack("1004", 1).payload(), kid_footer(dev_key())),  // t:5 bad_signature
      sign_payload("[1,2,3]"),                                              // t:6 invalid_claims
      pack("1005", 1).token(),                                              // t:7 accepted
  }));
  const auto& s = report_of(e, "t:1");
  CHECK(s.serial == "1001");
  CHECK(s.kind == v::LicenseKind::server);
  CHECK(s.users == 3);
  CHECK_FALSE(s.reason);
  CHECK(s.message.find("compact") != std::string::npos);
  const auto& w = report_of(e, "t:2");
  CHECK(w.serial == "1002");
  CHECK(w.kind == v::LicenseKind::users);
  CHECK(w.users == 5);
  CHECK(w.reason == v::Reason::wrong_appliance);
  CHECK(w.message.find(kOtherAppliance) != std::string::npos);
  for (const auto& expected :
       {std::pair{"t:3", v::Reason::malformed}, std::pair{"t:4", v::Reason::unknown_key},
        std::pair{"t:5", v::Reason::bad_signature}, std::pair{"t:6", v::Reason::invalid_claims}}) {
    const std::string src = expected.first;
    CAPTURE(src);
    const auto& r = report_of(e, src);
    CHECK(r.reason == expected.second);
    CHECK_FALSE(r.serial);
    CHECK_FALSE(r.kind);
    CHECK_FALSE(r.users);
    CHECK_FALSE(r.message.empty());
  }
  const auto& p = report_of(e, "t:7");
  CHECK(p.users == 1);
  CHECK(p.message == "a user pack of 1 user");
}

TEST_CASE("evaluate: every reason code - appears with an explaining message") {
  const std::string c = c3("1001").token();
  struct Case {
    std::vector<std::string> tokens;
    v::Reason reason;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"not a token"}, v::Reason::malformed, "not a v4.public token"},
      {{"v4.public.!!!"}, v::Reason::malformed, "base64url"},
      {{"v4.local.AAAA"}, v::Reason::malformed, "not a v4.public token"},
      {{sign_raw(dev_key(), c3().payload(), "")}, v::Reason::malformed, "no footer"},
      {{sign_raw(dev_key(), c3().payload(), "not json")}, v::Reason::malformed, "footer"},
      {{sign_raw(dev_key(), c3().payload(), R"({"key":"k4.pid.x"})")}, v::Reason::malformed, "no kid"},
      {{sign_raw(dev_key(), c3().payload(), R"({"kid":42})")}, v::Reason::malformed, "kid"},
      {{pack("1", 5).token(key_a())}, v::Reason::unknown_key, key_a().public_key().id().c_str()},
      {{sign_raw(dev_key(), c3().payload(), R"({"kid":"k4.pid.\u001b[31mevil"})")},
       v::Reason::unknown_key,
       "does not trust"},
      {{sign_raw(key_a(), c3().payload(), kid_footer(dev_key()))}, v::Reason::bad_signature, "altered"},
      {{sign_payload("not json")}, v::Reason::invalid_claims, "invalid"},
      {{sign_payload(
           R"({"iss":"V","jti":"1","iat":"2026-11-01T00:00:00Z","kind":"users","appliance":"001A2B3C4D5E","users":2})")},
       v::Reason::invalid_claims,
       "users"},
      {{sign_payload(
           R"({"iss":"V","jti":"1","iat":"2026-11-01T00:00:00Z","kind":"server","appliance":"001A2B3C4D5E","edition":"compact","users":4})")},
       v::Reason::invalid_claims,
       "must be 3"},
      {{sign_payload(
           R"({"iss":"V","jti":"1","iat":"2026-11-01T00:00:00Z","kind":"server","appliance":"00:1a:2b:3c:4d:5e","edition":"vm","users":1})")},
       v::Reason::invalid_claims,
       "appliance"},
      {{pack("1", 5).appliance(kOtherAppliance).token()},
       v::Reason::wrong_appliance,
       "issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E)"},
      {{pack("1", 5).nbf("2027-01-01T00:00:00Z").token()},
       v::Reason::not_yet_valid,
       "not valid before 2027-01-01T00:00:00Z"},
      {{pack("1", 5).exp("2026-01-01T00:00:00Z").token()},
       v::Reason::expired,
       "expired at 2026-01-01T00:00:00Z"},
      {{c, pack("2", 5).token(), pack("2", 5).token()}, v::Reason::duplicate, "already counted from t:2"},
      {{server("1", Edition::free).token(), c},
       v::Reason::superseded,
       "replaced by the compact server license 1001"},
      {{pack("1", 5).token()}, v::Reason::no_server_license, "server license"},
      {{server("1", Edition::free).token(), pack("2", 5).token()}, v::Reason::free_edition, "Free edition"},
  };
  std::set<v::Reason> seen;
  for (const auto& cs : cases) {
    const std::string reason = v::reason_name(cs.reason);
    const std::string says = cs.says;
    CAPTURE(reason);
    CAPTURE(says);
    const auto e = evaluate_ok(set_of(cs.tokens));
    REQUIRE_FALSE(e.rejected.empty());
    const auto& r = e.rejected.back();
    CHECK(r.reason == cs.reason);
    CHECK_MESSAGE(r.message.find(cs.says) != std::string::npos, r.message);
    CHECK(r.message.find('\x1b') == std::string::npos);  // untrusted text is never echoed raw
    seen.insert(cs.reason);
  }
  CHECK(seen.size() == 11);
}

TEST_CASE("evaluate: rule 1 order - the first failing check wins") {
  // Another appliance and expired and a duplicate: wrong_appliance comes first.
  CHECK(outcomes(evaluate_ok(
            set_of({pack("1", 5).appliance(kOtherAppliance).exp("2020-01-01T00:00:00Z").token()}))) ==
        std::vector<std::string>{"wrong_appliance"});
  // Not yet valid and expired: not_yet_valid first.
  CHECK(outcomes(evaluate_ok(
            set_of({pack("1", 5).nbf("2030-01-01T00:00:00Z").exp("2020-01-01T00:00:00Z").token()}))) ==
        std::vector<std::string>{"not_yet_valid"});
  // Untrusted key and bad claims: unknown_key first (the payload is never read).
  CHECK(outcomes(evaluate_ok(set_of({sign_payload("not json", key_a())}))) ==
        std::vector<std::string>{"unknown_key"});
  // A bad signature over invalid claims: bad_signature (claims are parsed only after verifying).
  CHECK(outcomes(evaluate_ok(set_of({sign_raw(key_a(), "not json", kid_footer(dev_key()))}))) ==
        std::vector<std::string>{"bad_signature"});
  // An expired copy after an accepted one: expired, not duplicate.
  const std::string p = pack("2", 5).token();
  CHECK(outcomes(evaluate_ok(set_of({c3().token(), p, pack("2", 5).exp("2020-01-01T00:00:00Z").token()}))) ==
        std::vector<std::string>{"accepted", "accepted", "expired"});
}

TEST_CASE("evaluate: unknown claims - are ignored") {
  const std::string payload =
      R"({"iss":"V","jti":"77","iat":"2026-11-01T00:00:00Z","kind":"server","appliance":"001A2B3C4D5E",)"
      R"("edition":"vm","users":1,"future":{"x":[1,2]},"customer":"ACME","order":"PO-1"})";
  const auto e = evaluate_ok(set_of({sign_payload(payload)}));
  CHECK(e.licensed);
  CHECK(e.server_license == "77");
}

TEST_CASE("evaluate: key rotation - A and B trusted verify both, only B trusted rejects A's as unknown_key") {
  const std::vector<std::string> tokens = {server("1001", Edition::compact).token(key_a()),
                                           pack("1002", 5).token(key_a()), pack("1003", 5).token(key_b()),
                                           pack("1004", 1).token(key_b())};
  const auto both =
      v::TrustStore::from_keys({key_a().public_key().to_paserk(), key_b().public_key().to_paserk()});
  REQUIRE(both.ok());
  const auto e = evaluate_ok(set_of(tokens), kAppliance, *both);
  CHECK(outcomes(e) == std::vector<std::string>{"accepted", "accepted", "accepted", "accepted"});
  CHECK(e.licensed_users == 14);

  const auto only_b = v::TrustStore::from_keys({key_b().public_key().to_paserk()});
  REQUIRE(only_b.ok());
  const auto f = evaluate_ok(set_of(tokens), kAppliance, *only_b);
  CHECK(outcomes(f) ==
        std::vector<std::string>{"unknown_key", "unknown_key", "no_server_license", "no_server_license"});
  CHECK_FALSE(f.licensed);

  const auto none = evaluate_ok(set_of(tokens), kAppliance, v::TrustStore());
  CHECK(outcomes(none) ==
        std::vector<std::string>{"unknown_key", "unknown_key", "unknown_key", "unknown_key"});
}

TEST_CASE("evaluate: the same input - gives the same entitlement every time") {
  const std::vector<std::string> tokens = {c3("10").token(), server("9", Edition::vm).token(),
                                           pack("11", 5).token(), pack("11", 5).token(), "junk"};
  const auto a = evaluate_ok(set_of(tokens));
  for (int i = 0; i < 3; ++i) {
    const auto b = evaluate_ok(set_of(tokens));
    CHECK(outcomes(a) == outcomes(b));
    CHECK(a.server_license == b.server_license);
    REQUIRE(a.rejected.size() == b.rejected.size());
    for (std::size_t k = 0; k < a.rejected.size(); ++k) CHECK(a.rejected[k].message == b.rejected[k].message);
  }
}

TEST_CASE("evaluate: token size - a license of 4096 bytes is read, of 4097 malformed, even when signed") {
  // Pad an unknown claim until the signed token is exactly `size` bytes.
  auto token_of_size = [](std::size_t size) {
    for (std::size_t pad = 0; pad < 4000; ++pad) {
      const std::string payload =
          R"({"iss":"V","jti":"1","iat":"2026-11-01T00:00:00Z","kind":"server","appliance":"001A2B3C4D5E",)"
          R"("edition":"vm","users":1,"pad":")" +
          std::string(pad, 'x') + "\"}";
      const std::string t = sign_payload(payload);
      if (t.size() == size) return t;
    }
    FAIL("no padding gives " << size);
    return std::string();
  };
  const std::string at_limit = token_of_size(4096);
  CHECK(outcomes(evaluate_ok(set_of({at_limit}))) == std::vector<std::string>{"accepted"});
  // Over the limit: only a revocation list may be larger (tests/verifier/revocation_test.cpp).
  const auto e = evaluate_ok(set_of({token_of_size(4097)}));
  REQUIRE(e.rejected.size() == 1);
  CHECK(e.rejected[0].reason == v::Reason::malformed);
  CHECK(
      e.rejected[0].message ==
      "not a valid license: 4097 bytes, over the 4096-byte limit of a license (only a revocation list may be "
      "larger)");
  const std::string huge = std::string(100000, 'A');
  CHECK(outcomes(evaluate_ok(set_of({huge}))) == std::vector<std::string>{"malformed"});
}

TEST_CASE("evaluate: set limits - over 10,000 tokens or 5 MiB the whole set is refused") {
  v::LicenseSet set;
  for (int i = 0; i < 10000; ++i) set.tokens.push_back({"x", "t:" + std::to_string(i + 1)});
  auto at_limit = v::evaluate(set, kAppliance, dev_trust(), at(kNow));
  REQUIRE(at_limit.ok());
  CHECK(at_limit->rejected.size() == 10000);
  set.tokens.push_back({"x", "t:10001"});
  auto over = v::evaluate(set, kAppliance, dev_trust(), at(kNow));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == v::ErrorCode::too_large);
  CHECK(over.error().message.find("10,000") != std::string::npos);

  v::LicenseSet big;
  for (int i = 0; i < 1280; ++i) big.tokens.push_back({std::string(4096, 'A'), "t:" + std::to_string(i + 1)});
  CHECK(v::evaluate(big, kAppliance, dev_trust(), at(kNow)).ok());  // exactly 5 MiB
  big.tokens.push_back({"A", "t:1281"});
  auto big_over = v::evaluate(big, kAppliance, dev_trust(), at(kNow));
  REQUIRE_FALSE(big_over.ok());
  CHECK(big_over.error().code == v::ErrorCode::too_large);
  CHECK(big_over.error().message == "the license set is over the 5 MiB limit; refusing all of it");
}
