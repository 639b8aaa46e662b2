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
