// `void`, `transfer`, `revocations issue` and `revocations list`: taking licenses back.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "issue_commands.hpp"
#include "output.hpp"

namespace seatkey::keygen::tool {

struct VoidOptions {
  std::string ledger;
  std::vector<std::string> serials;
  std::string reason;
};

struct TransferCommandOptions {
  IssuingOptions issuing;
  std::string from;
  std::string to;
  std::optional<std::string> reason;
};

struct RevocationsListOptions {
  std::string ledger;
  bool json = false;
};

void setup_takeback_commands(CLI::App& app, Status& status);
int run_void(const VoidOptions& opt);
int run_transfer(const TransferCommandOptions& opt);
int run_revocations_issue(const IssuingOptions& opt);
int run_revocations_list(const RevocationsListOptions& opt);

}  // namespace seatkey::keygen::tool
