#include "ledger_commands.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/key_file.hpp"
#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/license_file.hpp"
#include "seatkey/keygen/listing.hpp"
#include "seatkey/keygen/passphrase.hpp"
#include "seatkey/keygen/rules.hpp"

namespace seatkey::keygen::tool {
namespace {

// Display width in code points, and a cut at `width` code points ("..." marks the cut).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string fit(const std::string& s, std::size_t max) {
  if (width(s) <= max) return s;
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++points == max - 2) {
      std::size_t end = i + 1;
      while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
      return s.substr(0, end) + "..";
    }
  }
  return s;
}

std::string opt_time(const std::optional<UnixTime>& t) {
  return t ? format_rfc3339(*t) : "";
}

// A table cell from the ledger: never raw on the terminal, at most `max` code points.
std::string cell(const std::string& text, std::size_t max = 64) {
  return fit(terminal_safe(text), max);
}

SecretKey load_key(const KeyOptions& opt) {
  return load_key_file(opt.key,
                       [&] { return obtain_passphrase(opt.passphrase_file, "the key " + opt.key, false); });
}

Ledger::DevelopmentKey development(const KeyOptions& opt) {
  return opt.allow_development_key ? Ledger::DevelopmentKey::allow : Ledger::DevelopmentKey::refuse;
}

void add_key_options(CLI::App* cmd, KeyOptions* opt) {
  add_ledger_option(cmd, &opt->ledger);
  add_key_option(cmd, &opt->key);
  add_passphrase_file_option(cmd, &opt->passphrase_file);
  cmd->add_flag("--allow-development-key", opt->allow_development_key,
                "accept the development key of keys/ (whose secret everyone has): test ledgers only");
}

}  // namespace

void setup_ledger_commands(CLI::App& app, Status& status) {
  auto exp = std::make_shared<ExportOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "print an appliance's license file (server license and packs)");
  add_ledger_option(cmd, &exp->ledger);
  cmd->add_option("--appliance", exp->appliance, "appliance or VM installation ID")->required();
  cmd->footer(
      "\nPrints the appliance's active server license and every unexpired user pack, one token per\n"
      "line, each after a '#' line saying what it is: the file the appliance checks at boot. Exit 1\n"
      "when the appliance has no active server license on record.\n" +
      examples(
          {"seatkey-keygen export --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e > 001A2B3C4D5E.lic"}));
  cmd->callback([exp, &status] { status.exit_code = run_export(*exp); });

  CLI::App* ledger = app.add_subcommand("ledger", "create a ledger, register its signing keys, look into it");
  ledger->require_subcommand(1);
  ledger->footer(examples({"seatkey-keygen ledger init --ledger licenses.db --key vendor.key",
                           "seatkey-keygen ledger list --ledger licenses.db"}));
  auto list = std::make_shared<LedgerListOptions>();
  cmd = ledger->add_subcommand("list", "list issued licenses: a table, or JSON for scripts");
  add_ledger_option(cmd, &list->ledger);
  cmd->add_option("--appliance", list->appliance, "only this appliance");
  cmd->add_flag("--json", list->json, "a JSON object: the signing keys and every license with its token");
  cmd->footer(
      "\nRows the ledger cannot read are listed as corrupt, with a warning on stderr; a ledger that\n"
      "issues with the development key says so.\n" +
      examples({"seatkey-keygen ledger list --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e",
                "seatkey-keygen ledger list --ledger licenses.db --json"}));
  cmd->callback([list, &status] { status.exit_code = run_ledger_list(*list); });

  auto init = std::make_shared<KeyOptions>();
  cmd = ledger->add_subcommand("init", "create a new ledger with its first signing key");
  add_key_options(cmd, init.get());
  cmd->footer(
      "\nCreates the ledger file (mode 0600; never an existing file) and registers the key's k4.pid\n"
      "and k4.public as a signing key of this ledger: issue refuses any other key. The development\n"
      "key of keys/ is refused without --allow-development-key.\n" +
      examples({"seatkey-keygen ledger init --ledger licenses.db --key vendor.key"}));
  cmd->callback([init, &status] { status.exit_code = run_ledger_init(*init); });

  auto add = std::make_shared<KeyOptions>();
  cmd = ledger->add_subcommand("add-key", "register another signing key of a ledger (key rotation)");
  add_key_options(cmd, add.get());
  cmd->footer(
      "\nRegisters the key's k4.pid and k4.public as a signing key of the ledger, so that issue\n"
      "accepts it; a key the ledger already knows is left as it is (a key that a migrated ledger\n"
      "knew only by its k4.pid gets its public key recorded).\n" +
      examples({"seatkey-keygen ledger add-key --ledger licenses.db --key vendor-2028.key"}));
  cmd->callback([add, &status] { status.exit_code = run_ledger_add_key(*add); });
}

int run_ledger_init(const KeyOptions& opt) {
  struct stat st {};
  if (::lstat(opt.ledger.c_str(), &st) == 0) {  // before the passphrase is asked
    throw_input_error(opt.ledger +
                      " already exists: ledger init makes a new ledger and never touches an existing file");
  }
  const SecretKey key = load_key(opt);
  const Ledger ledger = Ledger::create(opt.ledger, key.public_key(), development(opt));
  std::cerr << "created ledger " << terminal_safe(opt.ledger) << " (mode 0600, schema version "
            << ledger.schema_version() << ") with the signing key " << key.public_key().id() << "\n";
  if (ledger.is_development())
    std::cerr << "seatkey-keygen: warning: " << development_notice(opt.ledger) << "\n";
  return 0;
}

