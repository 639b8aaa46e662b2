// Finding things in the ledger: its rows with where each stands (filtered), one license with
// everything the ledger knows about it, and the report of what was sold, given away, replaced,
// transferred and voided in a period. Read only; no SQL here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen {

struct LedgerFilter {
  std::optional<std::string> appliance;  // canonical
  std::optional<std::string> customer;   // a part of the customer, letters of any script in any case
  std::optional<std::string> order;      // a part of the order reference, the same way
  std::optional<UnixTime> since;         // issued at or after
  std::optional<UnixTime> until;         // issued before
  std::optional<LicenseKind> kind;
  std::optional<Status> status;
  // Pages (seatkey-server): only serials above `after`, and at most `limit` rows.
  std::optional<std::int64_t> after;
  std::optional<std::size_t> limit;
  bool any() const { return customer || order || since || until || kind || status || after || limit; }
};

struct ListedRow {
  LedgerEntry entry;
  std::string status;  // a Status name; "unknown" when its appliance has a corrupt row
};

struct Listing {
  std::vector<ListedRow> rows;  // the rows the filter matches, by serial
  // Rows that do not read, by serial: among those the appliance, customer, order, period, kind
  // and page select, and of the appliances judged.
  std::vector<CorruptRow> corrupt;
  // The appliances of the matching rows that can be judged, what they have now; and the
  // appliances that cannot (a corrupt row of theirs: its serial).
  std::map<std::string, ApplianceState> appliances;
  std::map<std::string, std::int64_t> corrupt_in;
  // With LedgerFilter::limit: the serial to continue after when the limit cut the list short.
  std::optional<std::int64_t> continue_after;
};

// Statuses are judged at `now` from every row of each appliance (not only the matching ones),
// read once per appliance. A revocation list is "active" while it is the newest, "superseded"
// after. Every filter but the status is answered from an index; with a limit, the page ends
// where `limit` rows matched and continue_after says whether more match.
Result<Listing> list_ledger(const Ledger& ledger, const LedgerFilter& filter, UnixTime now);

// Everything the ledger knows about one row.
struct LicenseRecord {
  LedgerEntry entry;
  std::string status;
  std::vector<LedgerEvent> events;           // what took it back
  std::vector<std::int64_t> superseded_by;   // server licenses issued to replace it (replaces)
  std::vector<std::int64_t> reissued_as;     // its re-issue by a transfer (transferred_from)
  std::vector<std::int64_t> revoked_by;      // the revocation lists (serials) that name it
  std::optional<RevocationList> revocation;  // a revocation list's claims
};
// nullopt when the ledger has no such serial.
Result<std::optional<LicenseRecord>> show_license(const Ledger& ledger, std::int64_t serial, UnixTime now);

// ---- The report ------------------------------------------------------------------------------

// Why a license was issued or taken back, for the report. A sale is a commercial server
// license (also one upgrading free) or a pack; a free server license is given away; a
// replacement (`--replace` of a commercial license) and a transfer's re-issue are not sold
// again; a void is the taking back of a license (a transfer's taking back counts with the
// transfer).
enum class ReportCategory { sale, free, replacement, transfer, void_ };
inline constexpr std::array<std::string_view, 5> kReportCategoryNames{
    {"sale", "free", "replacement", "transfer", "void"}};
constexpr std::string_view report_category_name(ReportCategory c) {
  return kReportCategoryNames[static_cast<std::size_t>(c)];
}

struct ReportLine {
  ReportCategory category = ReportCategory::sale;
  LicenseKind kind = LicenseKind::server;
  std::optional<Edition> edition;  // server licenses
  int users_per_pack = 0;          // packs: 1 or 5
  std::int64_t licenses = 0;
  std::int64_t users = 0;  // the users they carry (a server license: its included users)
};

struct Report {
  std::optional<UnixTime> since, until;
  // One line per category, kind, edition and pack size that has licenses: categories in
  // ReportCategory order, server licenses in edition order, then packs of 1, then of 5.
  std::vector<ReportLine> lines;
  std::int64_t appliances_transferred = 0;  // transfers in the period
  std::int64_t revocation_lists = 0;        // revocation lists issued in the period
  // Activation codes made in the period, per reseller, and where they stand now.
  std::vector<CodeCounts> codes;
};
// Licenses by their issue time, voids by the time of the event: since <= t < until.
Result<Report> make_report(const Ledger& ledger, const std::optional<UnixTime>& since,
                           const std::optional<UnixTime>& until);

// ---- The event feed -----------------------------------------------------------------------

// What an ERP polls instead of webhooks (GET /v1/events): what happened to licenses and codes, in
// chain order. A code's creation and an API token's links are no events of the feed; the cursor
// moves past them.
enum class FeedType { issue, revocation, void_, transfer, code_redemption, code_void };
inline constexpr std::array<std::string_view, 6> kFeedTypeNames{
    {"issue", "revocation", "void", "transfer", "code_redemption", "code_void"}};
constexpr std::string_view feed_type_name(FeedType t) {
  return kFeedTypeNames[static_cast<std::size_t>(t)];
}

struct FeedEvent {
  std::int64_t seq = 0;  // its link's chain_seq: the cursor
  FeedType type = FeedType::issue;
  std::optional<LedgerEntry> license;   // issue, revocation
  std::optional<LedgerEvent> event;     // void, transfer
  std::optional<CodeEvent> code_event;  // code_redemption, code_void
};

struct Feed {
  std::vector<FeedEvent> events;
  std::int64_t next_after = 0;  // the cursor to poll with next: the last link read, else `after`
  bool more = false;            // the limit cut the page: more links are there now
};

inline constexpr std::size_t kDefaultFeedLimit = 100;
inline constexpr std::size_t kMaxFeedLimit = 1000;

// The events of the links after chain_seq `after`, reading at most `limit` links. A link that
// does not read is an internal error naming it (`ledger verify` tells more).
Result<Feed> read_feed(const Ledger& ledger, std::int64_t after, std::size_t limit);

}  // namespace seatkey::keygen
