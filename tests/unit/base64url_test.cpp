#include <doctest/doctest.h>

#include "seatkey/common/base64url.hpp"

using namespace seatkey;

TEST_CASE("base64url: round-trips every length without padding") {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    auto text = base64url_encode(bytes);
    CHECK(text.find('=') == std::string::npos);
    auto back = base64url_decode(text);
    REQUIRE(back);
    CHECK(*back == bytes);
    bytes.push_back(static_cast<char>(n * 37 + 250));
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
}

TEST_CASE("base64url: strict decoding rejects what a lenient decoder would accept") {
  CHECK(base64url_decode("Zg==") == std::nullopt);  // padding
  CHECK(base64url_decode("Zg=") == std::nullopt);
  CHECK(base64url_decode("Z+8") == std::nullopt);  // standard alphabet
  CHECK(base64url_decode("Z/8") == std::nullopt);
  CHECK(base64url_decode("Zh") == std::nullopt);     // non-zero trailing bits ("Zg" is canonical)
  CHECK(base64url_decode("Zm9vY") == std::nullopt);  // impossible length (1 mod 4)
  CHECK(base64url_decode("Zm 9v") == std::nullopt);  // whitespace
  CHECK(base64url_decode(std::string("Zm\0v", 4)) == std::nullopt);
  CHECK(base64url_decode("Zm9v\n") == std::nullopt);
  // libsodium 1.0.18 skips bytes >= 0x80 on its own; found by fuzz_token and fuzz_paserk.
  CHECK(base64url_decode("Zm\xf0v") == std::nullopt);
  CHECK(base64url_decode("Zm9v\x98\x98\x98\x98YmFy") == std::nullopt);
  CHECK(base64url_decode("\x80") == std::nullopt);
  CHECK(base64url_decode("Zg") == std::optional<std::string>("f"));
  CHECK(base64url_decode("") == std::optional<std::string>(""));
}

TEST_CASE("base64url: secure variants agree with the plain ones") {
  auto enc = base64url_encode_secure("secret bytes");
  CHECK(enc.view() == base64url_encode("secret bytes"));
  auto dec = base64url_decode_secure(enc.view());
  REQUIRE(dec);
  CHECK(dec->view() == "secret bytes");
  CHECK_FALSE(base64url_decode_secure("Zh"));
  CHECK_FALSE(base64url_decode_secure("Zm\xf0v"));
}
