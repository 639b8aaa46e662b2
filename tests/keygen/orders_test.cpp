// `issue batch` JSON orders and the input checks shared with the command line flags.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/orders.hpp"

using namespace seatkey;
using namespace seatkey::keygen;

namespace {

std::string input_error(const std::string& json) {
  auto e = test::error_of(parse_batch(json));
  REQUIRE(e);
  CHECK(e->kind == Kind::input);
  return e->message;
}

}  // namespace

TEST_CASE("batch: server and pack orders parse with every field") {
  const auto orders = test::ok(parse_batch(R"([
    {"type":"server","appliance":"00:1a:2b:3c:4d:5e","edition":"compact","customer":"Acme","order":"SO-1",
     "updates_until":"2027-12-31T23:59:59Z","expires":"2030-01-01T00:00:00Z","replace":true},
    {"type":"users","appliance":"001A2B3C4D5E","users":5,"count":2,"customer":"Acme","order":"SO-2",
     "expires":"2030-01-01T00:00:00Z"},
    {"type":"users","appliance":"vm-0042","users":1}
  ])"));
  REQUIRE(orders.size() == 3);
  const auto& s = std::get<ServerOrder>(orders[0]);
  CHECK(s.appliance == "001A2B3C4D5E");
  CHECK(s.edition == Edition::compact);
  CHECK(s.customer == std::optional<std::string>("Acme"));
  CHECK(s.order == std::optional<std::string>("SO-1"));
  CHECK(s.updates_until == parse_rfc3339("2027-12-31T23:59:59Z").value());
  CHECK(s.replace);
  const auto& p = std::get<PackOrder>(orders[1]);
  CHECK(p.users == 5);
  CHECK(p.count == 2);
  CHECK(p.expires.has_value());
  const auto& q = std::get<PackOrder>(orders[2]);
  CHECK(q.appliance == "VM0042");
  CHECK(q.count == 1);
  CHECK(describe(orders[1]) == "2 packs of 5 users for 001A2B3C4D5E");
  CHECK(describe(orders[0]) == "compact server license for 001A2B3C4D5E");
}

TEST_CASE("batch: a standby order parses with every field, its primary is required and canonicalized") {
  const auto orders = test::ok(parse_batch(R"([
    {"type":"standby","appliance":"00:aa:bb:cc:dd:ee","primary":"00-1a-2b-3c-4d-5e","customer":"Acme",
     "order":"SO-3","expires":"2030-01-01T00:00:00Z","replace":true}
  ])"));
  REQUIRE(orders.size() == 1);
  const auto& s = std::get<StandbyOrder>(orders[0]);
  CHECK(s.appliance == "00AABBCCDDEE");
  CHECK(s.primary == "001A2B3C4D5E");
  CHECK(s.customer == std::optional<std::string>("Acme"));
  CHECK(s.order == std::optional<std::string>("SO-3"));
  CHECK(s.expires == parse_rfc3339("2030-01-01T00:00:00Z").value());
  CHECK(s.replace);
  CHECK(describe(orders[0]) == "standby license for 00AABBCCDDEE, the standby of 001A2B3C4D5E");
  CHECK(test::contains(input_error(R"([{"type":"standby","appliance":"AAAA"}])"),
                       "order 1: missing field \"primary\""));
  CHECK(test::contains(input_error(R"([{"type":"standby","appliance":"AAAA","primary":"a b"}])"),
                       "order 1: invalid appliance ID \"a b\""));
  CHECK(test::contains(
      input_error(R"([{"type":"standby","appliance":"AAAA","primary":"BBBB","edition":"vm"}])"),
      "order 1: unknown field \"edition\""));
}

TEST_CASE("batch: duplicated keys are refused, naming the order") {
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA","users":1,"users":5}])"),
                       "order 1: duplicated key \"users\""));
  CHECK(test::contains(
      input_error(R"([{"type":"users","appliance":"AAAA","users":1},{"type":"server","type":"server"}])"),
      "order 2: duplicated key \"type\""));
}

TEST_CASE("batch: unknown fields are refused, including fields of the other order type") {
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA","users":1,"colour":"red"}])"),
                       "order 1: unknown field \"colour\""));
  CHECK(test::contains(
      input_error(
          R"([{"type":"users","appliance":"AAAA","users":1,"updates_until":"2027-01-01T00:00:00Z"}])"),
      "unknown field \"updates_until\""));
  CHECK(test::contains(input_error(R"([{"type":"server","appliance":"AAAA","edition":"vm","count":2}])"),
                       "unknown field \"count\""));
}

