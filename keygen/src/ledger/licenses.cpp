// The licenses table: every issued token (licenses and revocation lists), by serial.
#include <cstring>

#include "ledger/context.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"

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
// parameters. Strict: a row that does not read is raised, naming it; else it is set apart.
LedgerRows select(const LedgerContext& ledger, const std::string& where,
                  const std::function<void(Statement&)>& bind, bool strict) {
  std::string sql = select_licenses(ledger.version);
  if (!where.empty()) sql += " WHERE " + where;
  sql += " ORDER BY serial";
  Statement s(*ledger.db, sql);
  if (bind) bind(s);
  LedgerRows out;
  while (s.step()) {
    auto e = read_license(s);
    if (e) {
      out.entries.push_back(std::move(*e));
      continue;
    }
    const std::string appliance = s.text(license_column("appliance"));
    if (strict) {
      raise(Code::ledger_corrupt,
            "ledger " + ledger.path + ": " + e.error().message + "; " +
                (appliance.empty() ? std::string("it") : "appliance " + appliance) +
                " cannot be judged until the row is repaired (docs/back-office.md, \"A corrupt row\")",
            e.error().members);
    }
    out.corrupt.push_back({s.integer(license_column("serial")), appliance, e.error().message});
  }
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
