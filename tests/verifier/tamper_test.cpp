// Tampering: a token with any one byte changed is never accepted and reports nothing from
// its payload. Every position is tried: the decoded payload, signature and footer bytes, and
// every character of the token text.
#include <doctest/doctest.h>

#include <set>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

struct Parts {
  std::string body;    // payload || signature
  std::string footer;  // decoded
};

Parts split(const std::string& token) {
  const auto dot = token.find('.', kV4PublicHeader.size());
  return {base64url_decode(token.substr(kV4PublicHeader.size(), dot - kV4PublicHeader.size())).value(),
          base64url_decode(token.substr(dot + 1)).value()};
}

std::string join(const Parts& p) {
  return std::string(kV4PublicHeader) + base64url_encode(p.body) + "." + base64url_encode(p.footer);
}

// The single token's report; it must be rejected and say nothing of the payload.
v::LicenseReport reject_of(const std::string& token) {
  const auto e = evaluate_ok(set_of({token}));
  REQUIRE(e.accepted.empty());
  REQUIRE(e.rejected.size() == 1);
  const auto& r = e.rejected[0];
  CHECK_FALSE(r.serial);
  CHECK_FALSE(r.kind);
  CHECK_FALSE(r.users);
  return r;
}

}  // namespace

TEST_CASE("tampering: the untouched token - is accepted (the baseline)") {
  const std::string token = server("1001", Edition::compact).updates_until("2027-12-31T00:00:00Z").token();
  CHECK(outcomes(evaluate_ok(set_of({token}))) == std::vector<std::string>{"accepted"});
  CHECK(join(split(token)) == token);
}

TEST_CASE("tampering: one payload or signature byte changed - always bad_signature") {
  const std::string token = server("1001", Edition::compact).updates_until("2027-12-31T00:00:00Z").token();
  const Parts parts = split(token);
  const std::size_t payload_size = parts.body.size() - kEd25519SignatureSize;
  std::size_t tried = 0;
  for (std::size_t i = 0; i < parts.body.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      Parts p = parts;
      p.body[i] = static_cast<char>(static_cast<unsigned char>(p.body[i]) ^ mask);
      CAPTURE(i);
      CAPTURE(i < payload_size ? "payload" : "signature");
      CHECK(reject_of(join(p)).reason == v::Reason::bad_signature);
      ++tried;
    }
  }
  CHECK(tried == 3 * parts.body.size());
}

TEST_CASE("tampering: one footer byte changed - malformed, or unknown_key when it lands in the kid") {
  // A changed kid names no trusted key, and rule 1 checks the key before the signature: so a
  // flip inside the kid after "k4.pid." is unknown_key; anywhere else in the footer (the JSON,
  // the "k4.pid." prefix) it is malformed.
  const std::string token = pack("1002", 5).token();
  const Parts parts = split(token);
  const auto kid_start = parts.footer.find("k4.pid.") + 7;
  const auto kid_end = parts.footer.rfind('"');
  std::set<v::Reason> seen;
  for (std::size_t i = 0; i < parts.footer.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      Parts p = parts;
      p.footer[i] = static_cast<char>(static_cast<unsigned char>(p.footer[i]) ^ mask);
      CAPTURE(i);
      CAPTURE(int(mask));
      const v::Reason r = *reject_of(join(p)).reason;
      const bool in_kid_value = i >= kid_start && i < kid_end;
      if (in_kid_value && mask == 0x01) {
        CHECK(r == v::Reason::unknown_key);
      } else {
        CHECK((r == v::Reason::malformed || r == v::Reason::unknown_key));
      }
      seen.insert(r);
    }
  }
  CHECK(seen == std::set<v::Reason>{v::Reason::malformed, v::Reason::unknown_key});
}

TEST_CASE("tampering: any one character of the token text replaced - never accepted") {
  const std::string token = pack("1002", 5).exp("2027-01-01T00:00:00Z").token();
  std::set<v::Reason> seen;
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : {'A', 'z', '-', '_', '0', '.', '=', '+', ' ', '\0', '\xff'}) {
      if (token[i] == c) continue;
      std::string t = token;
      t[i] = c;
      CAPTURE(i);
      CAPTURE(int(c));
      const v::Reason r = *reject_of(t).reason;
      CHECK((r == v::Reason::malformed || r == v::Reason::unknown_key || r == v::Reason::bad_signature));
      seen.insert(r);
    }
  }
  CHECK(seen.count(v::Reason::malformed) == 1);
  CHECK(seen.count(v::Reason::bad_signature) == 1);
}

TEST_CASE("tampering: truncated or extended tokens - never accepted") {
  const std::string token = pack("1002", 5).token();
  for (std::size_t n = 0; n < token.size(); ++n) {
    CAPTURE(n);
    const auto e = evaluate_ok(set_of({token.substr(0, n)}));
    CHECK(e.accepted.empty());
  }
  for (const std::string& extra :
       {std::string("A"), std::string("."), std::string(".AAAA"), std::string("\t")}) {
    CAPTURE(extra);
    CHECK(evaluate_ok(set_of({token + extra})).accepted.empty());
  }
}
