// `export --appliance ID`: the appliance's license file.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/keygen/io/license_file.hpp"

namespace seatkey::keygen::tool {
namespace {

struct ExportOptions {
  std::string ledger;
  std::string appliance;
};

int run_export(const ExportOptions& opt) {
  const std::string appliance = need(parse_appliance(opt.appliance));
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const UnixTime now = unix_now();
  const ApplianceState state(appliance, need(ledger.licenses().of_appliance(appliance)), now);
  const std::string file = need(export_license_file(ledger, state, now));
  std::cout << file << std::flush;
  if (const LedgerEntry* standby = state.active_standby()) {
    // A standby's file: its standby license and its primary's licenses, which it counts.
    const std::string& p = *standby->primary_appliance;
    const ApplianceState primary(p, need(ledger.licenses().of_appliance(p)), now);
    const std::size_t tokens = 2 + primary.counted_packs().size();
    std::cerr << "exported the license file of appliance " << appliance << ", the standby of " << p << ": "
              << describe_users(primary) << ", " << tokens << " tokens\n";
    return 0;
  }
  const std::size_t tokens = 1 + state.counted_packs().size();
  std::cerr << "exported the license file of appliance " << appliance << ": " << describe_users(state) << ", "
            << tokens << (tokens == 1 ? " token" : " tokens") << "\n";
  return 0;
}

}  // namespace

void setup_export(CLI::App& app, Status& status) {
  auto [cmd, opt] = add_command<ExportOptions>(
      &app, "export", "print an appliance's license file (server license and packs)", status, run_export);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--appliance", opt->appliance, "appliance or VM installation ID")->required();
  cmd->footer(
      "\nPrints the appliance's active server license and every unexpired user pack, one token per\n"
      "line, each after a '#' line saying what it is: the file the appliance checks at boot. Exit 1\n"
      "when the appliance has no active server license on record.\n" +
      examples(
          {"seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e > 001A2B3C4D5E.lic"}));
}

}  // namespace seatkey::keygen::tool
