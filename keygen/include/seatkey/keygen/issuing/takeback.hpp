// Taking licenses back (docs/back-office.md, "Taking licenses back"): voiding them, moving an
// appliance's licenses to a new appliance (RMA, VM re-install), and the signed, cumulative
// revocation lists that carry every voided serial to the appliances. Each operation is one
// BEGIN IMMEDIATE transaction: all or nothing, its rows and events links of the hash chain,
// tokens returned only once committed. A license row never changes: an event takes it back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::keygen {

// Who records an event, and when.
struct EventOptions {
  std::string who;                        // the login name at the desk, an API token's name on a server
  std::optional<UnixTime> now;            // default: the clock, read under the ledger's write lock
  std::optional<std::string> written_by;  // on a server: the API token (recorded in each event)
};

struct VoidResult {
  UnixTime at = 0;
  std::vector<LedgerEntry> voided;      // in the order given
  std::vector<ApplianceSummary> after;  // every appliance they were bound to, what it has now
};

// Records a void event for each serial (`reason`: the desk's words, required), all or nothing.
// Input errors: no serial, a serial given twice, a reason or `who` that is no valid text.
// Refused: a serial the ledger does not have (unknown_serial), a revocation list
// (not_a_license), a license already voided or transferred (already_voided).
Result<VoidResult> void_licenses(Ledger& ledger, const std::vector<std::int64_t>& serials,
                                 const std::string& reason, const EventOptions& options);
// The same inside a caller's write transaction (seatkey-server records its answer in it); the
// caller commits.
Result<VoidResult> void_licenses(Ledger& ledger, Ledger::Transaction& tx,
                                 const std::vector<std::int64_t>& serials, const std::string& reason,
                                 const EventOptions& options);

struct TransferOptions {
  EventOptions event;
  std::optional<std::string> reason;
  std::string issuer = std::string(kDefaultIssuer);  // the new tokens' iss
  std::optional<std::string> written_by;             // the API token transferring (recorded in each new row)
  // Decide what would move and what the new appliance would have, but sign and record nothing:
  // `issued` comes back without tokens, and no revocation list is made (nor its size checked).
  bool dry_run = false;
};

struct IssuedRevocationList {
  LedgerEntry entry;      // the row, token included (appliance empty, users 0)
  RevocationList claims;  // what it says
  std::size_t added = 0;  // serials the previous list did not name
};

struct TransferResult {
  UnixTime at = 0;
  std::string from, to;                  // canonical appliance IDs
  std::vector<LedgerEntry> issued;       // for `to`: its server license first, then the packs
  std::vector<LedgerEntry> taken_back;   // of `from`, by serial: every license that could count there
  ApplianceSummary before;               // `from` before
  ApplianceSummary after;                // `to` after: the same users
  IssuedRevocationList revocation_list;  // signed with the transfer: it names what was taken back
  // `to` had licenses taken back that the list names (a transfer back): its license file
  // carries the list, as export's does.
  bool carries_list = false;
  // The new license file's tokens: `issued`'s, then the list's when it carries it.
  std::vector<std::string> tokens() const;
};

// Re-issues `from`'s active server license and every unexpired, unvoided pack for `to` (new
// serials; the same edition, users, customer, order, update option and expiry; each row's
// transferred_from names the license it stands in for) and takes back, as transfer events,
// those licenses and every other server license of `from` that could still count there (a
// superseded one would be active again once the active one is revoked), and signs the next
// revocation list (issue_revocation_list) in the same transaction. Refused: `from` has no
// active server license, `to` already has licenses that are not taken back, or `from` and `to`
// are the same appliance; a key the ledger does not know.
Result<TransferResult> transfer(Ledger& ledger, const Signer& signer, const std::string& from,
                                const std::string& to, const TransferOptions& options);
Result<TransferResult> transfer(Ledger& ledger, const SecretKey& key, const std::string& from,
                                const std::string& to, const TransferOptions& options);
// Inside a caller's write transaction; the caller commits.
Result<TransferResult> transfer(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                const std::string& from, const std::string& to,
                                const TransferOptions& options);

// Signs and records the next revocation list: seq one more than the newest list's, revoked
// every serial an event took back but those whose license has expired by the list's issue
// time (list_names). Refused: nothing was ever taken back, or each one has expired, the newest
// list already names every one it would, the token would be over the 1 MiB limit of a revocation list, a key
// the ledger does not know.
Result<IssuedRevocationList> issue_revocation_list(Ledger& ledger, const Signer& signer,
                                                   const IssueOptions& options = {});
Result<IssuedRevocationList> issue_revocation_list(Ledger& ledger, const SecretKey& key,
                                                   const IssueOptions& options = {});
// Inside a caller's write transaction; the caller commits.
Result<IssuedRevocationList> issue_revocation_list(Ledger& ledger, Ledger::Transaction& tx,
                                                   const Signer& signer, const IssueOptions& options);

struct RevocationListRecord {
  LedgerEntry entry;
  RevocationList claims;  // read from its token (`ledger verify` checks the signatures)
};
// Every revocation list on record, by seq; an internal error for a list whose token does not read.
Result<std::vector<RevocationListRecord>> revocation_lists(const Ledger& ledger);

}  // namespace seatkey::keygen
