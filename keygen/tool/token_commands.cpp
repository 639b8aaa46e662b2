#include "token_commands.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/api_tokens.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/ledger.hpp"

namespace seatkey::keygen::tool {
namespace {

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

// Display width in code points (names may be any printable UTF-8).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

void setup_token_commands(CLI::App& app, Status& status) {
  CLI::App* token = app.add_subcommand("token", "seatkey-server's API tokens: create, list, revoke");
  token->require_subcommand(1);
  token->footer(
      "\nRoles, each allowed what the ones before it are: auditor (read the ledger), shop (also issue\n"
      "and export license files), clerk (also void, transfer and revocation lists), admin (also API\n"
      "tokens). The ledger keeps only a hash of each token.\n" +
      examples({"seatkey-keygen token create --ledger licenses.db --role shop --name webshop > webshop.token",
                "seatkey-keygen token list --ledger licenses.db",
                "seatkey-keygen token revoke --ledger licenses.db --name webshop"}));

  auto create = std::make_shared<TokenCreateOptions>();
  CLI::App* cmd = token->add_subcommand("create", "create an API token and print it, once");
  add_ledger_option(cmd, &create->ledger);
  cmd->add_option("--role", create->role, "what the token may do: " + role_list())->required();
  cmd->add_option("--name", create->name,
                  "who holds it (up to 64 bytes); recorded in every row it writes, never reused")
      ->required();
  cmd->footer(
      "\nPrints the bearer token alone on stdout; it is shown this once and the ledger keeps only\n"
      "its hash. A name is never given to a second token, also after a revocation.\n" +
      examples(
          {"seatkey-keygen token create --ledger licenses.db --role shop --name webshop > webshop.token"}));
  cmd->callback([create, &status] { status.exit_code = run_token_create(*create); });

  auto list = std::make_shared<TokenListOptions>();
  cmd = token->add_subcommand("list", "list the API tokens (never their secrets)");
  add_ledger_option(cmd, &list->ledger);
  cmd->add_flag("--json", list->json, "a JSON array: name, role, created_at, revoked_at");
  cmd->footer(examples({"seatkey-keygen token list --ledger licenses.db"}));
  cmd->callback([list, &status] { status.exit_code = run_token_list(*list); });

  auto revoke = std::make_shared<TokenRevokeOptions>();
  cmd = token->add_subcommand("revoke", "revoke an API token: it is refused from then on");
  add_ledger_option(cmd, &revoke->ledger);
  cmd->add_option("--name", revoke->name, "the token's name")->required();
  cmd->footer(
      "\nA running seatkey-server refuses the token from its next request on. The token's name stays\n"
      "in the ledger (rows name the token that wrote them).\n" +
      examples({"seatkey-keygen token revoke --ledger licenses.db --name webshop"}));
  cmd->callback([revoke, &status] { status.exit_code = run_token_revoke(*revoke); });
}

int run_token_create(const TokenCreateOptions& opt) {
  const Role role = parse_role_name(opt.role);
  const std::string name = check_token_name(opt.name);
  Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  const SecureBuffer bearer = ledger.create_api_token(name, role);
  // Recorded: only now is it printed.
  const bool printed = write_stdout(bearer.view()) && write_stdout("\n");
  std::cerr << "created API token " << terminal_quoted(name) << " (role " << role_name(role) << ") in ledger "
            << terminal_safe(ledger_name(opt.ledger))
            << "; it is shown only this once: give it to its holder now\n";
  if (!printed) {
    std::cerr << "seatkey-keygen: error: the token could not be written to stdout; it cannot be shown again: "
                 "revoke it (seatkey-keygen token revoke) and create one under another name\n";
    return 2;
  }
  return 0;
}

int run_token_list(const TokenListOptions& opt) {
  const Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_only);
  print_warnings(ledger);
  const std::vector<ApiToken> tokens = ledger.api_tokens();
  if (opt.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ApiToken& t : tokens) out.push_back(api_token_json(t));
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (tokens.empty()) {
    std::cout << "no API tokens (seatkey-keygen token create makes one)\n";
    return 0;
  }
  std::size_t name_width = 4;
  for (const ApiToken& t : tokens) name_width = std::max(name_width, width(terminal_safe(t.name)));
  std::string out =
      "NAME" + std::string(name_width - 4 + 2, ' ') + "ROLE     CREATED               REVOKED\n";
  for (const ApiToken& t : tokens) {
    const std::string name = terminal_safe(t.name);
    std::string role(role_name(t.role));
    role.resize(7, ' ');
    out += name + std::string(name_width - width(name) + 2, ' ') + role + "  " + terminal_safe(t.created_at) +
           "  " + (t.revoked_at ? terminal_safe(*t.revoked_at) : std::string("-")) + "\n";
  }
  std::cout << out;
  return 0;
}

int run_token_revoke(const TokenRevokeOptions& opt) {
  Ledger ledger = Ledger::open(opt.ledger, Ledger::Access::read_write);
  print_warnings(ledger);
  const ApiToken token = ledger.revoke_api_token(opt.name);
  std::cerr << "revoked API token " << terminal_quoted(token.name) << " (role " << role_name(token.role)
            << ") at " << *token.revoked_at << "\n";
  return 0;
}

}  // namespace seatkey::keygen::tool
