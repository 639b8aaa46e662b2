// `token create`, `token list` and `token revoke`: seatkey-server's API tokens in the ledger.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "output.hpp"

namespace seatkey::keygen::tool {

struct TokenCreateOptions {
  std::string ledger;
  std::string role;
  std::string name;
};

struct TokenListOptions {
  std::string ledger;
  bool json = false;
};

struct TokenRevokeOptions {
  std::string ledger;
  std::string name;
};

void setup_token_commands(CLI::App& app, Status& status);
int run_token_create(const TokenCreateOptions& opt);
int run_token_list(const TokenListOptions& opt);
int run_token_revoke(const TokenRevokeOptions& opt);

}  // namespace seatkey::keygen::tool
