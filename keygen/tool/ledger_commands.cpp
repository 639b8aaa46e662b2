#include "ledger_commands.hpp"

#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/license_file.hpp"
#include "seatkey/keygen/rules.hpp"

namespace seatkey::keygen::tool {
namespace {

// Display width in code points, and a cut at `width` code points ("..." marks the cut).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string fit(const std::string& s, std::size_t max) {
  if (width(s) <= max) return s;
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++points == max - 2) {
      std::size_t end = i + 1;
      while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
      return s.substr(0, end) + "..";
    }
  }
  return s;
}

std::string opt_time(const std::optional<UnixTime>& t) {
  return t ? format_rfc3339(*t) : "";
}

nlohmann::ordered_json to_json(const LedgerEntry& e, const std::string& status) {
  nlohmann::ordered_json j;
  j["serial"] = e.serial;
  j["kind"] = std::string(kind_name(e.kind));
  j["appliance"] = e.appliance;
  j["edition"] = e.edition ? nlohmann::ordered_json(std::string(edition_name(*e.edition))) : nullptr;
  j["users"] = e.users;
  j["customer"] = e.customer ? nlohmann::ordered_json(*e.customer) : nullptr;
  j["order"] = e.order ? nlohmann::ordered_json(*e.order) : nullptr;
  j["issued_at"] = format_rfc3339(e.issued_at);
  j["updates_until"] = e.updates_until ? nlohmann::ordered_json(format_rfc3339(*e.updates_until)) : nullptr;
  j["expires"] = e.expires ? nlohmann::ordered_json(format_rfc3339(*e.expires)) : nullptr;
  j["replaces"] = e.replaces ? nlohmann::ordered_json(*e.replaces) : nullptr;
  j["status"] = status;
  j["issuer"] = e.issuer;
  j["key_id"] = e.key_id;
  j["token"] = e.token;
  return j;
}

}  // namespace

void setup_ledger_commands(CLI::App& app, Status& status) {
  auto exp = std::make_shared<ExportOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "print an appliance's license file (server license and packs)");
  add_ledger_option(cmd, &exp->ledger);
  cmd->add_option("--appliance", exp->appliance, "appliance or VM installation ID")->required();
  cmd->footer(
      "\nPrints the appliance's active server license and every unexpired user pack, one token per\n"
      "line, each after a '#' line saying what it is: the file the appliance checks at boot.\n" +
      examples(
          {"seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e > 001A2B3C4D5E.lic"}));
  cmd->callback([exp, &status] { status.exit_code = run_export(*exp); });

  CLI::App* ledger = app.add_subcommand("ledger", "look into the ledger");
  ledger->require_subcommand(1);
  ledger->footer(examples({"seatkey-keygen ledger list --ledger licenses.db"}));
  auto list = std::make_shared<LedgerListOptions>();
  cmd = ledger->add_subcommand("list", "list issued licenses: a table, or JSON for scripts");
  add_ledger_option(cmd, &list->ledger);
  cmd->add_option("--appliance", list->appliance, "only this appliance");
  cmd->add_flag("--json", list->json, "a JSON array with every field and the tokens");
  cmd->footer(examples({"seatkey-keygen ledger list --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e",
                        "seatkey-keygen ledger list --ledger licenses.db --json"}));
  cmd->callback([list, &status] { status.exit_code = run_ledger_list(*list); });
}

int run_export(const ExportOptions& opt) {
  const std::string appliance = parse_appliance(opt.appliance);
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  const UnixTime now = unix_now();
  const ApplianceState state(appliance, ledger.entries_for(appliance), now);
  std::cout << license_file_text(state) << std::flush;
  const std::size_t tokens = 1 + state.counted_packs().size();
  std::cerr << "exported the license file of appliance " << appliance << ": " << describe_users(state) << ", "
            << tokens << (tokens == 1 ? " token" : " tokens") << "\n";
  return 0;
}

int run_ledger_list(const LedgerListOptions& opt) {
  std::optional<std::string> only;
  if (!opt.appliance.empty()) only = parse_appliance(opt.appliance);
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  const std::vector<LedgerEntry> entries = only ? ledger.entries_for(*only) : ledger.entries();
  const UnixTime now = unix_now();
  std::map<std::string, std::vector<LedgerEntry>> by_appliance;
  for (const auto& e : entries) by_appliance[e.appliance].push_back(e);
  std::map<std::string, ApplianceState> states;
  for (const auto& [appliance, history] : by_appliance)
    states.emplace(appliance, ApplianceState(appliance, history, now));

  if (opt.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& e : entries) out.push_back(to_json(e, states.at(e.appliance).status_of(e)));
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (entries.empty()) {
    std::cout << (only ? "no licenses on record for appliance " + *only : "the ledger is empty") << "\n";
    return 0;
  }
  const std::vector<std::string> header{"SERIAL", "KIND",     "APPLIANCE", "EDITION", "USERS",
                                        "ISSUED", "CUSTOMER", "ORDER",     "EXPIRES", "STATUS"};
  std::vector<std::vector<std::string>> rows{header};
  for (const auto& e : entries) {
    rows.push_back({std::to_string(e.serial), std::string(kind_name(e.kind)), e.appliance,
                    e.edition ? std::string(edition_name(*e.edition)) : "-", std::to_string(e.users),
                    format_rfc3339(e.issued_at), fit(e.customer.value_or("-"), 24),
                    fit(e.order.value_or("-"), 16), e.expires ? opt_time(e.expires) : "-",
                    states.at(e.appliance).status_of(e)});
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t pad = widths[c] - width(row[c]);
      if (c == 0 || c == 4) {
        line += std::string(pad, ' ') + row[c];  // numbers right-aligned
      } else {
        line += row[c] + std::string(pad, ' ');
      }
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += "\n";
  for (const auto& [appliance, state] : states) out += appliance + ": " + describe_users(state) + "\n";
  std::cout << out;
  return 0;
}

}  // namespace seatkey::keygen::tool
