// The ledger's rows, signing keys and API tokens as JSON, with the field names of
// `seatkey-keygen ledger list --json`; seatkey-server answers with the same objects.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "seatkey/keygen/api_tokens.hpp"
#include "seatkey/keygen/issuer.hpp"
#include "seatkey/keygen/ledger.hpp"

namespace seatkey::keygen {

// serial, kind, appliance, edition, users, customer, order, issued_at, updates_until, expires,
// replaces, status, issuer, key_id, written_by, token (absent values are null).
nlohmann::ordered_json license_json(const LedgerEntry& entry, std::string_view status);
// serial, appliance, status ("corrupt"), error.
nlohmann::ordered_json corrupt_row_json(const CorruptRow& row);
// key_id, public_key, development, added_at, origin.
nlohmann::ordered_json signing_key_json(const SigningKey& key);
// name, role, created_at, revoked_at.
nlohmann::ordered_json api_token_json(const ApiToken& token);
// appliance, edition (null without an active server license), included_users, pack_users,
// licensed_users, max_users (null: unlimited; 0 without a server license), excess_users: what the appliance
// counts after an order.
nlohmann::ordered_json appliance_summary_json(const ApplianceSummary& summary);

}  // namespace seatkey::keygen
