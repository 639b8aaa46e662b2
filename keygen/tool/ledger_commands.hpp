// `export` (an appliance's license file) and `ledger list`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "output.hpp"

namespace seatkey::keygen::tool {

struct ExportOptions {
  std::string ledger;
  std::string appliance;
};

struct LedgerListOptions {
  std::string ledger;
  std::string appliance;  // empty: every appliance
  bool json = false;
};

void setup_ledger_commands(CLI::App& app, Status& status);
int run_export(const ExportOptions& opt);
int run_ledger_list(const LedgerListOptions& opt);

}  // namespace seatkey::keygen::tool
