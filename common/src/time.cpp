#include "seatkey/common/time.hpp"

#include <time.h>

#include <cstdio>

namespace seatkey {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos..]; false on anything else.
bool digits(std::string_view text, std::size_t pos, std::size_t n, unsigned* out) {
  if (pos + n > text.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
  }
  *out = v;
  return true;
}

constexpr UnixTime kMinTime = -62167219200;  // 0000-01-01T00:00:00Z
constexpr UnixTime kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z

Error bad_time(std::string_view text) {
  std::string shown(text.substr(0, 40));
  return make_error(Errc::invalid_time,
                    "not an RFC 3339 time: \"" + shown + "\" (expected e.g. 2026-11-28T10:00:00Z)");
}

}  // namespace

Result<UnixTime> parse_rfc3339(std::string_view text) {
  unsigned year, month, day, hour, minute, second;
  if (text.size() < 20 || text.size() > 40 || !digits(text, 0, 4, &year) || text[4] != '-' ||
      !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, &hour) || text[13] != ':' ||
      !digits(text, 14, 2, &minute) || text[16] != ':' || !digits(text, 17, 2, &second)) {
    return bad_time(text);
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    return bad_time(text);
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return bad_time(text);
  }
  std::int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    offset = 0;
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') && text[pos + 3] == ':') {
    unsigned oh, om;
    if (!digits(text, pos + 1, 2, &oh) || !digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad_time(text);
    }
    offset = (text[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
  } else {
    return bad_time(text);
  }
  const UnixTime t = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  // Only a UTC time in years 0000-9999 can be written back with a four-digit year: an offset
  // must not carry a time past either end, or format_rfc3339(t) would not parse again.
  if (t < kMinTime || t > kMaxTime) {
    return make_error(Errc::invalid_time, "time outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z: \"" +
                                              std::string(text.substr(0, 40)) + "\"");
  }
  return t;
}

std::string format_rfc3339(UnixTime t) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

UnixTime unix_now() {
  // clock_gettime() rather than std::chrono::system_clock: on a 32-bit target the standard
  // library was compiled with the C library's 32-bit time_t (Debian 12's armhf libstdc++ is),
  // whereas this call is compiled with seatkey's 64-bit one (cmake/SeatkeyTime64.cmake), so it
  // reads the clock past 2038 too. CLOCK_REALTIME cannot fail.
  struct timespec now {};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<UnixTime>(now.tv_sec);
}

}  // namespace seatkey
