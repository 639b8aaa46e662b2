// The claims layer: every rejection asserts invalid_claims and names what was wrong.
#include <doctest/doctest.h>

#include "seatkey/common/claims.hpp"
#include "seatkey/signing/claims_writer.hpp"

using namespace seatkey;

namespace {

const std::string kServer =
    R"({"iss":"Vendor","jti":"1001","iat":"2026-11-28T10:00:00Z","kind":"server","appliance":"001A2B3C4D5E",)"
    R"("edition":"compact","users":3})";
const std::string kPack =
    R"({"iss":"Vendor","jti":"1002","iat":"2026-11-28T10:00:00Z","kind":"users","appliance":"001A2B3C4D5E","users":5})";

// kServer / kPack with `member` replaced (or appended when absent); "" value removes it.
std::string with(const std::string& base, const std::string& key, const std::string& raw_value) {
  std::string s = base;
  const std::string needle = "\"" + key + "\":";
  auto pos = s.find(needle);
  if (pos != std::string::npos) {
    auto end = pos + needle.size();
    int depth = 0;
    bool in_str = false;
    for (; end < s.size(); ++end) {
      char c = s[end];
      if (in_str) {
        if (c == '\\')
          ++end;
        else if (c == '"')
          in_str = false;
        continue;
      }
      if (c == '"')
        in_str = true;
      else if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && depth-- == 0)
        break;
      else if (c == ',' && depth == 0)
        break;
    }
    if (raw_value.empty()) {
      if (s[end] == ',')
        ++end;
      else if (s[pos - 1] == ',')
        --pos;
      s.erase(pos, end - pos);
    } else {
      s.replace(pos + needle.size(), end - pos - needle.size(), raw_value);
    }
  } else if (!raw_value.empty()) {
    s.insert(s.size() - 1, ",\"" + key + "\":" + raw_value);
  }
  return s;
}

void check_invalid(const std::string& payload, const std::string& says) {
  CAPTURE(payload);
  auto r = parse_claims(payload);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_claims);
  CHECK_MESSAGE(r.error().message.find(says) != std::string::npos, r.error().message);
}

}  // namespace

TEST_CASE("claims: a server license and a user pack parse into typed fields") {
  auto s = parse_claims(with(kServer, "updates_until", "\"2027-12-31T00:00:00Z\""));
  REQUIRE(s);
  CHECK(s->kind == LicenseKind::server);
  CHECK(s->edition == Edition::compact);
  CHECK(s->users == 3);
  CHECK(s->serial == "1001");
  CHECK(s->issuer == "Vendor");
  CHECK(s->appliance == "001A2B3C4D5E");
  CHECK(s->issued_at == 1795860000);
  CHECK(s->updates_until == parse_rfc3339("2027-12-31T00:00:00Z").value());
  CHECK_FALSE(s->expires);
  auto p =
      parse_claims(with(with(with(kPack, "exp", "\"2027-01-01T00:00:00Z\""), "customer", "\"Acme \\u00c9\""),
                        "order", "\"PO-7\""));
  REQUIRE(p);
  CHECK(p->kind == LicenseKind::users);
  CHECK(p->users == 5);
  CHECK(p->customer == "Acme \xc3\x89");
  CHECK(p->order == "PO-7");
  CHECK(p->expires == parse_rfc3339("2027-01-01T00:00:00Z").value());
}

TEST_CASE("claims: unknown claims, nested or not, are ignored") {
  auto r = parse_claims(with(with(kPack, "future", R"({"a":[1,2,{"b":null}]})"), "x", "1.5"));
  REQUIRE(r);
  CHECK(r->users == 5);
}

TEST_CASE("claims: to_payload_json round-trips") {
  auto s = parse_claims(with(with(kServer, "customer", "\"Acme\""), "nbf", "\"2026-01-01T00:00:00Z\""));
  REQUIRE(s);
  auto again = parse_claims(to_payload_json(*s));
  REQUIRE(again);
  CHECK(to_payload_json(*again) == to_payload_json(*s));
  CHECK(again->not_before == s->not_before);
  CHECK(again->customer == "Acme");
}

