// TrustStore: building from keys, trusted-keys files (and their errors), the built-in keys.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

constexpr const char* kDevPublic = "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs";
constexpr const char* kDevPid = "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW";

void check_error(const v::Expected<v::TrustStore>& r, v::ErrorCode code, const std::string& says) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == code);
  CHECK_MESSAGE(r.error().message.find(says) != std::string::npos, r.error().message);
}

}  // namespace

TEST_CASE("trust store: built in - holds the development key of keys/development.public") {
  const auto store = v::TrustStore::built_in();
  REQUIRE(store.ok());
  REQUIRE(store->size() == 1);
  CHECK(store->key_id(0) == kDevPid);
  CHECK(store->public_key(0) == kDevPublic);
  CHECK(store->trusts(kDevPid));
  CHECK(dev_key().public_key().id() == kDevPid);
  // and it verifies the development key's tokens
  const auto e = v::evaluate(set_of({server("1", Edition::vm).token()}), kAppliance, *store, at(kNow));
  REQUIRE(e.ok());
  CHECK(e->licensed);
}

TEST_CASE("trust store: default constructed - trusts nothing") {
  const v::TrustStore none;
  CHECK(none.size() == 0);
  CHECK_FALSE(none.trusts(kDevPid));
  CHECK(none.key_id(0).empty());
  CHECK(none.public_key(0).empty());
}

TEST_CASE("trust store: from_keys - sorts by k4.pid, drops repeats, rejects non-public keys") {
  const std::string a = key_a().public_key().to_paserk();
  const std::string b = key_b().public_key().to_paserk();
  const auto s = v::TrustStore::from_keys({a, b, a, kDevPublic});
  REQUIRE(s.ok());
  REQUIRE(s->size() == 3);
  CHECK(s->key_id(0) < s->key_id(1));
  CHECK(s->key_id(1) < s->key_id(2));
  CHECK(s->trusts(key_a().public_key().id()));
  CHECK(s->trusts(key_b().public_key().id()));
  CHECK_FALSE(s->trusts("k4.pid.nothing"));
  CHECK(s->key_id(3).empty());
  const auto copy = *s;  // copies share the immutable keys
  CHECK(copy.size() == 3);

  check_error(v::TrustStore::from_keys({}), v::ErrorCode::invalid_key, "no trusted key");
  check_error(v::TrustStore::from_keys({a, "k4.public.AAAA"}), v::ErrorCode::invalid_key, "trusted key 2");
  check_error(v::TrustStore::from_keys({" " + a}), v::ErrorCode::invalid_key, "k4.public");
  check_error(v::TrustStore::from_keys({"k4.secret.AAAA"}), v::ErrorCode::invalid_key, "secret key");
  check_error(v::TrustStore::from_keys({"k3.public.AAAA"}), v::ErrorCode::invalid_key, "not a k4.public");
}

TEST_CASE("trust store: a trusted-keys file - comments, blank lines, CRLF and spaces are fine") {
  const std::string text = "# vendor keys\r\n\r\n  " + key_a().public_key().to_paserk() + "\t\r\n" +
                           "   # indented comment\n" + key_b().public_key().to_paserk();  // no final newline
  const auto s = v::TrustStore::parse(text, "keys.txt");
  REQUIRE(s.ok());
  CHECK(s->size() == 2);
  CHECK(s->trusts(key_a().public_key().id()));
  CHECK(s->trusts(key_b().public_key().id()));
}

TEST_CASE("trust store: a trusted-keys file - a UTF-8 byte order mark at its very start is skipped") {
  const std::string bom = "\xEF\xBB\xBF";
  const std::string a = key_a().public_key().to_paserk();
  CHECK(v::TrustStore::parse(bom + a + "\r\n", "keys.txt").value().trusts(key_a().public_key().id()));
  CHECK(v::TrustStore::parse(bom + "# vendor key\n" + a, "keys.txt").value().size() == 1);
  check_error(v::TrustStore::parse(a + "\n" + bom + a, "keys.txt"), v::ErrorCode::invalid_key,
              "keys.txt:2: expected a k4.public key");
}

TEST_CASE("trust store: a trusted-keys file with anything but keys - is invalid_key naming file and line") {
  const std::string a = key_a().public_key().to_paserk();
  check_error(v::TrustStore::parse("# only a comment\n\n", "keys.txt"), v::ErrorCode::invalid_key,
              "keys.txt: holds no k4.public key");
  check_error(v::TrustStore::parse("", "keys.txt"), v::ErrorCode::invalid_key, "holds no k4.public key");
  check_error(v::TrustStore::parse(a + "\nhello\n", "keys.txt"), v::ErrorCode::invalid_key,
              "keys.txt:2: expected a k4.public key");
  check_error(v::TrustStore::parse("# c\n" + a + " trailing words\n", "keys.txt"), v::ErrorCode::invalid_key,
              "keys.txt:2:");
  check_error(v::TrustStore::parse("k4.public.AAAA\n", "keys.txt"), v::ErrorCode::invalid_key,
              "keys.txt:1: expected a k4.public key: an Ed25519 public key is 32 bytes");
  check_error(v::TrustStore::parse("k4.public.!!!\n", "keys.txt"), v::ErrorCode::invalid_key, "base64url");
  check_error(v::TrustStore::parse(a + "\n" + std::string(dev_key().to_paserk().view()) + "\n", "keys.txt"),
              v::ErrorCode::invalid_key, "keys.txt:2: this is a secret key");
  check_error(v::TrustStore::parse(a + "\n" + dev_key().public_key().id() + "\n", "keys.txt"),
              v::ErrorCode::invalid_key, "keys.txt:2:");
}

TEST_CASE("trust store: load_file - reads a file, names it when it cannot") {
  const auto dev = v::TrustStore::load_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.public");
  REQUIRE(dev.ok());
  CHECK(dev->trusts(kDevPid));
  check_error(v::TrustStore::load_file("/nonexistent/keys.txt"), v::ErrorCode::io_error,
              "cannot read trusted keys file /nonexistent/keys.txt: No such file or directory");
  check_error(v::TrustStore::load_file("/"), v::ErrorCode::io_error, "/: is a directory");
  char tmpl[] = "/tmp/seatkey-keys-test.XXXXXX";
  const int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    std::ofstream big(tmpl);
    big << std::string(1024 * 1024, '#') << "\n";
  }
  check_error(v::TrustStore::load_file(tmpl), v::ErrorCode::too_large, "is over 1 MiB");
  ::unlink(tmpl);
  check_error(v::TrustStore::load_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret"),
              v::ErrorCode::invalid_key, "development.secret:3: this is a secret key");
}
