// What the ledger's tables hold, as the stores (ledger/stores.hpp) read and write it: a license
// row per issued token (licenses and revocation lists), an event per license taken back, the
// signing keys, seatkey-server's API tokens (api_tokens.hpp) and its stored answers. The
// columns of each table are described once, in keygen/src/ledger/schema.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/chain.hpp"

namespace seatkey::keygen {

// How a license was taken back: `void` (refunded, sold by mistake) or `transfer` (re-issued
// for another appliance). Either way it goes into the next revocation list.
enum class EventKind { voided, transferred };
inline constexpr std::array<std::string_view, 2> kEventKindNames{{"void", "transfer"}};
constexpr std::string_view event_kind_name(EventKind k) {
  return kEventKindNames[static_cast<std::size_t>(k)];
}
// The kind an event's type names; nullopt for a name not in kEventKindNames.
inline std::optional<EventKind> event_kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kEventKindNames.size(); ++i) {
    if (kEventKindNames[i] == name) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

struct LedgerEntry {
  std::int64_t serial = 0;  // the token's jti, in decimal
  LicenseKind kind = LicenseKind::server;
  std::string appliance;           // canonical; empty for a revocation list (bound to none)
  std::optional<Edition> edition;  // server licenses only
  int users = 0;                   // 0 on a revocation list
  std::optional<std::string> customer;
  std::optional<std::string> order;
  UnixTime issued_at = 0;
  std::optional<UnixTime> updates_until;
  std::optional<UnixTime> expires;
  std::string issuer;
  std::string key_id;                            // k4.pid of the signing key
  std::optional<std::int64_t> replaces;          // the server license this one superseded when issued
  std::optional<std::int64_t> transferred_from;  // a transfer's re-issue: the license it stands in for
  std::optional<std::string> primary_appliance;  // a standby license: its primary (canonical)
  std::optional<std::int64_t> revocation_seq;    // a revocation list's seq
  std::string token;
  std::optional<std::string> written_by;  // the API token that wrote it; nullopt: seatkey-keygen
  std::optional<std::int64_t> code;       // the activation code it was issued from (its number)
  // Read from the ledger (insert() ignores them): the row's chain position, and how it was
  // taken back, when an event did.
  std::int64_t chain_seq = 0;
  std::optional<ChainHash> chain_hash;
  std::optional<EventKind> voided;
};

// The same license issued again under a new serial (a transfer's re-issue for `appliance`):
// every column of `old` carried over but what makes a row its own (serial, appliance, issue
// time, issuer, key, the API token writing it, links and token, and how it was read), so that
// a column added to LedgerEntry is carried over without anyone remembering to.
LedgerEntry reissued(const LedgerEntry& old, std::int64_t serial, const std::string& appliance);

// Whether a revocation list issued at `list_issued_at` names a license taken back that
// expires at `expires`: not when the license has expired by then (validity_at's rule). A
// verifier evaluates at no time before the newest issue time it reads, a list's included, so
// such a license is expired wherever the list is read; leaving it out keeps lists small as
// licenses are taken back year after year. The one rule for the lists seatkey-keygen signs and
// for what `ledger verify` expects of them.
inline bool list_names(const std::optional<UnixTime>& expires, UnixTime list_issued_at) {
  return validity_at(std::nullopt, expires, list_issued_at) != Reason::expired;
}

struct LedgerEvent {
  EventKind kind = EventKind::voided;
  std::int64_t serial = 0;                 // the license it takes back
  std::optional<std::string> reason;       // the desk's words
  UnixTime at = 0;                         // when it was recorded
  std::string who;                         // who recorded it (the login name, or an API token's)
  std::optional<std::string> transfer_to;  // a transfer: the appliance that got the licenses
  std::int64_t chain_seq = 0;              // set by the ledger when read
  // The API token that recorded it (seatkey-server; then `who` is that token's name); none for
  // seatkey-keygen at the desk, where `who` is the login name.
  std::optional<std::string> written_by;
};

// An activation code (docs/back-office.md, "Selling through partners"): an order waiting for
// its appliance. The ledger keeps its number and the hash of the normalized code, never the
// code or any part of it.
struct CodeRow {
  std::int64_t number = 0;  // 1, 2, ...: how support and the appliance name it
  std::string code_hash;    // ActivationCode::hash_hex(): what a typed code is looked up by
  std::string items;        // what it issues, as code_items_text() writes it
  std::optional<std::string> reseller;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> valid_until;  // it cannot be redeemed after
  UnixTime created_at = 0;
  std::string who;             // who made it (the login name, or an API token's)
  std::int64_t chain_seq = 0;  // set by the ledger when read
};

// What happened to a code: redeemed for an appliance, or voided (never sold, or refunded).
enum class CodeEventKind { redeem, voided };
inline constexpr std::array<std::string_view, 2> kCodeEventKindNames{{"redeem", "void"}};
constexpr std::string_view code_event_kind_name(CodeEventKind k) {
  return kCodeEventKindNames[static_cast<std::size_t>(k)];
}
inline std::optional<CodeEventKind> code_event_kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kCodeEventKindNames.size(); ++i) {
    if (kCodeEventKindNames[i] == name) return static_cast<CodeEventKind>(i);
  }
  return std::nullopt;
}

struct CodeEvent {
  CodeEventKind kind = CodeEventKind::redeem;
  std::int64_t number = 0;
  std::optional<std::string> appliance;  // a redemption: the appliance it was redeemed for
  std::optional<std::string> reason;     // a void: the desk's words
  UnixTime at = 0;
  std::string who;
  std::int64_t chain_seq = 0;  // set by the ledger when read
};