TEST_CASE("claims: every required claim missing is named") {
  for (const char* key : {"iss", "jti", "iat", "kind", "appliance", "users"}) {
    check_invalid(with(kPack, key, ""), std::string("missing claim \"") + key + "\"");
  }
  check_invalid(with(kServer, "edition", ""), "missing claim \"edition\", which a server license requires");
}

TEST_CASE("claims: a known claim of the wrong type is invalid") {
  check_invalid(with(kPack, "users", "\"5\""), "\"users\"");
  check_invalid(with(kPack, "users", "5.0"), "\"users\"");
  check_invalid(with(kPack, "users", "-5"), "\"users\"");
  check_invalid(with(kPack, "users", "18446744073709551616"), "\"users\"");
  check_invalid(with(kPack, "users", "99999999999999999999999"), "\"users\"");
  check_invalid(with(kPack, "users", "true"), "\"users\"");
  check_invalid(with(kPack, "iss", "7"), "\"iss\" must be a string");
  check_invalid(with(kPack, "jti", "1002"), "\"jti\" must be a string");
  check_invalid(with(kPack, "kind", "null"), "\"kind\" must be a string");
  check_invalid(with(kPack, "appliance", "[\"001A2B3C4D5E\"]"), "\"appliance\" must be a string");
  check_invalid(with(kPack, "customer", "null"), "\"customer\" must be a string");
  check_invalid(with(kPack, "order", "{}"), "\"order\" must be a string");
  check_invalid(with(kPack, "exp", "1795860000"), "\"exp\" must be a string");
  check_invalid(with(kPack, "nbf", "\"tomorrow\""), "\"nbf\" is not an RFC 3339 time");
  check_invalid(with(kPack, "iat", "\"2026-11-28\""), "\"iat\" is not an RFC 3339 time");
  check_invalid(with(kServer, "updates_until", "\"2026-02-30T00:00:00Z\""), "\"updates_until\"");
  check_invalid(with(kServer, "edition", "3"), "\"edition\" must be a string");
}

TEST_CASE("claims: a known claim of the wrong value is invalid") {
  check_invalid(with(kPack, "kind", "\"seats\""), "\"kind\"");
  check_invalid(with(kPack, "users", "2"), "1 or 5");
  check_invalid(with(kPack, "users", "0"), "1 or 5");
  check_invalid(with(kServer, "users", "4"), "must be 3");
  check_invalid(with(with(kServer, "edition", "\"vm\""), "users", "3"), "must be 1");
  check_invalid(with(with(kServer, "edition", "\"free\""), "updates_until", "\"2027-01-01T00:00:00Z\""),
                "not allowed on a free");
  check_invalid(with(kServer, "edition", "\"enterprise\""), "\"edition\" is not one of");
  check_invalid(with(kPack, "edition", "\"compact\""), "not allowed on a user pack");
  check_invalid(with(kPack, "updates_until", "\"2027-01-01T00:00:00Z\""), "not allowed on a user pack");
  check_invalid(with(kPack, "appliance", "\"00:1a:2b:3c:4d:5e\""), "canonical appliance ID");
  check_invalid(with(kPack, "appliance", "\"AB\""), "canonical appliance ID");
  check_invalid(with(kPack, "jti", "\"\""), "\"jti\" must be 1 to 64");
  check_invalid(with(kPack, "jti", "\"" + std::string(65, '1') + "\""), "\"jti\" must be 1 to 64");
  check_invalid(with(kPack, "jti", "\"10 02\""), "\"jti\" has a character");
  check_invalid(with(kPack, "iss", "\"\""), "\"iss\" is empty");
}

