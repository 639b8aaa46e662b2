// The ledger's tables, each behind a small store: licenses (every issued token), events (a
// license taken back), signing keys, seatkey-server's API tokens and its stored answers. A
// store is a handle on an open Ledger (ledger.hpp), valid while it is; it reads in the ledger's
// transaction when one is open, else on its own. A store's writes need the write transaction
// of Ledger::begin(), except a signing key's, an API token's and a revocation's, which are one
// each and open their own when none is open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/paserk.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/rows.hpp"
#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey::keygen {

namespace detail {
struct LedgerContext;
}

// Which licenses LicenseStore::visit reads: each field that is set narrows them, every one from
// an index of the ledger.
struct LicenseQuery {
  std::optional<std::string> appliance;  // canonical
  std::optional<std::string> customer;   // a part of the customer, in any case, in every script
  std::optional<std::string> order;      // a part of the order reference, the same way
  std::optional<UnixTime> since;         // issued at or after
  std::optional<UnixTime> until;         // issued before
  std::optional<LicenseKind> kind;
  std::optional<std::int64_t> after;  // serials above this one
  std::optional<std::size_t> limit;   // at most this many rows (those that do not read count)
};

// Every issued token: licenses and revocation lists, by serial. Reads are strict (a row that
// does not read is an internal error naming it) except rows(), which sets such rows apart.
class LicenseStore {
 public:
  explicit LicenseStore(detail::LedgerContext* ledger) : ledger_(ledger) {}

  Result<std::vector<LedgerEntry>> all() const;
  Result<std::vector<LedgerEntry>> of_appliance(const std::string& appliance) const;
  // Every standby license naming `primary`, whatever appliance it is bound to.
  Result<std::vector<LedgerEntry>> standbys_of(const std::string& primary) const;
  // Every row (or an appliance's), the corrupt ones set apart: for listing a damaged ledger.
  Result<LedgerRows> rows(const std::optional<std::string>& appliance = std::nullopt) const;
  Result<std::optional<LedgerEntry>> find(std::int64_t serial) const;
  // Every license issued from activation code `number` (also the re-issues of a transfer), by
  // serial; none on a ledger from before the codes.
  Result<std::vector<LedgerEntry>> of_code(std::int64_t number) const;
  Result<std::size_t> count() const;
  // How many licenses (no revocation lists) the API token `written_by` wrote with issue times
  // in [since, until): what its quota of a day counts.
  Result<std::int64_t> count_written_by(const std::string& written_by, UnixTime since, UnixTime until) const;
  // The revocation list with the highest seq, if any.
  Result<std::optional<LedgerEntry>> newest_revocation_list() const;
  // Every revocation list, by seq; none on a ledger from before them.
  Result<std::vector<LedgerEntry>> revocation_lists() const;
  // The revocation lists (their serials, by seq) that name `serial`.
  Result<std::vector<std::int64_t>> lists_naming(std::int64_t serial) const;
  // The serials of the server licenses issued to replace `serial` (their `replaces`), and of
  // its re-issues by a transfer (their transferred_from), ascending.
  Result<std::vector<std::int64_t>> replacing(std::int64_t serial) const;
  Result<std::vector<std::int64_t>> reissuing(std::int64_t serial) const;
  // The rows `query` selects, by serial, each given to `row` until it returns false; a row that
  // does not read is given to `corrupt` (when empty: an error naming it). On a ledger from
  // before the search tables the customer and order are compared row by row.
  Result<void> visit(const LicenseQuery& query, const std::function<bool(LedgerEntry&)>& row,
                     const std::function<void(CorruptRow)>& corrupt) const;
  // The licenses and revocation lists issued in [since, until), counted by what a report tells
  // apart (no bound: from the first, to the last).
  Result<std::vector<LicenseTally>> tally(const std::optional<UnixTime>& since,
                                          const std::optional<UnixTime>& until) const;

  // In a write transaction: the serial the next insert() should use, above every serial ever
  // allocated; and the insert, with the entry's own serial, as the next link of the chain.
  Result<std::int64_t> next_serial();
  Result<void> insert(const LedgerEntry& entry);

 private:
  detail::LedgerContext* ledger_;
};

// The events that took licenses back, in chain order. They exist from schema version 3 on: on
// an older ledger (read as it is) reading them is an input error naming `ledger migrate`.
class EventStore {
 public:
  explicit EventStore(detail::LedgerContext* ledger) : ledger_(ledger) {}

  Result<std::vector<LedgerEvent>> all() const;
  Result<std::vector<LedgerEvent>> of_license(std::int64_t serial) const;
  // What a revocation list issued at `list_issued_at` names: every serial an event took back,
  // ascending, but those whose license has expired by then (list_names), which are counted.
  struct TakenBack {
    std::vector<std::int64_t> listed;
    std::size_t expired = 0;
  };
  Result<TakenBack> taken_back(UnixTime list_issued_at) const;
  // The licenses voided in [since, until) (by the time of the event), counted by kind, edition
  // and users.
  Result<std::vector<LicenseTally>> voided_tally(const std::optional<UnixTime>& since,
                                                 const std::optional<UnixTime>& until) const;
  // In a write transaction: the event as the next link of the chain.
  Result<void> insert(const LedgerEvent& event);

