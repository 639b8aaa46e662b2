// `export` (an appliance's license file), `report`, and the `ledger` commands: init, add-key,
// list, show, verify, head, migrate, backup, copy.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"

namespace seatkey::keygen::tool {

struct ExportOptions {
  std::string ledger;
  std::string appliance;
};

struct LedgerListOptions {
  std::string ledger;
  std::string appliance;  // empty: every appliance
  std::optional<std::string> customer, order, since, until, kind, status;
  bool json = false;
};

struct LedgerShowOptions {
  std::string ledger;
  std::string serial;
  bool json = false;
};

struct LedgerVerifyOptions {
  std::string ledger;
  std::optional<std::string> anchor;
  std::vector<std::string> public_files;
};

// `ledger head`, `ledger migrate`.
struct LedgerOnlyOptions {
  std::string ledger;
};

struct LedgerBackupOptions {
  std::string ledger;
  std::string out;
};

// `ledger copy`: from one ledger (SQLite or PostgreSQL) into a new one.
struct LedgerCopyOptions {
  std::string from;
  std::string to;
};

struct ReportOptions {
  std::string ledger;
  std::optional<std::string> since, until;
  bool csv = false;
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
int run_ledger_show(const LedgerShowOptions& opt);
int run_ledger_verify(const LedgerVerifyOptions& opt);
int run_ledger_head(const LedgerOnlyOptions& opt);
int run_ledger_migrate(const LedgerOnlyOptions& opt);
int run_ledger_backup(const LedgerBackupOptions& opt);
int run_ledger_copy(const LedgerCopyOptions& opt);
int run_report(const ReportOptions& opt);

}  // namespace seatkey::keygen::tool