TEST_CASE("claims: a duplicated JSON key at any depth makes the payload invalid") {
  check_invalid(kPack.substr(0, kPack.size() - 1) + ",\"users\":1}", "duplicated key \"users\"");
  check_invalid(with(kPack, "extra", R"({"a":1,"a":2})"), "duplicated key \"a\"");
  check_invalid(with(kPack, "extra", R"([{"a":1,"a":2}])"), "duplicated key \"a\"");
  // Same key in sibling objects is fine.
  CHECK(parse_claims(with(kPack, "extra", R"([{"a":1},{"a":2}])")));
}

TEST_CASE("claims: payloads that are not one JSON object are invalid") {
  check_invalid("", "not valid JSON");
  check_invalid("[]", "not a JSON object");
  check_invalid("\"users\"", "not a JSON object");
  check_invalid("5", "not a JSON object");
  check_invalid("null", "not a JSON object");
  check_invalid(kPack + "{}", "");
  check_invalid(kPack + " x", "not valid JSON");
  check_invalid(kPack.substr(0, kPack.size() - 1), "not valid JSON");
  check_invalid("{\"iss\":\"\xff\xfe\"}", "not valid JSON");  // not UTF-8
  check_invalid(with(kPack, "deep", std::string(200, '[') + std::string(200, ']')), "nested too deeply");
  check_invalid(with(kPack, "deep", std::string(100000, '[')), "nested too deeply");
}

TEST_CASE("validate_license: the issuer's side refuses the same things and non-UTF-8 text") {
  auto s = parse_claims(kServer);
  REQUIRE(s);
  License bad = *s;
  bad.customer = std::string("\xc3\x28");
  auto r = validate_license(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("UTF-8") != std::string::npos);
  bad = *s;
  bad.appliance = "00:1a:2b:3c";
  CHECK(validate_license(bad).error().code == Errc::invalid_claims);
  bad = *s;
  bad.kind = LicenseKind::users;
  bad.edition.reset();
  bad.users = 2;
  CHECK(validate_license(bad).error().message.find("1 or 5") != std::string::npos);
}

// ---- Revocation lists ----------------------------------------------------------------------

namespace {

const std::string kRevocation =
    R"({"iss":"Vendor","jti":"2001","iat":"2026-11-28T10:00:00Z","kind":"revocation","seq":3,)"
    R"("revoked":["2","17","101"]})";

void check_invalid_list(const std::string& payload, const std::string& says) {
  CAPTURE(payload);
  auto r = parse_token_claims(payload);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_claims);
  CHECK_MESSAGE(r.error().message.find(says) != std::string::npos, r.error().message);
}

}  // namespace

TEST_CASE("claims: a revocation list parses into its seq and its serials, and round-trips") {
  auto c = parse_token_claims(kRevocation);
  REQUIRE(c);
  CHECK(kind_of(*c) == LicenseKind::revocation);
  const auto& r = std::get<RevocationList>(*c);
  CHECK(r.issuer == "Vendor");
  CHECK(r.serial == "2001");
  CHECK(r.issued_at == 1795860000);
  CHECK(r.seq == 3);
  CHECK(r.revoked.to_strings() == std::vector<std::string>{"2", "17", "101"});
  const std::string json = to_payload_json(*c);
  CHECK(json == kRevocation);
  auto again = parse_token_claims(json);
  REQUIRE(again);
  CHECK(to_payload_json(*again) == json);
  // An empty list is a list; the largest seq every JSON reader holds exactly is allowed.
  CHECK(parse_token_claims(with(kRevocation, "revoked", "[]")));
  CHECK(parse_token_claims(with(kRevocation, "seq", "9007199254740991")));
  // Unknown claims are ignored here too.
  CHECK(parse_token_claims(with(kRevocation, "note", R"({"a":[1]})")));
  // Licenses still parse as Claims, and parse_claims() is for licenses only.
  auto l = parse_token_claims(kPack);
  REQUIRE(l);
  CHECK(kind_of(*l) == LicenseKind::users);
  check_invalid(kRevocation, "a revocation list, not a license");
}

