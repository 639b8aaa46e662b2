// The appliance's side of activation codes: the code claim in the reports, checking a typed code,
// and the offline activation request through the verifier's API.
#include "seatkey/common/activation_request.hpp"
#include "token_kit.hpp"

using namespace seatkey::test;
using seatkey::Edition;

namespace {

constexpr const char* kCode = "NN47G-3VN9Z-F5J9P-YFBEM";
constexpr const char* kOtherCode = "QVHV9-6YBWG-T9HEC-1HN6Y";

}  // namespace

TEST_CASE("activation: a license issued from a code reports its number, others none") {
  const auto e = evaluate_ok(
      set_of({server("1001", Edition::compact).code(1234).token(), pack("1002", 5).code(1234).token(),
              pack("1003", 1).token(), pack("1004", 5).code(77).appliance(kOtherAppliance).token(),
              sign_payload(pack("1005", 5).code(9).payload()) + "x"}));
  CHECK(report_of(e, "t:1").code == 1234);
  CHECK(report_of(e, "t:2").code == 1234);
  CHECK_FALSE(report_of(e, "t:3").code);
  CHECK(report_of(e, "t:4").code == 77);  // verified, if for another appliance
  CHECK_FALSE(report_of(e, "t:5").code);  // nothing of a token that did not verify
  CHECK(e.licensed_users == 9);
}

TEST_CASE("activation: a typed code is checked offline and normalized, a typo named by its group") {
  auto ok = v::check_activation_code(" nn47g 3vn9z-f5j9p yfbem ");
  REQUIRE(ok.ok());
  CHECK(*ok == kCode);
  auto typo = v::check_activation_code("NN47G-3VN9Z-F5J9P-YFBME");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().code == v::ErrorCode::invalid_code);
  CHECK(typo.error().message == "group 4 (YFBME) has a typo: compare it with the code as printed");
  CHECK(std::string(v::error_code_name(v::ErrorCode::invalid_code)) == "invalid_code");
}

TEST_CASE("activation: the request carries the ID, the codes, the time and a fresh nonce") {
  auto a = v::activation_request("00:1a:2b:3c:4d:5e", {"nn47g-3vn9z-f5j9p-yfbem", kOtherCode}, at(kNow));
  auto b = v::activation_request("00:1a:2b:3c:4d:5e", {"nn47g-3vn9z-f5j9p-yfbem", kOtherCode}, at(kNow));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a != *b);  // the nonce
  CHECK(a->size() <= v::max_activation_request_length());
  CHECK(v::max_activation_request_length() == seatkey::kMaxRequestLength);
  auto read = seatkey::parse_activation_request(*a);
  REQUIRE(read.ok());
  CHECK(read->appliance == kAppliance);
  REQUIRE(read->codes.size() == 2);
  CHECK(read->codes[0].text() == kCode);
  CHECK(read->codes[1].text() == kOtherCode);
  CHECK(read->time == at(kNow));
  CHECK(seatkey::parse_activation_request(*b)->nonce != read->nonce);
  auto none = v::activation_request(kAppliance, {}, 0);
  REQUIRE(none.ok());
  CHECK(seatkey::parse_activation_request(*none)->codes.empty());
}

TEST_CASE(
    "activation: a request is refused for a bad ID, a code with a typo, too many codes, a code twice, a bad "
    "time") {
  const auto refused = [](v::Expected<std::string> r, v::ErrorCode code, const std::string& message) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(r.error().message == message);
  };
  refused(v::activation_request("00 1a", {}, 0), v::ErrorCode::invalid_appliance_id,
          "invalid appliance ID: a space at position 3 (allowed: letters, digits, '-' and ':')");
  refused(v::activation_request(kAppliance, {kCode, "QVHV9-6YBWG-T9HCE-1HN6Y"}, 0),
          v::ErrorCode::invalid_code,
          "code 2: group 3 (T9HCE) has a typo: compare it with the code as printed");
  refused(v::activation_request(kAppliance, std::vector<std::string>(9, kCode), 0),
          v::ErrorCode::invalid_argument, "an activation request carries at most 8 codes, not 9");
  refused(v::activation_request(kAppliance, {kCode, kOtherCode, "nn47g3vn9zf5j9pyfbem"}, 0),
          v::ErrorCode::invalid_argument, "code 3 is code 1 again");
  refused(v::activation_request(kAppliance, {}, -1), v::ErrorCode::invalid_time,
          "an activation request cannot carry a time before 1970-01-01T00:00:00Z");
  refused(v::activation_request(kAppliance, {}, seatkey::kMaxRequestTime + 1), v::ErrorCode::invalid_time,
          "an activation request cannot carry a time after 4147-08-20T07:32:15Z");
}
