#include "seatkey/keygen/json.hpp"

#include <charconv>
#include <stdexcept>

#include "ledger/schema.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {
namespace {

using nlohmann::ordered_json;

template <class T>
ordered_json or_null(const std::optional<T>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json time_or_null(const std::optional<UnixTime>& t) {
  return t ? ordered_json(format_rfc3339(*t)) : ordered_json(nullptr);
}

// A revocation list's serials as the numbers the ledger's serials are everywhere else in its
// JSON (the token's own claims keep them as strings). The ledger signs lists only of its own
// serials, so a serial that is no number means a damaged row.
ordered_json serial_numbers(const PackedStrings& serials) {
  ordered_json out = ordered_json::array();
  for (std::string_view s : serials) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 1)
      throw std::runtime_error("a revocation list names serial \"" + std::string(s) +
                               "\", which is no number");
    out.push_back(n);
  }
  return out;
}

}  // namespace

ordered_json license_json(const LedgerEntry& e, std::string_view status) {
  ordered_json columns;
  detail::add_json(detail::license_spec(), e, columns);
  // The status, which no column holds, where the listings have always shown it: after primary.
  ordered_json j;
  for (auto& [name, value] : columns.items()) {
    j[name] = std::move(value);
    if (name == "primary") j["status"] = std::string(status);
  }
  return j;
}

ordered_json code_json(const CodeRecord& code, const std::optional<std::string>& appliance) {
  ordered_json columns;
  detail::add_json(detail::code_spec(), code.row, columns);
  ordered_json j;
  j["number"] = code.row.number;
  j["state"] = std::string(code_state_name(code.state()));
  for (auto& [name, value] : columns.items()) {
    if (name != "number") j[name] = std::move(value);
  }
  j["redeemed_at"] = code.redeemed ? ordered_json(format_rfc3339(code.redeemed->at)) : ordered_json(nullptr);
  j["redeemed_for"] = code.redeemed ? or_null(code.redeemed->appliance) : ordered_json(nullptr);
  j["appliance"] = or_null(appliance);
  j["voided_at"] = code.voided ? ordered_json(format_rfc3339(code.voided->at)) : ordered_json(nullptr);
  j["void_reason"] = code.voided ? or_null(code.voided->reason) : ordered_json(nullptr);
  return j;
}

ordered_json event_json(const LedgerEvent& ev) {
  ordered_json j;
  detail::add_json(detail::event_spec(), ev, j);
  return j;
}

ordered_json license_record_json(const LicenseRecord& record) {
  const auto serials = [](const std::vector<std::int64_t>& v) {
    ordered_json j = ordered_json::array();
    for (std::int64_t s : v) j.push_back(s);
    return j;
  };
  const LedgerEntry& e = record.entry;
  ordered_json out = license_json(e, record.status);
  out["chain_hash"] = e.chain_hash ? ordered_json(to_hex(*e.chain_hash)) : ordered_json(nullptr);
  out["events"] = ordered_json::array();
  for (const LedgerEvent& ev : record.events) out["events"].push_back(event_json(ev));
  out["superseded_by"] = serials(record.superseded_by);
  out["reissued_as"] = serials(record.reissued_as);
  out["in_revocation_lists"] = serials(record.revoked_by);
  if (record.revocation) out["revoked"] = serial_numbers(record.revocation->revoked);
  return out;
}

ordered_json corrupt_row_json(const CorruptRow& c) {
  ordered_json j;
  j["serial"] = c.serial;
  j["appliance"] = c.appliance;
  j["status"] = "corrupt";
  j["error"] = c.why;
  return j;
}

ordered_json signing_key_json(const SigningKey& k) {
  ordered_json j;
  j["key_id"] = k.key_id;
  j["public_key"] = or_null(k.public_key);
  j["development"] = k.development();
  j["added_at"] = k.added_at;
  j["origin"] = k.origin;
  return j;
}