TEST_CASE("claims: each kind's required and forbidden claims come from one table") {
  check_invalid_list(with(kRevocation, "seq", ""), "missing claim \"seq\", which a revocation list requires");
  check_invalid_list(with(kRevocation, "revoked", ""),
                     "missing claim \"revoked\", which a revocation list requires");
  for (const char* claim :
       {"appliance", "edition", "users", "customer", "order", "updates_until", "nbf", "exp"}) {
    CAPTURE(claim);
    const std::string value = std::string(claim) == "users" ? "5" : "\"2027-01-01T00:00:00Z\"";
    check_invalid_list(with(kRevocation, claim, value),
                       std::string("claim \"") + claim + "\" is not allowed on a revocation list");
  }
  check_invalid(with(kPack, "seq", "1"), "claim \"seq\" is not allowed on a user pack");
  check_invalid(with(kServer, "revoked", "[]"), "claim \"revoked\" is not allowed on a server license");
  // The table itself: the common claims on every kind, and what makes a license a license.
  for (std::size_t k = 0; k < kKindNames.size(); ++k) {
    const auto kind = static_cast<LicenseKind>(k);
    for (Claim c : {Claim::iss, Claim::jti, Claim::iat, Claim::kind})
      CHECK(claim_use(kind, c) == ClaimUse::required);
    CHECK((claim_use(kind, Claim::appliance) == ClaimUse::required) == is_license(kind));
    CHECK((claim_use(kind, Claim::seq) == ClaimUse::required) == !is_license(kind));
  }
}

TEST_CASE("claims: a revocation list's seq and serials of the wrong type or value are invalid") {
  for (const char* seq : {"0", "-1", "\"3\"", "3.0", "9007199254740992", "18446744073709551616", "null"}) {
    CAPTURE(seq);
    check_invalid_list(with(kRevocation, "seq", seq),
                       "claim \"seq\" must be an integer from 1 to 9007199254740991");
  }
  for (const char* revoked : {"\"2\"", "{}", "[2]", "[\"2\",null]", "[[\"2\"]]", "[{\"a\":\"2\"}]"}) {
    CAPTURE(revoked);
    check_invalid_list(with(kRevocation, "revoked", revoked),
                       "claim \"revoked\" must be an array of serials (strings)");
  }
  check_invalid_list(with(kRevocation, "revoked", "[\"2\",\"1 7\"]"),
                     "claim \"revoked\": element 2 is not a serial: it has a character outside");
  check_invalid_list(with(kRevocation, "revoked", "[\"\"]"), "element 1 is not a serial: it must be 1 to 64");
  check_invalid_list(with(kRevocation, "revoked", "[\"17\",\"2\"]"),
                     "claim \"revoked\" must list each serial once, in order: \"2\" follows \"17\"");
  check_invalid_list(with(kRevocation, "revoked", "[\"2\",\"2\"]"), "\"2\" follows \"2\"");
  check_invalid_list(with(kRevocation, "revoked", "[\"2\",\"02\"]"), "\"02\" follows \"2\"");
  check_invalid_list(with(kRevocation, "kind", "\"revocations\""),
                     "claim \"kind\" must be \"server\", \"users\", \"revocation\" or \"standby\"");
  check_invalid_list(with(kRevocation, "jti", "\"\""), "\"jti\" must be 1 to 64");
  check_invalid_list(kRevocation.substr(0, kRevocation.size() - 1) + R"(,"revoked":[]})",
                     "duplicated key \"revoked\"");
}

TEST_CASE("validate_revocation_list: the issuer's side refuses the same things") {
  RevocationList r;
  r.issuer = "Vendor";
  r.serial = "9";
  r.issued_at = 1795860000;
  r.seq = 1;
  r.revoked = {"1", "3", "12"};
  REQUIRE(validate_revocation_list(r));
  auto bad = r;
  bad.seq = 0;
  CHECK(validate_revocation_list(bad).error().message.find("\"seq\"") != std::string::npos);
  bad = r;
  bad.revoked = {"3", "1"};
  CHECK(validate_revocation_list(bad).error().message.find("in order") != std::string::npos);
  bad = r;
  bad.issuer = "";
  CHECK(validate_revocation_list(bad).error().message.find("\"iss\" is empty") != std::string::npos);
  bad = r;
  bad.issuer = "\xc3\x28";
  CHECK(validate_revocation_list(bad).error().message.find("UTF-8") != std::string::npos);
  // And a License of kind revocation is no license.
  License l;
  l.kind = LicenseKind::revocation;
  CHECK(validate_license(l).error().message == "a revocation list is not a license");
}

