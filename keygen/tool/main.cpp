// seatkey-keygen: the vendor's license desk tool. Each top-level command lives in its own file
// (commands.hpp); a command that fails stops with an Error, caught here and only here, whose
// kind decides the exit status (kKinds).
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "seatkey/common/text.hpp"

namespace {

using namespace seatkey::keygen;

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

std::string footer() {
  return "\nExit status: 0 ok; 1 refused, nothing written (an issuing rule, a void or transfer the\n"
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
                         "seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e"});
}

// Messages name files, IDs and text from outside: never raw on the terminal.
void print_error(const std::string& message) {
  std::cerr << "seatkey-keygen: " << seatkey::terminal_safe(message) << "\n";
}

// The command an error's rule names (Error::command_hint), on a line of its own after the
// message: the message stays the first line, the same sentence seatkey-server gives the desk.
void print_hint(const std::string& hint) {
  if (!hint.empty()) std::cerr << "  " << seatkey::terminal_safe(hint) << "\n";
}

int run(CLI::App& app, tool::Status& status, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    print_error("error: " + std::string(e.what()) + " (run with --help for the usage)");
    return kind_info(Kind::input).exit_status;
  } catch (const tool::Stop& stop) {
    const Kind kind = stop.error.kind;
    print_error((kind == Kind::refused ? "refused: " : "error: ") + stop.error.message);
    print_hint(stop.error.command_hint);
    return kind_info(kind).exit_status;
  } catch (const std::exception& e) {  // a library below failing (out of memory, ...)
    print_error("error: " + std::string(e.what()));
    return kind_info(Kind::internal).exit_status;
  }
  return status.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // One run of the tool works through one batch and exits. glibc gives a large allocation pages
  // of their own and returns freed memory at the heap's top to the kernel; the next batch-sized
  // vector then faults every page in again, and on a VM a first touch costs about as much as
  // hashing the page (docs/performance.md). Kept, the freed memory is reused.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  CLI::App app{"seatkey-keygen: vendor keys, license issuing and the license ledger", "seatkey-keygen"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("seatkey-keygen ") + SEATKEY_VERSION);
  app.footer(footer());
  tool::Status status;
  for (auto* setup : {tool::setup_key, tool::setup_issue, tool::setup_void, tool::setup_transfer,
                      tool::setup_revocations, tool::setup_export, tool::setup_ledger, tool::setup_report,
                      tool::setup_inspect, tool::setup_token, tool::setup_code}) {
    setup(app, status);
  }
  if (const auto wrong = command_error(app, argc, argv)) {
    print_error("error: " + *wrong);
    return kind_info(Kind::input).exit_status;
  }
  return run(app, status, argc, argv);
}