 private:
  detail::LedgerContext* ledger_;
};

// Which codes `CodeStore::find_all` lists: every one, or those of a reseller, an order, a state.
struct CodeQuery {
  std::optional<std::string> reseller;
  std::optional<std::string> order;
  std::optional<CodeState> state;
  std::int64_t after = 0;  // numbers above this one
  std::size_t limit = 0;   // 0: every one
};

// Activation codes and what happened to them (redeemed, voided), from schema version 6 on: on
// an older ledger (read as it is) there are none. A code is looked up by the hash of its
// normalized text (ActivationCode::hash_hex), never by the text.
class CodeStore {
 public:
  explicit CodeStore(detail::LedgerContext* ledger) : ledger_(ledger) {}

  Result<std::optional<CodeRecord>> find(std::int64_t number) const;
  Result<std::optional<CodeRecord>> find_by_hash(const std::string& code_hash) const;
  // By number.
  Result<std::vector<CodeRecord>> find_all(const CodeQuery& query) const;
  // Per reseller (nullopt: none given), by reseller: the codes made in [since, until) and how
  // many of them are redeemed, voided and open (neither) now.
  Result<std::vector<CodeCounts>> counts(const std::optional<UnixTime>& since,
                                         const std::optional<UnixTime>& until) const;

  // In a write transaction: the number the next insert() should use; the code and an event of
  // one, each as the next link of the chain.
  Result<std::int64_t> next_number();
  Result<void> insert(const CodeRow& code);
  Result<void> insert_event(const CodeEvent& event);

 private:
  detail::LedgerContext* ledger_;
};

// The keys the ledger issues with, in the order they were registered.
class KeyStore {
 public:
  explicit KeyStore(detail::LedgerContext* ledger) : ledger_(ledger) {}

  // Whether the development key may be registered (tests and demos only).
  enum class DevelopmentKey { refuse, allow };
  enum class Added {
    added,                // a new signing key
    public_key_recorded,  // a migrated key, whose public key the ledger did not know
    already_known,        // nothing changed
  };

  Result<std::vector<SigningKey>> all() const;
  Result<bool> knows(const std::string& key_id) const;
  // A development ledger: one of its signing keys is the development key.
  Result<bool> development() const;
  // Registers a signing key (key rotation). Refuses the development key (development_key)
  // unless `development` is allow.
  Result<Added> add(const PublicKey& key, DevelopmentKey development = DevelopmentKey::refuse);

 private:
  detail::LedgerContext* ledger_;
};

// seatkey-server's bearer tokens (api_tokens.hpp), in the order they were created.
class TokenStore {
 public:
  explicit TokenStore(detail::LedgerContext* ledger) : ledger_(ledger) {}

  // Records a new token for `name` (check_token_name) and returns its bearer text, which the
  // ledger does not keep: the caller shows it once. Refused (token_name_taken) when a token of
  // that name exists, also a revoked one: rows name the token that wrote them; and
  // (token_expires_in_past) when its expiry is not after the clock. The creation is a link of
  // the chain that records `who` made it, and the token's limits.
  Result<SecureBuffer> create(const std::string& name, Role role, const std::string& who,
                              const TokenLimits& limits = {});
  Result<std::vector<ApiToken>> all() const;
  // The token of that name (also a revoked one), or nullopt.
  Result<std::optional<ApiToken>> find(const std::string& name) const;
  // The tokens a ledger had when it was migrated to the schema version that chains them, as
  // they stood then (name and revoked_at): they have no creation link.
  Result<std::vector<ApiToken>> before_chain() const;
  // Refused when there is no such token (no_such_token) or it is revoked already (token_revoked).
  // The revocation is a link of the chain that records `who` revoked it.
  Result<ApiToken> revoke(const std::string& name, const std::string& who);
  // The unrevoked token whose bearer text this is (hashes compared in constant time), or nullopt;
  // one whose expiry is not after `now` (default: the clock) is refused (token_expired).
  Result<std::optional<ApiToken>> authenticate(std::string_view bearer,
                                               std::optional<UnixTime> now = std::nullopt) const;

 private:
  detail::LedgerContext* ledger_;
};

// The answers seatkey-server gave to POST requests with an Idempotency-Key, recorded in the
// write transaction of what they report.
class AnswerStore {
 public:
  explicit AnswerStore(detail::LedgerContext* ledger) : ledger_(ledger) {}

  Result<std::optional<StoredAnswer>> find(const std::string& token_name, const std::string& key) const;
  Result<void> record(const std::string& token_name, const std::string& key, const StoredAnswer& answer);

 private:
  detail::LedgerContext* ledger_;
};

}  // namespace seatkey::keygen
