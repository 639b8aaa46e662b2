// Hostile bytes at the parsers' edges: NUL bytes (which some JSON readers take for the end of
// the text), numbers beyond double's range and binary text. A JSON reader that stops at a NUL
// byte would read a license payload or footer "{...}\0junk" as "{...}" and issue a batch
// orders file from the part before the NUL; a number like 1e999 in an orders file must be
// the tool's own "not valid JSON" error, not a raw library message.
#include <doctest/doctest.h>

#include <string>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/orders.hpp"
#include "seatkey/signing/secret_key.hpp"
#include "seatkey/verifier.hpp"

using namespace std::string_literals;
namespace k = seatkey::keygen;
namespace v = seatkey::verifier;

namespace {

const std::string kPackOrder = R"([{"type":"users","appliance":"001A2B3C4D5E","users":5}])";
const std::string kPackClaims =
    R"({"iss":"V","jti":"1","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"001A2B3C4D5E","users":5})";

std::string batch_error(const std::string& text) {
  const auto orders = k::parse_batch(text);
  if (orders) FAIL("parse_batch accepted: " << text);
  CHECK(orders.error().kind == k::Kind::input);
  return orders.error().message;
}

}  // namespace

TEST_CASE("batch orders: a NUL byte after the array - is an input error naming its offset") {
  CHECK(k::parse_batch(kPackOrder)->size() == 1);
  CHECK(batch_error(kPackOrder + "\0"s) == "orders file is not valid JSON: a NUL byte at offset 55");
  CHECK(batch_error(kPackOrder + "\0garbage"s) == "orders file is not valid JSON: a NUL byte at offset 55");
  CHECK(batch_error("\0"s + kPackOrder) == "orders file is not valid JSON: a NUL byte at offset 0");
  CHECK(batch_error(R"([{"type":"users","appliance":"001A2B3C4D5E","users":5,"customer":"a)"s + "\0"s +
                    R"("}])") == "orders file is not valid JSON: a NUL byte at offset 67");
}

TEST_CASE("batch orders: numbers beyond double's range - are input errors saying the JSON is invalid") {
  for (const char* n : {"1e999", "-1e999", "1e99999999999"}) {
    const std::string text =
        R"([{"type":"users","appliance":"001A2B3C4D5E","users":5,"count":)" + std::string(n) + "}]";
    const std::string message = batch_error(text);
    CHECK_MESSAGE(message.rfind("orders file is not valid JSON: ", 0) == 0, message);
    CHECK_MESSAGE(message == "orders file is not valid JSON: a number is too large to read", message);
  }
}

TEST_CASE("claims: a NUL byte after or inside the object - is invalid_claims") {
  CHECK(seatkey::parse_claims(kPackClaims).ok());
  for (const std::string& payload : {kPackClaims + "\0"s, kPackClaims + "\0{}"s, "\0"s + kPackClaims,
                                     kPackClaims.substr(0, 20) + "\0"s + kPackClaims.substr(20)}) {
    auto parsed = seatkey::parse_claims(payload);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == seatkey::Errc::invalid_claims);
  }
}

TEST_CASE("token footer: a NUL byte after or inside the object - is malformed") {
  const std::string footer = R"({"kid":"k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW"})";
  CHECK(seatkey::footer_kid(footer).ok());
  for (const std::string& f :
       {footer + "\0"s, footer + "\0junk"s, "\0"s + footer, footer.substr(0, 9) + "\0"s}) {
    auto kid = seatkey::footer_kid(f);
    REQUIRE_FALSE(kid.ok());
    CHECK(kid.error().code == seatkey::Errc::malformed);
  }
}

TEST_CASE("license text: a NUL byte - belongs to its line and does not end the text") {
  auto set = v::parse_licenses("v4.public.a\0b\nv4.public.c\n\0\n"s, "x.lic");
  REQUIRE(set.ok());
  REQUIRE(set->tokens.size() == 3);
  CHECK(set->tokens[0].token == "v4.public.a\0b"s);
  CHECK(set->tokens[1].source == "x.lic:2");
  CHECK(set->tokens[2].token == "\0"s);
}

TEST_CASE("trusted keys: a NUL byte or binary line - is invalid_key naming the line") {
  const std::string key = "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs";
  CHECK(v::TrustStore::parse(key + "\n", "k.txt").ok());
  for (const std::string& text : {key + "\0\n"s, "# c\n"s + key + "\n\0"s, "\xff\xfe\n"s + key}) {
    auto store = v::TrustStore::parse(text, "k.txt");
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().code == v::ErrorCode::invalid_key);
    CHECK(store.error().message.rfind("k.txt:", 0) == 0);
  }
}

TEST_CASE(
    "evaluate: signed tokens with a NUL byte after the payload or footer JSON - invalid_claims, malformed") {
  auto key = seatkey::SecretKey::from_paserk(
      "k4.secret.JYun34GjH5kdz3PYLS8FXjZNLO6f2r-Slo8LKf09gHGsH_cVS-dRtaPKoirtTsK7Rt6S7tSWFrf73ZkGu6Gsmw");
  REQUIRE(key.ok());
  auto trust = v::TrustStore::from_keys({key->public_key().to_paserk()});
  REQUIRE(trust.ok());
  const std::string footer = R"({"kid":")" + key->public_key().id() + R"("})";
  const std::string server =
      R"({"iss":"V","jti":"1","iat":"2026-11-01T09:00:00Z","kind":"server","appliance":"001A2B3C4D5E",)"
      R"("edition":"vm","users":1})";
  v::LicenseSet set;
  for (const auto& [payload, foot] :
       {std::pair{server, footer}, std::pair{kPackClaims + "\0"s, footer},
        std::pair{kPackClaims + "\0{\"users\":1}"s, footer}, std::pair{kPackClaims, footer + "\0"s}}) {
    auto token = key->sign(payload, foot);
    REQUIRE(token.ok());
    set.tokens.push_back({*token, "t.lic:" + std::to_string(set.tokens.size() + 1)});
  }
  auto e = v::evaluate(set, "001A2B3C4D5E", *trust, 1795860000);
  REQUIRE(e.ok());
  CHECK(e->licensed_users == 1);
  REQUIRE(e->rejected.size() == 3);
  CHECK(e->rejected[0].reason == v::Reason::invalid_claims);
  CHECK(e->rejected[1].reason == v::Reason::invalid_claims);
  CHECK(e->rejected[2].reason == v::Reason::malformed);
}