TEST_CASE("batch: wrong types, missing fields and bad values are input errors") {
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA","users":"5"}])"),
                       "\"users\" must be a whole number"));
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA","users":5.0}])"), "a fraction"));
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA"}])"), "missing field \"users\""));
  CHECK(
      test::contains(input_error(R"([{"type":"server","appliance":"AAAA"}])"), "missing field \"edition\""));
  CHECK(test::contains(input_error(R"([{"type":"server","appliance":"AAAA","edition":"gold"}])"),
                       "unknown edition \"gold\""));
  CHECK(test::contains(input_error(R"([{"type":"server","appliance":"AA","edition":"vm"}])"),
                       "order 1: invalid appliance ID \"AA\""));
  CHECK(test::contains(input_error(R"([{"type":"server","appliance":"AA AA","edition":"vm"}])"),
                       "invalid appliance ID"));
  CHECK(test::contains(input_error(R"([{"type":"server","appliance":"AAAA","edition":"vm","replace":1}])"),
                       "true or false"));
  CHECK(test::contains(
      input_error(R"([{"type":"server","appliance":"AAAA","edition":"vm","expires":"tomorrow"}])"),
      "not an RFC 3339 time"));
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA","users":5,"count":0}])"),
                       "count must be 1 to 10000"));
  CHECK(test::contains(input_error(R"([{"type":"users","appliance":"AAAA","users":5,"customer":"a\nb"}])"),
                       "control character"));
  CHECK(test::contains(input_error(R"([{"type":"license","appliance":"AAAA"}])"),
                       "\"type\" must be \"server\", \"users\" or \"standby\""));
  CHECK(test::contains(input_error(R"([42])"), "order 1: must be a JSON object"));
}

TEST_CASE("batch: the document must be a non-empty JSON array") {
  CHECK(test::contains(input_error("[]"), "holds no orders"));
  CHECK(test::contains(input_error(R"({"type":"users"})"), "must hold a JSON array"));
  CHECK(test::contains(input_error("[{"), "not valid JSON"));
  CHECK(test::contains(input_error("[[[[[[[[1]]]]]]]]"), "nests too deeply"));
}

TEST_CASE("batch: pack sizes are not checked here but by the rules (a refusal, exit 1)") {
  const auto orders = test::ok(parse_batch(R"([{"type":"users","appliance":"AAAA","users":3}])"));
  CHECK(std::get<PackOrder>(orders[0]).users == 3);
}

TEST_CASE("input checks: text claims are bounded, printable UTF-8") {
  CHECK(test::ok(check_text("customer", "Müller & Söhne")) == "Müller & Söhne");
  CHECK(test::error_of(check_text("customer", "")));
  CHECK(test::error_of(check_text("customer", std::string(257, 'a'))));
  CHECK_FALSE(test::error_of(check_text("customer", std::string(256, 'a'))));
  CHECK(test::error_of(check_text("customer", "\xff\xfe")));
  CHECK(test::error_of(check_text("customer", "tab\there")));
}

TEST_CASE("input checks: C1 controls and bidirectional formatting characters are refused, named") {
  // Each as UTF-8, with the name the message gives it.
  const std::pair<const char*, const char*> refused[] = {
      {"\xC2\x80", "a control character (U+0080)"},
      {"\xC2\x85", "a control character (U+0085)"},
      {"\xC2\x9F", "a control character (U+009F)"},
      {"\xD8\x9C", "a bidirectional formatting character (U+061C)"},
      {"\xE2\x80\x8E", "a bidirectional formatting character (U+200E)"},
      {"\xE2\x80\x8F", "a bidirectional formatting character (U+200F)"},
      {"\xE2\x80\xAA", "a bidirectional formatting character (U+202A)"},
      {"\xE2\x80\xAE", "a bidirectional formatting character (U+202E)"},
      {"\xE2\x81\xA6", "a bidirectional formatting character (U+2066)"},
      {"\xE2\x81\xA9", "a bidirectional formatting character (U+2069)"},
  };
  for (const auto& [bytes, named] : refused) {
    CAPTURE(named);
    const std::string text = std::string("Acme ") + bytes + "GmbH";
    auto e = test::error_of(check_text("--customer", text));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    CHECK(test::contains(e->message, std::string("--customer contains ") + named));
  }
  // Their neighbours are ordinary text, and so is a backslash (which a terminal shows escaped).
  for (const char* fine : {"\\", "C:\\x1b", "\xC2\xA0", "\xE2\x80\x8D", "\xE2\x80\xA9", "\xE2\x80\xAF",
                           "\xE2\x81\xA5", "\xE2\x81\xAA", "\xD8\x9B", "Ω", "日本", "\xF0\x9F\x93\x9E"}) {
    CAPTURE(fine);
    CHECK_FALSE(test::error_of(check_text("--customer", std::string("Acme ") + fine)));
  }
  // In a batch order, named by the order.
  auto e = test::error_of(parse_batch(
      "[{\"type\":\"server\",\"appliance\":\"AAAA\",\"edition\":\"vm\",\"order\":\"SO\\u202e1\"}]"));
  REQUIRE(e);
  CHECK(test::contains(e->message, "order 1: order contains a bidirectional formatting character (U+202E)"));
}
