#include <doctest/doctest.h>

#include "seatkey/common/appliance_id.hpp"

using namespace seatkey;

TEST_CASE("appliance ID: separators and case fold to one canonical form") {
  CHECK(canonical_appliance_id("00:1a:2b:3c:4d:5e").value() == "001A2B3C4D5E");
  CHECK(canonical_appliance_id("001A2B3C4D5E").value() == "001A2B3C4D5E");
  CHECK(canonical_appliance_id("00-1a-2B-3c-4D-5e").value() == "001A2B3C4D5E");
  CHECK(canonical_appliance_id("vm-1234").value() == "VM1234");
  CHECK(canonical_appliance_id(std::string(64, 'a')).value() == std::string(64, 'A'));
  CHECK(canonical_appliance_id("a-b-c-d").value() == "ABCD");
}

TEST_CASE("appliance ID: invalid characters and lengths are invalid_appliance_id with a reason") {
  struct Case {
    std::string typed;
    const char* says;
  } cases[] = {
      {"00 1A 2B 3C", "a space"},
      {"001A_2B3C", "'_'"},
      {"caf\xc3\xa9"
       "1234",
       "non-ASCII"},
      {std::string("AB\0CD", 5), "control character"},
      {"ABC", "3 characters"},
      {"AB-:-C", "3 characters"},
      {"", "0 characters"},
      {std::string(65, 'A'), "65 characters"},
      {"A\tBCD", "control character"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.typed);
    auto r = canonical_appliance_id(c.typed);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_appliance_id);
    CHECK(r.error().message.find(c.says) != std::string::npos);
  }
}
