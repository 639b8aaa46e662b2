// `export` (an appliance's license file), `ledger list`, `ledger init` and `ledger add-key`.
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

// `ledger init` and `ledger add-key`: a ledger and a key to register in it.
struct KeyOptions {
  std::string ledger;
  std::string key;
  std::string passphrase_file;
  bool allow_development_key = false;
};

void setup_ledger_commands(CLI::App& app, Status& status);
int run_export(const ExportOptions& opt);
int run_ledger_list(const LedgerListOptions& opt);
int run_ledger_init(const KeyOptions& opt);
int run_ledger_add_key(const KeyOptions& opt);

}  // namespace seatkey::keygen::tool
