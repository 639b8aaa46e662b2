#include "takeback_commands.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/license_file.hpp"
#include "seatkey/keygen/takeback.hpp"

namespace seatkey::keygen::tool {
namespace {

// "license 7 (user pack of 5 users for appliance 001A2B3C4D5E, customer "Acme GmbH")"
std::string what_it_was(const LedgerEntry& e) {
  std::string out = "license " + std::to_string(e.serial) + " (";
  if (e.kind == LicenseKind::server) {
    out += std::string(edition_name(*e.edition)) + " server license";
  } else {
    out += "user pack of " + users_text(e.users);
  }
  return out + " for appliance " + terminal_safe(e.appliance) + describe_customer_and_order(e) + ")";
}

std::string serials_text(const std::vector<LedgerEntry>& entries) {
  std::string out;
  for (const LedgerEntry& e : entries) out += (out.empty() ? "" : ", ") + std::to_string(e.serial);
  return out;
}

// Prints the tokens (stdout), then says on stderr how it went; exit 2 when stdout failed.
int print_tokens(const std::vector<std::string>& tokens, const std::string& summary,
                 const std::string& ledger) {
  std::string out;
  for (const std::string& t : tokens) out += t + "\n";
  std::cout << out << std::flush;
  std::cerr << summary;
  if (!std::cout) {
    std::cerr << "seatkey-keygen: error: the tokens could not be written to stdout; they are recorded in "
              << terminal_safe(ledger)
              << ": get them with seatkey-keygen export, ledger show or revocations list --json\n";
    return 2;
  }
  return 0;
}

constexpr const char* kNextList = " into the next revocation list (seatkey-keygen revocations issue)";

}  // namespace

void setup_takeback_commands(CLI::App& app, Status& status) {
  auto v = std::make_shared<VoidOptions>();
  CLI::App* cmd = app.add_subcommand("void", "take licenses back: refunded, sold by mistake");
  add_ledger_option(cmd, &v->ledger);
  cmd->add_option("serial", v->serials, "the serials of the licenses to void")->required();
  cmd->add_option("--reason", v->reason, "why, for the ledger (up to 256 bytes)")->required();
  cmd->footer(
      "\nRecords a void event for each serial, all or nothing (the license rows never change). A voided\n"
      "license leaves export and every issuing rule (a voided pack frees room under a Compact's 20\n"
      "users; a voided server license is no longer active) and goes into the next revocation list.\n"
      "Refused (exit 1): a serial the ledger does not have, a revocation list, a license already voided\n"
      "or transferred.\n" +
      examples({"seatkey-keygen void --ledger licenses.db 7 8 --reason 'refund, ticket 4711'"}));
  cmd->callback([v, &status] { status.exit_code = run_void(*v); });

  auto t = std::make_shared<TransferCommandOptions>();
  cmd =
      app.add_subcommand("transfer", "move an appliance's licenses to a new appliance (RMA, VM re-install)");
  add_issuing_options(cmd, &t->issuing);
  cmd->add_option("--from", t->from, "the old appliance's ID")->required();
  cmd->add_option("--to", t->to, "the new appliance's ID")->required();
  cmd->add_option("--reason", t->reason, "why, for the ledger");
  cmd->footer(
      "\nIn one transaction: re-issues the old appliance's active server license and every unexpired,\n"
      "unvoided pack for the new one (new serials, the same edition, users, customer, order, update\n"
      "option and expiry), takes the old ones back (they go into the next revocation list) and prints\n"
      "the new appliance's tokens. Refused (exit 1) when the old appliance has no active server license\n"
      "or the new one already has licenses.\n" +
      examples(
          {"seatkey-keygen transfer --key vendor.key --ledger licenses.db \\\n"
           "      --from 00:1a:2b:3c:4d:5e --to 00:1a:2b:3c:4d:99 --reason 'RMA 1234' > 001A2B3C4D99.lic"}));
  cmd->callback([t, &status] { status.exit_code = run_transfer(*t); });

  CLI::App* rev = app.add_subcommand("revocations", "the signed lists of every license taken back");
  rev->require_subcommand(1);
  auto issue = std::make_shared<IssuingOptions>();
  cmd = rev->add_subcommand("issue", "sign and record the next revocation list, and print it");
  add_issuing_options(cmd, issue.get());
  cmd->footer(
      "\nThe list is a token of kind revocation: seq one more than the previous list's, and every serial\n"
      "ever voided or transferred (lists are cumulative). It goes to the appliances with a firmware\n"
      "update or into their license folders. Refused (exit 1) when nothing new was taken back since the\n"
      "previous list.\n" +
      examples({"seatkey-keygen revocations issue --key vendor.key --ledger licenses.db > revocations.lic"}));
  cmd->callback([issue, &status] { status.exit_code = run_revocations_issue(*issue); });
  auto list = std::make_shared<RevocationsListOptions>();
  cmd = rev->add_subcommand("list", "list the revocation lists: a table, or JSON with their tokens");
  add_ledger_option(cmd, &list->ledger);
  cmd->add_flag("--json", list->json, "a JSON object: every list with its serials and its token");
  cmd->footer(examples({"seatkey-keygen revocations list --ledger licenses.db --json"}));
  cmd->callback([list, &status] { status.exit_code = run_revocations_list(*list); });
}

int run_void(const VoidOptions& opt) {
  std::vector<std::int64_t> serials;
  for (const std::string& s : opt.serials) serials.push_back(parse_serial(s));
  Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  EventOptions event;
  event.who = login_name();
  const VoidResult result = void_licenses(ledger, serials, opt.reason, event);
  std::string out;
  for (const LedgerEntry& e : result.voided) out += "voided " + what_it_was(e) + "\n";
  for (const ApplianceSummary& a : result.after)
    out += "  appliance " + terminal_safe(a.appliance) + " now: " + describe(a) + "\n";
  const std::size_t n = result.voided.size();
  out += std::to_string(n) + (n == 1 ? " void" : " voids") + " recorded in " +
         terminal_safe(ledger_name(opt.ledger)) + "; " + (n == 1 ? "it goes" : "they go") + kNextList + "\n";
  std::cerr << out;
  return 0;
}

int run_transfer(const TransferCommandOptions& opt) {
  const std::string from = parse_appliance(opt.from);
  const std::string to = parse_appliance(opt.to);
  std::optional<std::string> reason;
  if (opt.reason) reason = check_text("--reason", *opt.reason);
  Ledger ledger = open_for_issuing(opt.issuing);
  const SecretKey key = load_issuing_key(opt.issuing);
  TransferOptions options;
  options.event.who = login_name();
  options.reason = reason;
  options.issuer = opt.issuing.issuer;
  const TransferResult r = transfer(ledger, key, from, to, options);
  std::string out = "transferred appliance " + r.from + " to " + r.to + ": " + describe(r.after) + "\n";
  for (const LedgerEntry& e : r.issued) {
    out += "  issued " + what_it_was(e) + ", for license " + std::to_string(*e.transferred_from) + "\n";
  }
  out += "  took back license" + std::string(r.taken_back.size() == 1 ? " " : "s ") +
         serials_text(r.taken_back) + " of appliance " + r.from + "; " +
         (r.taken_back.size() == 1 ? "it goes" : "they go") + kNextList + "\n";
  out += std::to_string(r.issued.size()) + (r.issued.size() == 1 ? " token" : " tokens") + " recorded in " +
         terminal_safe(ledger_name(opt.issuing.ledger)) + "\n";
  return print_tokens(r.tokens(), out, ledger_name(opt.issuing.ledger));
}

int run_revocations_issue(const IssuingOptions& opt) {
  Ledger ledger = open_for_issuing(opt);
  const SecretKey key = load_issuing_key(opt);
  IssueOptions options;
  options.issuer = opt.issuer;
  const IssuedRevocationList r = issue_revocation_list(ledger, key, options);
  const std::size_t n = r.claims.revoked.size();
  const std::string summary = "issued revocation list " + std::to_string(r.claims.seq) + " (serial " +
                              r.claims.serial + "): " + std::to_string(n) +
                              (n == 1 ? " license" : " licenses") + " revoked, " + std::to_string(r.added) +
                              " not in the list before it\n1 token recorded in " +
                              terminal_safe(ledger_name(opt.ledger)) + "\n";
  return print_tokens({r.entry.token}, summary, ledger_name(opt.ledger));
}

int run_revocations_list(const RevocationsListOptions& opt) {
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const std::vector<RevocationListRecord> lists = revocation_lists(ledger);
  if (opt.json) {
    nlohmann::ordered_json out;
    out["revocation_lists"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < lists.size(); ++i) {
      out["revocation_lists"].push_back(revocation_list_json(lists[i], i + 1 == lists.size()));
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (lists.empty()) {
    std::cout << "no revocation lists yet (seatkey-keygen revocations issue signs one)\n";
    return 0;
  }
  std::string out = "  SEQ  SERIAL  ISSUED                REVOKED  STATUS\n";
  for (std::size_t i = 0; i < lists.size(); ++i) {
    const RevocationListRecord& l = lists[i];
    char line[160];
    std::snprintf(line, sizeof line, "%5lld  %6lld  %-20s  %7zu  %s\n", static_cast<long long>(l.claims.seq),
                  static_cast<long long>(l.entry.serial), format_rfc3339(l.entry.issued_at).c_str(),
                  l.claims.revoked.size(), i + 1 == lists.size() ? "active" : "superseded");
    out += line;
  }
  const RevocationList& newest = lists.back().claims;
  // A line for people: the first serials, and how many more --json has.
  constexpr std::size_t kShown = 40;
  std::string serials;
  for (std::size_t i = 0; i < newest.revoked.size() && i < kShown; ++i) serials += " " + newest.revoked[i];
  if (newest.revoked.size() > kShown) {
    serials += " and " + std::to_string(newest.revoked.size() - kShown) + " more (--json lists them)";
  }
  out += "\nlist " + std::to_string(newest.seq) + " revokes:" + serials + "\n";
  std::cout << out;
  return 0;
}

}  // namespace seatkey::keygen::tool
