// `report [--since T] [--until T]`: what was sold, given away, replaced, transferred and voided.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::keygen::tool {
namespace {

struct ReportOptions {
  std::string ledger;
  std::optional<std::string> since, until;
  bool csv = false;
  bool json = false;
};

std::string line_label(const ReportLine& l) {
  if (l.kind == LicenseKind::server) return std::string(edition_name(*l.edition)) + " server license";
  if (l.kind == LicenseKind::standby) return "standby license";
  return "user pack of " + users_text(l.users_per_pack);
}

std::string csv_text(const Report& r) {
  std::string out = "category,kind,edition,users_per_pack,licenses,users\n";
  for (const ReportLine& l : r.lines) {
    out += std::string(report_category_name(l.category)) + "," + std::string(kind_name(l.kind)) + "," +
           (l.edition ? std::string(edition_name(*l.edition)) : "") + "," +
           (l.kind == LicenseKind::users ? std::to_string(l.users_per_pack) : "") + "," +
           std::to_string(l.licenses) + "," + std::to_string(l.users) + "\n";
  }
  return out;
}

std::string category_text(const Report& r, std::size_t c) {
  static constexpr const char* kTitles[] = {
      "sales", "free licenses (not sold)", "replacements (--replace: not sold again)",
      "transfers (re-issued for another appliance: not sold again)", "voids (taken back)"};
  static_assert(std::size(kTitles) == kReportCategoryNames.size(), "a title for every report category");
  std::string out = "\n" + std::string(kTitles[c]) + "\n";
  bool any = false;
  for (const ReportLine& l : r.lines) {
    if (static_cast<std::size_t>(l.category) != c) continue;
    char line[128];
    std::snprintf(line, sizeof line, "  %-28s %6lld licenses %7lld users\n", line_label(l).c_str(),
                  static_cast<long long>(l.licenses), static_cast<long long>(l.users));
    out += line;
    any = true;
  }
  if (!any) out += "  none\n";
  if (c == static_cast<std::size_t>(ReportCategory::transfer) && r.appliances_transferred > 0) {
    out += "  (" + std::to_string(r.appliances_transferred) + " appliance" +
           (r.appliances_transferred == 1 ? "" : "s") + " moved)\n";
  }
  return out;
}

// Activation codes made in the period, per reseller, and where they stand now.
std::string codes_text(const Report& r) {
  if (r.codes.empty()) return "";
  std::string out = "\nactivation codes made, by reseller: made, redeemed, voided, open now\n";
  for (const CodeCounts& c : r.codes) {
    char line[96];
    std::snprintf(line, sizeof line, " %6lld %8lld %6lld %6lld  ", static_cast<long long>(c.created),
                  static_cast<long long>(c.redeemed), static_cast<long long>(c.voided),
                  static_cast<long long>(c.open));
    out += line + (c.reseller ? terminal_safe(keygen::quoted(*c.reseller)) : std::string("(no reseller)")) +
           "\n";
  }
  return out;
}

int run_report(const ReportOptions& opt) {
  std::vector<std::pair<std::string, std::string>> values;
  if (opt.since) values.emplace_back("since", *opt.since);
  if (opt.until) values.emplace_back("until", *opt.until);
  const Period period = need(parse_period(values, kCommandLineFilter));
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const Report r = need(make_report(ledger, period.since, period.until));
  if (opt.csv) {
    std::cout << csv_text(r);
    return 0;
  }
  if (opt.json) {
    print_json(report_json(r));
    return 0;
  }
  std::string out =
      "report of ledger " + ledger_shown(opt.ledger) + " from " +
      (period.since ? format_rfc3339(*period.since) : std::string("the beginning")) + " to " +
      (period.until ? format_rfc3339(*period.until) : "now (" + format_rfc3339(unix_now()) + ")") + "\n";
  for (std::size_t c = 0; c < kReportCategoryNames.size(); ++c) out += category_text(r, c);
  out += "\nrevocation lists issued: " + std::to_string(r.revocation_lists) + "\n";
  out += codes_text(r);
  std::cout << out;
  return 0;
}

}  // namespace

void setup_report(CLI::App& app, Status& status) {
  auto [cmd, opt] = add_command<ReportOptions>(
      &app, "report", "what was sold, given away, replaced, transferred and voided in a period", status,
      run_report);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option(
      "--since", opt->since,
      "from this time (a date, the start of that day in UTC, or RFC 3339; default: the beginning)");
  cmd->add_option(
      "--until", opt->until,
      "to this time, excluded (a date, the start of that day in UTC, or RFC 3339; default: no end)");
  auto* csv = cmd->add_flag("--csv", opt->csv, "CSV: one line per category, kind, edition and pack size");
  cmd->add_flag("--json", opt->json, "a JSON object")->excludes(csv);
  cmd->footer(
      "\nSales (commercial server licenses, also upgrades from free, and packs) by edition and pack size,\n"
      "kept apart from free licenses, replacements (--replace), transfers (re-issued for another\n"
      "appliance: not sold again) and voids (by the time they were voided).\n" +
      examples({"seatkey-keygen report --ledger licenses.db --since 2026-11-01T00:00:00Z --until "
                "2026-12-01T00:00:00Z"}));
}

}  // namespace seatkey::keygen::tool
