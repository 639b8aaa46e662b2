// The licenses table: every issued token (licenses and revocation lists), by serial.
#include <algorithm>
#include <cstring>
#include <variant>

#include "ledger/context.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"
#include "ledger/search.hpp"
#include "seatkey/common/time.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace detail {

std::optional<ChainHash> as_chain_hash(const std::string& bytes) {
  if (bytes.size() != sizeof(ChainHash)) return std::nullopt;
  ChainHash h{};
  std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

std::string select_licenses(int version) {
  return select_sql(license_spec(), version,
                    version >= 3
                        ? ", chain_hash, (SELECT type FROM events WHERE events.serial = licenses.serial "
                          "ORDER BY chain_seq LIMIT 1)"
                        : ", NULL, NULL");
}

int license_column(std::string_view name) {
  return license_spec().index_of(name);
}

int license_chain_hash_column() {
  return static_cast<int>(license_spec().size);
}

Result<LedgerEntry> read_license(const Statement& s) {
  const std::int64_t serial = s.integer(license_column("serial"));
  const std::string appliance = s.text(license_column("appliance"));
  const std::string kind = s.text(license_column("kind"));
  LedgerEntry e;
  try {
    read_row(license_spec(), e, s);
    const int hash = license_chain_hash_column();
    if (!s.is_null(hash)) e.chain_hash = as_chain_hash(s.bytes(hash));
    if (!s.is_null(hash + 1)) {
      const std::string type = s.text(hash + 1);
      e.voided = event_kind_named(type);
      if (!e.voided) raise_internal("its event has type \"" + type + "\"");
    }
  } catch (const Raised& r) {
    const std::string what = kind == kind_name(LicenseKind::revocation) ? std::string(" (revocation list)")
                                                                        : " (appliance " + appliance + ")";
    return Error(Code::ledger_corrupt,
                 "row " + std::to_string(serial) + what + " is corrupt: " + r.error.message,
                 {{"serial", serial}});
  }
  return e;
}

namespace {

// The rows `where` selects (a clause after WHERE, or empty), by serial; `bind` binds its
// parameters. Each row that reads goes to `row` until it returns false; one that does not is
// raised, naming it, when `corrupt` is empty, else handed to it.
// `limit`: at most that many rows.
void each(const LedgerContext& ledger, const std::string& where, const std::function<void(Statement&)>& bind,
          const std::function<bool(LedgerEntry&)>& row, const std::function<void(CorruptRow)>& corrupt,
          std::optional<std::size_t> limit = std::nullopt) {
  std::string sql = select_licenses(ledger.version);
  if (!where.empty()) sql += " WHERE " + where;
  sql += " ORDER BY serial";
  // Integers only: nothing a client sent is spliced into the statement as text.
  if (limit) sql += " LIMIT " + std::to_string(*limit);
  Statement s(*ledger.db, sql);
  if (bind) bind(s);
  while (s.step()) {
    auto e = read_license(s);
    if (e) {
      if (!row(*e)) return;
      continue;
    }
    const std::string appliance = s.text(license_column("appliance"));
    if (!corrupt) {
      raise(Code::ledger_corrupt,
            "ledger " + ledger.path + ": " + e.error().message + "; " +
                (appliance.empty() ? std::string("it") : "appliance " + appliance) +
                " cannot be judged until the row is repaired (docs/back-office.md, \"A corrupt row\")",
            e.error().members);
    }
    corrupt({s.integer(license_column("serial")), appliance, e.error().message});
  }
}

// The same, every row in a list. Strict: a row that does not read is raised; else set apart.
LedgerRows select(const LedgerContext& ledger, const std::string& where,
                  const std::function<void(Statement&)>& bind, bool strict) {
  LedgerRows out;
  each(
      ledger, where, bind,
      [&](LedgerEntry& e) {
        out.entries.push_back(std::move(e));
        return true;
      },
      strict ? std::function<void(CorruptRow)>()
             : [&](CorruptRow c) { out.corrupt.push_back(std::move(c)); });
  return out;
}

// A query's conditions and their parameters, numbered as they are added.
struct Conditions {
  std::vector<std::string> sql;
  std::vector<std::variant<std::int64_t, std::string>> values;

  std::string parameter(std::variant<std::int64_t, std::string> value) {
    values.push_back(std::move(value));
    return "?" + std::to_string(values.size());
  }
  std::string where() const {
    std::string out;
    for (const std::string& c : sql) out += (out.empty() ? "" : " AND ") + c;
    return out;
  }
  void bind(Statement& s) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<std::int64_t>(&values[i]))
        s.bind(index, *n);
      else
        s.bind(index, std::string_view(std::get<std::string>(values[i])));
    }
  }
};

