// Internal: a revocation list of the ledger read from its token (takeback.cpp, and export,
// which carries the list that names an appliance's licenses taken back).
#pragma once

#include "seatkey/common/claims.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen::detail {

// The claims of revocation list `e` as its token says them: the ledger's own token must read,
// else an internal error naming the list and `ledger verify` (`say_why`: and why it does not).
RevocationList claims_of_list(const Ledger& ledger, const LedgerEntry& e, bool say_why);

}  // namespace seatkey::keygen::detail
