// Vendor side only: claims written for signing. The issuer's checks of claims built in code
// and the payload JSON they are signed as. Not linked into the verifier, which only reads
// claims (seatkey/common/claims.hpp).
#pragma once

#include <string>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/result.hpp"

namespace seatkey {

// The parser's rules (kClaimUse, check_license_values) on claims built in code; also refuses
// text that is not valid UTF-8. Errc::invalid_claims naming the claim.
Result<License> validate_license(License license);
Result<RevocationList> validate_revocation_list(RevocationList list);

// Compact JSON, claims in a fixed order (Claim order); round-trips through parse_token_claims.
std::string to_payload_json(const License& license);
std::string to_payload_json(const RevocationList& list);
std::string to_payload_json(const Claims& claims);

}  // namespace seatkey
