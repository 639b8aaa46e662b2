// Issuing: orders in, tokens out, all or nothing. One BEGIN IMMEDIATE transaction: check the
// rules (cumulatively, in order) -> allocate serials -> check the order's effect on the
// appliance over time -> build the claims (validate_license) -> sign (SecretKey::sign verifies
// its own output) -> check the license file limits -> insert -> commit. Any failure rolls
// back: nothing recorded, no token returned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/orders.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::keygen {

inline constexpr std::string_view kDefaultIssuer = "seatkey";

struct IssueOptions {
  std::string issuer = std::string(kDefaultIssuer);  // the `iss` claim
  std::optional<UnixTime> now;                       // issue time; default: the clock, read under the lock
};

// What the appliance has after an order, for the desk's summary.
struct ApplianceSummary {
  std::string appliance;
  std::optional<Edition> edition;  // of the active server license
  UserCount users;
};

struct IssuedOrder {
  std::vector<LedgerEntry> entries;      // the new rows, tokens included, by serial
  std::optional<std::int64_t> replaced;  // a server license this one supersedes
  ApplianceSummary after;
};

struct IssueResult {
  UnixTime issued_at = 0;
  std::vector<IssuedOrder> orders;  // one per order, in order
  std::vector<std::string> tokens() const;
};

// Issues into an open ledger. Throws Failure (refused / input / ledger); on a throw nothing
// was written.
IssueResult issue(Ledger& ledger, const SecretKey& key, const std::vector<Order>& orders,
                  const IssueOptions& options = {});

// Checks the orders against an empty ledger without signing or writing anything: used before
// a new ledger file is created, so that a refused first order leaves no file behind.
void check_orders_on_empty_ledger(const std::vector<Order>& orders, UnixTime now);

// Opens (or, if missing or empty and the orders pass, creates) the ledger at `path`, then issue().
// *created tells whether a new ledger file was made.
IssueResult issue_into(const std::string& path, const SecretKey& key, const std::vector<Order>& orders,
                       const IssueOptions& options = {}, bool* created = nullptr);

}  // namespace seatkey::keygen