namespace {

const std::string kStandby =
    R"({"iss":"Vendor","jti":"3001","iat":"2026-11-28T10:00:00Z","kind":"standby","appliance":"00AABBCCDDEE",)"
    R"("primary":"001A2B3C4D5E"})";

}  // namespace

TEST_CASE("claims: a standby license names its primary, carries no users, and round-trips") {
  auto s = parse_claims(with(with(kStandby, "exp", "\"2027-01-01T00:00:00Z\""), "customer", "\"Acme\""));
  REQUIRE(s);
  CHECK(s->kind == LicenseKind::standby);
  CHECK(is_license(s->kind));
  CHECK(s->appliance == "00AABBCCDDEE");
  CHECK(s->primary == "001A2B3C4D5E");
  CHECK(s->users == 0);
  CHECK_FALSE(s->edition);
  CHECK(s->expires == parse_rfc3339("2027-01-01T00:00:00Z").value());
  CHECK(s->customer == "Acme");
  CHECK(kind_description(LicenseKind::standby) == "standby license");
  // Written back without a users claim, primary last (claim order), and read back the same.
  CHECK(to_payload_json(*parse_claims(kStandby)) == kStandby);
  auto again = parse_claims(to_payload_json(*s));
  REQUIRE(again);
  CHECK(to_payload_json(*again) == to_payload_json(*s));
  CHECK(again->primary == s->primary);
  // Other kinds have no primary.
  CHECK_FALSE(parse_claims(kServer)->primary);
}

TEST_CASE("claims: a standby license's forbidden, missing and wrong claims are invalid") {
  check_invalid(with(kStandby, "primary", ""), "missing claim \"primary\", which a standby license requires");
  check_invalid(with(kStandby, "appliance", ""),
                "missing claim \"appliance\", which a standby license requires");
  check_invalid(with(kStandby, "users", "5"), "claim \"users\" is not allowed on a standby license");
  check_invalid(with(kStandby, "users", "0"), "claim \"users\" is not allowed on a standby license");
  check_invalid(with(kStandby, "edition", "\"compact\""),
                "claim \"edition\" is not allowed on a standby license");
  check_invalid(with(kStandby, "updates_until", "\"2027-01-01T00:00:00Z\""),
                "claim \"updates_until\" is not allowed on a standby license");
  check_invalid(with(kStandby, "seq", "1"), "claim \"seq\" is not allowed on a standby license");
  check_invalid(with(kPack, "primary", "\"001A2B3C4D5E\""),
                "claim \"primary\" is not allowed on a user pack");
  check_invalid(with(kServer, "primary", "\"00AABBCCDDEE\""),
                "claim \"primary\" is not allowed on a server license");
  check_invalid(with(kStandby, "primary", "42"), "claim \"primary\" must be a string, not");
  for (const char* primary : {"\"00:1a:2b:3c:4d:5e\"", "\"001a2b3c4d5e\"", "\"ABC\"", "\"00 1A\"", "\"\""}) {
    CAPTURE(primary);
    check_invalid(with(kStandby, "primary", primary), "claim \"primary\" is not a canonical appliance ID");
  }
  check_invalid(with(kStandby, "primary", "\"00AABBCCDDEE\""),
                "claim \"primary\" names the standby's own appliance");
}

