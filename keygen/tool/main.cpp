// seatkey-keygen: the vendor's license desk tool. Each command group lives in its own file
// (CLI11's subcom_in_files layout); exceptions are caught here and only here.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "inspect_command.hpp"
#include "issue_commands.hpp"
#include "key_commands.hpp"
#include "ledger_commands.hpp"
#include "output.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "takeback_commands.hpp"
#include "token_commands.hpp"

namespace {

// "key, issue, export, ledger, inspect": the commands of `app`, in the order --help lists them.
std::string command_list(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// CLI11 reads a mistyped command as a stray argument ("A subcommand is required"): walk the
// command words first and name the one that is not a command, with the commands there are.
std::optional<std::string> command_error(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  std::string path = "seatkey-keygen";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.empty() && word[0] == '-') return std::nullopt;  // options: CLI11's to judge
    const auto found = at->get_subcommands([&](const CLI::App* sub) { return sub->get_name() == word; });
    if (found.empty()) {
      return "unknown command '" + word + "'" + (at == &app ? "" : " for " + path) +
             "; the commands are: " + command_list(*at) + " (" + path + " --help)";
    }
    at = found.front();
    path += " " + word;
    if (at->get_subcommands([](const CLI::App*) { return true; }).empty()) return std::nullopt;  // a leaf
  }
  if (at == &app && argc > 1) return std::nullopt;
  return path + " needs a command: " + command_list(*at) + " (" + path + " --help)";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace seatkey::keygen;
  CLI::App app{"seatkey-keygen: vendor keys, license issuing and the license ledger", "seatkey-keygen"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("seatkey-keygen ") + SEATKEY_VERSION);
  app.footer(
      "\nExit status: 0 ok; 1 refused, nothing written (an issuing rule, a void or transfer the\n"
      "ledger does not allow, a revocation list with nothing new, a key the ledger does not know,\n"
      "the development key without --allow-development-key), export of an appliance with no\n"
      "active server license on record, a ledger that does not verify, ledger show of a serial it\n"
      "does not have, or inspect --public with a token that does not verify; 2 usage or input\n"
      "error. SEATKEY_KEY, SEATKEY_LEDGER, SEATKEY_PASSPHRASE and SEATKEY_ISSUER supply --key,\n"
      "--ledger, the passphrase and --issuer.\n" +
      tool::examples({"seatkey-keygen key new --out vendor.key --public-out vendor.public",
                      "seatkey-keygen ledger init --ledger licenses.db --key vendor.key",
                      "seatkey-keygen issue server --key vendor.key --ledger licenses.db \\\n"
                      "      --appliance 00:1a:2b:3c:4d:5e --edition compact --customer 'Acme GmbH'",
                      "seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e"}));
  tool::Status status;
  tool::setup_key_commands(app, status);
  tool::setup_issue_commands(app, status);
  tool::setup_takeback_commands(app, status);
  tool::setup_ledger_commands(app, status);
  tool::setup_inspect_command(app, status);
  tool::setup_token_commands(app, status);
  // Messages name files, IDs and text from outside: never raw on the terminal.
  const auto error = [](const std::string& message) {
    std::cerr << "seatkey-keygen: " << seatkey::terminal_safe(message) << "\n";
  };
  if (const auto wrong = command_error(app, argc, argv)) {
    error("error: " + *wrong);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    error("error: " + std::string(e.what()) + " (run with --help for the usage)");
    return 2;
  } catch (const Failure& e) {
    error((e.kind() == Failure::Kind::refused ? "refused: " : "error: ") + std::string(e.what()));
    return e.exit_code();
  } catch (const std::exception& e) {
    error("error: " + std::string(e.what()));
    return 2;
  }
  return status.exit_code;
}
