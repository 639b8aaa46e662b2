// The API's helpers: names, appliance IDs, times, the serial order.
#include <doctest/doctest.h>

#include "internal.hpp"
#include "token.hpp"
#include "token_kit.hpp"

using namespace seatkey::test;
using seatkey::verifier::detail::compare_serials;

TEST_CASE("names: reasons, editions, kinds and error codes - are the spec's words") {
  using R = v::Reason;
  const std::pair<R, const char*> reasons[] = {{R::malformed, "malformed"},
                                               {R::unknown_key, "unknown_key"},
                                               {R::bad_signature, "bad_signature"},
                                               {R::invalid_claims, "invalid_claims"},
                                               {R::wrong_appliance, "wrong_appliance"},
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

TEST_CASE("serial order: all-digit serials numerically, others byte-wise - a total order") {
  CHECK(compare_serials("10", "9") > 0);
  CHECK(compare_serials("9", "10") < 0);
  CHECK(compare_serials("0010", "9") > 0);
  CHECK(compare_serials("123456789012345678901234567890", "99") > 0);  // beyond 64 bits
  CHECK(compare_serials("100", "100") == 0);
  CHECK(compare_serials("0100", "100") < 0);  // equal value: the raw text decides
  CHECK(compare_serials("abc", "abd") < 0);
  CHECK(compare_serials("A-10", "A-9") < 0);  // not all digits: byte-wise
  CHECK(compare_serials("1a", "9") < 0);      // any all-digit serial ranks above the others
  CHECK(compare_serials("9", "1a") > 0);
  // Transitive on a mixed sample (the naive "numeric if both are digits, else byte-wise"
  // rule is not: 9 < 10 < 1a < 9).
  const std::vector<std::string> s = {"9", "10", "1a", "0", "00", "a", "Z", "09", "100", "1.0", ""};
  for (const auto& a : s)
    for (const auto& b : s) {
      CHECK(compare_serials(a, b) == -compare_serials(b, a));
      for (const auto& c : s) {
        if (compare_serials(a, b) < 0 && compare_serials(b, c) < 0) CHECK(compare_serials(a, c) < 0);
      }
    }
}

TEST_CASE("token splitting: the verifier's fast decoder - agrees with seatkey::decode_v4_public") {
  using seatkey::base64url_decode_append;
  using seatkey::verifier::detail::split_v4_public;
  using seatkey::verifier::detail::TokenView;
  // Every one-character change of a real token, truncations, and odd inputs.
  const std::string token = pack("1002", 5).token();
  std::vector<std::string> inputs = {"",
                                     "v4.public.",
                                     "v4.public..",
                                     "v4.public.AAAA.",
                                     "v4.public.A.B.C",
                                     "v4.public." + std::string(86, 'A'),
                                     "v4.public." + std::string(88, 'A'),
                                     "v4.public." + std::string(85, 'A'),
                                     "v4.local." + token.substr(10)};
  for (std::size_t n = 0; n <= token.size(); ++n) inputs.push_back(token.substr(0, n));
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : {'A', 'B', 'Q', 'g', 'w', '-', '_', '0', '.', '=', '+', '/', ' ', '\0', '\x80', '\xff'}) {
      std::string t = token;
      t[i] = c;
      inputs.push_back(t);
    }
  }
  std::string body;
  for (const auto& in : inputs) {
    CAPTURE(in);
    auto reference = seatkey::decode_v4_public(in);
    TokenView view;
    const char* why = nullptr;
    bool ok = split_v4_public(in, &body, &view, &why);
    std::string footer;
    if (ok && !view.footer_text.empty() && !base64url_decode_append(view.footer_text, &footer)) {
      ok = false;
      why = "token footer is not valid base64url";
    }
    REQUIRE(ok == reference.ok());
    if (ok) {
      CHECK(view.payload == reference->payload);
      CHECK(view.signature == reference->signature);
      CHECK(footer == reference->footer);
    } else {
      CHECK(std::string(why) == reference.error().message);
    }
  }
}
