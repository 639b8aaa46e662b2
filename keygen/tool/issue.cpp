// `issue server`, `issue users`, `issue standby`, `issue batch`: orders in, tokens out.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/license_file.hpp"

namespace seatkey::keygen::tool {
namespace {

// What the orders of `issue server`, `issue users` and `issue standby` all have.
struct OrderOptions {
  IssuingOptions issuing;
  std::string appliance;
  std::optional<std::string> customer, order, expires;
};

struct IssueServerOptions : OrderOptions {
  std::string edition;
  std::optional<long long> target_users;
  std::optional<std::string> updates_until;
  bool replace = false;
};

struct IssueUsersOptions : OrderOptions {
  std::optional<long long> users;
  long long count = 1;
  std::optional<long long> target_users;
};

struct IssueStandbyOptions : OrderOptions {
  std::string primary;
  bool replace = false;
};

struct IssueBatchOptions {
  IssuingOptions issuing;
  std::string orders_file;
};

std::optional<std::string> text(const char* what, const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return need(check_text(what, *value));
}

std::optional<UnixTime> time(const char* what, const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return need(parse_time(what, *value));
}

std::optional<long long> target_users(const std::optional<long long>& value) {
  if (!value) return std::nullopt;
  return need(check_target_users("--target-users", *value));
}

// "serial 7" or "serials 7-16": the packs of one size an order issued, `first` to `last`.
std::string serial_range(const LedgerEntry& first, const LedgerEntry& last) {
  if (first.serial == last.serial) return "serial " + std::to_string(first.serial);
  return "serials " + std::to_string(first.serial) + "-" + std::to_string(last.serial);
}

// The desk's summary of one order: what was issued, and what the appliance has now.
std::string order_summary(const IssuedOrder& o) {
  const LedgerEntry& first = o.entries.front();
  std::string out;
  if (first.kind == LicenseKind::standby) {
    out += "issued " + describe(first) + "\n  appliance " + shown(first.appliance) + " is the standby of " +
           shown(*first.primary_appliance);
    for (const LedgerEntry& old : o.voided) {
      out += ", replacing standby license " + std::to_string(old.serial) + " (voided; appliance " +
             shown(old.appliance) + ")";
    }
    return out + "\n  primary " + shown(o.after.appliance) + " now: " + describe(o.after) + "\n";
  }
  auto packs = o.entries.begin();
  if (first.kind == LicenseKind::server) {
    out += "issued " + describe(first) + "\n  for appliance " + shown(first.appliance);
    if (o.replaced) out += ", superseding server license " + std::to_string(*o.replaced);
    out += "\n";
    ++packs;
  }
  // The packs, by size: an order for a number of users in all may hold 5-user and 1-user packs.
  while (packs != o.entries.end()) {
    auto end = packs;
    while (end != o.entries.end() && end->users == packs->users) ++end;
    const LedgerEntry& pack = *packs;
    const auto n = static_cast<std::size_t>(end - packs);
    out += "issued " + std::to_string(n) + (n == 1 ? " user pack" : " user packs") + " of " +
           users_text(pack.users) + " (" + serial_range(pack, *(end - 1)) + ") for appliance " +
           shown(pack.appliance) + describe_customer_and_order(pack);
    if (pack.expires) out += ", expiring " + format_rfc3339(*pack.expires);
    out += "\n";
    packs = end;
  }
  return out + "  appliance " + shown(o.after.appliance) + " now: " + describe(o.after) + "\n";
}

int issue_orders(const IssuingOptions& opt, const std::vector<Order>& orders) {
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  const SecretKey key = load_key(opt.key, opt.passphrase_file);
  IssueOptions options;
  options.issuer = opt.issuer;
  options.who = login_name();
  const IssueResult result = need(issue(ledger, key, orders, options));
  // Recorded and committed: only now are the tokens printed.
  std::string summary;
  for (const IssuedOrder& o : result.orders) summary += order_summary(o);
  const std::vector<std::string> tokens = result.tokens();
  summary += std::to_string(tokens.size()) + (tokens.size() == 1 ? " token" : " tokens") + " recorded in " +
             ledger_shown(opt.ledger) + "\n";
  return print_tokens(tokens, summary, ledger_name(opt.ledger),
                      "seatkey-keygen export or ledger list --json");
}

// An order for `appliance` (checked first) with its customer and order checked: the options
// are checked in the order --help lists them, the first bad one named.
template <class O>
O order_of(std::string appliance, const OrderOptions& opt) {
  O o;
  o.appliance = std::move(appliance);
  o.customer = text("--customer", opt.customer);
  o.order = text("--order", opt.order);
  return o;
}

int run_server(const IssueServerOptions& opt) {
  std::string appliance = need(parse_new_appliance(opt.appliance));
  const Edition edition = need(parse_edition_name(opt.edition));
  auto o = order_of<ServerOrder>(std::move(appliance), opt);
  o.edition = edition;
  o.updates_until = time("--updates-until", opt.updates_until);
  o.expires = time("--expires", opt.expires);
  o.replace = opt.replace;
  o.target_users = target_users(opt.target_users);
  return issue_orders(opt.issuing, {Order{o}});
}

int run_users(const IssueUsersOptions& opt) {
  std::string appliance = need(parse_new_appliance(opt.appliance));
  if (!opt.users && !opt.target_users)
    stop_input("give --users (the users per pack, with --count) or --target-users (the users in all)");
  const int count = need(check_count(opt.count));
  auto o = order_of<PackOrder>(std::move(appliance), opt);
  o.users = opt.users.value_or(0);
  o.count = count;
  o.target_users = target_users(opt.target_users);
  o.expires = time("--expires", opt.expires);
  return issue_orders(opt.issuing, {Order{o}});
}

int run_standby(const IssueStandbyOptions& opt) {
  std::string appliance = need(parse_new_appliance(opt.appliance));
  std::string primary = need(parse_new_appliance(opt.primary));
  auto o = order_of<StandbyOrder>(std::move(appliance), opt);
  o.primary = std::move(primary);
  o.expires = time("--expires", opt.expires);
  o.replace = opt.replace;
  return issue_orders(opt.issuing, {Order{o}});
}

int run_batch(const IssueBatchOptions& opt) {
  // parse_batch() refuses what is over kMaxBatchFileBytes.
  auto text = opt.orders_file == "-" ? read_fd_bounded(STDIN_FILENO, kMaxBatchFileBytes, "stdin")
                                     : read_file_bounded(opt.orders_file, kMaxBatchFileBytes);
  if (!text) stop_input("cannot read orders file " + text.error().message);
  return issue_orders(opt.issuing, need(parse_batch(*text)));
}

void setup_server(CLI::App* issue, Status& status) {
  auto [cmd, opt] = add_command<IssueServerOptions>(issue, "server", "issue an appliance's server license",
                                                    status, run_server);
  add_issuing_options(cmd, &opt->issuing);
  cmd->add_option("--appliance", opt->appliance, "appliance or VM installation ID, e.g. 00:1a:2b:3c:4d:5e")
      ->required();
  cmd->add_option("--edition", opt->edition, "the edition: " + edition_list())->required();
  add_text_options(cmd, &opt->customer, &opt->order);
  cmd->add_option("--updates-until", opt->updates_until,
                  "end of the update option, RFC 3339 (not on free); without it updates are allowed");
  cmd->add_option("--expires", opt->expires, "end of validity, RFC 3339 (rentals, trials)");
  cmd->add_flag("--replace", opt->replace,
                "reissue: replace the appliance's current server license (refused if the new one would "
                "rank below it)");
  cmd->add_option("--target-users", opt->target_users,
                  "a new installation with N users in all, the included ones counted: the user packs "
                  "for the rest are issued with it (5s, then 1s)");
  cmd->footer(
      "\nA second server license for an appliance is refused unless it upgrades free to a commercial\n"
      "edition or --replace is given.\n" +
      examples(
          {"seatkey-keygen issue server --key vendor.key --ledger licenses.db \\\n"
           "      --appliance 00:1a:2b:3c:4d:5e --edition compact --customer 'Acme GmbH' --order SO-1001 \\\n"
           "      --updates-until 2027-12-31T23:59:59Z >> acme.lic",
           "seatkey-keygen issue server --key vendor.key --ledger licenses.db \\\n"
           "      --appliance 00:1a:2b:3c:4d:5f --edition compact --target-users 12 >> bravo.lic"}));
}

void setup_users(CLI::App* issue, Status& status) {
  const std::string sizes = pack_size_list(" or ");
  auto [cmd, opt] = add_command<IssueUsersOptions>(
      issue, "users", "issue user packs (" + sizes + " users each) for an appliance", status, run_users);
  add_issuing_options(cmd, &opt->issuing);
  cmd->add_option("--appliance", opt->appliance, "appliance or VM installation ID")->required();
  auto* users = cmd->add_option("--users", opt->users, "users per pack: " + sizes);
  auto* count =
      cmd->add_option("--count", opt->count, "number of packs, all issued or none")->capture_default_str();
  cmd->add_option("--target-users", opt->target_users,
                  "instead of --users and --count: bring the appliance to N users in all (its included "
                  "users counted; the fewest packs, 5s then 1s)")
      ->excludes(users)
      ->excludes(count);
  add_text_options(cmd, &opt->customer, &opt->order);
  cmd->add_option("--expires", opt->expires, "end of validity, RFC 3339");
  cmd->footer(
      "\nRefused without a server license on record, on free, and past " + capped_editions() +
      " users. Without\n--customer the packs carry the customer of the appliance's active server license.\n" +
      examples({"seatkey-keygen issue users --key vendor.key --ledger licenses.db \\\n"
                "      --appliance 00:1a:2b:3c:4d:5e --users 5 --count 2 --order SO-1002 >> acme.lic",
                "seatkey-keygen issue users --key vendor.key --ledger licenses.db \\\n"
                "      --appliance 00:1a:2b:3c:4d:5e --target-users 12 >> acme.lic"}));
}

void setup_standby(CLI::App* issue, Status& status) {
  auto [cmd, opt] = add_command<IssueStandbyOptions>(
      issue, "standby", "make an appliance the standby of a primary (a redundancy pair)", status,
      run_standby);
  add_issuing_options(cmd, &opt->issuing);
  cmd->add_option("--appliance", opt->appliance, "the standby appliance's ID")->required();
  cmd->add_option("--primary", opt->primary, "the primary appliance's ID, whose licenses the standby counts")
      ->required();
  add_text_options(cmd, &opt->customer, &opt->order);
  cmd->add_option("--expires", opt->expires, "end of validity, RFC 3339");
  cmd->add_flag("--replace", opt->replace,
                "replace the primary's current standby license (it is voided in the same transaction)");
  cmd->footer(
      "\nThe standby counts the primary's licenses as its own (export --appliance of the standby writes\n"
      "its standby license and the primary's licenses). Refused unless the primary has an active\n"
      "commercial server license; for the same appliance twice; for a standby with licenses of its own\n"
      "or that is already another primary's standby; and when the primary already has a standby,\n"
      "unless --replace.\n" +
      examples({"seatkey-keygen issue standby --key vendor.key --ledger licenses.db \\\n"
                "      --appliance 00:1a:2b:3c:4d:5f --primary 00:1a:2b:3c:4d:5e"}));
}

void setup_batch(CLI::App* issue, Status& status) {
  auto [cmd, opt] = add_command<IssueBatchOptions>(
      issue, "batch", "issue a JSON list of orders, all or nothing", status, run_batch);
  add_issuing_options(cmd, &opt->issuing);
  cmd->add_option("--orders", opt->orders_file, "JSON file with the list of orders ('-': stdin)")->required();
  cmd->footer(
      "\nThe orders file is a JSON array; the rules apply cumulatively, in order, and any refusal\n"
      "issues nothing. Fields (unknown fields and duplicated keys are errors):\n"
      "  {\"type\":\"server\", \"appliance\":ID, \"edition\":E, \"target_users\"?: N, \"customer\"?, "
      "\"order\"?,\n"
      "   \"updates_until\"?, \"expires\"?, \"replace\"?: bool}\n"
      "  {\"type\":\"users\", \"appliance\":ID, \"users\":" +
      pack_size_list("|", "|") +
      ", \"count\"?: N, \"customer\"?, \"order\"?,\n"
      "   \"expires\"?}, or instead of \"users\" and \"count\" \"target_users\": N (the users in all)\n"
      "  {\"type\":\"standby\", \"appliance\":ID, \"primary\":ID, \"customer\"?, \"order\"?, \"expires\"?,\n"
      "   \"replace\"?: bool}\n" +
      examples({"seatkey-keygen issue batch --key vendor.key --ledger licenses.db --orders orders.json",
                "  with orders.json: "
                "[{\"type\":\"server\",\"appliance\":\"00:1a:2b:3c:4d:5e\",\"edition\":\"compact\"},",
                "                     "
                "{\"type\":\"users\",\"appliance\":\"00:1a:2b:3c:4d:5e\",\"users\":5,\"count\":2}]"}));
}

}  // namespace

void setup_issue(CLI::App& app, Status& status) {
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
  setup_server(issue, status);
  setup_users(issue, status);
  setup_standby(issue, status);
  setup_batch(issue, status);
}

}  // namespace seatkey::keygen::tool
