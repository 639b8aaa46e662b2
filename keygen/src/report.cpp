// The report of a period: what the ledger counts of it (LicenseStore::tally, EventStore::
// voided_tally), each group put on the line of what it was: sold, given away, a replacement, a
// transfer's re-issue, voided.
#include <map>
#include <tuple>

#include "raise.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::keygen {
namespace {

// Why licenses were issued, from what the ledger says of them.
ReportCategory category_of(const LicenseTally& t) {
  if (t.transferred) return ReportCategory::transfer;
  if (t.kind == LicenseKind::server && !(t.edition && is_commercial(*t.edition))) return ReportCategory::free;
  if (t.replaced_edition && is_commercial(*t.replaced_edition)) return ReportCategory::replacement;
  return ReportCategory::sale;
}

Report report_of(const Ledger& ledger, const std::optional<UnixTime>& since,
                 const std::optional<UnixTime>& until) {
  Report report;
  report.since = since;
  report.until = until;
  // Keyed by what orders the lines: category, kind, edition (or pack size).
  std::map<std::tuple<int, int, int>, ReportLine> lines;
  const auto add = [&](ReportCategory category, const LicenseTally& t) {
    const int sub = t.kind == LicenseKind::server ? (t.edition ? static_cast<int>(*t.edition) : -1) : t.users;
    ReportLine& line = lines[{static_cast<int>(category), static_cast<int>(t.kind), sub}];
    line.category = category;
    line.kind = t.kind;
    line.edition = t.edition;
    line.users_per_pack = t.kind == LicenseKind::users ? t.users : 0;
    line.licenses += t.licenses;
    line.users += t.licenses * t.users;
  };
  for (const LicenseTally& t : detail::take(ledger.licenses().tally(since, until))) {
    if (t.kind == LicenseKind::revocation) {
      report.revocation_lists += t.licenses;
      continue;
    }
    if (!is_license(t.kind)) continue;
    const ReportCategory category = category_of(t);
    if (category == ReportCategory::transfer && t.kind == LicenseKind::server)
      report.appliances_transferred += t.licenses;
    add(category, t);
  }
  if (ledger.schema_version() >= 3) {
    for (const LicenseTally& t : detail::take(ledger.events().voided_tally(since, until)))
      add(ReportCategory::void_, t);
  }
  for (auto& [key, line] : lines) report.lines.push_back(line);
  return report;
}

}  // namespace

Result<Report> make_report(const Ledger& ledger, const std::optional<UnixTime>& since,
                           const std::optional<UnixTime>& until) {
  return detail::guarded([&] {
    Report r = report_of(ledger, since, until);
    r.codes = detail::take(ledger.codes().counts(since, until));
    return r;
  });
}

}  // namespace seatkey::keygen
