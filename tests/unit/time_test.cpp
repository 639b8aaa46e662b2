#include <doctest/doctest.h>

#include "seatkey/common/time.hpp"

using namespace seatkey;

TEST_CASE("RFC 3339: UTC and offsets parse to the same instant") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z").value() == 0);
  CHECK(parse_rfc3339("2026-11-28T10:00:00Z").value() == 1795860000);
  CHECK(parse_rfc3339("2026-11-28T11:00:00+01:00").value() == 1795860000);
  CHECK(parse_rfc3339("2026-11-28T09:30:00-00:30").value() == 1795860000);
  CHECK(parse_rfc3339("2026-11-28t10:00:00.999z").value() == 1795860000);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z").value() == 1709164800);
  CHECK(parse_rfc3339("2022-01-01T00:00:00+00:00").value() == 1640995200);
}

TEST_CASE("RFC 3339: formatting round-trips") {
  for (UnixTime t : {0LL, 1795860000LL, 1709164800LL, 253402300799LL, -86400LL}) {
    CHECK(parse_rfc3339(format_rfc3339(t)).value() == t);
  }
  CHECK(format_rfc3339(1795860000) == "2026-11-28T10:00:00Z");
}

TEST_CASE("RFC 3339: malformed and impossible times are invalid_time") {
  for (const char* bad :
       {"", "2026-11-28", "2026-11-28T10:00:00", "2026-11-28 10:00:00Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T10:60:00Z",
        "2026-11-28T10:00:60Z", "2026-11-28T10:00:00.Z", "2026-11-28T10:00:00+0100",
        "2026-11-28T10:00:00Zjunk", "+2026-11-28T10:00:00Z", "2026-1-28T10:00:00Z", "1795860000"}) {
    CAPTURE(bad);
    auto r = parse_rfc3339(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_time);
  }
}

TEST_CASE("RFC 3339: only instants in the years 0000-9999 (UTC) are times, offsets applied") {
  // The edges, written in UTC and with offsets that land exactly on them.
  CHECK(parse_rfc3339("0000-01-01T00:00:00Z").value() == -62167219200);
  CHECK(parse_rfc3339("0000-01-01T00:01:00+00:01").value() == -62167219200);
  CHECK(parse_rfc3339("9999-12-31T23:59:59Z").value() == 253402300799);
  CHECK(parse_rfc3339("9999-12-31T00:00:59-23:59").value() == 253402300799);
  // One second beyond either edge once the offset is applied.
  for (const char* outside :
       {"9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59-00:01", "9999-12-31T23:59:59.999-00:01",
        "9999-12-31T00:01:00-23:59", "0000-01-01T00:00:00+00:01", "0000-01-01T00:00:59+00:01",
        "0000-01-01T23:58:59+23:59"}) {
    CAPTURE(outside);
    auto r = parse_rfc3339(outside);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_time);
    CHECK(r.error().message.find("outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z") != std::string::npos);
  }
}

TEST_CASE("RFC 3339: whatever parses formats back into text that parses to the same instant") {
  const auto round_trips = [](const char* text) {
    CAPTURE(text);
    const auto t = parse_rfc3339(text);
    if (!t) return;  // refused: nothing to format
    const std::string formatted = format_rfc3339(*t);
    CHECK(formatted.size() == 20);
    const auto again = parse_rfc3339(formatted);
    REQUIRE(again);
    CHECK(*again == *t);
  };
  for (const char* text :
       {"0000-01-01T00:00:00Z", "0000-01-01T00:01:00+00:01", "0000-03-01T00:00:00-23:59",
        "9999-12-31T23:59:59Z", "9999-12-31T00:00:59-23:59", "9999-12-31T23:59:59+23:59",
        "1969-12-31T23:59:59Z", "2026-11-28T10:00:00+01:00", "0001-01-01T00:00:00+05:30"}) {
    REQUIRE(parse_rfc3339(text));
    round_trips(text);
  }
  // Just outside the range: refused (or, if ever accepted, they must still round-trip).
  for (const char* text : {"9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+00:01"}) round_trips(text);
}
