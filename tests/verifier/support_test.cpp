// The API's helpers: names, appliance IDs, times, the serial order.
#include <doctest/doctest.h>

#include "seatkey/common/paseto.hpp"
#include "token_kit.hpp"

using namespace seatkey::test;

TEST_CASE("names: reasons, editions, kinds and error codes - are the spec's words") {
  using R = v::Reason;
  const std::pair<R, const char*> reasons[] = {{R::malformed, "malformed"},
                                               {R::unknown_key, "unknown_key"},
                                               {R::bad_signature, "bad_signature"},
                                               {R::invalid_claims, "invalid_claims"},
                                               {R::wrong_appliance, "wrong_appliance"},
                                               {R::revoked, "revoked"},
                                               {R::not_yet_valid, "not_yet_valid"},
                                               {R::expired, "expired"},
                                               {R::duplicate, "duplicate"},
                                               {R::superseded, "superseded"},
                                               {R::no_server_license, "no_server_license"},
                                               {R::free_edition, "free_edition"}};
  for (auto [r, name] : reasons) CHECK(std::string(v::reason_name(r)) == name);
  CHECK(std::string(v::edition_name(v::Edition::free)) == "free");
  CHECK(std::string(v::edition_name(v::Edition::compact)) == "compact");
  CHECK(std::string(v::edition_name(v::Edition::appliance)) == "appliance");
  CHECK(std::string(v::edition_name(v::Edition::vm)) == "vm");
  CHECK(std::string(v::kind_name(v::LicenseKind::server)) == "server");
  CHECK(std::string(v::kind_name(v::LicenseKind::users)) == "users");
  CHECK(std::string(v::kind_name(v::LicenseKind::revocation)) == "revocation");
  CHECK(std::string(v::error_code_name(v::ErrorCode::too_large)) == "too_large");
  CHECK(std::string(v::error_code_name(v::ErrorCode::io_error)) == "io_error");
}

TEST_CASE("canonical_appliance_id: typed forms - canonicalize, invalid ones are errors") {
  CHECK(v::canonical_appliance_id("00:1a:2b:3c:4d:5e").value() == "001A2B3C4D5E");
  CHECK(v::canonical_appliance_id("vm-7f3e-22aa").value() == "VM7F3E22AA");
  auto bad = v::canonical_appliance_id("00 1a");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == v::ErrorCode::invalid_appliance_id);
  CHECK(bad.error().message.find("a space at position 3") != std::string::npos);
  CHECK_FALSE(v::canonical_appliance_id("a-b").ok());
}

TEST_CASE("parse_time and format_time: RFC 3339 - round trip, invalid is invalid_time") {
  CHECK(v::parse_time("2026-11-28T10:00:00Z").value() == 1795860000);
  CHECK(v::parse_time("2026-11-28T11:00:00+01:00").value() == 1795860000);
  CHECK(v::format_time(1795860000) == "2026-11-28T10:00:00Z");
  auto bad = v::parse_time("2026-11-28");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == v::ErrorCode::invalid_time);
  CHECK(bad.error().message.find("RFC 3339") != std::string::npos);
  CHECK(v::current_time() > 1700000000);
}

TEST_CASE("token decoding: one decoder reused from token to token - gives what a fresh one gives") {
  // Every one-character change of a real token, truncations, and odd inputs, decoded in turn by
  // one reused decoder (as evaluate() does) and each by a fresh one.
  const std::string token = pack("1002", 5).token();
  std::vector<std::string> inputs = {"",
                                     "v4.public.",
                                     "v4.public..",
                                     "v4.public.AAAA.",
                                     "v4.public.A.B.C",
                                     "v4.public." + std::string(86, 'A'),
                                     "v4.public." + std::string(88, 'A'),
                                     "v4.public." + std::string(85, 'A'),
                                     "v4.local." + token.substr(10),
                                     token + "." + std::string(5000, 'A')};
  for (std::size_t n = 0; n <= token.size(); ++n) inputs.push_back(token.substr(0, n));
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : {'A', 'B', 'Q', 'g', 'w', '-', '_', '0', '.', '=', '+', '/', ' ', '\0', '\x80', '\xff'}) {
      std::string t = token;
      t[i] = c;
      inputs.push_back(t);
    }
  }
  seatkey::V4PublicDecoder reused;
  std::size_t decoded = 0;
  for (const auto& in : inputs) {
    CAPTURE(in);
    seatkey::V4PublicDecoder fresh;
    const char* why_fresh = fresh.decode(in);
    const char* why_reused = reused.decode(in);
    REQUIRE((why_fresh == nullptr) == (why_reused == nullptr));
    if (why_fresh != nullptr) {
      CHECK(std::string(why_fresh) == why_reused);
      CHECK(reused.payload().empty());
      CHECK(reused.footer().empty());
      continue;
    }
    ++decoded;
    CHECK(reused.payload() == fresh.payload());
    CHECK(reused.signature() == fresh.signature());
    CHECK(reused.footer() == fresh.footer());
    CHECK(reused.footer_text() == fresh.footer_text());
    auto convenience = seatkey::decode_v4_public(in);
    REQUIRE(convenience.ok());
    CHECK(convenience->payload == reused.payload());
  }
  CHECK(decoded > 10);  // the real token and the changes that keep it well-formed
}
