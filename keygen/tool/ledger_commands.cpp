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
#include "seatkey/keygen/orders.hpp"
#include "seatkey/keygen/passphrase.hpp"
#include "seatkey/keygen/queries.hpp"
#include "seatkey/keygen/rules.hpp"
#include "seatkey/keygen/verify.hpp"

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

std::optional<UnixTime> opt_time_arg(const char* what, const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_time(what, *text);
}

// A filter's text: what may be typed, checked like what is recorded.
std::optional<std::string> opt_text_arg(const char* what, const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return check_text(what, *text);
}

void print_dump(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// "ledger licenses.db has schema version 2 ..." is an input error; verify and head need the chain.
Ledger open_chained(const std::string& path) {
  Ledger ledger = Ledger::open(path, Ledger::Access::read_only);
  print_warnings(ledger);
  (void)ledger.head();  // throws for a ledger from before the chain, naming `ledger migrate`
  return ledger;
}

std::string kind_choices() {
  std::string out;
  for (std::string_view k : kKindNames) out += (out.empty() ? "" : "|") + std::string(k);
  return out;
}

std::string status_choices() {
  std::string out;
  for (std::string_view k : kStatusNames) out += (out.empty() ? "" : "|") + std::string(k);
  return out;
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

  CLI::App* ledger = app.add_subcommand(
      "ledger", "create a ledger and register its keys; look into it, verify it, back it up");
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
                "seatkey-keygen ledger list --ledger licenses.db --customer acme --status active",
                "seatkey-keygen ledger list --ledger licenses.db --since 2026-11-01T00:00:00Z --json"}));
  cmd->add_option("--customer", list->customer, "only rows whose customer contains this text (any case)");
  cmd->add_option("--order", list->order, "only rows whose order reference contains this text (any case)");
  cmd->add_option("--since", list->since, "only rows issued at or after this time (RFC 3339)");
  cmd->add_option("--until", list->until, "only rows issued before this time (RFC 3339)");
  cmd->add_option("--kind", list->kind, "only this kind: " + kind_choices());
  cmd->add_option("--status", list->status, "only rows with this status: " + status_choices());
  cmd->callback([list, &status] { status.exit_code = run_ledger_list(*list); });

  auto show = std::make_shared<LedgerShowOptions>();
  cmd =
      ledger->add_subcommand("show", "everything the ledger knows about one license: fields, events, token");
  add_ledger_option(cmd, &show->ledger);
  cmd->add_option("serial", show->serial, "the license's serial")->required();
  cmd->add_flag("--json", show->json, "a JSON object");
  cmd->footer("\nExit 1 when the ledger has no such serial.\n" +
              examples({"seatkey-keygen ledger show --ledger licenses.db 7"}));
  cmd->callback([show, &status] { status.exit_code = run_ledger_show(*show); });

  auto verify = std::make_shared<LedgerVerifyOptions>();
  cmd = ledger->add_subcommand("verify",
                               "prove the ledger was not altered: its hash chain, signatures and claims");
  add_ledger_option(cmd, &verify->ledger);
  cmd->add_option("--anchor", verify->anchor,
                  "a head hash kept elsewhere (ledger head): it must be in the chain");
  cmd->add_option("--public", verify->public_files,
                  "public key file of a signing key the ledger knows only by its k4.pid (repeatable)");
  cmd->footer(
      "\nRecomputes the hash chain over every row and event, checks every token's signature with the\n"
      "ledger's signing keys and its claims against its row, and that every event takes back a license\n"
      "once. Exit 0 printing the head hash; exit 1 naming the first row that does not match (or an\n"
      "anchor that is not in the chain); 2 for a ledger from before the chain (ledger migrate).\n" +
      examples({"seatkey-keygen ledger verify --ledger licenses.db",
                "seatkey-keygen ledger verify --ledger licenses.db --anchor \"$(cat head-2026-11.txt)\""}));
  cmd->callback([verify, &status] { status.exit_code = run_ledger_verify(*verify); });

  auto head = std::make_shared<LedgerOnlyOptions>();
  cmd = ledger->add_subcommand("head", "print the hash chain's head, to keep elsewhere");
  add_ledger_option(cmd, &head->ledger);
  cmd->footer(
      "\nThe head hash stands for every row and event before it: keep it outside the ledger's machine\n"
      "(a ticket, a mail) and give it to ledger verify --anchor later.\n" +
      examples({"seatkey-keygen ledger head --ledger licenses.db >> heads.txt"}));
  cmd->callback([head, &status] { status.exit_code = run_ledger_head(*head); });

  auto migrate = std::make_shared<LedgerOnlyOptions>();
  cmd = ledger->add_subcommand("migrate", "bring an older ledger to the current schema, and print its head");
  add_ledger_option(cmd, &migrate->ledger);
  cmd->footer(
      "\nIn one transaction; any write (issue, void, ...) does the same. The chain of an older ledger is\n"
      "computed over its rows in serial order.\n" +
      examples({"seatkey-keygen ledger migrate --ledger licenses.db"}));
  cmd->callback([migrate, &status] { status.exit_code = run_ledger_migrate(*migrate); });

  auto backup = std::make_shared<LedgerBackupOptions>();
  cmd = ledger->add_subcommand("backup", "write a consistent copy of the ledger, also while issuers work");
  add_ledger_option(cmd, &backup->ledger);
  cmd->add_option("--out", backup->out, "the copy to create (mode 0600; never an existing file)")->required();
  cmd->footer(
      "\nA SQLite ledger is copied page by page (SQLite's online backup). A PostgreSQL ledger is\n"
      "copied into a new SQLite ledger file, as ledger copy does; for the whole database, pg_dump\n"
      "works too.\n" +
      examples({"seatkey-keygen ledger backup --ledger licenses.db --out backup/licenses-$(date -u "
                "+%Y%m%dT%H%M%SZ).db",
                "seatkey-keygen ledger backup --ledger postgresql://desk@db.example/licenses --out "
                "licenses-$(date -u +%Y%m%d).db"}));
  cmd->callback([backup, &status] { status.exit_code = run_ledger_backup(*backup); });

  auto copy = std::make_shared<LedgerCopyOptions>();
  cmd = ledger->add_subcommand("copy", "copy a ledger into a new one: SQLite to PostgreSQL or back");
  cmd->add_option("--from", copy->from, "the ledger to copy: a SQLite file, or a postgresql:// URL")
      ->required();
  cmd->add_option("--to", copy->to,
                  "the new ledger: a SQLite file that does not exist yet (mode 0600), or a postgresql:// "
                  "URL of an empty database")
      ->required();
  cmd->footer(
      "\nCopies the signing keys, API tokens, every license and event, the answers kept for\n"
      "Idempotency-Key and the serial counter, reading the source in one snapshot and writing the\n"
      "copy in one transaction: a failure leaves no copy. Each link of the hash chain is computed\n"
      "again as it is written and must equal the source's; the copy is then verified like ledger\n"
      "verify, and its head (printed) is the source's. Exit 1 when the source does not verify.\n" +
      examples({"seatkey-keygen ledger copy --from licenses.db --to postgresql://desk@db.example/licenses",
                "seatkey-keygen ledger copy --from postgresql://desk@db.example/licenses --to licenses.db"}));
  cmd->callback([copy, &status] { status.exit_code = run_ledger_copy(*copy); });

  auto report = std::make_shared<ReportOptions>();
  cmd =
      app.add_subcommand("report", "what was sold, given away, replaced, transferred and voided in a period");
  add_ledger_option(cmd, &report->ledger);
  cmd->add_option("--since", report->since, "from this time (RFC 3339; default: the beginning)");
  cmd->add_option("--until", report->until, "to this time, excluded (RFC 3339; default: no end)");
  auto* csv = cmd->add_flag("--csv", report->csv, "CSV: one line per category, kind, edition and pack size");
  cmd->add_flag("--json", report->json, "a JSON object")->excludes(csv);
  cmd->footer(
      "\nSales (commercial server licenses, also upgrades from free, and packs) by edition and pack size,\n"
      "kept apart from free licenses, replacements (--replace), transfers (re-issued for another\n"
      "appliance: not sold again) and voids (by the time they were voided).\n" +
      examples({"seatkey-keygen report --ledger licenses.db --since 2026-11-01T00:00:00Z --until "
                "2026-12-01T00:00:00Z"}));
  cmd->callback([report, &status] { status.exit_code = run_report(*report); });

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
  if (!is_ledger_url(opt.ledger) &&
      ::lstat(opt.ledger.c_str(), &st) == 0) {  // before the passphrase is asked
    throw_input_error(opt.ledger +
                      " already exists: ledger init makes a new ledger and never touches an existing file");
  }
  const SecretKey key = load_key(opt);
  const Ledger ledger = Ledger::create(opt.ledger, key.public_key(), development(opt));
  std::cerr << "created ledger " << terminal_safe(ledger_name(opt.ledger)) << " ("
            << (is_ledger_url(opt.ledger) ? "" : "mode 0600, ") << "schema version "
            << ledger.schema_version() << ") with the signing key " << key.public_key().id() << "\n";
  if (ledger.is_development())
    std::cerr << "seatkey-keygen: warning: " << development_notice(ledger_name(opt.ledger)) << "\n";
  return 0;
}