Conditions conditions_of(const LedgerContext& ledger, const LicenseQuery& q) {
  Conditions c;
  if (q.appliance) c.sql.push_back("appliance = " + c.parameter(*q.appliance));
  if (q.after) c.sql.push_back("serial > " + c.parameter(*q.after));
  if (q.kind) c.sql.push_back("kind = " + c.parameter(std::string(kind_name(*q.kind))));
  // RFC 3339 times of one form compare as text (licenses_by_issued_at).
  if (q.since) c.sql.push_back("issued_at >= " + c.parameter(format_rfc3339(*q.since)));
  if (q.until) c.sql.push_back("issued_at < " + c.parameter(format_rfc3339(*q.until)));
  if (ledger.version < kSearchVersion) return c;
  for (const auto& [part, column] :
       {std::pair(&q.customer, SearchColumn::customer), std::pair(&q.order, SearchColumn::order)}) {
    if (!*part) continue;
    const std::string folded = search_folded(**part);
    const int index = static_cast<int>(c.values.size()) + 1;
    c.values.emplace_back(search_parameter(*ledger.db, column, folded));
    c.sql.push_back(search_condition(*ledger.db, column, folded, index));
  }
  return c;
}

// Whether `text` holds `folded` (search_folded), row by row: a ledger without search tables.
bool holds(const std::optional<std::string>& text, const std::optional<std::string>& folded) {
  return !folded || (text && search_folded(*text).find(*folded) != std::string::npos);
}

void visit(const LedgerContext& ledger, const LicenseQuery& q, const std::function<bool(LedgerEntry&)>& row,
           const std::function<void(CorruptRow)>& corrupt) {
  const Conditions c = conditions_of(ledger, q);
  std::optional<std::string> customer, order;
  if (ledger.version < kSearchVersion) {
    if (q.customer) customer = search_folded(*q.customer);
    if (q.order) order = search_folded(*q.order);
  }
  // Rows compared here count only once they match: the statement's limit is then the count's.
  const bool by_row = customer || order;
  std::size_t given = 0;
  const auto room = [&] { return !q.limit || ++given < *q.limit; };
  std::function<void(CorruptRow)> set_apart;
  if (corrupt) {
    set_apart = [&](CorruptRow r) {
      corrupt(std::move(r));
      (void)room();
    };
  }
  each(
      ledger, c.where(), [&](Statement& s) { c.bind(s); },
      [&](LedgerEntry& e) {
        if (!holds(e.customer, customer) || !holds(e.order, order)) return true;
        const bool more = row(e);
        return more && room();
      },
      set_apart, by_row ? std::nullopt : q.limit);
}

std::vector<std::int64_t> serials(const LedgerContext& ledger, const std::string& sql, std::int64_t serial) {
  Statement s(*ledger.db, sql);
  s.bind(1, serial);
  std::vector<std::int64_t> out;
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

LedgerRows of_appliance(const LedgerContext& ledger, const std::optional<std::string>& appliance,
                        bool strict) {
  if (!appliance) return select(ledger, "", {}, strict);
  return select(
      ledger, "appliance = ?1", [&](Statement& s) { s.bind(1, std::string_view(*appliance)); }, strict);
}

}  // namespace
}  // namespace detail

using detail::guarded;

Result<std::vector<LedgerEntry>> LicenseStore::all() const {
  return guarded([&] { return detail::of_appliance(*ledger_, std::nullopt, true).entries; });
}

Result<std::vector<LedgerEntry>> LicenseStore::of_appliance(const std::string& appliance) const {
  return guarded([&] { return detail::of_appliance(*ledger_, appliance, true).entries; });
}

Result<std::vector<LedgerEntry>> LicenseStore::standbys_of(const std::string& primary) const {
  return guarded([&] {
    // No such column before schema version 3.
    if (ledger_->version < 3) return std::vector<LedgerEntry>();
    return detail::select(
               *ledger_, "kind = 'standby' AND primary_appliance = ?1",
               [&](detail::Statement& s) { s.bind(1, std::string_view(primary)); }, true)
        .entries;
  });
}

Result<LedgerRows> LicenseStore::rows(const std::optional<std::string>& appliance) const {
  return guarded([&] { return detail::of_appliance(*ledger_, appliance, false); });
}

Result<std::optional<LedgerEntry>> LicenseStore::find(std::int64_t serial) const {
  return guarded([&] {
    auto rows = detail::select(
        *ledger_, "serial = ?1", [&](detail::Statement& s) { s.bind(1, serial); }, true);
    if (rows.entries.empty()) return std::optional<LedgerEntry>();
    return std::optional<LedgerEntry>(std::move(rows.entries.front()));
  });
}

