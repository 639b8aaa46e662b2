// Issuing: orders in, tokens out, all or nothing. One BEGIN IMMEDIATE transaction: check the
// rules (cumulatively, in order) -> allocate serials -> check the order's effect on the
// appliance over time -> build the claims (validate_license) -> sign (every Signer verifies
// its own output) -> check the license file limits -> insert -> commit. Any failure rolls
// back: nothing recorded, no token returned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/issuing/orders.hpp"
#include "seatkey/keygen/issuing/signer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::keygen {

inline constexpr std::string_view kDefaultIssuer = "seatkey";

struct IssueOptions {
  std::string issuer = std::string(kDefaultIssuer);  // the `iss` claim
  std::optional<UnixTime> now;                       // issue time; default: the clock, read under the lock
  std::optional<std::string> written_by;             // the API token issuing (recorded in each row)
  // Who records the void event of a standby license that `replace` takes back (the login name
  // at the desk); empty: the API token issuing (written_by), else the issuer name.
  std::string who;
  // The activation code the licenses are issued from (its number): recorded in each row and
  // carried in each token's `code` claim.
  std::optional<std::int64_t> code;
  // Decide everything (the rules, the serials, what the appliances would have) but sign
  // nothing and record nothing: the entries come back without tokens. The caller's
  // transaction is left as it was (roll it back; there is nothing to commit). The license
  // file's size in bytes, which needs the tokens, is checked only when issuing.
  bool dry_run = false;
};

// What the appliance has after an order, for the desk's summary.
struct ApplianceSummary {
  std::string appliance;
  std::optional<Edition> edition;  // of the active server license
  UserCount users;
};

struct IssuedOrder {
  std::vector<LedgerEntry> entries;      // the new rows, tokens included, by serial
  std::vector<std::string> statuses;     // each entry's status once the order is issued (status_of)
  std::optional<std::int64_t> replaced;  // a server license this one supersedes
  std::vector<LedgerEntry> voided;       // a standby order's --replace: the standby licenses it voided
  ApplianceSummary after;                // a standby order: the primary's licenses, which the standby counts
};

struct IssueResult {
  UnixTime issued_at = 0;
  std::vector<IssuedOrder> orders;  // one per order, in order
  std::vector<std::string> tokens() const;
};

// Issues into an open ledger (Ledger::Access::read_write): refused by a rule, an input error
// or a failure of the ledger or the signer, nothing is written. A key that is not one of the
// ledger's signing keys is refused.
Result<IssueResult> issue(Ledger& ledger, const Signer& signer, const std::vector<Order>& orders,
                          const IssueOptions& options = {});
// The same, signing in this process with `key`.
Result<IssueResult> issue(Ledger& ledger, const SecretKey& key, const std::vector<Order>& orders,
                          const IssueOptions& options = {});
// The same inside a transaction of `ledger` that the caller commits (or rolls back): to record
// more in the same transaction, e.g. a server's answer to the request. The rows are inserted
// but nothing is committed.
Result<IssueResult> issue(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                          const std::vector<Order>& orders, const IssueOptions& options = {});

}  // namespace seatkey::keygen
