// Vendor key files: created 0600 and never overwritten, unsafe files and wrong passphrases refused.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "test_support.hpp"

using namespace seatkey;
using namespace seatkey::keygen;

namespace {

SecureBuffer pass(const char* text) {
  return SecureBuffer::copy_of(text);
}

PassphraseSource never_asked() {
  return []() -> SecureBuffer {
    FAIL("the passphrase was asked for a k4.secret key");
    return SecureBuffer();
  };
}

std::string input_error(const std::function<void()>& f) {
  auto e = test::error_of(f);
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  CHECK(kind_info(e->kind).exit_status == 2);
  return e->message;
}

}  // namespace

TEST_CASE("key file: a new k4.secret key file is mode 0600 and loads back to the same key") {
  test::TempDir dir;
  const auto path = dir.file("vendor.key");
  auto key = SecretKey::generate();
  REQUIRE(key);
  test::ok(write_new_key_file(path, *key, nullptr));
  CHECK(test::file_mode(path) == 0600);
  const auto text = test::read_file(path);
  CHECK(test::contains(text, "# seatkey vendor signing key " + key->public_key().id()));
  CHECK(test::contains(text, "\nk4.secret."));
  const auto loaded = test::ok(load_key_file(path, never_asked()));
  CHECK(loaded.public_key() == key->public_key());
}

TEST_CASE("key file: a new k4.secret-pw key loads with its passphrase and refuses a wrong one") {
  test::TempDir dir;
  const auto path = dir.file("vendor.key");
  auto key = SecretKey::generate();
  REQUIRE(key);
  const auto pw = pass("correct horse battery");
  test::ok(write_new_key_file(path, *key, &pw, insecure_fast_password_cost()));
  CHECK(test::file_mode(path) == 0600);
  const auto text = test::read_file(path);
  CHECK(test::contains(text, "\nk4.secret-pw."));
  CHECK_FALSE(test::contains(text, "correct horse"));
  int asked = 0;
  const auto loaded = test::ok(load_key_file(path, [&] {
    ++asked;
    return pass("correct horse battery");
  }));
  CHECK(asked == 1);
  CHECK(loaded.public_key() == key->public_key());
  const auto why =
      input_error([&] { (void)test::ok(load_key_file(path, [] { return pass("wrong horse battery"); })); });
  CHECK(test::contains(why, "wrong passphrase for key file"));
  CHECK_FALSE(test::contains(why, "wrong horse"));
}

TEST_CASE("key file: an existing file or symlink is never overwritten") {
  test::TempDir dir;
  const auto path = dir.file("vendor.key");
  test::write_text(path, "precious\n", 0600);
  auto key = SecretKey::generate();
  REQUIRE(key);
  CHECK(test::contains(input_error([&] { test::ok(write_new_key_file(path, *key, nullptr)); }),
                       "already exists"));
  CHECK(test::read_file(path) == "precious\n");
  const auto target = dir.file("target");
  REQUIRE(::symlink(target.c_str(), dir.file("link").c_str()) == 0);
  CHECK(test::contains(input_error([&] { test::ok(write_new_key_file(dir.file("link"), *key, nullptr)); }),
                       "already exists"));
  CHECK(::access(target.c_str(), F_OK) != 0);
}

TEST_CASE("key file: group- or other-accessible key files are refused like ssh does") {
  test::TempDir dir;
  const auto path = dir.file("vendor.key");
  auto key = SecretKey::generate();
  REQUIRE(key);
  test::ok(write_new_key_file(path, *key, nullptr));
  for (unsigned mode : {0644u, 0640u, 0604u, 0660u, 0602u}) {
    CAPTURE(mode);
    ::chmod(path.c_str(), mode);
    const auto why = input_error([&] { (void)test::ok(load_key_file(path, never_asked())); });
    CHECK(test::contains(why, "are too open"));
    CHECK(test::contains(why, "chmod 600 " + path));
  }
  ::chmod(path.c_str(), 0400);
  CHECK_NOTHROW((void)test::ok(load_key_file(path, never_asked())));
}

TEST_CASE("key file: comments and blank lines are allowed around the one key line") {
  test::TempDir dir;
  const auto path = dir.file("dev.key");
  const auto dev = test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret");
  test::write_text(path, "\n# a comment\n   # indented comment\n" + dev + "\n\n", 0600);
  CHECK(test::ok(load_key_file(path, never_asked())).public_key() == test::development_key().public_key());
}

TEST_CASE("key file: no key, two keys, a public key or a garbage line are refused") {
  test::TempDir dir;
  const auto path = dir.file("k");
  const auto dev = test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret");
  const auto pub = test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.public");
  test::write_text(path, "# only a comment\n");
  CHECK(test::contains(input_error([&] { (void)test::ok(load_key_file(path, never_asked())); }), "holds no"));
  test::write_text(path, dev + dev);
  CHECK(test::contains(input_error([&] { (void)test::ok(load_key_file(path, never_asked())); }),
                       "holds 2 keys"));
  test::write_text(path, pub);
  CHECK(test::contains(input_error([&] { (void)test::ok(load_key_file(path, never_asked())); }),
                       "public half"));
  test::write_text(path, "hunter2-secret-text\n");
  const auto why = input_error([&] { (void)test::ok(load_key_file(path, never_asked())); });
  CHECK(test::contains(why, "line 1"));
  CHECK_FALSE(test::contains(why, "hunter2"));
  test::write_text(path, "k4.secret.AAAA\n");
  CHECK(test::contains(input_error([&] { (void)test::ok(load_key_file(path, never_asked())); }), "key file"));
  CHECK(
      test::contains(input_error([&] { (void)test::ok(load_key_file(dir.file("missing"), never_asked())); }),
                     "cannot read key file"));
}

TEST_CASE("passphrase file: the first line is the passphrase, empty or unsafe files are refused") {
  test::TempDir dir;
  const auto path = dir.file("pw");
  test::write_text(path, "s3cret passphrase\r\nsecond line\n");
  CHECK(test::ok(read_passphrase_file(path)).view() == "s3cret passphrase");
  test::write_text(path, "\nfoo\n");
  CHECK(test::contains(input_error([&] { (void)test::ok(read_passphrase_file(path)); }), "is empty"));
  test::write_text(path, "s3cret\n", 0644);
  CHECK(test::contains(input_error([&] { (void)test::ok(read_passphrase_file(path)); }), "chmod 600"));
}

TEST_CASE("public key file: k4.public lines with comments, secret keys and junk refused") {
  test::TempDir dir;
  const auto path = dir.file("pub");
  const auto dev_pub = test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.public");
  test::write_text(path, dev_pub, 0644);
  const auto keys = test::ok(read_public_key_file(path));
  REQUIRE(keys.size() == 1);
  CHECK(keys[0] == test::development_key().public_key());
  CHECK(public_key_file_text(keys[0]) ==
        "# seatkey vendor public key " + keys[0].id() + "\n" + keys[0].to_paserk() + "\n");
  test::write_text(path, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret"));
  CHECK(test::contains(input_error([&] { (void)test::ok(read_public_key_file(path)); }),
                       "this is a secret key"));
  test::write_text(path, "# nothing\n");
  CHECK(test::contains(input_error([&] { (void)test::ok(read_public_key_file(path)); }), "no k4.public"));
}
