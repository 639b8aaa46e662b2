#include "issue_commands.hpp"

#include <iostream>
#include <iterator>
#include <memory>

#include <unistd.h>

#include "output.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuer.hpp"
#include "seatkey/keygen/key_file.hpp"
#include "seatkey/keygen/passphrase.hpp"

namespace seatkey::keygen::tool {
void add_issuing_options(CLI::App* cmd, IssuingOptions* opt) {
  add_key_option(cmd, &opt->key);
  add_ledger_option(cmd, &opt->ledger);
  add_passphrase_file_option(cmd, &opt->passphrase_file);
  cmd->add_option("--issuer", opt->issuer, "the tokens' iss claim (the vendor's name)")
      ->envname("SEATKEY_ISSUER")
      ->capture_default_str();
}

Ledger open_for_issuing(const IssuingOptions& opt) {
  // The ledger first (it must exist: issue never creates one), before a passphrase is asked.
  Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  return ledger;
}

SecretKey load_issuing_key(const IssuingOptions& opt) {
  return load_key_file(opt.key,
                       [&] { return obtain_passphrase(opt.passphrase_file, "the key " + opt.key, false); });
}

namespace {

void add_text_options(CLI::App* cmd, std::optional<std::string>* customer,
                      std::optional<std::string>* order) {
  cmd->add_option("--customer", *customer, "the owner, free text (up to 256 bytes)");
  cmd->add_option("--order", *order, "the vendor's order reference");
}

std::optional<std::string> text(const char* what, const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return check_text(what, *value);
}

std::optional<UnixTime> time(const char* what, const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return parse_time(what, *value);
}

int issue_orders(const IssuingOptions& opt, const std::vector<Order>& orders) {
  Ledger ledger = open_for_issuing(opt);
  const SecretKey key = load_issuing_key(opt);
  IssueOptions options;
  options.issuer = opt.issuer;
  options.who = login_name();
  const IssueResult result = issue(ledger, key, orders, options);
  // Recorded and committed: only now are the tokens printed.
  std::string out;
  for (const auto& o : result.orders) {
    for (const auto& e : o.entries) out += e.token + "\n";
  }
  std::cout << out << std::flush;
  print_issue_summary(std::cerr, result, ledger_name(opt.ledger));
  if (!std::cout) {
    std::cerr << "seatkey-keygen: error: the tokens could not be written to stdout; they are recorded in "
              << terminal_safe(ledger_name(opt.ledger))
              << ": get them with seatkey-keygen export or ledger list --json\n";
    return 2;
  }
  return 0;
}

// parse_batch() refuses what is over kMaxBatchFileBytes.
std::string read_orders_file(const std::string& path) {
  auto text = path == "-" ? read_fd_bounded(STDIN_FILENO, kMaxBatchFileBytes, "stdin")
                          : read_file_bounded(path, kMaxBatchFileBytes);
  if (!text) throw_input_error("cannot read orders file " + text.error().message);
  return std::move(*text);
}

}  // namespace

void setup_issue_commands(CLI::App& app, Status& status) {
  CLI::App* issue =
      app.add_subcommand("issue", "issue server licenses, user packs and standby licenses into the ledger");
  issue->require_subcommand(1);
  issue->footer(
      "\nIssued tokens are signed, verified, recorded in the ledger and only then printed on stdout,\n"
      "one per line; a summary for the desk goes to stderr. The ledger must exist (seatkey-keygen\n"
      "ledger init makes one) and know the key (ledger add-key). Exit 0 issued, 1 refused by a rule\n"
      "or for a key the ledger does not know (nothing written), 2 usage or input error.\n" +
      examples({"seatkey-keygen issue server --key vendor.key --ledger licenses.db --appliance "
                "00:1a:2b:3c:4d:5e \\\n"
                "      --edition compact",
                "seatkey-keygen issue users --key vendor.key --ledger licenses.db --appliance "
                "00:1a:2b:3c:4d:5e \\\n"
                "      --users 5"}));

  auto server = std::make_shared<IssueServerOptions>();
  CLI::App* cmd = issue->add_subcommand("server", "issue an appliance's server license");
  add_issuing_options(cmd, &server->issuing);
  cmd->add_option("--appliance", server->appliance, "appliance or VM installation ID, e.g. 00:1a:2b:3c:4d:5e")
      ->required();
  cmd->add_option("--edition", server->edition, "the edition: " + edition_list())->required();
  add_text_options(cmd, &server->customer, &server->order);
  cmd->add_option("--updates-until", server->updates_until,
                  "end of the update option, RFC 3339 (not on free); without it updates are allowed");
  cmd->add_option("--expires", server->expires, "end of validity, RFC 3339 (rentals, trials)");
  cmd->add_flag("--replace", server->replace,
                "reissue: replace the appliance's current server license (refused if the new one would "
                "rank below it)");
  cmd->footer(
      "\nA second server license for an appliance is refused unless it upgrades free to a commercial\n"
      "edition or --replace is given.\n" +
      examples(
          {"seatkey-keygen issue server --key vendor.key --ledger licenses.db \\\n"
           "      --appliance 00:1a:2b:3c:4d:5e --edition compact --customer 'Acme GmbH' --order SO-1001 \\\n"
           "      --updates-until 2027-12-31T23:59:59Z >> acme.lic"}));
  cmd->callback([server, &status] { status.exit_code = run_issue_server(*server); });

  auto users = std::make_shared<IssueUsersOptions>();
  cmd = issue->add_subcommand("users", "issue user packs (1 or 5 users each) for an appliance");
  add_issuing_options(cmd, &users->issuing);
  cmd->add_option("--appliance", users->appliance, "appliance or VM installation ID")->required();
  cmd->add_option("--users", users->users, "users per pack: 1 or 5")->required();
  cmd->add_option("--count", users->count, "number of packs, all issued or none")->capture_default_str();
  add_text_options(cmd, &users->customer, &users->order);
  cmd->add_option("--expires", users->expires, "end of validity, RFC 3339");
  cmd->footer(
      "\nRefused without a server license on record, on free, and past a Compact's 20 users. Without\n"
      "--customer the packs carry the customer of the appliance's active server license.\n" +
      examples({"seatkey-keygen issue users --key vendor.key --ledger licenses.db \\\n"
                "      --appliance 00:1a:2b:3c:4d:5e --users 5 --count 2 --order SO-1002 >> acme.lic"}));
  cmd->callback([users, &status] { status.exit_code = run_issue_users(*users); });

  auto standby = std::make_shared<IssueStandbyOptions>();
  cmd = issue->add_subcommand("standby", "make an appliance the standby of a primary (a redundancy pair)");
  add_issuing_options(cmd, &standby->issuing);
  cmd->add_option("--appliance", standby->appliance, "the standby appliance's ID")->required();
  cmd->add_option("--primary", standby->primary,
                  "the primary appliance's ID, whose licenses the standby counts")
      ->required();
  add_text_options(cmd, &standby->customer, &standby->order);
  cmd->add_option("--expires", standby->expires, "end of validity, RFC 3339");
  cmd->add_flag("--replace", standby->replace,
                "replace the primary's current standby license (it is voided in the same transaction)");
  cmd->footer(
      "\nThe standby counts the primary's licenses as its own (export --appliance of the standby writes\n"
      "its standby license and the primary's licenses). Refused unless the primary has an active\n"
      "commercial server license; for the same appliance twice; for a standby with licenses of its own\n"
      "or that is already another primary's standby; and when the primary already has a standby,\n"
      "unless --replace.\n" +
      examples({"seatkey-keygen issue standby --key vendor.key --ledger licenses.db \\\n"
                "      --appliance 00:1a:2b:3c:4d:5f --primary 00:1a:2b:3c:4d:5e"}));
  cmd->callback([standby, &status] { status.exit_code = run_issue_standby(*standby); });

  auto batch = std::make_shared<IssueBatchOptions>();
  cmd = issue->add_subcommand("batch", "issue a JSON list of orders, all or nothing");
  add_issuing_options(cmd, &batch->issuing);
  cmd->add_option("--orders", batch->orders_file, "JSON file with the list of orders ('-': stdin)")
      ->required();
  cmd->footer(
      "\nThe orders file is a JSON array; the rules apply cumulatively, in order, and any refusal\n"
      "issues nothing. Fields (unknown fields and duplicated keys are errors):\n"
      "  {\"type\":\"server\", \"appliance\":ID, \"edition\":E, \"customer\"?, \"order\"?,\n"
      "   \"updates_until\"?, \"expires\"?, \"replace\"?: bool}\n"
      "  {\"type\":\"users\", \"appliance\":ID, \"users\":1|5, \"count\"?: N, \"customer\"?, \"order\"?,\n"
      "   \"expires\"?}\n"
      "  {\"type\":\"standby\", \"appliance\":ID, \"primary\":ID, \"customer\"?, \"order\"?, \"expires\"?,\n"
      "   \"replace\"?: bool}\n" +
      examples({"seatkey-keygen issue batch --key vendor.key --ledger licenses.db --orders orders.json",
                "  with orders.json: "
                "[{\"type\":\"server\",\"appliance\":\"00:1a:2b:3c:4d:5e\",\"edition\":\"compact\"},",
                "                     "
                "{\"type\":\"users\",\"appliance\":\"00:1a:2b:3c:4d:5e\",\"users\":5,\"count\":2}]"}));
  cmd->callback([batch, &status] { status.exit_code = run_issue_batch(*batch); });
}

int run_issue_server(const IssueServerOptions& opt) {
  ServerOrder o;
  o.appliance = parse_appliance(opt.appliance);
  o.edition = parse_edition_name(opt.edition);
  o.customer = text("--customer", opt.customer);
  o.order = text("--order", opt.order);
  o.updates_until = time("--updates-until", opt.updates_until);
  o.expires = time("--expires", opt.expires);
  o.replace = opt.replace;
  return issue_orders(opt.issuing, {Order{o}});
}

int run_issue_users(const IssueUsersOptions& opt) {
  PackOrder o;
  o.appliance = parse_appliance(opt.appliance);
  o.users = opt.users;
  o.count = check_count(opt.count);
  o.customer = text("--customer", opt.customer);
  o.order = text("--order", opt.order);
  o.expires = time("--expires", opt.expires);
  return issue_orders(opt.issuing, {Order{o}});
}

int run_issue_standby(const IssueStandbyOptions& opt) {
  StandbyOrder o;
  o.appliance = parse_appliance(opt.appliance);
  o.primary = parse_appliance(opt.primary);
  o.customer = text("--customer", opt.customer);
  o.order = text("--order", opt.order);
  o.expires = time("--expires", opt.expires);
  o.replace = opt.replace;
  return issue_orders(opt.issuing, {Order{o}});
}

int run_issue_batch(const IssueBatchOptions& opt) {
  const std::vector<Order> orders = parse_batch(read_orders_file(opt.orders_file));
  return issue_orders(opt.issuing, orders);
}

}  // namespace seatkey::keygen::tool
