// Internal: what every command that signs shares (issue, transfer, revocations issue).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "seatkey/common/limits.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/issuing/signer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen::detail {

// What the appliance has now, for the desk's summaries.
ApplianceSummary summarize(const ApplianceState& state);

// The tokens' iss: an input error unless it is text a license may carry.
void check_issuer(const std::string& issuer);

// Refused (unknown_signing_key), naming the ledger's keys and `ledger add-key`, unless the
// signer's key is one of the ledger's signing keys.
void require_signing_key(const Ledger& ledger, Ledger::Transaction& tx, const Signer& signer);

// {"kid":"k4.pid...."}: the footer of every token the signer signs.
std::string footer_for(const Signer& signer);

// The license's claims from its row (checked by validate_license), signed (every Signer
// verifies its own output), within the license size limit: sets e->token. A signer that is
// gone is signer_unavailable.
void sign_license(const Signer& signer, LedgerEntry* e);
// The token of `payload`, signed (and verified) by `signer`. Refused (token_too_large) when it
// would pass `limit`: "WHAT would be N bytes, over LIMIT" and `note`; a failed signer is
// signer_unavailable (its process is gone) or internal_error.
std::string sign_within(const Signer& signer, const std::string& payload, TokenLimit limit,
                        const std::string& what, const std::string& note);

// Refused (token_quota_exceeded), the whole request, when the API token `written_by` has a
// quota of licenses a day and `placing` more licenses issued at `now` would pass it: its
// licenses of that UTC day are counted in the caller's transaction, whatever route issued them
// (orders, standby licenses, a transfer's re-issues; a code's redemption names the code, not a
// token). Nothing for the command line's rows (no token) or a token without a quota.
void check_daily_quota(const Ledger& ledger, const std::optional<std::string>& written_by,
                       std::size_t placing, UnixTime now);

// The `who` an event records: an input error naming it unless it is text a license may carry.
std::string check_who(const std::string& who);
// The reason an event records, checked like what is recorded ("--reason").
std::string check_reason(const std::string& reason);

}  // namespace seatkey::keygen::detail
