#include "cli.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <ostream>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/io/passphrase.hpp"

namespace seatkey::keygen::tool {

void stop_input(std::string message) {
  throw Stop{Error(Code::bad_input, std::move(message))};
}

CLI::Option* add_key_option(CLI::App* cmd, std::string* key) {
  return cmd->add_option("--key", *key, "vendor key file (k4.secret-pw or k4.secret, mode 0600)")
      ->envname("SEATKEY_KEY")
      ->required();
}

CLI::Option* add_ledger_option(CLI::App* cmd, std::string* ledger) {
  return cmd
      ->add_option("--ledger", *ledger,
                   "the ledger of every issued license: a SQLite file, or a postgresql:// URL")
      ->envname("SEATKEY_LEDGER")
      ->required();
}

CLI::Option* add_passphrase_file_option(CLI::App* cmd, std::string* file) {
  return cmd->add_option("--passphrase-file", *file,
                         "file whose first line is the key's passphrase (mode 0600); default: "
                         "$SEATKEY_PASSPHRASE, else asked on the terminal");
}

void add_text_options(CLI::App* cmd, std::optional<std::string>* customer,
                      std::optional<std::string>* order) {
  cmd->add_option("--customer", *customer,
                  "the owner, free text (up to " + std::to_string(kMaxTextClaimBytes) + " bytes)");
  cmd->add_option("--order", *order, "the vendor's order reference");
}

std::string examples(std::initializer_list<const char*> lines) {
  std::string out = lines.size() == 1 ? "\nExample:\n" : "\nExamples:\n";
  for (const char* line : lines) out += std::string("  ") + line + "\n";
  return out;
}

void add_issuing_options(CLI::App* cmd, IssuingOptions* opt) {
  add_key_option(cmd, &opt->key);
  add_ledger_option(cmd, &opt->ledger);
  add_passphrase_file_option(cmd, &opt->passphrase_file);
  cmd->add_option("--issuer", opt->issuer, "the tokens' iss claim (the vendor's name)")
      ->envname("SEATKEY_ISSUER")
      ->capture_default_str();
}

Ledger open_ledger(const std::string& location, Ledger::Access access) {
  Ledger ledger = need(Ledger::open(location, access));
  print_warnings(ledger);
  return ledger;
}

SecretKey load_key(const std::string& key_file, const std::string& passphrase_file) {
  return need(load_key_file(
      key_file, [&] { return obtain_passphrase(passphrase_file, "the key " + key_file, false); }));
}

std::string shown(const std::string& text) {
  return terminal_safe(text);
}

std::string ledger_shown(const std::string& location) {
  return terminal_safe(ledger_name(location));
}

void print_warnings(const Ledger& ledger) {
  for (const std::string& w : ledger.warnings())
    std::cerr << "seatkey-keygen: warning: " << terminal_safe(w) << "\n";
}

std::string development_notice(const std::string& ledger) {
  return "DEVELOPMENT LEDGER " + terminal_safe(ledger) + ": it issues with the development key of keys/ (" +
         std::string(kDevelopmentKeyId) + "), whose secret everyone has: for tests only";
}

void print_json(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int print_tokens(const std::vector<std::string>& tokens, const std::string& summary,
                 const std::string& ledger, const std::string& where) {
  // Streamed: 10,000 tokens joined first would be 4 MB more memory for nothing.
  for (const std::string& t : tokens) std::cout << t << '\n';
  std::cout << std::flush;
  std::cerr << summary;
  if (!std::cout) {
    std::cerr << "seatkey-keygen: error: the tokens could not be written to stdout; they are recorded in "
              << terminal_safe(ledger) << ": get them with " << where << "\n";
    return 2;
  }
  return 0;
}

std::string login_name() {
  const struct passwd* pw = ::getpwuid(::geteuid());
  if (pw != nullptr && pw->pw_name != nullptr && *pw->pw_name != '\0') return pw->pw_name;
  return "uid " + std::to_string(::geteuid());
}

std::string describe(const ApplianceSummary& s) {
  return describe_users(s.edition, s.users);
}

std::string capped_editions() {
  std::string out;
  for (const EditionRules& e : kEditions) {
    if (!e.max_users) continue;
    out += std::string(out.empty() ? "" : ", ") + "a " + std::string(e.display_name) + "'s " +
           std::to_string(*e.max_users);
  }
  return out;
}

std::string what_it_was(const LedgerEntry& e) {
  std::string out = "license " + std::to_string(e.serial) + " (";
  if (e.kind == LicenseKind::server) {
    out += std::string(edition_name(*e.edition)) + " server license";
  } else {
    out += "user pack of " + users_text(e.users);
  }
  return out + " for appliance " + terminal_safe(e.appliance) + describe_customer_and_order(e) + ")";
}

}  // namespace seatkey::keygen::tool
