// An API token's quota of licenses a UTC day (TokenLimits::max_per_day): what bounds the
// licenses that a stolen token, or a process holding one, can place.
#include <algorithm>

#include "raise.hpp"
#include "signing.hpp"
#include "text.hpp"

namespace seatkey::keygen::detail {

namespace {

constexpr UnixTime kDay = 86400;

// The start of the UTC day `t` is in.
UnixTime day_of(UnixTime t) {
  const UnixTime rem = t % kDay;
  return t - (rem < 0 ? rem + kDay : rem);
}

}  // namespace

void check_daily_quota(const Ledger& ledger, const std::optional<std::string>& written_by,
                       std::size_t placing, UnixTime now) {
  if (!written_by || placing == 0) return;
  const std::optional<ApiToken> token = take(ledger.tokens().find(*written_by));
  if (!token || !token->max_per_day) return;
  const std::int64_t max = *token->max_per_day;
  const UnixTime day = day_of(now);
  const std::int64_t issued = take(ledger.licenses().count_written_by(*written_by, day, day + kDay));
  const auto asked = static_cast<std::int64_t>(placing);
  if (issued + asked <= max) return;
  const std::int64_t left = std::max<std::int64_t>(0, max - issued);
  const std::string resets = format_rfc3339(day + kDay);
  raise(Code::token_quota_exceeded,
        "the API token " + detail::quoted(*written_by) + " may place " + std::to_string(max) +
            " licenses a day (UTC); it placed " + std::to_string(issued) + " today, so " +
            std::to_string(left) + " more can be placed until " + resets + ", and this would place " +
            std::to_string(asked) + ": nothing was issued",
        {{"max_per_day", max},
         {"issued_today", issued},
         {"left_today", left},
         {"licenses", asked},
         {"resets_at", resets}});
}

}  // namespace seatkey::keygen::detail
