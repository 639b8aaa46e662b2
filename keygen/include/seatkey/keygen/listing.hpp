// What `seatkey-keygen ledger list` and seatkey-server's license queries show: the rows a
// filter picks, each with its status, and the appliances they belong to. A row's status is what
// the licensing rules make of it now, judged on its appliance's whole history (not only on the
// rows the filter picked); an appliance with a corrupt row cannot be judged ("unknown").
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/rules.hpp"

namespace seatkey::keygen {

// The statuses a listed row may have: those of ApplianceState::status_of(), "unknown" (its
// appliance has a corrupt row) and "corrupt" (the row cannot be read).
inline constexpr std::string_view kUnknownStatus = "unknown";
inline constexpr std::string_view kCorruptStatus = "corrupt";
bool is_listing_status(std::string_view name);
// "active, superseded, expired, valid, unknown, corrupt"
std::string listing_status_list();

struct ListingFilter {
  RowFilter rows;
  std::optional<std::string> status;  // only rows with this status (one of the names above)
};

struct ListedRow {
  std::int64_t serial = 0;
  const LedgerEntry* entry = nullptr;   // a row that could be read
  const CorruptRow* corrupt = nullptr;  // or one that could not
  std::string status;
};

class Listing {
 public:
  Listing(const Ledger& ledger, const ListingFilter& filter, UnixTime now);
  Listing(const Listing&) = delete;
  Listing& operator=(const Listing&) = delete;

  // The rows that match, by serial.
  const std::vector<ListedRow>& rows() const { return rows_; }
  // The appliances of the matched rows that can be judged, with their whole history.
  const std::map<std::string, ApplianceState>& appliances() const { return states_; }
  // The appliances of the matched rows that have a corrupt row (one of them each).
  const std::map<std::string, std::int64_t>& unjudged_appliances() const { return corrupt_in_; }
  // With RowFilter::limit: the serial to continue after when the limit was reached (more rows
  // may match), else nullopt.
  const std::optional<std::int64_t>& continue_after() const { return continue_after_; }

 private:
  LedgerRows matched_;
  std::map<std::string, ApplianceState> states_;
  std::map<std::string, std::int64_t> corrupt_in_;
  std::vector<ListedRow> rows_;
  std::optional<std::int64_t> continue_after_;
};

}  // namespace seatkey::keygen