// Where a code stands: made and waiting (issued), redeemed for an appliance, or voided.
enum class CodeState { issued, redeemed, voided };
inline constexpr std::array<std::string_view, 3> kCodeStateNames{{"issued", "redeemed", "voided"}};
constexpr std::string_view code_state_name(CodeState s) {
  return kCodeStateNames[static_cast<std::size_t>(s)];
}
inline std::optional<CodeState> code_state_named(std::string_view name) {
  for (std::size_t i = 0; i < kCodeStateNames.size(); ++i) {
    if (kCodeStateNames[i] == name) return static_cast<CodeState>(i);
  }
  return std::nullopt;
}

// A code as the store reads it: its row and its events.
struct CodeRecord {
  CodeRow row;
  std::optional<CodeEvent> redeemed;
  std::optional<CodeEvent> voided;
  CodeState state() const {
    if (voided) return CodeState::voided;
    return redeemed ? CodeState::redeemed : CodeState::issued;
  }
};

// One reseller's codes, for the report.
struct CodeCounts {
  std::optional<std::string> reseller;
  std::int64_t created = 0;
  std::int64_t redeemed = 0;
  std::int64_t voided = 0;
  std::int64_t open = 0;
};

// What happened to an API token (schema version 7 on): created, or revoked (once). Each is a
// link of the chain, written in the transaction that changes the api_tokens row.
enum class TokenEventKind { created, revoked };
inline constexpr std::array<std::string_view, 2> kTokenEventKindNames{{"create", "revoke"}};
constexpr std::string_view token_event_kind_name(TokenEventKind k) {
  return kTokenEventKindNames[static_cast<std::size_t>(k)];
}
inline std::optional<TokenEventKind> token_event_kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kTokenEventKindNames.size(); ++i) {
    if (kTokenEventKindNames[i] == name) return static_cast<TokenEventKind>(i);
  }
  return std::nullopt;
}

// A token's row as the link records it: its name, role and lookup ID (never its hash), the
// time the row took (its created_at or revoked_at) and, on a creation, its limits (schema
// version 8 on; unset, they are not in the link's bytes).
struct TokenEvent {
  TokenEventKind kind = TokenEventKind::created;
  std::string name;
  Role role = Role::auditor;
  std::string lookup_id;
  UnixTime at = 0;
  std::string who;  // who created or revoked it (the login name)
  std::optional<UnixTime> expires_at;
  std::optional<std::int64_t> max_per_day;
  // A creation's: the hash the token's row keeps (hex), so that a row whose hash was replaced
  // by hand (a bearer of someone's choosing) no longer matches its link.
  std::optional<std::string> token_hash;
  std::int64_t chain_seq = 0;  // set by the ledger when read
};

// One link of the hash chain as stored, for `ledger verify`: its columns as text, what they
// read as, and the hash stored with it.
struct ChainLink {
  ChainLinkType type = ChainLinkType::license;
  std::int64_t seq = 0;                   // chain_seq as stored
  std::optional<ChainHash> stored;        // chain_hash as stored (nullopt: not 32 bytes)
  ChainValues values;                     // canonical order (chain.hpp)
  std::optional<LedgerEntry> entry;       // a license row that reads
  std::optional<LedgerEvent> event;       // an event that reads
  std::optional<CodeRow> code;            // a code row that reads
  std::optional<CodeEvent> code_event;    // a code's event that reads
  std::optional<TokenEvent> token_event;  // an API token's creation or revocation that reads
  std::string corrupt;                    // why the row does not read (neither is set)
};

// The development key in keys/ (keys/development.secret), whose secret everyone has:
// recognised by value, whatever file it was copied into.
inline constexpr std::string_view kDevelopmentKeyId = "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW";

// Where a signing key came from: registered by `ledger init` or `ledger add-key`, or found by a
// migration in the rows of a ledger that recorded none.
enum class KeyOrigin { init, add_key, migrated };
inline constexpr std::array<std::string_view, 3> kKeyOriginNames{{"init", "add-key", "migrated"}};
constexpr std::string_view key_origin_name(KeyOrigin o) {
  return kKeyOriginNames[static_cast<std::size_t>(o)];
}

// A key the ledger issues with.
struct SigningKey {
  std::string key_id;                     // its k4.pid
  std::optional<std::string> public_key;  // its k4.public; unknown for a key a migration found
  std::string added_at;                   // RFC 3339: registered (a migrated key: its first row)
  std::string origin;                     // a kKeyOriginNames name
  bool development() const { return key_id == kDevelopmentKeyId; }
};

// A row the ledger cannot read (edited by hand, or written by a tool with a bug): what the
// table shows of it and why it is corrupt.
struct CorruptRow {
  std::int64_t serial = 0;
  std::string appliance;  // as stored
  std::string why;        // "row 7 (appliance 001A2B3C4D5E) is corrupt: updates_until ..."
};

// Every row that could be read, and those that could not.
struct LedgerRows {
  std::vector<LedgerEntry> entries;  // by serial
  std::vector<CorruptRow> corrupt;   // by serial
};

// Licenses a report counts together: of one kind, edition (server licenses) and users, issued
// as a transfer's re-issue or not, replacing a license of `replaced_edition` (or none).
struct LicenseTally {
  LicenseKind kind = LicenseKind::server;
  std::optional<Edition> edition;
  int users = 0;
  bool transferred = false;
  std::optional<Edition> replaced_edition;
  std::int64_t licenses = 0;
};

// An answer seatkey-server gave to a POST with an Idempotency-Key, kept to give it again.
struct StoredAnswer {
  std::string request_hash;  // what identifies the request (method, path, body)
  int status = 0;
  std::string body;
};

}  // namespace seatkey::keygen
