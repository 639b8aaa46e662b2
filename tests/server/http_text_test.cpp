// What seatkey-server reads from clients: request targets, percent escapes, the Idempotency-Key,
// Content-Type and Authorization headers, and the failure limiter.
#include <doctest/doctest.h>

#include "http_text.hpp"
#include "rate_limit.hpp"

using namespace seatkey::server::detail;

TEST_CASE("request targets: segments and query decoded, escapes, NUL, controls and non-UTF-8 refused") {
  auto t = parse_target("/v1/licenses?customer=Acme+GmbH&order=SO%2D1&kind");
  REQUIRE(t);
  CHECK(t->segments == std::vector<std::string>{"v1", "licenses"});
  REQUIRE(t->query.size() == 3);
  CHECK(t->query[0] == std::pair<std::string, std::string>{"customer", "Acme GmbH"});
  CHECK(t->query[1] == std::pair<std::string, std::string>{"order", "SO-1"});
  CHECK(t->query[2] == std::pair<std::string, std::string>{"kind", ""});
  // Dot segments and encoded slashes are data, never path navigation.
  t = parse_target("/v1/appliances/%2e%2e/license-file");
  REQUIRE(t);
  CHECK(t->segments == std::vector<std::string>{"v1", "appliances", "..", "license-file"});
  t = parse_target("/v1/appliances/..%2F..%2Fetc");
  REQUIRE(t);
  CHECK(t->segments.back() == "../../etc");
  CHECK(parse_target("/")->segments == std::vector<std::string>{""});
  // A '+' is a plus in a path.
  CHECK(parse_target("/a+b")->segments == std::vector<std::string>{"a+b"});

  const auto refused = [](const std::string& target, const std::string& expected) {
    const auto parsed = parse_target(target);
    REQUIRE_FALSE(parsed);
    const std::string& message = parsed.error().message;
    CHECK_MESSAGE(message.find(expected) != std::string::npos, message);
  };
  refused("/v1/licenses/12%00", "a NUL byte");
  refused(std::string("/v1/licenses/12\0", 16), "a NUL byte");
  refused("/v1/x?a=%00", "the query holds a NUL byte");
  refused("/v1/licenses/%1b[31m", "a control character");
  refused("/v1/licenses/%zz", "not followed by two hex digits");
  refused("/v1/licenses/%4", "not followed by two hex digits");
  refused("/v1/licenses/%ff%fe", "bytes that are not UTF-8");
  refused("/v1/licenses/%c0%ae", "bytes that are not UTF-8");  // an overlong '.'
  refused("http://example.org/v1/licenses", "must be a path");
  refused("*", "must be a path");
  refused("", "must be a path");
  refused("/" + std::string(kMaxTargetBytes, 'a'), "longer than 8192 bytes");
}

TEST_CASE("headers: Idempotency-Key, Content-Type, Authorization") {
  CHECK(idempotency_key("8e03978e-40d5-43e8-bc93-6894a57f9324") ==
        std::optional<std::string>("8e03978e-40d5-43e8-bc93-6894a57f9324"));
  CHECK(idempotency_key("\"order-7\"") == std::optional<std::string>("order-7"));
  CHECK(idempotency_key("  SO-1  ") == std::optional<std::string>("SO-1"));
  CHECK(idempotency_key(std::string(255, 'k')));
  CHECK_FALSE(idempotency_key(std::string(256, 'k')));
  CHECK_FALSE(idempotency_key(""));
  CHECK_FALSE(idempotency_key("\"\""));
  CHECK_FALSE(idempotency_key("two words"));
  CHECK_FALSE(idempotency_key("caf\xc3\xa9"));
  CHECK_FALSE(idempotency_key("a\"b"));

  CHECK(is_json_content_type("application/json"));
  CHECK(is_json_content_type("Application/JSON; charset=utf-8"));
  CHECK(is_json_content_type("application/json;charset=\"UTF-8\""));
  CHECK_FALSE(is_json_content_type("application/json; charset=latin1"));
  CHECK_FALSE(is_json_content_type("text/plain"));
  CHECK_FALSE(is_json_content_type("application/x-www-form-urlencoded"));
  CHECK_FALSE(is_json_content_type("application/jsonx"));
  CHECK_FALSE(is_json_content_type("application/json; garbage"));
  CHECK_FALSE(is_json_content_type(""));

  CHECK(bearer_token("Bearer abc") == std::optional<std::string>("abc"));
  CHECK(bearer_token("bearer  abc ") == std::optional<std::string>("abc"));
  CHECK_FALSE(bearer_token("Basic YWxhZGRpbjpvcGVuc2VzYW1l"));
  CHECK_FALSE(bearer_token("Bearer"));
  CHECK_FALSE(bearer_token("Bearer "));
  CHECK_FALSE(bearer_token("Bearerabc"));

  CHECK(log_text("GET \x1b[31m") == "GET \\x1b[31m");
  CHECK(log_text(std::string(300, 'a'), 10) == "aaaaaaaaaa...");
}

TEST_CASE("failure limiter: an address is blocked after its failures, for the rest of the window, alone") {
  using namespace std::chrono;
  FailureLimiter limiter(3, seconds(60), 100);
  const auto t0 = FailureLimiter::Clock::time_point() + hours(1);
  for (int i = 0; i < 2; ++i) limiter.record_failure("192.0.2.1", t0 + seconds(i));
  CHECK_FALSE(limiter.blocked("192.0.2.1", t0 + seconds(2)));
  limiter.record_failure("192.0.2.1", t0 + seconds(2));
  CHECK(limiter.blocked("192.0.2.1", t0 + seconds(2)) == std::optional<long>(58));
  CHECK(limiter.blocked("192.0.2.1", t0 + seconds(59)) == std::optional<long>(1));
  CHECK_FALSE(limiter.blocked("192.0.2.2", t0 + seconds(2)));
  // The oldest failure leaves the window: one more attempt may be made.
  CHECK_FALSE(limiter.blocked("192.0.2.1", t0 + seconds(60)));
  CHECK_FALSE(limiter.blocked("192.0.2.1", t0 + seconds(200)));
  CHECK(limiter.addresses() == 0);
}

TEST_CASE("failure limiter: the table of addresses stays bounded") {
  using namespace std::chrono;
  FailureLimiter limiter(2, seconds(60), 100);
  const auto t0 = FailureLimiter::Clock::time_point() + hours(1);
  for (int i = 0; i < 10000; ++i)
    limiter.record_failure("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                           t0 + milliseconds(i));
  CHECK(limiter.addresses() <= 100);
  // The most recent addresses are kept.
  limiter.record_failure("10.0.39.15", t0 + seconds(11));
  CHECK(limiter.blocked("10.0.39.15", t0 + seconds(11)));
}