Result<std::vector<LedgerEntry>> LicenseStore::of_code(std::int64_t number) const {
  return guarded([&] {
    if (ledger_->version < detail::kCodesVersion) return std::vector<LedgerEntry>();
    return detail::select(
               *ledger_, "code = ?1", [&](detail::Statement& s) { s.bind(1, number); }, true)
        .entries;
  });
}

Result<std::size_t> LicenseStore::count() const {
  return guarded([&] {
    detail::Statement s(*ledger_->db, "SELECT COUNT(*) FROM licenses");
    s.step();
    return static_cast<std::size_t>(s.integer(0));
  });
}

Result<std::int64_t> LicenseStore::count_written_by(const std::string& written_by, UnixTime since,
                                                    UnixTime until) const {
  return guarded([&] {
    // No API token wrote anything before schema version 4.
    if (ledger_->version < 4) return std::int64_t{0};
    // Issue times are stored as format_rfc3339() writes them: as text, they sort as times do
    // (licenses_by_writer is the index).
    detail::Statement s(*ledger_->db,
                        "SELECT COUNT(*) FROM licenses WHERE written_by = ?1 AND issued_at >= ?2 AND "
                        "issued_at < ?3 AND kind <> ?4");
    s.bind(1, std::string_view(written_by));
    s.bind(2, std::string_view(format_rfc3339(since)));
    s.bind(3, std::string_view(format_rfc3339(until)));
    s.bind(4, kind_name(LicenseKind::revocation));
    s.step();
    return s.integer(0);
  });
}

Result<std::optional<LedgerEntry>> LicenseStore::newest_revocation_list() const {
  return guarded([&] {
    if (ledger_->version < 3) return std::optional<LedgerEntry>();
    auto rows = detail::select(*ledger_,
                               "serial = (SELECT serial FROM licenses WHERE kind = 'revocation' ORDER BY "
                               "revocation_seq DESC LIMIT 1)",
                               {}, true);
    if (rows.entries.empty()) return std::optional<LedgerEntry>();
    return std::optional<LedgerEntry>(std::move(rows.entries.front()));
  });
}

Result<std::vector<LedgerEntry>> LicenseStore::revocation_lists() const {
  return guarded([&] {
    std::vector<LedgerEntry> out;
    if (ledger_->version < 3) return out;
    out = detail::select(*ledger_, "revocation_seq IS NOT NULL", {}, true).entries;
    std::sort(out.begin(), out.end(),
              [](const LedgerEntry& a, const LedgerEntry& b) { return a.revocation_seq < b.revocation_seq; });
    return out;
  });
}

Result<std::vector<std::int64_t>> LicenseStore::lists_naming(std::int64_t serial) const {
  return guarded([&] {
    if (ledger_->version >= detail::kSearchVersion) {
      return detail::serials(*ledger_,
                             "SELECT r.list FROM revoked_serials r JOIN licenses l ON l.serial = r.list "
                             "WHERE r.serial = ?1 ORDER BY l.revocation_seq",
                             serial);
    }
    // Before revoked_serials: every list read.
    std::vector<std::int64_t> out;
    for (const LedgerEntry& list : detail::take(revocation_lists())) {
      const std::vector<std::int64_t> named = detail::serials_named_by(list.token);
      if (std::find(named.begin(), named.end(), serial) != named.end()) out.push_back(list.serial);
    }
    return out;
  });
}

Result<std::vector<std::int64_t>> LicenseStore::replacing(std::int64_t serial) const {
  return guarded([&] {
    return detail::serials(*ledger_, "SELECT serial FROM licenses WHERE replaces = ?1 ORDER BY serial",
                           serial);
  });
}

Result<std::vector<std::int64_t>> LicenseStore::reissuing(std::int64_t serial) const {
  return guarded([&] {
    if (ledger_->version < 3) return std::vector<std::int64_t>();
    return detail::serials(*ledger_,
                           "SELECT serial FROM licenses WHERE transferred_from = ?1 ORDER BY serial", serial);
  });
}

Result<void> LicenseStore::visit(const LicenseQuery& query, const std::function<bool(LedgerEntry&)>& row,
                                 const std::function<void(CorruptRow)>& corrupt) const {
  return guarded([&] { detail::visit(*ledger_, query, row, corrupt); });
}

Result<std::int64_t> LicenseStore::next_serial() {
  return guarded([&] {
    if (!ledger_->writing) detail::raise_internal("serials are allocated only in a write transaction");
    return ledger_->db->next_serial();
  });
}

Result<void> LicenseStore::insert(const LedgerEntry& entry) {
  return guarded([&] {
    static const std::vector<std::string_view> kColumns = chain_columns(ChainLinkType::license);
    ChainHead& head = ledger_->transaction_head();
    ledger_->insert_link("licenses", ChainLinkType::license, kColumns, license_values(entry, head.seq + 1),
                         &head);
  });
}

}  // namespace seatkey::keygen
