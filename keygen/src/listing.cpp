#include "seatkey/keygen/listing.hpp"

#include <algorithm>

#include "seatkey/keygen/error.hpp"
#include "text.hpp"

namespace seatkey::keygen {

bool is_listing_status(std::string_view name) {
  for (std::string_view s : kLicenseStatusNames) {
    if (s == name) return true;
  }
  return name == kUnknownStatus || name == kCorruptStatus;
}

std::string listing_status_list() {
  std::string out;
  for (std::string_view s : kLicenseStatusNames) out += std::string(s) + ", ";
  return out + std::string(kUnknownStatus) + ", " + std::string(kCorruptStatus);
}

Listing::Listing(const Ledger& ledger, const ListingFilter& filter, UnixTime now) {
  if (filter.status && !is_listing_status(*filter.status)) {
    throw_input_error("unknown status " + detail::quoted(*filter.status) +
                      " (one of: " + listing_status_list() + ")");
  }
  matched_ = ledger.rows(filter.rows);
  const RowFilter& f = filter.rows;
  // Matched rows are their appliances' whole history when nothing but the appliance picked them.
  const bool whole_history =
      !f.customer && !f.order && !f.since && !f.until && !f.kind && !f.after && !f.limit;
  std::map<std::string, std::vector<LedgerEntry>> history;
  for (const CorruptRow& c : matched_.corrupt) corrupt_in_.emplace(c.appliance, c.serial);
  if (whole_history) {
    for (const LedgerEntry& e : matched_.entries) history[e.appliance].push_back(e);
  } else {
    for (const LedgerEntry& e : matched_.entries) {
      if (history.count(e.appliance) != 0 || corrupt_in_.count(e.appliance) != 0) continue;
      LedgerRows all = ledger.rows(e.appliance);
      if (!all.corrupt.empty()) {
        corrupt_in_.emplace(e.appliance, all.corrupt.front().serial);
        continue;
      }
      history[e.appliance] = std::move(all.entries);
    }
  }
  for (auto& [appliance, entries] : history) {
    if (corrupt_in_.count(appliance) == 0)
      states_.emplace(appliance, ApplianceState(appliance, std::move(entries), now));
  }

  for (const LedgerEntry& e : matched_.entries) {
    const auto it = states_.find(e.appliance);
    rows_.push_back(
        {e.serial, &e, nullptr, it == states_.end() ? std::string(kUnknownStatus) : it->second.status_of(e)});
  }
  for (const CorruptRow& c : matched_.corrupt)
    rows_.push_back({c.serial, nullptr, &c, std::string(kCorruptStatus)});
  std::sort(rows_.begin(), rows_.end(),
            [](const ListedRow& a, const ListedRow& b) { return a.serial < b.serial; });
  if (f.limit && !rows_.empty() && rows_.size() >= *f.limit) continue_after_ = rows_.back().serial;
  if (filter.status) {
    rows_.erase(std::remove_if(rows_.begin(), rows_.end(),
                               [&](const ListedRow& r) { return r.status != *filter.status; }),
                rows_.end());
  }
}

}  // namespace seatkey::keygen