int run_ledger_add_key(const KeyOptions& opt) {
  Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  const SecretKey key = load_key(opt);
  const std::string id = key.public_key().id();
  switch (ledger.add_signing_key(key.public_key(), development(opt))) {
    case Ledger::KeyAdded::added:
      std::cerr << "registered the signing key " << id << " in ledger "
                << terminal_safe(ledger_name(opt.ledger)) << "\n";
      break;
    case Ledger::KeyAdded::public_key_recorded:
      std::cerr << "recorded the public key of the signing key " << id << " in ledger "
                << terminal_safe(ledger_name(opt.ledger)) << " (it knew only its k4.pid)\n";
      break;
    case Ledger::KeyAdded::already_known:
      std::cerr << "the key " << id << " is already a signing key of ledger "
                << terminal_safe(ledger_name(opt.ledger)) << "; nothing changed\n";
      break;
  }
  if (ledger.is_development())
    std::cerr << "seatkey-keygen: warning: " << development_notice(ledger_name(opt.ledger)) << "\n";
  return 0;
}

int run_export(const ExportOptions& opt) {
  const std::string appliance = parse_appliance(opt.appliance);
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const UnixTime now = unix_now();
  const ApplianceState state(appliance, ledger.entries_for(appliance), now);
  if (const LedgerEntry* standby = state.active_standby()) {
    // A standby's file: its standby license and its primary's licenses, which it counts.
    const std::string& p = *standby->primary_appliance;
    const ApplianceState primary(p, ledger.entries_for(p), now);
    std::cout << export_license_file(ledger, state, now) << std::flush;
    const std::size_t tokens = 2 + primary.counted_packs().size();
    std::cerr << "exported the license file of appliance " << appliance << ", the standby of " << p << ": "
              << describe_users(primary) << ", " << tokens << " tokens\n";
    return 0;
  }
  std::cout << license_file_text(state) << std::flush;
  const std::size_t tokens = 1 + state.counted_packs().size();
  std::cerr << "exported the license file of appliance " << appliance << ": " << describe_users(state) << ", "
            << tokens << (tokens == 1 ? " token" : " tokens") << "\n";
  return 0;
}

