#include "seatkey/keygen/queries.hpp"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cwchar>
#include <set>
#include <string_view>
#include <tuple>

#include "raise.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"

namespace seatkey::keygen {
namespace {

// The C library's Unicode character classes (glibc's C.UTF-8, built in since 2.35): the case
// mapping of every script, not only ASCII's. Made once; never freed.
locale_t unicode_locale() {
  static const locale_t kLocale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  return kLocale;
}

// Text as lower-case code points, for a search in any case: "müller" finds "MÜLLER Elektro
// GmbH", "école" finds "ÉCOLE". Simple case mapping, one character to one ("STRASSE" does not
// find "Straße"). A byte that is not UTF-8 stands for itself only (0xDC00 + byte, as Python's
// surrogateescape has it); without the locale, ASCII letters are still folded.
std::wstring folded(std::string_view text) {
  std::wstring out;
  out.reserve(text.size());
  const locale_t utf8 = unicode_locale();
  const locale_t previous = utf8 != locale_t{} ? uselocale(utf8) : locale_t{};
  std::mbstate_t state{};
  for (std::size_t at = 0; at < text.size();) {
    wchar_t c = 0;
    std::size_t n = utf8 != locale_t{} ? std::mbrtowc(&c, text.data() + at, text.size() - at, &state)
                                       : static_cast<std::size_t>(-1);
    if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2)) {
      const auto byte = static_cast<unsigned char>(text[at]);
      c = byte < 0x80 ? static_cast<wchar_t>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte)
                      : static_cast<wchar_t>(0xDC00 + byte);
      n = 1;
      state = std::mbstate_t{};
    } else {
      if (n == 0) n = 1;  // a NUL byte
      c = static_cast<wchar_t>(towlower_l(static_cast<wint_t>(c), utf8));
    }
    out.push_back(c);
    at += n;
  }
  if (utf8 != locale_t{}) uselocale(previous);
  return out;
}

// A filter's text, folded once for every row it is looked for in.
std::optional<std::wstring> folded_filter(const std::optional<std::string>& part) {
  if (!part) return std::nullopt;
  return folded(*part);
}

// `part` (folded) in `text`, letters of any script compared in any case.
bool contains_folded(const std::optional<std::string>& text, const std::wstring& part) {
  if (!text) return false;
  if (part.empty()) return true;
  return folded(*text).find(part) != std::wstring::npos;
}

bool in_period(UnixTime t, const std::optional<UnixTime>& since, const std::optional<UnixTime>& until) {
  return (!since || t >= *since) && (!until || t < *until);
}

// The serial of the newest revocation list, if any.
std::optional<std::int64_t> newest_list(const std::vector<LedgerEntry>& entries) {
  std::optional<std::int64_t> serial;
  std::int64_t seq = 0;
  for (const LedgerEntry& e : entries) {
    if (e.kind == LicenseKind::revocation && e.revocation_seq && *e.revocation_seq > seq) {
      seq = *e.revocation_seq;
      serial = e.serial;
    }
  }
  return serial;
}

std::string list_status(const LedgerEntry& e, const std::optional<std::int64_t>& newest) {
  return std::string(status_name(newest == e.serial ? Status::active : Status::superseded));
}

