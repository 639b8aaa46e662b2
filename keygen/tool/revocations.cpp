// `revocations issue` and `revocations list`: the signed, cumulative lists of every license
// taken back.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/json.hpp"
#include "table.hpp"

namespace seatkey::keygen::tool {
namespace {

struct RevocationsListOptions {
  std::string ledger;
  bool json = false;
};

int run_issue(const IssuingOptions& opt) {
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  const SecretKey key = load_key(opt.key, opt.passphrase_file);
  IssueOptions options;
  options.issuer = opt.issuer;
  const IssuedRevocationList r = need(issue_revocation_list(ledger, key, options));
  const std::size_t n = r.claims.revoked.size();
  const std::string summary = "issued revocation list " + std::to_string(r.claims.seq) + " (serial " +
                              r.claims.serial + "): " + std::to_string(n) +
                              (n == 1 ? " license" : " licenses") + " revoked, " + std::to_string(r.added) +
                              " not in the list before it\n1 token recorded in " + ledger_shown(opt.ledger) +
                              "\n";
  return print_tokens({r.entry.token}, summary, ledger_name(opt.ledger),
                      "seatkey-keygen export, ledger show or revocations list --json");
}

// The lists, and a line for people: the newest list's first serials, and how many more --json has.
std::string lists_text(const std::vector<RevocationListRecord>& lists) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    const RevocationListRecord& l = lists[i];
    rows.push_back({std::to_string(l.claims.seq), std::to_string(l.entry.serial),
                    format_rfc3339(l.entry.issued_at), std::to_string(l.claims.revoked.size()),
                    i + 1 == lists.size() ? "active" : "superseded"});
  }
  std::string out = render_table(
      {{"SEQ", true, 5}, {"SERIAL", true, 6}, {"ISSUED", false, 20}, {"REVOKED", true, 7}, {"STATUS"}}, rows);
  const RevocationList& newest = lists.back().claims;
  constexpr std::size_t kShown = 40;
  std::string serials;
  for (std::size_t i = 0; i < newest.revoked.size() && i < kShown; ++i)
    serials += " " + std::string(newest.revoked[i]);
  if (newest.revoked.size() > kShown) {
    serials += " and " + std::to_string(newest.revoked.size() - kShown) + " more (--json lists them)";
  }
  return out + "\nlist " + std::to_string(newest.seq) + " revokes:" + serials + "\n";
}

int run_list(const RevocationsListOptions& opt) {
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const std::vector<RevocationListRecord> lists = need(revocation_lists(ledger));
  if (opt.json) {
    nlohmann::ordered_json out;
    out["revocation_lists"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < lists.size(); ++i) {
      out["revocation_lists"].push_back(revocation_list_json(lists[i], i + 1 == lists.size()));
    }
    print_json(out);
    return 0;
  }
  std::cout << (lists.empty() ? "no revocation lists yet (seatkey-keygen revocations issue signs one)\n"
                              : lists_text(lists));
  return 0;
}

}  // namespace

void setup_revocations(CLI::App& app, Status& status) {
  CLI::App* rev = app.add_subcommand("revocations", "the signed lists of every license taken back");
  rev->require_subcommand(1);
  auto [issue_cmd, issue] = add_command<IssuingOptions>(
      rev, "issue", "sign and record the next revocation list, and print it", status, run_issue);
  add_issuing_options(issue_cmd, issue);
  issue_cmd->footer(
      "\nThe list is a token of kind revocation: seq one more than the previous list's, and every serial\n"
      "ever voided or transferred (lists are cumulative). It goes to the appliances with a firmware\n"
      "update or into their license folders. Refused (exit 1) when nothing new was taken back since the\n"
      "previous list.\n" +
      examples({"seatkey-keygen revocations issue --key vendor.key --ledger licenses.db > revocations.lic"}));
  auto [list_cmd, list] = add_command<RevocationsListOptions>(
      rev, "list", "list the revocation lists: a table, or JSON with their tokens", status, run_list);
  add_ledger_option(list_cmd, &list->ledger);
  list_cmd->add_flag("--json", list->json, "a JSON object: every list with its serials and its token");
  list_cmd->footer(examples({"seatkey-keygen revocations list --ledger licenses.db --json"}));
}

}  // namespace seatkey::keygen::tool