ordered_json api_token_json(const ApiToken& t) {
  ordered_json j;
  j["name"] = t.name;
  j["role"] = std::string(role_name(t.role));
  j["created_at"] = t.created_at;
  j["revoked_at"] = or_null(t.revoked_at);
  j["expires_at"] = time_or_null(t.expires_at);
  j["max_per_day"] = or_null(t.max_per_day);
  return j;
}

ordered_json appliance_summary_json(const ApplianceSummary& s) {
  ordered_json j;
  j["appliance"] = s.appliance;
  j["edition"] = s.edition ? ordered_json(std::string(edition_name(*s.edition))) : ordered_json(nullptr);
  j["included_users"] = s.users.included_users;
  j["pack_users"] = s.users.pack_users;
  j["licensed_users"] = s.users.licensed_users;
  // As the verifier reports it: 0 without an active server license, null for unlimited.
  j["max_users"] = s.edition ? or_null(s.users.max_users) : ordered_json(0);
  j["excess_users"] = s.users.excess_users;
  return j;
}

ordered_json revocation_list_json(const RevocationListRecord& list, bool newest) {
  ordered_json j;
  j["seq"] = list.claims.seq;
  j["serial"] = list.entry.serial;
  j["issued_at"] = format_rfc3339(list.entry.issued_at);
  j["status"] = newest ? "active" : "superseded";
  j["revoked"] = serial_numbers(list.claims.revoked);
  j["issuer"] = list.entry.issuer;
  j["key_id"] = list.entry.key_id;
  j["written_by"] = or_null(list.entry.written_by);
  j["token"] = list.entry.token;
  return j;
}

ordered_json feed_json(const Feed& feed) {
  ordered_json out;
  out["events"] = ordered_json::array();
  for (const FeedEvent& f : feed.events) {
    ordered_json j;
    j["seq"] = f.seq;
    j["type"] = std::string(feed_type_name(f.type));
    if (f.license) {
      j["at"] = format_rfc3339(f.license->issued_at);
      // What the license is now, and its token, are GET /v1/licenses/{serial}'s to say.
      ordered_json license = license_json(*f.license, "");
      license.erase("status");
      license.erase("token");
      j["license"] = std::move(license);
    } else if (f.event) {
      j["at"] = format_rfc3339(f.event->at);
      j["event"] = event_json(*f.event);
    } else if (f.code_event) {
      j["at"] = format_rfc3339(f.code_event->at);
      ordered_json code_event;
      detail::add_json(detail::code_event_spec(), *f.code_event, code_event);
      j["code_event"] = std::move(code_event);
    }
    out["events"].push_back(std::move(j));
  }
  out["next_after"] = feed.next_after;
  out["more"] = feed.more;
  return out;
}

ordered_json report_json(const Report& r) {
  ordered_json out;
  out["since"] = time_or_null(r.since);
  out["until"] = time_or_null(r.until);
  for (std::size_t c = 0; c < kReportCategoryNames.size(); ++c) {
    ordered_json lines = ordered_json::array();
    for (const ReportLine& l : r.lines) {
      if (static_cast<std::size_t>(l.category) != c) continue;
      ordered_json j;
      j["kind"] = std::string(kind_name(l.kind));
      j["edition"] = l.edition ? ordered_json(std::string(edition_name(*l.edition))) : ordered_json(nullptr);
      j["users_per_pack"] =
          l.kind == LicenseKind::users ? ordered_json(l.users_per_pack) : ordered_json(nullptr);
      j["licenses"] = l.licenses;
      j["users"] = l.users;
      lines.push_back(std::move(j));
    }
    out[std::string(kReportCategoryNames[c])] = std::move(lines);
  }
  out["appliances_transferred"] = r.appliances_transferred;
  out["revocation_lists"] = r.revocation_lists;
  out["codes"] = ordered_json::array();
  for (const CodeCounts& c : r.codes) {
    out["codes"].push_back({{"reseller", or_null(c.reseller)},
                            {"created", c.created},
                            {"redeemed", c.redeemed},
                            {"voided", c.voided},
                            {"open", c.open}});
  }
  return out;
}

}  // namespace seatkey::keygen
