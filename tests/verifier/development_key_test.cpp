// Licenses signed with seatkey's public development key are flagged: in their reports and in
// the entitlement (docs/format.md, "The entitlement"), so that a development build's licenses
// cannot pass for production ones.
#include <doctest/doctest.h>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

// A trust store of the development key and key_a.
const v::TrustStore& dev_and_a() {
  static const v::TrustStore store =
      v::TrustStore::from_keys({dev_key().public_key().to_paserk(), key_a().public_key().to_paserk()})
          .value();
  return store;
}

}  // namespace

TEST_CASE("development key: its ID is the k4.pid of keys/development.public") {
  const std::string text = read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.public");
  const auto pos = text.find("k4.public.");
  REQUIRE(pos != std::string::npos);
  const auto key = PublicKey::from_paserk(text.substr(pos, text.find('\n', pos) - pos));
  REQUIRE(key);
  CHECK(v::development_key_id() == key->id());
  CHECK(v::development_key_id() == dev_key().public_key().id());
}

TEST_CASE("development key: every report it signed and the entitlement resting on it are flagged") {
  const auto e = evaluate_ok(set_of({server("1001", Edition::compact).token(), pack("1002", 5).token()}));
  REQUIRE(e.accepted.size() == 2);
  CHECK(e.accepted[0].development_key);
  CHECK(e.accepted[1].development_key);
  CHECK(e.development_key);
}

TEST_CASE("development key: licenses of another key are not flagged") {
  const auto trust = v::TrustStore::from_keys({key_a().public_key().to_paserk()}).value();
  const auto e =
      evaluate_ok(set_of({server("1001", Edition::compact).token(key_a()), pack("1002", 5).token(key_a())}),
                  kAppliance, trust);
  REQUIRE(e.licensed);
  CHECK_FALSE(e.accepted[0].development_key);
  CHECK_FALSE(e.accepted[1].development_key);
  CHECK_FALSE(e.development_key);
}

TEST_CASE("development key: one accepted pack of it flags the entitlement, only its report is flagged") {
  const auto e =
      evaluate_ok(set_of({server("1001", Edition::compact).token(key_a()), pack("1002", 5).token(dev_key())}),
                  kAppliance, dev_and_a());
  REQUIRE(e.accepted.size() == 2);
  CHECK_FALSE(report_of(e, "t:1").development_key);
  CHECK(report_of(e, "t:2").development_key);
  CHECK(e.development_key);
}

TEST_CASE("development key: a rejected license of it is flagged, the entitlement only by accepted ones") {
  const auto e = evaluate_ok(set_of({server("1001", Edition::compact).token(key_a()),
                                     pack("1002", 5).appliance(kOtherAppliance).token(dev_key())}),
                             kAppliance, dev_and_a());
  REQUIRE(e.rejected.size() == 1);
  CHECK(*e.rejected[0].reason == v::Reason::wrong_appliance);
  CHECK(e.rejected[0].development_key);
  CHECK_FALSE(e.development_key);
}

TEST_CASE("development key: a token whose signature did not verify is not flagged") {
  std::string token = pack("1002", 5).token();
  const auto dot = token.find('.', std::string("v4.public.").size());
  token[dot - 5] = token[dot - 5] == 'A' ? 'B' : 'A';  // inside the signature
  const auto e =
      evaluate_ok(set_of({server("1001", Edition::compact).token(key_a()), token}), kAppliance, dev_and_a());
  REQUIRE(e.rejected.size() == 1);
  CHECK(*e.rejected[0].reason == v::Reason::bad_signature);
  CHECK_FALSE(e.rejected[0].development_key);
  CHECK_FALSE(e.development_key);
}
