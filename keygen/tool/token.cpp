// `token create`, `token list` and `token revoke`: seatkey-server's API tokens in the ledger.
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/json.hpp"
#include "table.hpp"

namespace seatkey::keygen::tool {
namespace {

struct TokenCreateOptions {
  std::string ledger;
  std::string role;
  std::string name;
  std::optional<std::string> expires;
  std::optional<long long> max_per_day;
};

struct TokenListOptions {
  std::string ledger;
  bool json = false;
};

struct TokenRevokeOptions {
  std::string ledger;
  std::string name;
};

// Writes all of `bytes` to standard output without a stream's buffer: the token is secret and
// lives in secure memory only.
bool write_stdout(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string name_shown(const std::string& name) {
  return terminal_quoted(name);
}

// "role shop, expires 2027-07-01T00:00:00Z, at most 50 licenses a day": what a new token is.
std::string token_terms(Role role, const TokenLimits& limits) {
  std::string out = "role " + std::string(role_name(role));
  if (limits.expires_at) out += ", expires " + format_rfc3339(*limits.expires_at);
  if (limits.max_per_day) out += ", at most " + std::to_string(*limits.max_per_day) + " licenses a day";
  return out;
}

int run_create(const TokenCreateOptions& opt) {
  const Role role = need(parse_role_name(opt.role));
  const std::string name = need(check_token_name(opt.name));
  TokenLimits limits;
  if (opt.expires) limits.expires_at = need(parse_time_or_date("--expires", *opt.expires));
  if (opt.max_per_day) limits.max_per_day = need(check_max_per_day("--max-per-day", *opt.max_per_day));
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  const SecureBuffer bearer = need(ledger.tokens().create(name, role, login_name(), limits));
  // Recorded: only now is it printed.
  const bool printed = write_stdout(bearer.view()) && write_stdout("\n");
  std::cerr << "created API token " << name_shown(name) << " (" << token_terms(role, limits) << ") in ledger "
            << ledger_shown(opt.ledger) << "; it is shown only this once: give it to its holder now\n";
  if (!printed) {
    std::cerr << "seatkey-keygen: error: the token could not be written to stdout; it cannot be shown again: "
                 "revoke it (seatkey-keygen token revoke) and create one under another name\n";
    return 2;
  }
  return 0;
}

int run_list(const TokenListOptions& opt) {
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  const std::vector<ApiToken> tokens = need(ledger.tokens().all());
  if (opt.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ApiToken& t : tokens) out.push_back(api_token_json(t));
    print_json(out);
    return 0;
  }
  if (tokens.empty()) {
    std::cout << "no API tokens (seatkey-keygen token create makes one)\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const ApiToken& t : tokens) {
    rows.push_back({shown(t.name), std::string(role_name(t.role)), shown(t.created_at),
                    t.revoked_at ? shown(*t.revoked_at) : std::string("-"),
                    t.expires_at ? format_rfc3339(*t.expires_at) : std::string("-"),
                    t.max_per_day ? std::to_string(*t.max_per_day) : std::string("-")});
  }
  std::cout << render_table(
      {{"NAME"}, {"ROLE", false, 7}, {"CREATED"}, {"REVOKED"}, {"EXPIRES"}, {"PER DAY", true}}, rows);
  return 0;
}

int run_revoke(const TokenRevokeOptions& opt) {
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  const ApiToken token = need(ledger.tokens().revoke(opt.name, login_name()));
  std::cerr << "revoked API token " << name_shown(token.name) << " (role " << role_name(token.role) << ") at "
            << *token.revoked_at << "\n";
  return 0;
}

void setup_create(CLI::App* token, Status& status) {
  auto [cmd, opt] = add_command<TokenCreateOptions>(token, "create", "create an API token and print it, once",
                                                    status, run_create);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--role", opt->role, "what the token may do: " + role_list())->required();
  cmd->add_option("--name", opt->name,
                  "who holds it (up to " + std::to_string(kMaxTokenNameBytes) +
                      " bytes); recorded in every row it writes, never reused")
      ->required();
  cmd->add_option("--expires", opt->expires,
                  "when the token stops working: a date (YYYY-MM-DD: from the start of that day, UTC) or an "
                  "RFC 3339 time, in the future");
  cmd->add_option("--max-per-day", opt->max_per_day,
                  "at most this many licenses a day (UTC) placed with the token, every route that issues "
                  "counted (1 to " +
                      std::to_string(kMaxTokenQuota) + "); an order over it is refused whole");
  cmd->footer(
      "\nPrints the bearer token alone on stdout; it is shown this once and the ledger keeps only\n"
      "its hash. A name is never given to a second token, also after a revocation. Its expiry and\n"
      "quota are fixed when it is made: for others, revoke it and make a new one.\n" +
      examples({"seatkey-keygen token create --ledger licenses.db --role shop --name webshop > webshop.token",
                "seatkey-keygen token create --ledger licenses.db --role shop --name night-shop --expires "
                "2027-07-01 "
                "--max-per-day 50 > night-shop.token"}));
}

}  // namespace

void setup_token(CLI::App& app, Status& status) {
  CLI::App* token = app.add_subcommand("token", "seatkey-server's API tokens: create, list, revoke");
  token->require_subcommand(1);
  token->footer(
      "\nRoles, each allowed what the ones before it are: auditor (read the ledger), shop (also issue\n"
      "and export license files), clerk (also void, transfer and revocation lists), admin (also API\n"
      "tokens). The ledger keeps only a hash of each token.\n" +
      examples({"seatkey-keygen token create --ledger licenses.db --role shop --name webshop > webshop.token",
                "seatkey-keygen token list --ledger licenses.db",
                "seatkey-keygen token revoke --ledger licenses.db --name webshop"}));
  setup_create(token, status);
  auto [list_cmd, list] = add_command<TokenListOptions>(
      token, "list", "list the API tokens (never their secrets)", status, run_list);
  add_ledger_option(list_cmd, &list->ledger);
  list_cmd->add_flag("--json", list->json,
                     "a JSON array: name, role, created_at, revoked_at, expires_at, max_per_day");
  list_cmd->footer(examples({"seatkey-keygen token list --ledger licenses.db"}));
  auto [revoke_cmd, revoke] = add_command<TokenRevokeOptions>(
      token, "revoke", "revoke an API token: it is refused from then on", status, run_revoke);
  add_ledger_option(revoke_cmd, &revoke->ledger);
  revoke_cmd->add_option("--name", revoke->name, "the token's name")->required();
  revoke_cmd->footer(
      "\nA running seatkey-server refuses the token from its next request on. The token's name stays\n"
      "in the ledger (rows name the token that wrote them).\n" +
      examples({"seatkey-keygen token revoke --ledger licenses.db --name webshop"}));
}

}  // namespace seatkey::keygen::tool
