// The subcommands of `ledger` (ledger.cpp), of which `list` and `show` have a file of their own
// (ledger_list.cpp).
#pragma once

#include "commands.hpp"

namespace seatkey::keygen::tool {

void setup_ledger_list(CLI::App* ledger, Status& status);
void setup_ledger_show(CLI::App* ledger, Status& status);

}  // namespace seatkey::keygen::tool
