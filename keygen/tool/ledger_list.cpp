// `ledger list` and `ledger show`: what the ledger holds, for people and for scripts.
#include <algorithm>
#include <iostream>
#include <memory>

#include "ledger_commands.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/queries.hpp"
#include "table.hpp"

namespace seatkey::keygen::tool {
namespace {

struct LedgerListOptions {
  std::string ledger;
  std::string appliance;  // empty: every appliance
  std::optional<std::string> customer, order, since, until, kind, status;
  bool json = false;
};

struct LedgerShowOptions {
  std::string ledger;
  std::string serial;
  bool json = false;
};

// The filter from the options, read by the one filter parser that GET /v1/licenses uses too.
LedgerFilter filter_of(const LedgerListOptions& opt) {
  std::vector<std::pair<std::string, std::string>> values;
  if (!opt.appliance.empty()) values.emplace_back("appliance", opt.appliance);
  const std::pair<const char*, const std::optional<std::string>*> named[] = {
      {"customer", &opt.customer}, {"order", &opt.order}, {"since", &opt.since},
      {"until", &opt.until},       {"kind", &opt.kind},   {"status", &opt.status}};
  for (const auto& [name, value] : named) {
    if (*value) values.emplace_back(name, **value);
  }
  return need(parse_filter(values, kCommandLineFilter));
}

// Every matching row by serial, the corrupt ones in their place.
struct Row {
  std::int64_t serial;
  const ListedRow* listed;
  const CorruptRow* corrupt;
};

std::vector<Row> rows_of(const Listing& listing) {
  std::vector<Row> all;
  for (const auto& r : listing.rows) all.push_back({r.entry.serial, &r, nullptr});
  for (const auto& c : listing.corrupt) all.push_back({c.serial, nullptr, &c});
  std::sort(all.begin(), all.end(), [](const Row& a, const Row& b) { return a.serial < b.serial; });
  return all;
}

std::vector<std::string> cells_of(const Row& r) {
  if (r.corrupt != nullptr) {
    return {std::to_string(r.serial),   "?", cell(r.corrupt->appliance), "?", "?", "?", "?", "?", "?",
            "CORRUPT (see the warning)"};
  }
  const LedgerEntry& e = r.listed->entry;
  const bool list = e.kind == LicenseKind::revocation;
  // A standby license's appliance cell names its primary too: the pair is what it sells.
  const std::string appliance =
      list ? "-"
           : cell(e.appliance) +
                 (e.primary_appliance ? " (standby of " + cell(*e.primary_appliance) + ")" : std::string());
  return {std::to_string(e.serial),
          std::string(kind_name(e.kind)),
          appliance,
          e.edition ? std::string(edition_name(*e.edition)) : "-",
          list || e.primary_appliance ? "-" : std::to_string(e.users),
          format_rfc3339(e.issued_at),
          cell(e.customer.value_or("-"), 24),
          cell(e.order.value_or("-"), 16),
          e.expires ? format_rfc3339(*e.expires) : "-",
          r.listed->status};
}

std::string table_of(const Listing& listing, const std::vector<Row>& all) {
  std::vector<std::vector<std::string>> rows;
  for (const Row& r : all) rows.push_back(cells_of(r));
  std::string out = render_table({{"SERIAL", true},
                                  {"KIND"},
                                  {"APPLIANCE"},
                                  {"EDITION"},
                                  {"USERS", true},
                                  {"ISSUED"},
                                  {"CUSTOMER"},
                                  {"ORDER"},
                                  {"EXPIRES"},
                                  {"STATUS"}},
                                 rows);
  out += "\n";
  for (const auto& [appliance, state] : listing.appliances)
    out += shown(appliance) + ": " + describe_users(state) + "\n";
  for (const auto& [appliance, serial] : listing.corrupt_in) {
    out += shown(appliance) + ": unknown: row " + std::to_string(serial) + " is corrupt (see the warning)\n";
  }
  return out;
}

std::string keys_text(const std::vector<SigningKey>& keys) {
  std::string out;
  for (const SigningKey& k : keys) {
    out += "signing key " + shown(k.key_id) + ": " +
           (k.origin == key_origin_name(KeyOrigin::migrated)
                ? "signed rows from " + shown(k.added_at) + " (public key not recorded)"
                : "registered " + shown(k.added_at) + " by ledger " + k.origin) +
           (k.development() ? ", the DEVELOPMENT key" : "") + "\n";
  }
  if (keys.empty()) out += "no signing keys: register one with seatkey-keygen ledger add-key\n";
  return out;
}

void print_listing_json(const Ledger& ledger, const std::vector<Row>& all) {
  nlohmann::ordered_json out;
  out["development_ledger"] = need(ledger.keys().development());
  out["signing_keys"] = nlohmann::ordered_json::array();
  for (const SigningKey& k : need(ledger.keys().all())) out["signing_keys"].push_back(signing_key_json(k));
  out["licenses"] = nlohmann::ordered_json::array();
  for (const Row& r : all)
    out["licenses"].push_back(r.listed ? license_json(r.listed->entry, r.listed->status)
                                       : corrupt_row_json(*r.corrupt));
  print_json(out);
}

int run_list(const LedgerListOptions& opt) {
  const LedgerFilter filter = filter_of(opt);
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const Listing listing = need(list_ledger(ledger, filter, unix_now()));
  for (const CorruptRow& c : listing.corrupt)
    std::cerr << "seatkey-keygen: warning: ledger " << ledger_shown(opt.ledger) << ": " << shown(c.why)
              << "\n";
  const std::vector<Row> all = rows_of(listing);
  if (opt.json) {
    print_listing_json(ledger, all);
    return 0;
  }
  std::string out;
  if (need(ledger.keys().development())) out += development_notice(ledger_name(opt.ledger)) + "\n\n";
  if (all.empty()) {
    out += filter.any()       ? std::string("no licenses match")
           : filter.appliance ? "no licenses on record for appliance " + *filter.appliance
                              : std::string("the ledger is empty");
    out += "\n";
  } else {
    out += table_of(listing, all);
  }
  std::cout << out + "\n" + keys_text(need(ledger.keys().all()));
  return 0;
}

// `ledger show SERIAL`: one row as "field   value" lines.
class ShowText {
 public:
  void field(const char* name, const std::string& value) {
    char pad[24];
    std::snprintf(pad, sizeof pad, "%-18s", name);
    out_ += std::string(pad) + value + "\n";
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

std::string text_or_dash(const std::optional<std::string>& t) {
  return t ? keygen::quoted(*t) : std::string("-");
}

std::string numbers(const std::vector<std::int64_t>& v) {
  if (v.empty()) return "-";
  std::string s;
  for (std::int64_t n : v) s += (s.empty() ? "" : ", ") + std::to_string(n);
  return s;
}

void show_list_fields(const LicenseRecord& record, ShowText& t) {
  t.field("seq", std::to_string(record.entry.revocation_seq.value_or(0)));
  std::string revoked;
  if (record.revocation) {
    for (std::string_view r : record.revocation->revoked) (revoked += revoked.empty() ? "" : " ") += r;
  }
  t.field("revoked", revoked.empty() ? "-" : revoked);
}

void show_license_fields(const LedgerEntry& e, ShowText& t) {
  t.field("appliance", shown(e.appliance));
  if (e.primary_appliance) t.field("standby of", shown(*e.primary_appliance));
  t.field("edition", e.edition ? std::string(edition_name(*e.edition)) : "-");
  t.field("users", std::to_string(e.users));
  t.field("customer", text_or_dash(e.customer));
  t.field("order", text_or_dash(e.order));
  t.field("updates until", e.updates_until ? format_rfc3339(*e.updates_until) : "-");
  t.field("expires", e.expires ? format_rfc3339(*e.expires) : "-");
}

void show_history(const Ledger& ledger, const LicenseRecord& record, ShowText& t) {
  const LedgerEntry& e = record.entry;
  t.field("replaces", e.replaces ? "server license " + std::to_string(*e.replaces) : "-");
  t.field("superseded by", numbers(record.superseded_by));
  t.field("transferred from", e.transferred_from ? "license " + std::to_string(*e.transferred_from) : "-");
  t.field("re-issued as", numbers(record.reissued_as));
  for (const LedgerEvent& ev : record.events) {
    std::string what =
        std::string(ev.kind == EventKind::voided ? "voided" : "transferred to " + shown(*ev.transfer_to)) +
        " at " + format_rfc3339(ev.at) + " by " + text_or_dash(ev.who);
    if (ev.reason) what += ": " + text_or_dash(ev.reason);
    t.field("taken back", what);
  }
  if (ledger.schema_version() >= 3) {
    t.field("revocation lists",
            record.revoked_by.empty()
                ? (record.events.empty() ? std::string("-") : "none yet (seatkey-keygen revocations issue)")
                : numbers(record.revoked_by));
  }
}

int run_show(const LedgerShowOptions& opt) {
  const std::int64_t serial = need(parse_serial(opt.serial));
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const auto record = need(show_license(ledger, serial, unix_now()));
  if (!record) {
    std::cerr << "seatkey-keygen: ledger " << ledger_shown(opt.ledger) << " has no license " << serial
              << "\n";
    return 1;
  }
  if (opt.json) {
    print_json(license_record_json(*record));
    return 0;
  }
  const LedgerEntry& e = record->entry;
  const bool list = e.kind == LicenseKind::revocation;
  ShowText t;
  t.out() = (list ? "revocation list " : "license ") + std::to_string(e.serial) + "\n";
  t.field("kind", std::string(kind_name(e.kind)));
  t.field("status", record->status);
  list ? show_list_fields(*record, t) : show_license_fields(e, t);
  t.field("issued", format_rfc3339(e.issued_at));
  t.field("issuer", text_or_dash(e.issuer));
  t.field("key", shown(e.key_id));
  if (!list) show_history(ledger, *record, t);
  t.field("chain", e.chain_hash
                       ? "position " + std::to_string(e.chain_seq) + ", hash " + to_hex(*e.chain_hash)
                       : std::string("- (ledger migrate computes it)"));
  std::cout << t.out() << "token\n" << e.token << "\n";
  return 0;
}

}  // namespace

void setup_ledger_list(CLI::App* ledger, Status& status) {
  auto [cmd, opt] = add_command<LedgerListOptions>(
      ledger, "list", "list issued licenses: a table, or JSON for scripts", status, run_list);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--appliance", opt->appliance, "only this appliance");
  cmd->add_flag("--json", opt->json, "a JSON object: the signing keys and every license with its token");
  cmd->footer(
      "\nRows the ledger cannot read are listed as corrupt, with a warning on stderr; a ledger that\n"
      "issues with the development key says so.\n" +
      examples({"seatkey-keygen ledger list --ledger licenses.db --appliance 00:1a:2b:3c:4d:5e",
                "seatkey-keygen ledger list --ledger licenses.db --customer acme --status active",
                "seatkey-keygen ledger list --ledger licenses.db --since 2026-11-01T00:00:00Z --json"}));
  cmd->add_option("--customer", opt->customer, "only rows whose customer contains this text (any case)");
  cmd->add_option("--order", opt->order, "only rows whose order reference contains this text (any case)");
  cmd->add_option(
      "--since", opt->since,
      "only rows issued at or after this time (a date: the start of that day in UTC; or RFC 3339)");
  cmd->add_option("--until", opt->until,
                  "only rows issued before this time (a date: the start of that day in UTC; or RFC 3339)");
  cmd->add_option("--kind", opt->kind, "only this kind: " + name_list(kKindNames, "|"));
  cmd->add_option("--status", opt->status, "only rows with this status: " + name_list(kStatusNames, "|"));
}

void setup_ledger_show(CLI::App* ledger, Status& status) {
  auto [cmd, opt] = add_command<LedgerShowOptions>(
      ledger, "show", "everything the ledger knows about one license: fields, events, token", status,
      run_show);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("serial", opt->serial, "the license's serial")->required();
  cmd->add_flag("--json", opt->json, "a JSON object");
  cmd->footer("\nExit 1 when the ledger has no such serial.\n" +
              examples({"seatkey-keygen ledger show --ledger licenses.db 7"}));
}

}  // namespace seatkey::keygen::tool