Listing listing_of(const Ledger& ledger, const LedgerFilter& f, UnixTime now) {
  LedgerRows rows = detail::take(ledger.licenses().rows(f.appliance));
  Listing out;
  out.corrupt = std::move(rows.corrupt);
  for (const CorruptRow& c : out.corrupt) out.corrupt_in.emplace(c.appliance, c.serial);
  std::map<std::string, std::vector<LedgerEntry>> by_appliance;
  for (const LedgerEntry& e : rows.entries) {
    if (e.kind != LicenseKind::revocation) by_appliance[e.appliance].push_back(e);
  }
  std::map<std::string, ApplianceState> states;
  for (auto& [appliance, history] : by_appliance) {
    if (out.corrupt_in.count(appliance) == 0)
      states.emplace(appliance, ApplianceState(appliance, std::move(history), now));
  }
  const std::optional<std::int64_t> newest = f.appliance ? std::nullopt : newest_list(rows.entries);
  const std::optional<std::wstring> customer = folded_filter(f.customer), order = folded_filter(f.order);
  for (LedgerEntry& e : rows.entries) {
    if (f.after && e.serial <= *f.after) continue;
    if (f.limit && out.rows.size() >= *f.limit) {
      // More rows may match.
      if (!out.rows.empty()) out.continue_after = out.rows.back().entry.serial;
      break;
    }
    std::string status;
    if (e.kind == LicenseKind::revocation) {
      status = list_status(e, newest);
    } else {
      const auto it = states.find(e.appliance);
      status = it == states.end() ? "unknown" : it->second.status_of(e);
    }
    if (customer && !contains_folded(e.customer, *customer)) continue;
    if (order && !contains_folded(e.order, *order)) continue;
    if (!in_period(e.issued_at, f.since, f.until)) continue;
    if (f.kind && e.kind != *f.kind) continue;
    if (f.status && status != status_name(*f.status)) continue;
    if (e.kind != LicenseKind::revocation) {
      if (const auto it = states.find(e.appliance); it != states.end()) out.appliances.emplace(*it);
    }
    out.rows.push_back({std::move(e), std::move(status)});
  }
  // Only the appliances of what matched cannot be judged.
  if (f.any()) {
    std::set<std::string> shown;
    for (const ListedRow& r : out.rows) shown.insert(r.entry.appliance);
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
  const std::vector<LedgerEntry> all = detail::take(ledger.licenses().all());
  if (entry->kind == LicenseKind::revocation) {
    r.status = list_status(*entry, newest_list(all));
    for (RevocationListRecord& list : detail::take(revocation_lists(ledger))) {
      if (list.entry.serial == serial) r.revocation = std::move(list.claims);
    }
  } else {
    std::vector<LedgerEntry> history;
    for (const LedgerEntry& e : all) {
      if (e.kind != LicenseKind::revocation && e.appliance == entry->appliance) history.push_back(e);
      if (e.replaces == serial) r.superseded_by.push_back(e.serial);
      if (e.transferred_from == serial) r.reissued_as.push_back(e.serial);
    }
    r.status = ApplianceState(entry->appliance, std::move(history), now).status_of(*entry);
    if (ledger.schema_version() >= 3) {
      r.events = detail::take(ledger.events().of_license(serial));
      const std::string text = std::to_string(serial);
      for (const RevocationListRecord& list : detail::take(revocation_lists(ledger))) {
        if (names_serial(list.claims.revoked, text)) {
          r.revoked_by.push_back(list.entry.serial);
        }
      }
    }
  }
  r.entry = std::move(*entry);
  return r;
}

Report report_of(const Ledger& ledger, const std::optional<UnixTime>& since,
                 const std::optional<UnixTime>& until) {
  Report report;
  report.since = since;
  report.until = until;
  const std::vector<LedgerEntry> all = detail::take(ledger.licenses().all());
  std::map<std::int64_t, const LedgerEntry*> by_serial;
  for (const LedgerEntry& e : all) by_serial.emplace(e.serial, &e);

  // Keyed by what orders the lines: category, kind, edition (or pack size).
  std::map<std::tuple<int, int, int>, ReportLine> lines;
  const auto add = [&](ReportCategory category, const LedgerEntry& e) {
    const int sub = e.kind == LicenseKind::server ? static_cast<int>(*e.edition) : e.users;
    ReportLine& line = lines[{static_cast<int>(category), static_cast<int>(e.kind), sub}];
    line.category = category;
    line.kind = e.kind;
    line.edition = e.edition;
    line.users_per_pack = e.kind == LicenseKind::users ? e.users : 0;
    line.licenses += 1;
    line.users += e.users;
  };
  for (const LedgerEntry& e : all) {
    if (!in_period(e.issued_at, since, until)) continue;
    if (e.kind == LicenseKind::revocation) {
      ++report.revocation_lists;
      continue;
    }
    if (!is_license(e.kind)) continue;
    ReportCategory category = ReportCategory::sale;
    if (e.transferred_from) {
      category = ReportCategory::transfer;
      if (e.kind == LicenseKind::server) ++report.appliances_transferred;
    } else if (e.kind == LicenseKind::server && !is_commercial(*e.edition)) {
      category = ReportCategory::free;
    } else if (e.replaces) {
      const auto replaced = by_serial.find(*e.replaces);
      const bool commercial = replaced != by_serial.end() && replaced->second->edition &&
                              is_commercial(*replaced->second->edition);
      if (commercial) category = ReportCategory::replacement;
    }
    add(category, e);
  }
  if (ledger.schema_version() >= 3) {
    for (const LedgerEvent& ev : detail::take(ledger.events().all())) {
      if (ev.kind != EventKind::voided || !in_period(ev.at, since, until)) continue;
      const auto e = by_serial.find(ev.serial);
      if (e != by_serial.end()) add(ReportCategory::void_, *e->second);
    }
  }
  for (auto& [key, line] : lines) report.lines.push_back(line);
  return report;
}

}  // namespace

Result<Listing> list_ledger(const Ledger& ledger, const LedgerFilter& filter, UnixTime now) {
  return detail::guarded([&] { return listing_of(ledger, filter, now); });
}

Result<std::optional<LicenseRecord>> show_license(const Ledger& ledger, std::int64_t serial, UnixTime now) {
  return detail::guarded([&] { return record_of(ledger, serial, now); });
}

Result<Report> make_report(const Ledger& ledger, const std::optional<UnixTime>& since,
                           const std::optional<UnixTime>& until) {
  return detail::guarded([&] {
    Report r = report_of(ledger, since, until);
    r.codes = detail::take(ledger.codes().counts(since, until));
    return r;
  });
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
