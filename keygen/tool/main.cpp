// seatkey-keygen: the vendor's license desk tool. Each command group lives in its own file
// (CLI11's subcom_in_files layout); exceptions are caught here and only here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "inspect_command.hpp"
#include "issue_commands.hpp"
#include "key_commands.hpp"
#include "ledger_commands.hpp"
#include "output.hpp"
#include "seatkey/keygen/error.hpp"

int main(int argc, char** argv) {
  using namespace seatkey::keygen;
  CLI::App app{"seatkey-keygen: vendor keys, license issuing and the license ledger", "seatkey-keygen"};
  app.require_subcommand(1);
  app.footer(
      "\nExit status: 0 ok, 1 refused, nothing written (an issuing rule, a key the ledger does not\n"
      "know, the development key without --allow-development-key) or, for inspect --public, a token\n"
      "that does not verify; 2 usage or input error. SEATKEY_KEY, SEATKEY_LEDGER,\n"
      "SEATKEY_PASSPHRASE and SEATKEY_ISSUER supply --key, --ledger, the passphrase and --issuer.\n" +
      tool::examples({"seatkey-keygen key new --out vendor.key --public-out vendor.public",
                      "seatkey-keygen ledger init --ledger licenses.db --key vendor.key",
                      "seatkey-keygen issue server --key vendor.key --ledger licenses.db \\\n"
                      "      --appliance 00:1a:2b:3c:4d:5e --edition compact --customer 'Acme GmbH'",
                      "seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e"}));
  tool::Status status;
  tool::setup_key_commands(app, status);
  tool::setup_issue_commands(app, status);
  tool::setup_ledger_commands(app, status);
  tool::setup_inspect_command(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const Failure& e) {
    std::cerr << "seatkey-keygen: " << (e.kind() == Failure::Kind::refused ? "refused: " : "error: ")
              << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "seatkey-keygen: error: " << e.what() << "\n";
    return 2;
  }
  return status.exit_code;
}
