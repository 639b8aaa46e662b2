// All 151 Wycheproof Ed25519 cases through the project's own signature wrapper.
#include <doctest/doctest.h>

#include "seatkey/common/paseto.hpp"
#include "test_support.hpp"

using namespace seatkey;

TEST_CASE("Wycheproof Ed25519: every case gives its expected result through ed25519_verify") {
  const auto suite = test::read_json(test::vectors_path("wycheproof/ed25519_test.json"));
  int cases = 0;
  for (const auto& group : suite["testGroups"]) {
    const auto& pk_json = group.contains("publicKey") ? group["publicKey"] : group["key"];
    auto key = PublicKey::from_bytes(test::from_hex(pk_json["pk"]));
    REQUIRE(key);
    for (const auto& t : group["tests"]) {
      CAPTURE(t["tcId"].get<int>());
      CAPTURE(t["comment"].get<std::string>());
      const std::string result = t["result"];
      const bool ok = ed25519_verify(*key, test::from_hex(t["msg"]), test::from_hex(t["sig"]));
      CHECK(ok == (result == "valid"));
      ++cases;
    }
  }
  CHECK(cases == 151);
}
