// `issue server`, `issue users`, `issue standby`, `issue batch`.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"
#include "seatkey/keygen/issuer.hpp"
#include "seatkey/keygen/orders.hpp"

namespace seatkey::keygen::tool {

// What every issue command needs: the key, the ledger, the issuer name.
struct IssuingOptions {
  std::string key;
  std::string ledger;
  std::string passphrase_file;
  std::string issuer{kDefaultIssuer};
};

struct IssueServerOptions {
  IssuingOptions issuing;
  std::string appliance;
  std::string edition;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<std::string> updates_until;
  std::optional<std::string> expires;
  bool replace = false;
};

struct IssueUsersOptions {
  IssuingOptions issuing;
  std::string appliance;
  long long users = 0;
  long long count = 1;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<std::string> expires;
};

struct IssueStandbyOptions {
  IssuingOptions issuing;
  std::string appliance;
  std::string primary;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<std::string> expires;
  bool replace = false;
};

struct IssueBatchOptions {
  IssuingOptions issuing;
  std::string orders_file;
};

// --key, --ledger, --passphrase-file, --issuer.
void add_issuing_options(CLI::App* cmd, IssuingOptions* opt);
// The ledger, opened for writing (older schemas migrated) with its warnings printed: before
// the key, so that no passphrase is asked for a ledger that is not there.
Ledger open_for_issuing(const IssuingOptions& opt);
SecretKey load_issuing_key(const IssuingOptions& opt);

void setup_issue_commands(CLI::App& app, Status& status);
int run_issue_server(const IssueServerOptions& opt);
int run_issue_users(const IssueUsersOptions& opt);
int run_issue_standby(const IssueStandbyOptions& opt);
int run_issue_batch(const IssueBatchOptions& opt);

}  // namespace seatkey::keygen::tool
