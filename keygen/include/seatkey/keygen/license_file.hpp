// The appliance's license file as `export` writes it: '#' header lines, then its active server
// license and every unexpired pack, each token after one '#' line saying what it is.
#pragma once

#include <cstddef>
#include <string>

#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/rules.hpp"

namespace seatkey::keygen {

// The most bytes the header comment lines may take (part of the file size budget).
inline constexpr std::size_t kLicenseFileHeaderBudget = 1024;

// "server license 12: compact, 3 users included, customer \"Acme\", order \"SO-1\", issued ..."
std::string describe(const LedgerEntry& entry);
// The bytes one entry takes in the file: its comment line and its token line.
std::size_t license_file_entry_bytes(const LedgerEntry& entry);
// "compact, 13 users (3 included + 10 in packs, max 20)"
std::string describe_users(const ApplianceState& state);

// Throws Error(refused) when the appliance has no active server license on record.
std::string license_file_text(const ApplianceState& state, UnixTime now);

}  // namespace seatkey::keygen
