// `void SERIAL... --reason`: licenses taken back (refunded, sold by mistake).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"

namespace seatkey::keygen::tool {
namespace {

struct VoidOptions {
  std::string ledger;
  std::vector<std::string> serials;
  std::string reason;
};

int run_void(const VoidOptions& opt) {
  std::vector<std::int64_t> serials;
  for (const std::string& s : opt.serials) serials.push_back(need(parse_serial(s)));
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  EventOptions event;
  event.who = login_name();
  const VoidResult result = need(void_licenses(ledger, serials, opt.reason, event));
  std::string out;
  for (const LedgerEntry& e : result.voided) out += "voided " + what_it_was(e) + "\n";
  for (const ApplianceSummary& a : result.after)
    out += "  appliance " + shown(a.appliance) + " now: " + describe(a) + "\n";
  const std::size_t n = result.voided.size();
  out += std::to_string(n) + (n == 1 ? " void" : " voids") + " recorded in " + ledger_shown(opt.ledger) +
         "; " + (n == 1 ? "it goes" : "they go") + kNextList + "\n";
  std::cerr << out;
  return 0;
}

}  // namespace

void setup_void(CLI::App& app, Status& status) {
  auto [cmd, opt] = add_command<VoidOptions>(&app, "void", "take licenses back: refunded, sold by mistake",
                                             status, run_void);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("serial", opt->serials, "the serials of the licenses to void")->required();
  cmd->add_option("--reason", opt->reason,
                  "why, for the ledger (up to " + std::to_string(kMaxTextClaimBytes) + " bytes)")
      ->required();
  cmd->footer(
      "\nRecords a void event for each serial, all or nothing (the license rows never change). A voided\n"
      "license leaves export and every issuing rule (a voided pack frees room under " +
      capped_editions() +
      "\nusers; a voided server license is no longer active) and goes into the next revocation list.\n"
      "Refused (exit 1): a serial the ledger does not have, a revocation list, a license already voided\n"
      "or transferred.\n" +
      examples({"seatkey-keygen void --ledger licenses.db 7 8 --reason 'refund, ticket 4711'"}));
}

}  // namespace seatkey::keygen::tool
