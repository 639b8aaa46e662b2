// `ledger verify`: what the ledger proves about itself (an audit of the ledger; the verifier is
// the appliance's library). The hash chain is recomputed link by
// link; every token's signature is checked against the ledger's signing keys and its claims
// against its row; every event must take back a license written before it, once. The first
// link that does not match is named. Who holds the file can recompute a whole chain, so the
// proof is against a head hash kept elsewhere (`--anchor`): docs/security.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/common/paserk.hpp"
#include "seatkey/keygen/ledger/chain.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen {

struct AuditOptions {
  // A head hash taken earlier: it must be a link of the chain.
  std::optional<ChainHash> anchor;
  // Public keys of signing keys the ledger knows only by their k4.pid (migrated from a ledger
  // that recorded none). A key here that is not one of the ledger's signing keys is ignored.
  std::vector<PublicKey> public_keys;
};

struct AuditResult {
  bool ok = false;
  std::string problem;  // when !ok: the first link that does not match and why, for people
  ChainHead head;       // as recomputed, up to the last link checked
  std::int64_t licenses = 0;
  std::int64_t revocation_lists = 0;
  std::int64_t events = 0;
  std::int64_t codes = 0;                      // activation codes
  std::int64_t code_events = 0;                // codes redeemed or voided
  std::optional<std::int64_t> anchor_seq;      // the anchor's position in the chain
  std::vector<std::string> keys_from_options;  // signing keys checked with a key of `public_keys`
  std::int64_t token_events = 0;               // API tokens created or revoked
  // The API tokens the ledger had when the chain began to cover tokens (schema version 7): they
  // have no creation link, and are no finding.
  std::vector<std::string> tokens_before_chain;
};

// An input error for a ledger from before the chain (naming `ledger migrate`), another error
// when it cannot be read; a ledger that does not verify is a result (ok false), not an error.
Result<AuditResult> audit_ledger(const Ledger& ledger, const AuditOptions& options = {});

}  // namespace seatkey::keygen
