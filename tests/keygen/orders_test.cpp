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

TEST_CASE("input checks: C1 controls, bidirectional formatting and invisible characters are refused, named") {
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
      {"\xE2\x80\x8B", "an invisible character (U+200B)"},
      {"\xE2\x80\xA8", "an invisible character (U+2028)"},
      {"\xE2\x80\xA9", "an invisible character (U+2029)"},
      {"\xE2\x81\xA0", "an invisible character (U+2060)"},
      {"\xEF\xBB\xBF", "an invisible character (U+FEFF)"},
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
  for (const char* fine : {"\\", "C:\\x1b", "\xC2\xA0", "\xE2\x80\x8D", "\xE2\x80\xAF", "\xE2\x81\xA5",
                           "\xE2\x81\xAA", "\xD8\x9B", "Ω", "日本", "\xF0\x9F\x93\x9E"}) {
    CAPTURE(fine);
    CHECK_FALSE(test::error_of(check_text("--customer", std::string("Acme ") + fine)));
  }
  // In a batch order, named by the order.
  auto e = test::error_of(parse_batch(
      "[{\"type\":\"server\",\"appliance\":\"AAAA\",\"edition\":\"vm\",\"order\":\"SO\\u202e1\"}]"));
  REQUIRE(e);
  CHECK(test::contains(e->message, "order 1: order contains a bidirectional formatting character (U+202E)"));
}

TEST_CASE("input: a malformed body is told where it fails in plain words, never in the parser's") {
  CHECK(input_error("[{") == "orders file is not valid JSON: it ends before the JSON is complete");
  CHECK(input_error("[\n {\"type\": x}]") ==
        "orders file is not valid JSON: unexpected text at line 2, column 11 (byte 13)");
  CHECK(input_error(R"([{"type":"users","count":1e999}])") ==
        "orders file is not valid JSON: a number is too large to read");
  CHECK(input_error("[\"\xff\"]") == "orders file is not valid JSON: it is not UTF-8 text");
  CHECK(!test::contains(input_error("[1,]"), "json.exception"));
}

TEST_CASE("input: a new appliance's ID written as a MAC address or a UUID must be whole") {
  const auto mistyped = [](std::string_view typed) {
    auto e = test::error_of(parse_new_appliance(typed));
    REQUIRE(e);
    CHECK(e->kind == Kind::input);
    return *e;
  };
  const keygen::Error mac = mistyped("00:1a:2b:3c:4d");
  CHECK(mac.code == Code::appliance_id_mistyped);
  CHECK(
      mac.message ==
      "appliance ID \"00:1a:2b:3c:4d\" is written as a MAC address but has 5 groups of 2-2-2-2-2 hex digits, "
      "where a MAC address has 6 bytes of two: check it against the appliance");
  REQUIRE(mac.members.size() == 2);
  CHECK(std::get<std::string>(mac.members[0].value) == "mac");
  CHECK(std::get<std::int64_t>(mac.members[1].value) == 6);
  CHECK(mistyped("00-1A-2B-3C-4D-5E-6F").code == Code::appliance_id_mistyped);
  CHECK(mistyped("0:1a:2b:3c:4d:5e").code == Code::appliance_id_mistyped);
  const keygen::Error uuid = mistyped("123e4567-e89b-12d3-a456-42661417400");
  CHECK(test::contains(uuid.message, "is written as a UUID but its groups have 8-4-4-4-11 hex digits"));
  CHECK(std::get<std::int64_t>(uuid.members[1].value) == 16);
  CHECK(mistyped("123e4567-e89b-12d3-a456").code == Code::appliance_id_mistyped);
  // Whole ones, and IDs of other shapes, are the canonical ID as ever.
  CHECK(test::ok(parse_new_appliance("00:1a:2b:3c:4d:5e")) == "001A2B3C4D5E");
  CHECK(test::ok(parse_new_appliance("00-1A-2B-3C-4D-5E")) == "001A2B3C4D5E");
  CHECK(test::ok(parse_new_appliance("123e4567-e89b-12d3-a456-426614174000")) ==
        "123E4567E89B12D3A456426614174000");
  for (const char* other : {"SF-2024-00123", "vm-0042", "001a2b3c4d", "1234-5678-9abc", "ab:cd"})
    CHECK(test::ok(parse_new_appliance(other)) == test::ok(parse_appliance(other)));
  // What is on record already is found by any ID.
  CHECK(test::ok(parse_appliance("00:1a:2b:3c:4d")) == "001A2B3C4D");
}

TEST_CASE("input: since and until take a date as the start of its day in UTC, or an RFC 3339 time") {
  const auto filter =
      test::ok(parse_filter({{"since", "2026-12-01"}, {"until", "2027-01-01T00:00:00+01:00"}}, kQueryFilter));
  CHECK(*filter.since == test::ok(parse_time("t", "2026-12-01T00:00:00Z")));
  CHECK(*filter.until == test::ok(parse_time("t", "2026-12-31T23:00:00Z")));
  const auto period = test::ok(parse_period({{"until", "2026-12-02"}}, kCommandLineFilter));
  CHECK(*period.until == test::ok(parse_time("t", "2026-12-02T00:00:00Z")));
  for (const char* bad : {"2026-02-30", "2026-12-1", "01.12.2026", "2026-12-01T00:00"}) {
    const auto e = test::error_of(parse_period({{"since", bad}}, kCommandLineFilter));
    REQUIRE(e);
    CHECK(e->message ==
          "--since \"" + std::string(bad) +
              "\" is neither a date (like 2026-12-01: the start of that day, UTC) nor an RFC 3339 "
              "time in the years 0000-9999 (like 2026-12-01T08:00:00Z)");
  }
}
