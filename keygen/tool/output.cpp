#include "output.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <ostream>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/license_file.hpp"

namespace seatkey::keygen::tool {

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

std::string examples(std::initializer_list<const char*> lines) {
  std::string out = lines.size() == 1 ? "\nExample:\n" : "\nExamples:\n";
  for (const char* line : lines) out += std::string("  ") + line + "\n";
  return out;
}

std::string login_name() {
  const struct passwd* pw = ::getpwuid(::geteuid());
  if (pw != nullptr && pw->pw_name != nullptr && *pw->pw_name != '\0') return pw->pw_name;
  return "uid " + std::to_string(::geteuid());
}

std::string describe(const ApplianceSummary& s) {
  return describe_users(s.edition, s.users);
}

namespace {

std::string serial_range(const std::vector<LedgerEntry>& entries) {
  if (entries.size() == 1) return "serial " + std::to_string(entries.front().serial);
  return "serials " + std::to_string(entries.front().serial) + "-" + std::to_string(entries.back().serial);
}

}  // namespace

void print_warnings(const Ledger& ledger) {
  for (const std::string& w : ledger.warnings())
    std::cerr << "seatkey-keygen: warning: " << terminal_safe(w) << "\n";
}

std::string development_notice(const std::string& ledger) {
  return "DEVELOPMENT LEDGER " + terminal_safe(ledger) + ": it issues with the development key of keys/ (" +
         std::string(kDevelopmentKeyId) + "), whose secret everyone has: for tests only";
}

void print_issue_summary(std::ostream& out, const IssueResult& result, const std::string& ledger) {
  std::size_t tokens = 0;
  for (const IssuedOrder& o : result.orders) {
    const LedgerEntry& first = o.entries.front();
    tokens += o.entries.size();
    if (first.kind == LicenseKind::server) {
      out << "issued " << describe(first) << "\n";
      out << "  for appliance " << terminal_safe(first.appliance);
      if (o.replaced) out << ", superseding server license " << *o.replaced;
      out << "\n";
    } else if (first.kind == LicenseKind::standby) {
      out << "issued " << describe(first) << "\n";
      out << "  appliance " << terminal_safe(first.appliance) << " is the standby of "
          << terminal_safe(*first.primary_appliance);
      for (const LedgerEntry& old : o.voided) {
        out << ", replacing standby license " << old.serial << " (voided; appliance "
            << terminal_safe(old.appliance) << ")";
      }
      out << "\n";
      out << "  primary " << terminal_safe(o.after.appliance) << " now: " << describe(o.after) << "\n";
      continue;
    } else {
      const std::size_t n = o.entries.size();
      out << "issued " << n << (n == 1 ? " user pack" : " user packs") << " of " << users_text(first.users)
          << " (" << serial_range(o.entries) << ") for appliance " << terminal_safe(first.appliance);
      out << describe_customer_and_order(first);
      if (first.expires) out << ", expiring " << format_rfc3339(*first.expires);
      out << "\n";
    }
    out << "  appliance " << terminal_safe(o.after.appliance) << " now: " << describe(o.after) << "\n";
  }
  out << tokens << (tokens == 1 ? " token" : " tokens") << " recorded in " << terminal_safe(ledger) << "\n";
}

}  // namespace seatkey::keygen::tool
