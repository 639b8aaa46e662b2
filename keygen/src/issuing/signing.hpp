// Internal: what every command that signs shares (issue, transfer, revocations issue).
#pragma once

#include <string>

#include "seatkey/keygen/issuer.hpp"
#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/rules.hpp"
#include "seatkey/keygen/signer.hpp"

namespace seatkey::keygen::detail {

// What the appliance has now, for the desk's summaries.
ApplianceSummary summarize(const ApplianceState& state);

// The tokens' iss: Failure(input) unless it is text a license may carry.
void check_issuer(const std::string& issuer);

// Failure(refused), naming the ledger's keys and `ledger add-key`, unless the signer's key is
// one of the ledger's signing keys.
void require_signing_key(const Ledger& ledger, Ledger::Transaction& tx, const Signer& signer);

// {"kid":"k4.pid...."}: the footer of every token the signer signs.
std::string footer_for(const Signer& signer);

// The license's claims from its row (checked by validate_license), signed (every Signer
// verifies its own output), within the license size limit: sets e->token.
void sign_license(const Signer& signer, LedgerEntry* e);

}  // namespace seatkey::keygen::detail
