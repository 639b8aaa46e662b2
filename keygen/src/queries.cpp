// Finding things in the ledger: each question answered from the ledger's indexes (its stores
// hold the SQL), and what the rows found mean for their appliances, each judged from its own rows.
#include "seatkey/keygen/queries.hpp"

#include <algorithm>
#include <set>

#include "issuing/revocation_claims.hpp"
#include "raise.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"

namespace seatkey::keygen {
namespace {

// The serial of the newest revocation list, if any.
std::optional<std::int64_t> newest_list(const Ledger& ledger) {
  const auto newest = detail::take(ledger.licenses().newest_revocation_list());
  if (!newest) return std::nullopt;
  return newest->serial;
}

std::string list_status(const LedgerEntry& e, const std::optional<std::int64_t>& newest) {
  return std::string(status_name(newest == e.serial ? Status::active : Status::superseded));
}

// The appliances of a listing, each judged once from its own rows (licenses_by_appliance), and
// the rows that do not read, each set apart once.
class Judged {
 public:
  Judged(const Ledger& ledger, UnixTime now, Listing& out) : ledger_(ledger), now_(now), out_(out) {}

  // The appliance's state; nullptr when a row of its own does not read.
  const ApplianceState* state_of(const std::string& appliance) {
    auto it = states_.find(appliance);
    if (it == states_.end()) {
      LedgerRows rows = detail::take(ledger_.licenses().rows(appliance));
      std::optional<ApplianceState> state;
      if (rows.corrupt.empty()) state.emplace(appliance, std::move(rows.entries), now_);
      for (CorruptRow& c : rows.corrupt) set_apart(std::move(c));
      it = states_.emplace(appliance, std::move(state)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  void set_apart(CorruptRow c) {
    const auto [at, added] = out_.corrupt_in.emplace(c.appliance, c.serial);
    if (!added) at->second = std::min(at->second, c.serial);
    if (corrupt_.insert(c.serial).second) out_.corrupt.push_back(std::move(c));
  }

  // The listing's appliances: those of `shown` that can be judged, their states moved there.
  void hand_over(const std::set<std::string>& shown) {
    for (const std::string& appliance : shown) {
      auto it = states_.find(appliance);
      if (it != states_.end() && it->second) out_.appliances.emplace(appliance, std::move(*it->second));
    }
    std::sort(out_.corrupt.begin(), out_.corrupt.end(),
              [](const CorruptRow& a, const CorruptRow& b) { return a.serial < b.serial; });
  }

 private:
  const Ledger& ledger_;
  UnixTime now_;
  Listing& out_;
  std::map<std::string, std::optional<ApplianceState>> states_;
  std::set<std::int64_t> corrupt_;
};

Listing listing_of(const Ledger& ledger, const LedgerFilter& f, UnixTime now) {
  Listing out;
  Judged judged(ledger, now, out);
  LicenseQuery q{f.appliance, f.customer, f.order, f.since, f.until, f.kind, f.after, std::nullopt};
  // One row more than the page says whether more match; a status is known only once judged.
  if (f.limit && !f.status) q.limit = *f.limit + 1;
  std::optional<std::optional<std::int64_t>> newest;
  std::set<std::string> shown;
  detail::take(ledger.licenses().visit(
      q,
      [&](LedgerEntry& e) {
        std::string status;
        if (e.kind == LicenseKind::revocation) {
          if (!newest) newest = newest_list(ledger);
          status = list_status(e, *newest);
        } else {
          const ApplianceState* state = judged.state_of(e.appliance);
          status = state ? state->status_of(e) : "unknown";
        }
        if (f.status && status != status_name(*f.status)) return true;
        if (f.limit && out.rows.size() >= *f.limit) {
          // More rows match.
          if (!out.rows.empty()) out.continue_after = out.rows.back().entry.serial;
          return false;
        }
        if (e.kind != LicenseKind::revocation) shown.insert(e.appliance);
        out.rows.push_back({std::move(e), std::move(status)});
        return true;
      },
      [&](CorruptRow c) { judged.set_apart(std::move(c)); }));
  judged.hand_over(shown);
  // Only the appliances of what matched cannot be judged.
  if (f.any()) {
    for (auto it = out.corrupt_in.begin(); it != out.corrupt_in.end();) {
      it = shown.count(it->first) ? std::next(it) : out.corrupt_in.erase(it);
    }
  }
  return out;
}

std::optional<LicenseRecord> record_of(const Ledger& ledger, std::int64_t serial, UnixTime now) {
  auto entry = detail::take(ledger.licenses().find(serial));
  if (!entry) return std::nullopt;
  LicenseRecord r;
  if (entry->kind == LicenseKind::revocation) {
    r.status = list_status(*entry, newest_list(ledger));
    r.revocation = detail::claims_of_list(ledger, *entry, true);
  } else {
    const ApplianceState state(entry->appliance,
                               detail::take(ledger.licenses().of_appliance(entry->appliance)), now);
    r.status = state.status_of(*entry);
    r.superseded_by = detail::take(ledger.licenses().replacing(serial));
    r.reissued_as = detail::take(ledger.licenses().reissuing(serial));
    if (ledger.schema_version() >= 3) {
      r.events = detail::take(ledger.events().of_license(serial));
      r.revoked_by = detail::take(ledger.licenses().lists_naming(serial));
    }
  }
  r.entry = std::move(*entry);
  return r;
}

}  // namespace

Result<Listing> list_ledger(const Ledger& ledger, const LedgerFilter& filter, UnixTime now) {
  return detail::guarded([&] { return listing_of(ledger, filter, now); });
}

Result<std::optional<LicenseRecord>> show_license(const Ledger& ledger, std::int64_t serial, UnixTime now) {
  return detail::guarded([&] { return record_of(ledger, serial, now); });
}

namespace {

// The feed's event of a link, or nullopt for a link that is none (a code made, an API token).
std::optional<FeedEvent> feed_event(const ChainLink& link) {
  if (!link.corrupt.empty()) {
    detail::raise_internal("link " + std::to_string(link.seq) + " of the chain does not read (" +
                           link.corrupt + "): ledger verify names what is wrong");
  }
  FeedEvent f;
  f.seq = link.seq;
  if (link.entry) {
    f.type = link.entry->kind == LicenseKind::revocation ? FeedType::revocation : FeedType::issue;
    f.license = link.entry;
  } else if (link.event) {
    f.type = link.event->kind == EventKind::voided ? FeedType::void_ : FeedType::transfer;
    f.event = link.event;
  } else if (link.code_event) {
    f.type = link.code_event->kind == CodeEventKind::redeem ? FeedType::code_redemption : FeedType::code_void;
    f.code_event = link.code_event;
  } else {
    return std::nullopt;
  }
  return f;
}

}  // namespace

Result<Feed> read_feed(const Ledger& ledger, std::int64_t after, std::size_t limit) {
  return detail::guarded([&] {
    Feed feed;
    feed.next_after = after;
    std::size_t links = 0;
    // One link more than the page: whether there is more to read now.
    detail::take(ledger.read_chain(after, limit + 1, [&](const ChainLink& link) {
      if (++links > limit) {
        feed.more = true;
        return false;
      }
      feed.next_after = link.seq;
      if (auto e = feed_event(link)) feed.events.push_back(std::move(*e));
      return true;
    }));
    return feed;
  });
}

}  // namespace seatkey::keygen