int run_ledger_add_key(const KeyOptions& opt) {
  Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  const SecretKey key = load_key(opt);
  const std::string id = key.public_key().id();
  switch (ledger.add_signing_key(key.public_key(), development(opt))) {
    case Ledger::KeyAdded::added:
      std::cerr << "registered the signing key " << id << " in ledger " << terminal_safe(opt.ledger) << "\n";
      break;
    case Ledger::KeyAdded::public_key_recorded:
      std::cerr << "recorded the public key of the signing key " << id << " in ledger "
                << terminal_safe(opt.ledger) << " (it knew only its k4.pid)\n";
      break;
    case Ledger::KeyAdded::already_known:
      std::cerr << "the key " << id << " is already a signing key of ledger " << terminal_safe(opt.ledger)
                << "; nothing changed\n";
      break;
  }
  if (ledger.is_development())
    std::cerr << "seatkey-keygen: warning: " << development_notice(opt.ledger) << "\n";
  return 0;
}

int run_export(const ExportOptions& opt) {
  const std::string appliance = parse_appliance(opt.appliance);
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const UnixTime now = unix_now();
  const ApplianceState state(appliance, ledger.entries_for(appliance), now);
  std::cout << license_file_text(state) << std::flush;
  const std::size_t tokens = 1 + state.counted_packs().size();
  std::cerr << "exported the license file of appliance " << appliance << ": " << describe_users(state) << ", "
            << tokens << (tokens == 1 ? " token" : " tokens") << "\n";
  return 0;
}

int run_ledger_list(const LedgerListOptions& opt) {
  std::optional<std::string> only;
  if (!opt.appliance.empty()) only = parse_appliance(opt.appliance);
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  ListingFilter filter;
  filter.rows.appliance = only;
  const Listing listing(ledger, filter, unix_now());
  const std::vector<SigningKey> keys = ledger.signing_keys();
  const bool development = ledger.is_development();
  for (const ListedRow& r : listing.rows()) {
    if (r.corrupt == nullptr) continue;
    std::cerr << "seatkey-keygen: warning: ledger " << terminal_safe(opt.ledger) << ": "
              << terminal_safe(r.corrupt->why) << "\n";
  }
  const std::vector<ListedRow>& all = listing.rows();

  if (opt.json) {
    nlohmann::ordered_json out;
    out["development_ledger"] = development;
    out["signing_keys"] = nlohmann::ordered_json::array();
    for (const SigningKey& k : keys) out["signing_keys"].push_back(signing_key_json(k));
    out["licenses"] = nlohmann::ordered_json::array();
    for (const ListedRow& r : all)
      out["licenses"].push_back(r.entry ? license_json(*r.entry, r.status) : corrupt_row_json(*r.corrupt));
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::string out;
  if (development) out += development_notice(opt.ledger) + "\n\n";
  if (all.empty()) {
    out += only ? "no licenses on record for appliance " + *only : std::string("the ledger is empty");
    out += "\n";
  } else {
    const std::vector<std::string> header{"SERIAL", "KIND",     "APPLIANCE", "EDITION", "USERS",
                                          "ISSUED", "CUSTOMER", "ORDER",     "EXPIRES", "STATUS"};
    std::vector<std::vector<std::string>> table{header};
    for (const ListedRow& r : all) {
      if (r.corrupt != nullptr) {
        table.push_back({std::to_string(r.serial), "?", cell(r.corrupt->appliance), "?", "?", "?", "?", "?",
                         "?", "CORRUPT (see the warning)"});
        continue;
      }
      const LedgerEntry& e = *r.entry;
      table.push_back({std::to_string(e.serial), std::string(kind_name(e.kind)), cell(e.appliance),
                       e.edition ? std::string(edition_name(*e.edition)) : "-", std::to_string(e.users),
                       format_rfc3339(e.issued_at), cell(e.customer.value_or("-"), 24),
                       cell(e.order.value_or("-"), 16), e.expires ? opt_time(e.expires) : "-", r.status});
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& row : table) {
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
    }
    for (const auto& row : table) {
      std::string line;
      for (std::size_t c = 0; c < row.size(); ++c) {
        const std::size_t pad = widths[c] - width(row[c]);
        if (c == 0 || c == 4) {
          line += std::string(pad, ' ') + row[c];  // numbers right-aligned
        } else {
          line += row[c] + std::string(pad, ' ');
        }
        if (c + 1 < row.size()) line += "  ";
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    out += "\n";
    for (const auto& [appliance, state] : listing.appliances())
      out += terminal_safe(appliance) + ": " + describe_users(state) + "\n";
    for (const auto& [appliance, serial] : listing.unjudged_appliances()) {
      out += terminal_safe(appliance) + ": unknown: row " + std::to_string(serial) +
             " is corrupt (see the warning)\n";
    }
  }
  out += "\n";
  for (const SigningKey& k : keys) {
    out += "signing key " + terminal_safe(k.key_id) + ": " +
           (k.origin == "migrated"
                ? "signed rows from " + terminal_safe(k.added_at) + " (public key not recorded)"
                : "registered " + terminal_safe(k.added_at) + " by ledger " + k.origin) +
           (k.development() ? ", the DEVELOPMENT key" : "") + "\n";
  }
  if (keys.empty()) out += "no signing keys: register one with seatkey-keygen ledger add-key\n";
  std::cout << out;
  return 0;
}

}  // namespace seatkey::keygen::tool
