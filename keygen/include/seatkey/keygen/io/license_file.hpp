// The appliance's license file as `export` writes it: '#' header lines, then its active server
// license and every pack that counts, each token after one '#' line saying what it is. Also
// the sentences the desk reads about licenses and appliances.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen {

// "server license 12: compact, 3 users included, customer \"Acme\", order \"SO-1\", issued ..."
std::string describe(const LedgerEntry& entry);

// Text from outside as every line the desk reads shows it: "\"Acme GmbH\"", JSON-quoted, with
// control and bidirectional formatting characters escaped.
std::string quoted(std::string_view text);

// ", customer \"Acme\", order \"SO-1\"" (what the entry has; quoted, escaped): how every line
// the desk reads names them.
std::string describe_customer_and_order(const LedgerEntry& entry);

// "compact, 13 users (3 included + 10 in packs, max 20)", "no active server license"; of an
// appliance that is a standby: "the standby of 001A2B3C4D5E (standby license 7), counting its
// licenses".
std::string describe_users(const std::optional<Edition>& edition, const UserCount& users);
std::string describe_users(const ApplianceState& state);

// Refused (no_active_server_license) when the appliance has no active server license on record.
Result<std::string> license_file_text(const ApplianceState& state);
// A standby's license file: its standby license naming `primary`, then the primary's license
// file (license_file_text(primary)). Refused when that standby license is not active, or the
// primary has no active server license.
Result<std::string> standby_license_file_text(const ApplianceState& standby, const ApplianceState& primary);
// What `export` writes for the appliance of `state` (read from `ledger` at `now`): while it holds
// an active standby license, its standby license file with the primary's licenses read from the
// ledger; otherwise license_file_text(state). The same refusals. With `as_of`, the header says
// "as of" that time instead of "exported" now: a file that reads the same each time it is asked
// for while nothing changed (a code's answer).
// After the licenses, the file carries the newest revocation list when that list names a
// license of the appliance (or of a standby's primary) taken back, so that an older file the
// appliance keeps counts no license it lost; left out when the file would then be more than
// the verifier reads (kMaxLicenseSetTokens tokens, kMaxLicenseSetBytes). Export writes nothing.
Result<std::string> export_license_file(const Ledger& ledger, const ApplianceState& state, UnixTime now,
                                        const std::optional<UnixTime>& as_of = std::nullopt);
// The same, with what the file holds.
struct ExportedLicenseFile {
  std::string text;
  std::size_t tokens = 0;                      // its token lines
  std::optional<LedgerEntry> revocation_list;  // the list it carries
};
Result<ExportedLicenseFile> export_license(const Ledger& ledger, const ApplianceState& state, UnixTime now,
                                           const std::optional<UnixTime>& as_of = std::nullopt);

// Refused (license_file_too_large) when the appliance's license file would be more than the
// verifier reads (kMaxLicenseSetTokens tokens, kMaxLicensesBytes): the appliance would refuse
// the whole file. The same for the file of its standby, which holds the standby license besides
// the same licenses: `standby_of` answers the appliance's standby license that counts, or null;
// it is called only when that file could be over.
using StandbyLookup = std::function<const LedgerEntry*()>;
Result<void> check_license_file_limits(const ApplianceState& state, const StandbyLookup& standby_of = {});

}  // namespace seatkey::keygen
