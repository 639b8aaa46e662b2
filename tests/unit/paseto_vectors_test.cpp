// Every 4-S-* and 4-F-* case of the official PASETO v4 vectors through our own code.
#include <doctest/doctest.h>

#include "seatkey/common/paseto.hpp"
#include "seatkey/signing/secret_key.hpp"
#include "test_support.hpp"

using namespace seatkey;

TEST_CASE("PASETO v4 vectors: every 4-S and 4-F case gives the expected result") {
  const auto vectors = test::read_json(test::vectors_path("paseto/v4.json"));
  int checked = 0;
  for (const auto& t : vectors["tests"]) {
    const std::string name = t["name"];
    if (name.rfind("4-S-", 0) != 0 && name.rfind("4-F-", 0) != 0) continue;
    CAPTURE(name);
    const bool expect_fail = t["expect-fail"];
    const std::string token = t["token"];
    const std::string implicit = t["implicit-assertion"];
    if (!expect_fail) {
      auto pub = PublicKey::from_bytes(test::from_hex(t["public-key"]));
      REQUIRE(pub);
      auto verified = verify_v4_public(*pub, token, implicit);
      REQUIRE(verified);
      CHECK(verified->payload == t["payload"].get<std::string>());
      CHECK(verified->footer == t["footer"].get<std::string>());
      // Ed25519 is deterministic: signing the same message must reproduce the token.
      auto sk = SecretKey::from_bytes(test::from_hex(t["secret-key"]));
      REQUIRE(sk);
      CHECK(sk->public_key() == *pub);
      auto signed_token = sk->sign(t["payload"].get<std::string>(), t["footer"].get<std::string>(), implicit);
      REQUIRE(signed_token);
      CHECK(*signed_token == token);
      // The implicit assertion is bound: a different one must not verify.
      CHECK(verify_v4_public(*pub, token, implicit + "x").error().code == Errc::bad_signature);
    } else {
      // The 4-F cases are v4.local / v3 tokens or a v4.public token signed by another key;
      // none may verify under the vector's public key (or, where none is given, any key).
      auto pub = PublicKey::from_bytes(test::from_hex(t.value(
          "public-key", std::string("1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e2000e4"))));
      REQUIRE(pub);
      auto verified = verify_v4_public(*pub, token, implicit);
      REQUIRE_FALSE(verified);
      const bool is_public = token.rfind("v4.public.", 0) == 0;
      CHECK(verified.error().code == (is_public ? Errc::bad_signature : Errc::malformed));
    }
    ++checked;
  }
  CHECK(checked == 8);
}

TEST_CASE("pae: matches the PASETO Common.md examples") {
  CHECK(pae({}) == std::string("\0\0\0\0\0\0\0\0", 8));
  CHECK(pae({""}) == std::string("\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
  CHECK(pae({"test"}) == std::string("\x01\0\0\0\0\0\0\0\x04\0\0\0\0\0\0\0test", 20));
}

TEST_CASE("paseto: v4_public_token_size() is the length of the token sign() makes, limits name themselves") {
  auto key = SecretKey::generate();
  REQUIRE(key);
  for (std::size_t payload : {0u, 1u, 2u, 3u, 4u, 100u, 4000u, 70000u}) {
    for (std::size_t footer : {0u, 1u, 2u, 3u, 59u}) {
      CAPTURE(payload);
      CAPTURE(footer);
      auto token = key->sign(std::string(payload, 'p'), std::string(footer, 'f'));
      REQUIRE(token);
      CHECK(token->size() == v4_public_token_size(payload, footer));
    }
  }
  // A token between the two limits decodes only under the revocation list's.
  auto big = key->sign(std::string(5000, 'p'), "{}");
  REQUIRE(big);
  CHECK(decode_v4_public(*big).error().message ==
        "token is " + std::to_string(big->size()) + " bytes, over the 4096-byte limit of a license");
  CHECK(decode_v4_public(*big, TokenLimit::revocation_list));
  V4PublicDecoder decoder;
  CHECK(std::string(decoder.decode(*big)) == "token is over the 4096-byte limit of a license");
  CHECK(decoder.decode(*big, TokenLimit::revocation_list) == nullptr);
  CHECK(verify_v4_public(key->public_key(), *big, {}, TokenLimit::revocation_list));
  const std::string huge(kMaxRevocationTokenBytes + 1, 'v');
  CHECK(std::string(decoder.decode(huge, TokenLimit::revocation_list)) ==
        "token is over the 1048576-byte limit of a revocation list");
}
