// What the commands of seatkey-keygen share: their options, the one way a command fails, and
// what the license desk reads. Each top-level command is one file (CLI11's subcom_in_files
// layout): an options struct, a setup_*() that declares it, and a run function.
#pragma once

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::keygen::tool {

// The program's exit status, set by the command that ran.
struct Status {
  int exit_code = 0;
};

// How a command stops on an error: main() prints its message and exits with its kind's status
// (kKinds). The one error path of the program.
struct Stop {
  Error error;
};
// The value of a Result, or a Stop with its error.
template <class T>
T need(Result<T> result) {
  if (!result) throw Stop{std::move(result).error()};
  return std::move(result).value();
}
inline void need(Result<void> result) {
  if (!result) throw Stop{std::move(result).error()};
}
[[noreturn]] void stop_input(std::string message);

// A command of `parent` and its options: CLI11 fills the options (declared by the caller on the
// command), then `run` runs with them and its return value is the exit status.
template <class Options>
struct Command {
  CLI::App* cmd;
  Options* options;  // kept alive by the command's callback
};
template <class Options>
Command<Options> add_command(CLI::App* parent, const std::string& name, const std::string& about,
                             Status& status, int (*run)(const Options&)) {
  auto options = std::make_shared<Options>();
  CLI::App* cmd = parent->add_subcommand(name, about);
  cmd->callback([options, &status, run] { status.exit_code = run(*options); });
  return {cmd, options.get()};
}

// --key FILE (default $SEATKEY_KEY), required.
CLI::Option* add_key_option(CLI::App* cmd, std::string* key);
// --ledger DB (default $SEATKEY_LEDGER), required.
CLI::Option* add_ledger_option(CLI::App* cmd, std::string* ledger);
// --passphrase-file F (else $SEATKEY_PASSPHRASE, else a terminal prompt).
CLI::Option* add_passphrase_file_option(CLI::App* cmd, std::string* file);
// --customer and --order.
void add_text_options(CLI::App* cmd, std::optional<std::string>* customer, std::optional<std::string>* order);

// "Example:\n  seatkey-keygen ...\n" for --help footers.
std::string examples(std::initializer_list<const char*> lines);

// What every command that signs needs: the key, the ledger, the issuer name.
struct IssuingOptions {
  std::string key;
  std::string ledger;
  std::string passphrase_file;
  std::string issuer{kDefaultIssuer};
};
// --key, --ledger, --passphrase-file, --issuer.
void add_issuing_options(CLI::App* cmd, IssuingOptions* opt);

// The ledger, opened with its warnings printed. For writing, before the key is loaded: no
// passphrase is asked for a ledger that is not there.
Ledger open_ledger(const std::string& location, Ledger::Access access);
// The key of a key file, its passphrase from `passphrase_file`, $SEATKEY_PASSPHRASE or a prompt.
SecretKey load_key(const std::string& key_file, const std::string& passphrase_file);

// Text from outside as a command shows it: escaped (terminal_safe).
std::string shown(const std::string& text);
// The ledger as messages name it: without a password, escaped.
std::string ledger_shown(const std::string& location);
// The ledger's warnings (files group or others may read, ...) on stderr.
void print_warnings(const Ledger& ledger);
// "DEVELOPMENT LEDGER licenses.db: it issues with the development key ...": what every
// `ledger list` of such a ledger says.
std::string development_notice(const std::string& ledger);
// Pretty JSON on stdout.
void print_json(const nlohmann::ordered_json& j);

// Prints new tokens on stdout, one a line, then `summary` on stderr; 2 when stdout could not
// take them (they are recorded already: the message says they can be had `where`).
int print_tokens(const std::vector<std::string>& tokens, const std::string& summary,
                 const std::string& ledger, const std::string& where);

// Who runs the command, as events record it: the login name of the effective user.
std::string login_name();

// "compact, 3 users (3 included + 0 in packs, max 20)" for an ApplianceSummary.
std::string describe(const ApplianceSummary& summary);

// "server|users|revocation|standby": the names of a table, for help texts.
template <class Names>
std::string name_list(const Names& names, std::string_view separator) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : std::string(separator)) + std::string(n);
  return out;
}

// "a Compact's 20": each edition with a maximum of users, and that maximum (kEditions).
std::string capped_editions();

// "license 7 (user pack of 5 users for appliance 001A2B3C4D5E, customer "Acme GmbH")"
std::string what_it_was(const LedgerEntry& e);

// " into the next revocation list (seatkey-keygen revocations issue)"
inline constexpr const char* kNextList = " into the next revocation list (seatkey-keygen revocations issue)";

}  // namespace seatkey::keygen::tool
