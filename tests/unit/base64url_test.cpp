#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "seatkey/common/base64url.hpp"
#include "seatkey/signing/secure_base64url.hpp"

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

TEST_CASE("base64url: the fast table decoder - agrees with libsodium's on every short input and appends") {
  // Every string of length 0 to 3 over a sample alphabet covering all classes of byte,
  // then longer random ones.
  const std::string alphabet = "AQgw_-09zZ=+/. \x80\xff";
  std::vector<std::string> inputs = {""};
  for (int len = 1; len <= 3; ++len) {
    std::vector<std::string> next;
    for (const auto& prefix : inputs)
      if (prefix.size() == static_cast<std::size_t>(len - 1))
        for (char c : alphabet) next.push_back(prefix + c);
    inputs.insert(inputs.end(), next.begin(), next.end());
  }
  std::uint32_t seed = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string s(4 + (seed % 40), 'A');
    for (auto& c : s) {
      seed = seed * 1103515245u + 12345u;
      c = alphabet[(seed >> 16) % 13];  // mostly valid characters
    }
    inputs.push_back(s);
  }
  for (const auto& in : inputs) {
    CAPTURE(in);
    std::string out = "prefix";
    const bool ok = base64url_decode_append(in, &out);
    const auto reference = base64url_decode_secure(in);  // libsodium's constant-time codec
    REQUIRE(ok == reference.has_value());
    if (ok) CHECK(out == "prefix" + std::string(reference->view()));
    CHECK(base64url_decode(in).has_value() == ok);
  }
}
