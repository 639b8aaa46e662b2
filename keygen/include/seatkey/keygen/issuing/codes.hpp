// Activation codes (docs/back-office.md, "Selling through partners"): a code is an order
// waiting for its appliance. `code new` records codes and their items; redeeming one issues its
// items for an appliance under every issuing rule (the issuer's own), all or nothing, and
// answers the appliance's whole license file; voiding one takes it back, and on a redeemed one
// (a refund) the licenses it issued. Each operation is one write transaction; a code's text is
// shown once, only after it is recorded, and the ledger keeps only its hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/activation_code.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen {

// What one code issues, item by item: a server license (with an update option and an expiry
// in months from activation), user packs, or the extension of the update option of the
// appliance's current server license (a replacement server license).
struct CodeItem {
  enum class Type { server, users, updates };
  Type type = Type::server;
  Edition edition = Edition::free;  // server
  int update_months = 0;            // server: 0 for none; updates: the months added
  int expires_months = 0;           // server: 0 for no expiry (a rental otherwise)
  int users = 0;                    // users: the pack size
  int count = 1;                    // users: how many packs
};

inline constexpr int kMaxCodeMonths = 120;
inline constexpr int kMaxCodesPerBatch = 10000;
inline constexpr std::size_t kMaxCodeItems = 100;  // --item values of one code

// One item as typed: "server:EDITION[,updates:MONTHS][,expires:MONTHS]", "users:SIZE[xCOUNT]" or
// "updates:MONTHS". An input error naming what is wrong.
Result<CodeItem> parse_code_item(std::string_view text);
// The items as the ledger records them ("server:compact,updates:12 users:5x2"): same-sized
// packs merged. Input errors for items that can never be redeemed together: two server items,
// an update extension with a server item, packs or an update option for an edition without
// them, more users than the edition's maximum.
Result<std::string> code_items_text(const std::vector<CodeItem>& items);
// The items of a recorded code; an input error for text code_items_text would not write.
Result<std::vector<CodeItem>> parse_code_items(std::string_view text);
// "compact server license with 12 months of updates + 2 packs of 5 users", for people.
std::string describe_code_items(std::string_view items_text);

// t plus `months` calendar months (the day kept, or the month's last day), in UTC.
UnixTime add_months(UnixTime t, int months);

struct CodeBatch {
  int count = 1;
  std::vector<CodeItem> items;
  std::optional<std::string> reseller;
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> valid_until;
};

struct NewCode {
  CodeRow row;
  ActivationCode code;  // shown once, never stored
};

// seatkey-server's POST /v1/codes body {"count"?, "items": [...], "reseller"?, "customer"?,
// "order"?, "valid_until"?}, read strictly (as an `issue batch` file); input errors name the field.
Result<CodeBatch> parse_code_batch(std::string_view json_text);

// Records `batch.count` new codes in one transaction and returns them with their text. Input
// errors: a count out of range, no items, text that is no valid text, a valid-until date not in
// the future.
Result<std::vector<NewCode>> create_codes(Ledger& ledger, const CodeBatch& batch,
                                          const EventOptions& options);
// The same inside a caller's write transaction; the caller commits.
Result<std::vector<NewCode>> create_codes(Ledger& ledger, Ledger::Transaction& tx, const CodeBatch& batch,
                                          const EventOptions& options);

struct RedeemOptions {
  std::string issuer = std::string(kDefaultIssuer);
  std::string who;                        // who records the redemption; empty: "code no. N"
  std::optional<std::string> written_by;  // recorded in each new license row
  std::optional<UnixTime> now;
};

struct RedeemResult {
  CodeRecord code;                  // as it is after the redemption
  std::string appliance;            // canonical
  bool already = false;             // the same code and appliance again: nothing issued
  std::vector<LedgerEntry> issued;  // the new licenses, by serial
  ApplianceSummary after;           // what the appliance has now
  std::string license_file;         // its whole license file, as export writes it
};

// The appliance a redeemed code answers for now: the one it was redeemed for, or the one the
// desk transferred its licenses to since.
Result<std::string> code_appliance(const Ledger& ledger, const CodeRecord& code);

// Redeems `code` for `appliance` (canonical) inside the caller's write transaction. Not found
// (code_unknown) for a code the ledger does not have; refused: the code was voided (code_void),
// is past its valid-until date (code_expired), or answers for another appliance
// (code_redeemed_elsewhere); every issuing rule's refusal for its items. The same code and
// appliance again answer the appliance's license file and issue nothing.
Result<RedeemResult> redeem_code(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                 const ActivationCode& code, const std::string& appliance,
                                 const RedeemOptions& options);
// The same in a transaction of its own.
Result<RedeemResult> redeem_code(Ledger& ledger, const Signer& signer, const ActivationCode& code,
                                 const std::string& appliance, const RedeemOptions& options);

// A typed code read for people: the code, or an input error (code_mistyped) naming the groups
// to check, before anything is looked up.
Result<ActivationCode> read_typed_code(std::string_view typed);

struct CodeVoidResult {
  CodeRecord code;                  // as it was before
  std::vector<LedgerEntry> voided;  // the licenses it had issued that were voided
};

// Voids code `number`: an unredeemed one cannot be redeemed any more; of a redeemed one (a
// refund) every license it issued that is not taken back yet is voided too, so the next
// revocation list names it. Not found (code_unknown); refused when it is voided already
// (code_void). `reason` is required.
Result<CodeVoidResult> void_code(Ledger& ledger, Ledger::Transaction& tx, std::int64_t number,
                                 const std::string& reason, const EventOptions& options);
Result<CodeVoidResult> void_code(Ledger& ledger, std::int64_t number, const std::string& reason,
                                 const EventOptions& options);

}  // namespace seatkey::keygen
