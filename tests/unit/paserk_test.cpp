// All k4.public, k4.secret, k4.pid, k4.sid and k4.secret-pw vectors, plus our own rejections.
#include <doctest/doctest.h>

#include "seatkey/common/base64url.hpp"
#include "seatkey/signing/secret_key.hpp"
#include "test_support.hpp"

using namespace seatkey;

namespace {
nlohmann::json cases(const char* file) {
  return test::read_json(test::vectors_path(std::string("paseto/") + file))["tests"];
}
}  // namespace

TEST_CASE("k4.public vectors: encode and decode both ways, wrong sizes refused") {
  for (const auto& t : cases("k4.public.json")) {
    CAPTURE(t["name"].get<std::string>());
    auto key = PublicKey::from_bytes(test::from_hex(t["key"]));
    if (t["expect-fail"]) {
      CHECK_FALSE(key);
      CHECK(key.error().code == Errc::invalid_key);
      continue;
    }
    REQUIRE(key);
    CHECK(key->to_paserk() == t["paserk"].get<std::string>());
    auto parsed = PublicKey::from_paserk(t["paserk"].get<std::string>());
    REQUIRE(parsed);
    CHECK(*parsed == *key);
  }
}

TEST_CASE("k4.pid vectors: IDs of public keys") {
  for (const auto& t : cases("k4.pid.json")) {
    CAPTURE(t["name"].get<std::string>());
    auto key = PublicKey::from_bytes(test::from_hex(t["key"]));
    if (t["expect-fail"]) {
      CHECK_FALSE(key);
      continue;
    }
    REQUIRE(key);
    CHECK(key->id() == t["paserk"].get<std::string>());
  }
}

TEST_CASE("k4.secret vectors: encode, decode, wrong sizes and versions refused") {
  for (const auto& t : cases("k4.secret.json")) {
    CAPTURE(t["name"].get<std::string>());
    auto key = SecretKey::from_bytes(test::from_hex(t["key"]));
    if (t["expect-fail"]) {
      CHECK_FALSE(key);
      CHECK(key.error().code == Errc::invalid_key);
      continue;
    }
    REQUIRE(key);
    CHECK(key->to_paserk().view() == t["paserk"].get<std::string>());
    CHECK(key->public_key().bytes() == PublicKey::from_bytes(test::from_hex(t["public-key"]))->bytes());
    auto parsed = SecretKey::from_paserk(t["paserk"].get<std::string>());
    REQUIRE(parsed);
    CHECK(parsed->bytes().view() == key->bytes().view());
  }
}

TEST_CASE("k4.sid vectors: IDs of secret keys") {
  for (const auto& t : cases("k4.sid.json")) {
    CAPTURE(t["name"].get<std::string>());
    auto key = SecretKey::from_bytes(test::from_hex(t["key"]));
    if (t["expect-fail"]) {
      CHECK_FALSE(key);
      continue;
    }
    REQUIRE(key);
    CHECK(key->id() == t["paserk"].get<std::string>());
  }
}

TEST_CASE("k4.secret-pw vectors: unwrap with the right passphrase, refuse the wrong ones") {
  for (const auto& t : cases("k4.secret-pw.json")) {
    const std::string name = t["name"];
    CAPTURE(name);
    // The vectors' password field is the passphrase itself (its text, even where it looks like hex).
    const std::string password = t["password"];
    auto key = SecretKey::from_password_paserk(t["paserk"].get<std::string>(), password);
    if (t["expect-fail"]) {
      REQUIRE_FALSE(key);
      if (name == "k4.secret-pw-fail-1") {
        CHECK(key.error().code == Errc::wrong_passphrase);
      } else {
        // fail-2 alters the tag's last characters so that the base64url has non-zero trailing
        // bits, which strict decoding refuses before any tag check; fail-3 is a k3 key.
        CHECK(key.error().code == Errc::invalid_key);
      }
      continue;
    }
    REQUIRE(key);
    CHECK(key->bytes().view() == test::from_hex(t["unwrapped"]));
  }
}

TEST_CASE("k4.secret-pw: our wrap round-trips and a wrong passphrase is refused") {
  auto key = SecretKey::generate();
  REQUIRE(key);
  const PasswordCost cheap{8 * 1024 * 1024, 1, 1};
  auto wrapped = key->to_password_paserk("hunter2", cheap);
  REQUIRE(wrapped);
  CHECK(wrapped->rfind("k4.secret-pw.", 0) == 0);
  auto back = SecretKey::from_password_paserk(*wrapped, "hunter2");
  REQUIRE(back);
  CHECK(back->bytes().view() == key->bytes().view());
  auto wrong = SecretKey::from_password_paserk(*wrapped, "hunter3");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == Errc::wrong_passphrase);
  // Any flipped byte of the wrapped key is caught by the tag (or the cost bounds).
  std::string altered = *wrapped;
  altered[altered.size() - 10] = altered[altered.size() - 10] == 'A' ? 'B' : 'A';
  auto bad = SecretKey::from_password_paserk(altered, "hunter2");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::wrong_passphrase);
}

TEST_CASE("k4.secret-pw: hostile headers are refused before Argon2id runs") {
  auto key = SecretKey::generate();
  const PasswordCost cheap{8 * 1024 * 1024, 1, 1};
  auto wrapped = key->to_password_paserk("pw", cheap);
  REQUIRE(wrapped);
  auto body = *base64url_decode(wrapped->substr(13));
  SUBCASE("memlimit of 2^62 bytes") {
    body[16] = 0x40;
    auto r = SecretKey::from_password_paserk("k4.secret-pw." + base64url_encode(body), "pw");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_key);
  }
  SUBCASE("parallelism 2") {
    body[16 + 15] = 2;
    auto r = SecretKey::from_password_paserk("k4.secret-pw." + base64url_encode(body), "pw");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_key);
  }
  SUBCASE("truncated") {
    auto r = SecretKey::from_password_paserk(wrapped->substr(0, wrapped->size() - 4), "pw");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_key);
  }
  SUBCASE("wrap refuses a cost out of range") {
    CHECK(key->to_password_paserk("pw", PasswordCost{8 * 1024 * 1024, 1, 2}).error().code ==
          Errc::invalid_key);
    CHECK(key->to_password_paserk("pw", PasswordCost{1ull << 40, 1, 1}).error().code == Errc::invalid_key);
  }
}

TEST_CASE("k4.secret: a secret whose public half does not match its seed is refused") {
  auto key = SecretKey::generate();
  REQUIRE(key);
  std::string raw(key->bytes().view());
  raw[40] = static_cast<char>(raw[40] ^ 1);
  auto r = SecretKey::from_bytes(raw);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_key);
  CHECK(r.error().message.find("does not match") != std::string::npos);
  auto p = SecretKey::from_paserk("k4.secret." + base64url_encode(raw));
  REQUIRE_FALSE(p);
  CHECK(p.error().code == Errc::invalid_key);
}

TEST_CASE("PASERK parsing: wrong headers and encodings are invalid_key") {
  for (const char* bad : {"", "k4.public.", "k3.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                          "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                          "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "k4.secret.AAAA",
                          "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"}) {
    CAPTURE(bad);
    auto r = PublicKey::from_paserk(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_key);
  }
  CHECK(SecretKey::from_paserk("k4.public.AAAA").error().code == Errc::invalid_key);
  CHECK(SecretKey::from_password_paserk("k4.secret.AAAA", "x").error().code == Errc::invalid_key);
}
