// `transfer --from OLD --to NEW`: an appliance's licenses re-issued for another (RMA, VM
// re-install), the old ones taken back.
#include <memory>

#include "commands.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"

namespace seatkey::keygen::tool {
namespace {

struct TransferCommandOptions {
  IssuingOptions issuing;
  std::string from;
  std::string to;
  std::optional<std::string> reason;
};

std::string serials_text(const std::vector<LedgerEntry>& entries) {
  std::string out;
  for (const LedgerEntry& e : entries) out += (out.empty() ? "" : ", ") + std::to_string(e.serial);
  return out;
}

std::string transfer_summary(const TransferResult& r, const std::string& ledger) {
  std::string out = "transferred appliance " + r.from + " to " + r.to + ": " + describe(r.after) + "\n";
  for (const LedgerEntry& e : r.issued) {
    out += "  issued " + what_it_was(e) + ", for license " + std::to_string(*e.transferred_from) + "\n";
  }
  const RevocationList& list = r.revocation_list.claims;
  out += "  took back license" + std::string(r.taken_back.size() == 1 ? " " : "s ") +
         serials_text(r.taken_back) + " of appliance " + r.from + "; revocation list " +
         std::to_string(list.seq) + " (serial " + list.serial + ") names " +
         (r.taken_back.size() == 1 ? "it" : "them") + ", " + std::to_string(list.revoked.size()) +
         (list.revoked.size() == 1 ? " license" : " licenses") + " in all; export carries it\n";
  if (r.carries_list) {
    out += "  the list follows the tokens: it names licenses " + r.to +
           " had before, which a license file it kept may hold\n";
  }
  const std::size_t tokens = r.issued.size() + 1;
  out += std::to_string(tokens) + " tokens recorded in " + ledger_shown(ledger) + "\n";
  return out;
}

int run_transfer(const TransferCommandOptions& opt) {
  const std::string from = need(parse_appliance(opt.from));
  const std::string to = need(parse_appliance(opt.to));
  std::optional<std::string> reason;
  if (opt.reason) reason = need(check_text("--reason", *opt.reason));
  Ledger ledger = open_ledger(opt.issuing.ledger, Ledger::Access::read_write);
  const SecretKey key = load_key(opt.issuing.key, opt.issuing.passphrase_file);
  TransferOptions options;
  options.event.who = login_name();
  options.reason = reason;
  options.issuer = opt.issuing.issuer;
  const TransferResult r = need(transfer(ledger, key, from, to, options));
  return print_tokens(r.tokens(), transfer_summary(r, opt.issuing.ledger), ledger_name(opt.issuing.ledger),
                      "seatkey-keygen export, ledger show or revocations list --json");
}

}  // namespace

void setup_transfer(CLI::App& app, Status& status) {
  auto [cmd, opt] = add_command<TransferCommandOptions>(
      &app, "transfer", "move an appliance's licenses to a new appliance (RMA, VM re-install)", status,
      run_transfer);
  add_issuing_options(cmd, &opt->issuing);
  cmd->add_option("--from", opt->from, "the old appliance's ID")->required();
  cmd->add_option("--to", opt->to, "the new appliance's ID")->required();
  cmd->add_option("--reason", opt->reason, "why, for the ledger");
  cmd->footer(
      "\nIn one transaction: re-issues the old appliance's active server license and every unexpired,\n"
      "unvoided pack for the new one (new serials, the same edition, users, customer, order, update\n"
      "option and expiry), takes the old ones back, signs the next revocation list (which names them;\n"
      "export carries it to the old appliance) and prints the new appliance's tokens, followed by the\n"
      "list when the new appliance had licenses taken back before (a transfer back). Refused (exit 1)\n"
      "when the old appliance has no active server license or the new one already has licenses.\n" +
      examples(
          {"seatkey-keygen transfer --key vendor.key --ledger licenses.db \\\n"
           "      --from 00:1a:2b:3c:4d:5e --to 00:1a:2b:3c:4d:99 --reason 'RMA 1234' > 001A2B3C4D99.lic"}));
}

}  // namespace seatkey::keygen::tool
