// What a report counts, as the databases count it: the licenses issued in a period (by issue
// time, licenses_by_issued_at) and the ones voided in it (by event time, events_by_at), grouped
// by what tells its lines apart. Which line a group is on is the report's to decide (queries.cpp).
#include "ledger/context.hpp"
#include "ledger/records.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {
namespace detail {
namespace {

// Columns 0 to 2 of `s`: kind, edition and users, as a group that does not read is told.
LicenseTally read_tally(const LedgerContext& ledger, const Statement& s) {
  LicenseTally t;
  const std::string kind = s.text(0);
  const auto parsed = parse_kind(kind);
  const std::optional<std::string> edition = s.optional_text(1);
  if (edition) t.edition = parse_edition(*edition);
  if (!parsed || (edition && !t.edition)) {
    raise(Code::ledger_corrupt,
          "ledger " + ledger.path + " has licenses of kind \"" + kind + "\"" +
              (edition ? " and edition \"" + *edition + "\"" : std::string()) +
              ", which a report cannot count",
          {}, "seatkey-keygen ledger verify --ledger " + ledger.path);
  }
  t.kind = *parsed;
  t.users = static_cast<int>(s.integer(2));
  return t;
}

}  // namespace

void bind_period(Statement& s, const std::optional<UnixTime>& since, const std::optional<UnixTime>& until) {
  s.bind(1, std::string_view(since ? format_rfc3339(*since) : std::string()));
  s.bind(2, std::string_view(until ? format_rfc3339(*until) : std::string("~")));
}

}  // namespace detail

Result<std::vector<LicenseTally>> LicenseStore::tally(const std::optional<UnixTime>& since,
                                                      const std::optional<UnixTime>& until) const {
  return detail::guarded([&] {
    const std::string transferred =
        ledger_->version >= 3 ? "CASE WHEN l.transferred_from IS NULL THEN 0 ELSE 1 END" : "0";
    detail::Statement s(
        *ledger_->db,
        "SELECT l.kind, l.edition, l.users, " + transferred +
            ", r.edition, COUNT(*) FROM licenses l LEFT JOIN licenses r ON r.serial = l.replaces "
            "WHERE l.issued_at >= ?1 AND l.issued_at < ?2 GROUP BY l.kind, l.edition, l.users, " +
            transferred + ", r.edition");
    detail::bind_period(s, since, until);
    std::vector<LicenseTally> out;
    while (s.step()) {
      LicenseTally t = detail::read_tally(*ledger_, s);
      t.transferred = s.integer(3) != 0;
      if (const auto replaced = s.optional_text(4)) t.replaced_edition = parse_edition(*replaced);
      t.licenses = s.integer(5);
      out.push_back(t);
    }
    return out;
  });
}

Result<std::vector<LicenseTally>> EventStore::voided_tally(const std::optional<UnixTime>& since,
                                                           const std::optional<UnixTime>& until) const {
  return detail::guarded([&] {
    ledger_->require_chain();
    detail::Statement s(
        *ledger_->db,
        "SELECT l.kind, l.edition, l.users, COUNT(*) FROM events e "
        "JOIN licenses l ON l.serial = e.serial "
        "WHERE e.type = 'void' AND e.at >= ?1 AND e.at < ?2 GROUP BY l.kind, l.edition, l.users");
    detail::bind_period(s, since, until);
    std::vector<LicenseTally> out;
    while (s.step()) {
      LicenseTally t = detail::read_tally(*ledger_, s);
      t.licenses = s.integer(3);
      out.push_back(t);
    }
    return out;
  });
}

}  // namespace seatkey::keygen
