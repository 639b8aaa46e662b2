// `key new` and `key public`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "output.hpp"

namespace seatkey::keygen::tool {

struct KeyNewOptions {
  std::string out;
  std::string public_out;  // empty: the public key file goes to stdout
  std::string passphrase_file;
  bool no_passphrase = false;
  bool insecure_fast_kdf = false;
};

struct KeyPublicOptions {
  std::string key;
  std::string passphrase_file;
};

void setup_key_commands(CLI::App& app, Status& status);
int run_key_new(const KeyNewOptions& opt);
int run_key_public(const KeyPublicOptions& opt);

}  // namespace seatkey::keygen::tool
