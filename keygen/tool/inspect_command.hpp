// `inspect [--public FILE] TOKEN|FILE`: decode tokens; with --public, verify them.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "output.hpp"

namespace seatkey::keygen::tool {

struct InspectOptions {
  std::string public_file;  // empty: decode only, marked unverified
  std::string input;        // a token, a file of tokens, or "-" for stdin
};

void setup_inspect_command(CLI::App& app, Status& status);
int run_inspect(const InspectOptions& opt);

}  // namespace seatkey::keygen::tool
