// `code new|list|show|redeem|void`: activation codes, sold through partners before anyone knows
// the appliance, redeemed for one later.
#include <charconv>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/keygen/json.hpp"
#include "table.hpp"

namespace seatkey::keygen::tool {
namespace {

std::int64_t number_or_stop(const std::string& typed) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(typed.data(), typed.data() + typed.size(), n);
  if (typed.empty() || ec != std::errc() || end != typed.data() + typed.size() || n < 1) {
    stop_input("not a code number: " + keygen::quoted(typed) + " (numbers from 1, as code list shows them)");
  }
  return n;
}

// A CSV field (RFC 4180), never read by a spreadsheet as a formula.
std::string csv(const std::optional<std::string>& text) {
  if (!text) return "";
  std::string v = *text;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// ---- code new ------------------------------------------------------------------------------

struct NewOptions {
  std::string ledger;
  int count = 1;
  std::vector<std::string> items;
  std::optional<std::string> reseller, customer, order, valid_until;
  bool csv = false;
};

int run_new(const NewOptions& opt) {
  CodeBatch batch;
  batch.count = opt.count;
  for (const std::string& i : opt.items) batch.items.push_back(need(parse_code_item(i)));
  batch.reseller = opt.reseller;
  batch.customer = opt.customer;
  batch.order = opt.order;
  if (opt.valid_until) batch.valid_until = need(parse_time("--valid-until", *opt.valid_until));
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  EventOptions who;
  who.who = login_name();
  const std::vector<NewCode> codes = need(create_codes(ledger, batch, who));
  std::string out = opt.csv ? "number,code,items,reseller,order\n" : "";
  for (const NewCode& c : codes) {
    if (opt.csv) {
      out += std::to_string(c.row.number) + "," + c.code.text() + "," + csv(c.row.items) + "," +
             csv(c.row.reseller) + "," + csv(c.row.order) + "\n";
    } else {
      out += c.code.text() + "\n";
    }
  }
  std::cout << out << std::flush;
  const std::string numbers = codes.size() == 1 ? "code no. " + std::to_string(codes.front().row.number)
                                                : "codes no. " + std::to_string(codes.front().row.number) +
                                                      " to " + std::to_string(codes.back().row.number);
  if (!std::cout) {
    std::cerr << "seatkey-keygen: error: the codes could not be written to stdout; " << numbers
              << " are recorded in " << ledger_shown(opt.ledger)
              << " and cannot be shown again (the ledger keeps only their hashes): void them with "
                 "seatkey-keygen code void\n";
    return 2;
  }
  std::cerr << numbers << " recorded in " << ledger_shown(opt.ledger)
            << (codes.size() == 1 ? ", for " : ", each for ")
            << shown(describe_code_items(codes.front().row.items))
            << "; shown this once: the ledger keeps only their hashes\n";
  return 0;
}

void setup_new(CLI::App* code, Status& status) {
  auto [cmd, opt] = add_command<NewOptions>(code, "new", "make activation codes to sell", status, run_new);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--count", opt->count, "how many codes (1 to " + std::to_string(kMaxCodesPerBatch) + ")");
  cmd->add_option(
         "--item", opt->items,
         "what each code issues: server:EDITION[,updates:MONTHS][,expires:MONTHS], users:1|5[xCOUNT], "
         "updates:MONTHS (several for a bundle)")
      ->required();
  cmd->add_option("--reseller", opt->reseller, "the partner the codes are sold to");
  add_text_options(cmd, &opt->customer, &opt->order);
  cmd->add_option("--valid-until", opt->valid_until, "the last time the codes can be redeemed (RFC 3339)");
  cmd->add_flag("--csv", opt->csv, "print number,code,items,reseller,order for the distributor");
  cmd->footer(
      "\nPrints each code once (the ledger keeps its number and a hash, never the code), after all are\n"
      "recorded. Months count from activation, by the server's clock.\n" +
      examples({"seatkey-keygen code new --ledger licenses.db --count 100 --item server:compact \\\n"
                "      --item users:5x2 --reseller 'Telco Partner' --order PO-7 --csv > po-7.csv"}));
}

// ---- code list, code show ------------------------------------------------------------------

struct ListOptions {
  std::string ledger;
  std::optional<std::string> reseller, order, status;
  bool json = false;
};

std::vector<std::string> code_cells(const Ledger& ledger, const CodeRecord& c) {
  const std::string appliance = c.redeemed ? need(code_appliance(ledger, c)) : std::string();
  return {std::to_string(c.row.number),      std::string(code_state_name(c.state())), cell(c.row.items),
          cell(c.row.reseller.value_or("")), cell(c.row.order.value_or("")),          cell(appliance),
          format_rfc3339(c.row.created_at)};
}

int run_list(const ListOptions& opt) {
  CodeQuery q;
  q.reseller = opt.reseller;
  q.order = opt.order;
  if (opt.status) {
    q.state = code_state_named(*opt.status);
    if (!q.state)
      stop_input("--status is one of " + name_list(kCodeStateNames, ", ") + ", not " +
                 keygen::quoted(*opt.status));
  }
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const std::vector<CodeRecord> codes = need(ledger.codes().find_all(q));
  if (opt.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const CodeRecord& c : codes)
      j.push_back(code_json(
          c, c.redeemed ? std::optional<std::string>(need(code_appliance(ledger, c))) : std::nullopt));
    print_json(j);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const CodeRecord& c : codes) rows.push_back(code_cells(ledger, c));
  std::cout << render_table(
      {{"number", true}, {"state"}, {"items"}, {"reseller"}, {"order"}, {"appliance"}, {"created"}}, rows);
  std::cerr << codes.size() << (codes.size() == 1 ? " code" : " codes") << "\n";
  return 0;
}

struct ShowOptions {
  std::string ledger;
  std::string number;
  bool json = false;
};

int run_show(const ShowOptions& opt) {
  const std::int64_t n = number_or_stop(opt.number);
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const auto found = need(ledger.codes().find(n));
  if (!found)
    throw Stop{
        Error(Code::code_unknown, "ledger " + ledger_name(opt.ledger) + " has no code no. " + opt.number)};
  const CodeRecord& c = *found;
  std::optional<std::string> appliance;
  if (c.redeemed) appliance = need(code_appliance(ledger, c));
  if (opt.json) {
    print_json(code_json(c, appliance));
    return 0;
  }
  std::string out = "code no. " + std::to_string(n) + ": " + std::string(code_state_name(c.state())) + "\n";
  out += "  items:       " + shown(c.row.items) + " (" + shown(describe_code_items(c.row.items)) + ")\n";
  if (c.row.reseller) out += "  reseller:    " + keygen::quoted(*c.row.reseller) + "\n";
  if (c.row.customer) out += "  customer:    " + keygen::quoted(*c.row.customer) + "\n";
  if (c.row.order) out += "  order:       " + keygen::quoted(*c.row.order) + "\n";
  if (c.row.valid_until) out += "  valid until: " + format_rfc3339(*c.row.valid_until) + "\n";
  out += "  created:     " + format_rfc3339(c.row.created_at) + " by " + shown(c.row.who) + "\n";
  if (c.redeemed) {
    out += "  redeemed:    " + format_rfc3339(c.redeemed->at) + " for appliance " +
           shown(c.redeemed->appliance.value_or("")) + " by " + shown(c.redeemed->who) + "\n";
    out += "  appliance:   " + shown(*appliance) + "\n";
    for (const LedgerEntry& e : need(ledger.licenses().of_code(n)))
      out += "  issued:      " + what_it_was(e) + "\n";
  }
  if (c.voided) {
    out += "  voided:      " + format_rfc3339(c.voided->at) + " by " + shown(c.voided->who) +
           (c.voided->reason ? " (" + keygen::quoted(*c.voided->reason) + ")" : std::string()) + "\n";
  }
  std::cout << out;
  return 0;
}

void setup_list(CLI::App* code, Status& status) {
  auto [cmd, opt] = add_command<ListOptions>(code, "list", "list activation codes", status, run_list);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--reseller", opt->reseller, "only this reseller's");
  cmd->add_option("--order", opt->order, "only those of this order");
  cmd->add_option("--status", opt->status, "only " + name_list(kCodeStateNames, "|") + " codes");
  cmd->add_flag("--json", opt->json, "JSON instead of a table");
  auto [show, sopt] = add_command<ShowOptions>(code, "show", "show one activation code", status, run_show);
  add_ledger_option(show, &sopt->ledger);
  show->add_option("number", sopt->number, "the code's number")->required();
  show->add_flag("--json", sopt->json, "JSON instead of text");
}

// ---- code redeem, code void ----------------------------------------------------------------

struct RedeemCommandOptions {
  IssuingOptions issuing;
  std::string code;
  std::string appliance;
};

int run_redeem(const RedeemCommandOptions& opt) {
  const ActivationCode code = need(read_typed_code(opt.code));
  const std::string appliance = need(parse_new_appliance(opt.appliance));
  Ledger ledger = open_ledger(opt.issuing.ledger, Ledger::Access::read_write);
  const SecretKey key = load_key(opt.issuing.key, opt.issuing.passphrase_file);
  RedeemOptions options;
  options.issuer = opt.issuing.issuer;
  options.who = login_name();
  const RedeemResult r = need(redeem_code(ledger, KeySigner(key), code, appliance, options));
  std::string summary = "code no. " + std::to_string(r.code.row.number);
  if (r.already) {
    summary += " is redeemed for appliance " + appliance + " already: nothing issued\n";
  } else {
    summary += " redeemed for appliance " + appliance + "\n";
    for (const LedgerEntry& e : r.issued) summary += "  issued " + what_it_was(e) + "\n";
  }
  summary += "  appliance " + appliance + " now: " + describe(r.after) + "\n";
  std::cout << r.license_file << std::flush;
  std::cerr << summary;
  if (!std::cout) {
    std::cerr
        << "seatkey-keygen: error: the license file could not be written to stdout: seatkey-keygen export "
           "--appliance "
        << appliance << " writes it again\n";
    return 2;
  }
  return 0;
}

struct VoidCodeOptions {
  std::string ledger;
  std::string number;
  std::string reason;
};

int run_void_code(const VoidCodeOptions& opt) {
  const std::int64_t n = number_or_stop(opt.number);
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  EventOptions who;
  who.who = login_name();
  const CodeVoidResult r = need(void_code(ledger, n, opt.reason, who));
  std::string out = "voided code no. " + std::to_string(n);
  out += r.code.redeemed ? " (redeemed for appliance " + r.code.redeemed->appliance.value_or("") + ")\n"
                         : ": it can no longer be redeemed\n";
  for (const LedgerEntry& e : r.voided) out += "  voided " + what_it_was(e) + "\n";
  if (!r.voided.empty())
    out += "  " + std::string(r.voided.size() == 1 ? "it goes" : "they go") + kNextList + "\n";
  std::cerr << out;
  return 0;
}

void setup_redeem_and_void(CLI::App* code, Status& status) {
  auto [cmd, opt] = add_command<RedeemCommandOptions>(
      code, "redeem", "issue a code's licenses for an appliance", status, run_redeem);
  add_issuing_options(cmd, &opt->issuing);
  cmd->add_option("code", opt->code, "the activation code as typed")->required();
  cmd->add_option("--appliance", opt->appliance, "the appliance ID")->required();
  cmd->footer(
      "\nIssues the code's items for the appliance under every issuing rule, all or nothing, and prints\n"
      "the appliance's whole license file. The same code and appliance again print it and issue nothing;\n"
      "a code redeemed for another appliance is refused (the desk moves appliances with transfer).\n" +
      examples({"seatkey-keygen code redeem 7KQ2M-0ZP4C-... --appliance 00:1a:2b:3c:4d:5e > licenses.txt"}));
  auto [v, vopt] = add_command<VoidCodeOptions>(code, "void", "take a code back (unsold, or refunded)",
                                                status, run_void_code);
  add_ledger_option(v, &vopt->ledger);
  v->add_option("number", vopt->number, "the code's number")->required();
  v->add_option("--reason", vopt->reason, "why, for the ledger")->required();
  v->footer(
      "\nAn unredeemed code can no longer be redeemed; of a redeemed one (a refund) every license it issued\n"
      "is voided too and goes into the next revocation list.\n");
}

}  // namespace

void setup_code(CLI::App& app, Status& status) {
  CLI::App* code = app.add_subcommand("code", "activation codes: make, list, show, redeem, void");
  code->require_subcommand(1);
  setup_new(code, status);
  setup_list(code, status);
  setup_redeem_and_void(code, status);
}

}  // namespace seatkey::keygen::tool
