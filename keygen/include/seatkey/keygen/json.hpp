// The ledger's rows, signing keys and API tokens as JSON, with the field names of
// `seatkey-keygen ledger list --json`; seatkey-server answers with the same objects.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::keygen {

// The license table's columns (keygen/src/ledger/schema.cpp: serial, kind, appliance, edition,
// users, customer, order, issued_at, updates_until, expires, replaces, transferred_from,
// revocation_seq, primary, issuer, key_id, chain_seq, written_by, token), with status after
// primary (absent values are null).
nlohmann::ordered_json license_json(const LedgerEntry& entry, std::string_view status);
// An activation code: number, state (issued, redeemed, voided), the codes table's columns
// (items, reseller, customer, order, valid_until, created_at, created_by, chain_seq; never the
// code or its hash), redeemed_at, redeemed_for, appliance (the one it answers for now, after
// transfers), voided_at, void_reason.
nlohmann::ordered_json code_json(const CodeRecord& code, const std::optional<std::string>& appliance);
// The events table's columns: type, serial, reason, at, who, transfer_to, chain_seq.
nlohmann::ordered_json event_json(const LedgerEvent& event);
// What `ledger show --json` prints: license_json(), then chain_hash, events, superseded_by,
// reissued_as, in_revocation_lists, and a revocation list's revoked serials.
nlohmann::ordered_json license_record_json(const LicenseRecord& record);
// serial, appliance, status ("corrupt"), error.
nlohmann::ordered_json corrupt_row_json(const CorruptRow& row);
// key_id, public_key, development, added_at, origin.
nlohmann::ordered_json signing_key_json(const SigningKey& key);
// name, role, created_at, revoked_at, expires_at, max_per_day (null: none).
nlohmann::ordered_json api_token_json(const ApiToken& token);
// appliance, edition (null without an active server license), included_users, pack_users,
// licensed_users, max_users (null: unlimited; 0 without a server license), excess_users: what the appliance
// counts after an order.
nlohmann::ordered_json appliance_summary_json(const ApplianceSummary& summary);

// seq, serial, issued_at, status ("active" for the newest list, else "superseded"), revoked,
// issuer, key_id, written_by, token: what `revocations list --json` lists.
nlohmann::ordered_json revocation_list_json(const RevocationListRecord& list, bool newest);
// since, until, one array per report category (kind, edition, users_per_pack, licenses, users),
// appliances_transferred, revocation_lists: `report --json`.
nlohmann::ordered_json report_json(const Report& report);

// GET /v1/events: events (seq, type, at, and its row: license (license_json() without status
// and token), event (event_json()) or code_event (type, number, appliance, reason, at, who,
// chain_seq)), next_after, more.
nlohmann::ordered_json feed_json(const Feed& feed);

}  // namespace seatkey::keygen
