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

// ", 3 tokens", ", 4 tokens with revocation list 2 (serial 9)"
std::string tokens_text(const ExportedLicenseFile& file) {
  std::string out = ", " + std::to_string(file.tokens) + (file.tokens == 1 ? " token" : " tokens");
  if (const auto& list = file.revocation_list) {
    out += " with revocation list " + std::to_string(*list->revocation_seq) + " (serial " +
           std::to_string(list->serial) + ")";
  }
  return out;
}

int run_export(const ExportOptions& opt) {
  const std::string appliance = need(parse_appliance(opt.appliance));
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const UnixTime now = unix_now();
  const ApplianceState state(appliance, need(ledger.licenses().of_appliance(appliance)), now);
  const ExportedLicenseFile file = need(export_license(ledger, state, now));
  std::cout << file.text << std::flush;
  if (const LedgerEntry* standby = state.active_standby()) {
    // A standby's file: its standby license and its primary's licenses, which it counts.
    const std::string& p = *standby->primary_appliance;
    const ApplianceState primary(p, need(ledger.licenses().of_appliance(p)), now);
    std::cerr << "exported the license file of appliance " << appliance << ", the standby of " << p << ": "
              << describe_users(primary) << tokens_text(file) << "\n";
    return 0;
  }
  std::cerr << "exported the license file of appliance " << appliance << ": " << describe_users(state)
            << tokens_text(file) << "\n";
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
      "line, each after a '#' line saying what it is: the file the appliance checks at boot. When the\n"
      "newest revocation list names a license of the appliance taken back (a transfer signs one), the\n"
      "file carries that list too, so that an older file left beside it counts nothing it lost. Exit 1\n"
      "when the appliance has no active server license on record. Export writes nothing.\n" +
      examples(
          {"seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e > 001A2B3C4D5E.lic"}));
}

}  // namespace seatkey::keygen::tool