int run_ledger_list(const LedgerListOptions& opt) {
  LedgerFilter filter;
  if (!opt.appliance.empty()) filter.appliance = parse_appliance(opt.appliance);
  filter.customer = opt_text_arg("--customer", opt.customer);
  filter.order = opt_text_arg("--order", opt.order);
  filter.since = opt_time_arg("--since", opt.since);
  filter.until = opt_time_arg("--until", opt.until);
  if (opt.kind) {
    filter.kind = parse_kind(*opt.kind);
    if (!filter.kind) throw_input_error("unknown kind " + *opt.kind + " (one of: " + kind_choices() + ")");
  }
  if (opt.status) {
    filter.status = parse_status(*opt.status);
    if (!filter.status) {
      throw_input_error("unknown status " + *opt.status + " (one of: " + status_choices() + ")");
    }
  }
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const Listing listing = list_ledger(ledger, filter, unix_now());
  const std::vector<SigningKey> keys = ledger.signing_keys();
  const bool development = ledger.is_development();
  for (const CorruptRow& c : listing.corrupt)
    std::cerr << "seatkey-keygen: warning: ledger " << terminal_safe(ledger_name(opt.ledger)) << ": "
              << terminal_safe(c.why) << "\n";

  // Every matching row by serial, the corrupt ones in their place.
  struct Row {
    std::int64_t serial;
    const ListedRow* listed;
    const CorruptRow* corrupt;
  };
  std::vector<Row> all;
  for (const auto& r : listing.rows) all.push_back({r.entry.serial, &r, nullptr});
  for (const auto& c : listing.corrupt) all.push_back({c.serial, nullptr, &c});
  std::sort(all.begin(), all.end(), [](const Row& a, const Row& b) { return a.serial < b.serial; });

  if (opt.json) {
    nlohmann::ordered_json out;
    out["development_ledger"] = development;
    out["signing_keys"] = nlohmann::ordered_json::array();
    for (const SigningKey& k : keys) out["signing_keys"].push_back(signing_key_json(k));
    out["licenses"] = nlohmann::ordered_json::array();
    for (const Row& r : all)
      out["licenses"].push_back(r.listed ? license_json(r.listed->entry, r.listed->status)
                                         : corrupt_row_json(*r.corrupt));
    print_dump(out);
    return 0;
  }
  std::string out;
  if (development) out += development_notice(ledger_name(opt.ledger)) + "\n\n";
  if (all.empty()) {
    out += filter.any()       ? std::string("no licenses match")
           : filter.appliance ? "no licenses on record for appliance " + *filter.appliance
                              : std::string("the ledger is empty");
    out += "\n";
  } else {
    const std::vector<std::string> header{"SERIAL", "KIND",     "APPLIANCE", "EDITION", "USERS",
                                          "ISSUED", "CUSTOMER", "ORDER",     "EXPIRES", "STATUS"};
    std::vector<std::vector<std::string>> table{header};
    for (const Row& r : all) {
      if (r.corrupt != nullptr) {
        table.push_back({std::to_string(r.serial), "?", cell(r.corrupt->appliance), "?", "?", "?", "?", "?",
                         "?", "CORRUPT (see the warning)"});
        continue;
      }
      const LedgerEntry& e = r.listed->entry;
      const bool list = e.kind == LicenseKind::revocation;
      // A standby license's appliance cell names its primary too: the pair is what it sells.
      const std::string appliance =
          list ? "-"
               : cell(e.appliance) + (e.primary_appliance ? " (standby of " + cell(*e.primary_appliance) + ")"
                                                          : std::string());
      table.push_back({std::to_string(e.serial), std::string(kind_name(e.kind)), appliance,
                       e.edition ? std::string(edition_name(*e.edition)) : "-",
                       list || e.primary_appliance ? "-" : std::to_string(e.users),
                       format_rfc3339(e.issued_at), cell(e.customer.value_or("-"), 24),
                       cell(e.order.value_or("-"), 16), e.expires ? opt_time(e.expires) : "-",
                       r.listed->status});
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
    for (const auto& [appliance, state] : listing.appliances)
      out += terminal_safe(appliance) + ": " + describe_users(state) + "\n";
    for (const auto& [appliance, serial] : listing.corrupt_in) {
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

int run_ledger_show(const LedgerShowOptions& opt) {
  const std::int64_t serial = parse_serial(opt.serial);
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const auto record = show_license(ledger, serial, unix_now());
  if (!record) {
    std::cerr << "seatkey-keygen: ledger " << terminal_safe(ledger_name(opt.ledger)) << " has no license "
              << serial << "\n";
    return 1;
  }
  const LedgerEntry& e = record->entry;
  if (opt.json) {
    const nlohmann::ordered_json out = license_record_json(*record);
    print_dump(out);
    return 0;
  }
  const auto number_list = [](const std::vector<std::int64_t>& v) {
    std::string s;
    for (std::int64_t n : v) s += (s.empty() ? "" : ", ") + std::to_string(n);
    return s;
  };
  std::string out;
  const auto field = [&out](const char* name, const std::string& value) {
    char pad[24];
    std::snprintf(pad, sizeof pad, "%-18s", name);
    out += std::string(pad) + value + "\n";
  };
  const auto text = [](const std::optional<std::string>& t) {
    return t ? keygen::quoted(*t) : std::string("-");
  };
  out +=
      (e.kind == LicenseKind::revocation ? "revocation list " : "license ") + std::to_string(e.serial) + "\n";
  field("kind", std::string(kind_name(e.kind)));
  field("status", record->status);
  if (e.kind == LicenseKind::revocation) {
    field("seq", std::to_string(e.revocation_seq.value_or(0)));
    std::string revoked;
    if (record->revocation) {
      for (const std::string& r : record->revocation->revoked) revoked += (revoked.empty() ? "" : " ") + r;
    }
    field("revoked", revoked.empty() ? "-" : revoked);
  } else {
    field("appliance", terminal_safe(e.appliance));
    if (e.primary_appliance) field("standby of", terminal_safe(*e.primary_appliance));
    field("edition", e.edition ? std::string(edition_name(*e.edition)) : "-");
    field("users", std::to_string(e.users));
    field("customer", text(e.customer));
    field("order", text(e.order));
    field("updates until", e.updates_until ? format_rfc3339(*e.updates_until) : "-");
    field("expires", e.expires ? format_rfc3339(*e.expires) : "-");
  }
  field("issued", format_rfc3339(e.issued_at));
  field("issuer", text(e.issuer));
  field("key", terminal_safe(e.key_id));
  if (e.kind != LicenseKind::revocation) {
    field("replaces", e.replaces ? "server license " + std::to_string(*e.replaces) : "-");
    field("superseded by", record->superseded_by.empty() ? "-" : number_list(record->superseded_by));
    field("transferred from", e.transferred_from ? "license " + std::to_string(*e.transferred_from) : "-");
    field("re-issued as", record->reissued_as.empty() ? "-" : number_list(record->reissued_as));
    for (const LedgerEvent& ev : record->events) {
      std::string what =
          std::string(ev.kind == EventKind::voided ? "voided"
                                                   : "transferred to " + terminal_safe(*ev.transfer_to)) +
          " at " + format_rfc3339(ev.at) + " by " + text(ev.who);
      if (ev.reason) what += ": " + text(ev.reason);
      field("taken back", what);
    }
    if (ledger.schema_version() >= 3) {
      field("revocation lists",
            record->revoked_by.empty()
                ? (record->events.empty() ? std::string("-") : "none yet (seatkey-keygen revocations issue)")
                : number_list(record->revoked_by));
    }
  }
  field("chain", e.chain_hash ? "position " + std::to_string(e.chain_seq) + ", hash " + to_hex(*e.chain_hash)
                              : std::string("- (ledger migrate computes it)"));
  out += "token\n" + e.token + "\n";
  std::cout << out;
  return 0;
}

int run_ledger_verify(const LedgerVerifyOptions& opt) {
  VerifyOptions options;
  if (opt.anchor) {
    options.anchor = chain_hash_from_hex(*opt.anchor);
    if (!options.anchor) {
      throw_input_error("--anchor " + *opt.anchor +
                        " is not a head hash (64 hexadecimal digits, as ledger head prints it)");
    }
  }
  for (const std::string& file : opt.public_files) {
    for (PublicKey& k : read_public_key_file(file)) options.public_keys.push_back(std::move(k));
  }
  const Ledger ledger = open_chained(opt.ledger);
  const VerifyResult r = verify_ledger(ledger, options);
  if (!r.ok) {
    std::cerr << "seatkey-keygen: ledger " << terminal_safe(ledger_name(opt.ledger))
              << " does not verify: " << terminal_safe(r.problem) << "\n";
    return 1;
  }
  std::cout << to_hex(r.head.hash) << "\n";
  const auto count = [](std::int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string summary = "ledger " + terminal_safe(ledger_name(opt.ledger)) +
                        " verifies: " + count(r.head.seq, "link", "links") + " (" +
                        count(r.licenses, "license", "licenses") + ", " +
                        count(r.revocation_lists, "revocation list", "revocation lists") + ", " +
                        count(r.events, "event", "events") +
                        "), every token signed by a signing key of the ledger and equal to its row";
  if (r.anchor_seq) summary += "; the anchor is chain position " + std::to_string(*r.anchor_seq);
  std::cerr << summary << "\n";
  for (const std::string& k : r.keys_from_options)
    std::cerr << "  signing key " << k << " checked with the public key given by --public\n";
  return 0;
}

int run_ledger_head(const LedgerOnlyOptions& opt) {
  const Ledger ledger = open_chained(opt.ledger);
  const ChainHead head = ledger.head();
  std::cout << to_hex(head.hash) << "\n";
  std::cerr << "chain head of ledger " << terminal_safe(ledger_name(opt.ledger)) << " at position "
            << head.seq << ": keep it elsewhere; ledger verify --anchor checks the ledger still holds it\n";
  return 0;
}

int run_ledger_migrate(const LedgerOnlyOptions& opt) {
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  const ChainHead head = ledger.head();
  if (ledger.migrated_from() > 0) {
    std::cerr << "migrated ledger " << terminal_safe(ledger_name(opt.ledger)) << " from schema version "
              << ledger.migrated_from() << " to " << ledger.schema_version() << ": " << head.seq
              << " rows chained\n";
  } else {
    std::cerr << "ledger " << terminal_safe(ledger_name(opt.ledger)) << " already has schema version "
              << ledger.schema_version() << "; nothing changed\n";
  }
  std::cout << to_hex(head.hash) << "\n";
  return 0;
}

int run_ledger_backup(const LedgerBackupOptions& opt) {
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  ledger.backup(opt.out);
  // What the copy holds, read from the copy.
  const Ledger copy = Ledger::open(opt.out, Ledger::Access::read_only);
  std::string what = std::to_string(copy.count()) + " rows";
  if (copy.schema_version() >= 3) {
    const ChainHead head = copy.head();
    what += ", chain head " + to_hex(head.hash) + " at position " + std::to_string(head.seq);
  }
  std::cerr << "backed up ledger " << terminal_safe(ledger_name(opt.ledger)) << " to "
            << terminal_safe(opt.out) << " (mode 0600): " << what << "\n";
  return 0;
}

int run_ledger_copy(const LedgerCopyOptions& opt) {
  const std::string from = terminal_safe(ledger_name(opt.from)), to = terminal_safe(ledger_name(opt.to));
  const Ledger source = open_chained(opt.from);
  // Signatures and claims too: a ledger that does not verify is not spread to another place.
  const VerifyResult checked = verify_ledger(source, {});
  if (!checked.ok) {
    std::cerr << "seatkey-keygen: ledger " << from << " does not verify: " << terminal_safe(checked.problem)
              << "; nothing was copied\n";
    return 1;
  }
  const ChainHead copied = source.copy_to(opt.to);
  const Ledger copy = Ledger::open(opt.to, Ledger::Access::read_only);
  const VerifyResult r = verify_ledger(copy, {});
  if (!r.ok) throw_ledger_error("the copy " + ledger_name(opt.to) + " does not verify: " + r.problem);
  if (r.head.seq != copied.seq || r.head.hash != copied.hash) {
    throw_ledger_error("the copy " + ledger_name(opt.to) + " has the head " + to_hex(r.head.hash) +
                       ", not the source's " + to_hex(copied.hash));
  }
  std::cout << to_hex(r.head.hash) << "\n";
  std::cerr << "copied ledger " << from << " to " << to << ": " << r.head.seq << " links (" << r.licenses
            << " licenses, " << r.revocation_lists << " revocation lists, " << r.events << " events), "
            << copy.signing_keys().size() << " signing keys, " << copy.api_tokens().size()
            << " API tokens; the copy verifies and its head is the source's\n";
  return 0;
}

namespace {

std::string line_label(const ReportLine& l) {
  if (l.kind == LicenseKind::server) return std::string(edition_name(*l.edition)) + " server license";
  if (l.kind == LicenseKind::standby) return "standby license";
  return "user pack of " + users_text(l.users_per_pack);
}

}  // namespace

int run_report(const ReportOptions& opt) {
  const std::optional<UnixTime> since = opt_time_arg("--since", opt.since);
  const std::optional<UnixTime> until = opt_time_arg("--until", opt.until);
  if (since && until && *since >= *until) {
    throw_input_error("--since " + format_rfc3339(*since) + " is not before --until " +
                      format_rfc3339(*until));
  }
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const Report r = make_report(ledger, since, until);
  static constexpr const char* kTitles[] = {
      "sales", "free licenses (not sold)", "replacements (--replace: not sold again)",
      "transfers (re-issued for another appliance: not sold again)", "voids (taken back)"};
  if (opt.csv) {
    std::string out = "category,kind,edition,users_per_pack,licenses,users\n";
    for (const ReportLine& l : r.lines) {
      out += std::string(report_category_name(l.category)) + "," + std::string(kind_name(l.kind)) + "," +
             (l.edition ? std::string(edition_name(*l.edition)) : "") + "," +
             (l.kind == LicenseKind::users ? std::to_string(l.users_per_pack) : "") + "," +
             std::to_string(l.licenses) + "," + std::to_string(l.users) + "\n";
    }
    std::cout << out;
    return 0;
  }
  if (opt.json) {
    const nlohmann::ordered_json out = report_json(r);
    print_dump(out);
    return 0;
  }
  std::string out = "report of ledger " + terminal_safe(ledger_name(opt.ledger)) + " from " +
                    (since ? format_rfc3339(*since) : std::string("the beginning")) + " to " +
                    (until ? format_rfc3339(*until) : "now (" + format_rfc3339(unix_now()) + ")") + "\n";
  for (std::size_t c = 0; c < kReportCategoryNames.size(); ++c) {
    out += "\n" + std::string(kTitles[c]) + "\n";
    bool any = false;
    for (const ReportLine& l : r.lines) {
      if (static_cast<std::size_t>(l.category) != c) continue;
      char line[128];
      std::snprintf(line, sizeof line, "  %-28s %6lld licenses %7lld users\n", line_label(l).c_str(),
                    static_cast<long long>(l.licenses), static_cast<long long>(l.users));
      out += line;
      any = true;
    }
    if (!any) out += "  none\n";
    if (c == static_cast<std::size_t>(ReportCategory::transfer) && r.appliances_transferred > 0) {
      out += "  (" + std::to_string(r.appliances_transferred) + " appliance" +
             (r.appliances_transferred == 1 ? "" : "s") + " moved)\n";
    }
  }
  out += "\nrevocation lists issued: " + std::to_string(r.revocation_lists) + "\n";
  std::cout << out;
  return 0;
}

}  // namespace seatkey::keygen::tool
