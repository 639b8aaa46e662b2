// The top-level commands of seatkey-keygen, one file each (keygen/tool/<command>.cpp): each
// adds itself, its options and its subcommands to the program.
#pragma once

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace seatkey::keygen::tool {

void setup_key(CLI::App& app, Status& status);
void setup_issue(CLI::App& app, Status& status);
void setup_void(CLI::App& app, Status& status);
void setup_transfer(CLI::App& app, Status& status);
void setup_revocations(CLI::App& app, Status& status);
void setup_export(CLI::App& app, Status& status);
void setup_ledger(CLI::App& app, Status& status);
void setup_report(CLI::App& app, Status& status);
void setup_inspect(CLI::App& app, Status& status);
void setup_token(CLI::App& app, Status& status);
void setup_code(CLI::App& app, Status& status);

}  // namespace seatkey::keygen::tool