TEST_CASE("validate_license: the issuer's side refuses a standby license's wrong claims too") {
  License l;
  l.issuer = "Vendor";
  l.serial = "7";
  l.issued_at = 1795860000;
  l.kind = LicenseKind::standby;
  l.appliance = "00AABBCCDDEE";
  l.primary = "001A2B3C4D5E";
  REQUIRE(validate_license(l));
  auto bad = l;
  bad.users = 1;
  CHECK(validate_license(bad).error().message.find("\"users\" is not allowed on a standby") !=
        std::string::npos);
  bad = l;
  bad.primary.reset();
  CHECK(validate_license(bad).error().message.find("missing claim \"primary\"") != std::string::npos);
  bad = l;
  bad.primary = l.appliance;
  CHECK(validate_license(bad).error().message.find("own appliance") != std::string::npos);
  bad = l;
  bad.edition = Edition::vm;
  CHECK(validate_license(bad).error().message.find("\"edition\" is not allowed") != std::string::npos);
}

TEST_CASE("claims: a license issued from an activation code carries its number, and round-trips") {
  auto s = parse_claims(with(kServer, "code", "1234"));
  REQUIRE(s);
  CHECK(s->code == 1234);
  CHECK(to_payload_json(*s) == with(kServer, "code", "1234"));  // the last claim, in Claim order
  auto p = parse_claims(with(kPack, "code", "9007199254740991"));
  REQUIRE(p);
  CHECK(p->code == kMaxCodeNumber);
  auto again = parse_claims(to_payload_json(*p));
  REQUIRE(again);
  CHECK(again->code == kMaxCodeNumber);
  CHECK_FALSE(parse_claims(kServer)->code);
  CHECK(to_payload_json(*parse_claims(kServer)) == kServer);
}

TEST_CASE("claims: a code number that is not a positive integer, or on a kind without codes, is invalid") {
  for (const char* bad :
       {"0", "-1", "1.5", "1e3", "\"1234\"", "null", "true", "9007199254740992", "18446744073709551616"}) {
    check_invalid(with(kPack, "code", bad), "claim \"code\" must be an integer from 1 to 9007199254740991");
  }
  check_invalid(with(kStandby, "code", "7"), "claim \"code\" is not allowed on a standby license");
  auto list = parse_token_claims(with(kRevocation, "code", "7"));
  REQUIRE_FALSE(list);
  CHECK(list.error().message == "claim \"code\" is not allowed on a revocation list");
  License l = *parse_claims(kPack);
  l.code = 0;
  auto r = validate_license(l);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "claim \"code\" must be an integer from 1 to 9007199254740991");
  l.code = 7;
  CHECK(validate_license(l));
}

TEST_CASE("a revocation list's serials: packed, in order, found by names_serial()") {
  const std::string payload =
      R"({"iss":"Vendor","jti":"9","iat":"2026-12-01T00:00:00Z","kind":"revocation","seq":2,)"
      R"("revoked":["A-7","B-10","2","17","101"]})";
  auto claims = parse_token_claims(payload);
  REQUIRE_MESSAGE(claims, claims.error().message);
  const auto& list = std::get<RevocationList>(*claims);
  REQUIRE(list.revoked.size() == 5);
  CHECK(list.revoked[0] == "A-7");
  CHECK(list.revoked[4] == "101");
  std::vector<std::string> seen;
  for (std::string_view s : list.revoked) seen.emplace_back(s);
  CHECK(seen == list.revoked.to_strings());
  // compare_serials() order: other serials, then numbers by value.
  for (const char* named : {"2", "17", "101", "A-7", "B-10"}) CHECK(names_serial(list.revoked, named));
  for (const char* other : {"1", "3", "017", "18", "100", "1011", "A-70", "B-1", "", "a-7"}) {
    CHECK_FALSE(names_serial(list.revoked, other));
  }
  CHECK_FALSE(names_serial(PackedStrings{}, "2"));
  CHECK(PackedStrings{"2", "17"} == PackedStrings{"2", "17"});
  CHECK(PackedStrings{"2", "17"} != PackedStrings{"21", "7"});
}
