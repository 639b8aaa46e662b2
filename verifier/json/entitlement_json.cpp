#include "entitlement_json.hpp"

namespace seatkey::verifier {

nlohmann::ordered_json time_or_null(const std::optional<UnixTime>& t) {
  return t ? nlohmann::ordered_json(format_time(*t)) : nlohmann::ordered_json(nullptr);
}

std::int64_t days_between(UnixTime from, UnixTime to) {
  const std::int64_t s = to - from;
  return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

// serial, kind, users (null for a token that did not verify), expires, development_key, code (only
// for a license issued from an activation code), source, reason (null: accepted), message.
nlohmann::ordered_json report_json(const LicenseReport& r) {
  nlohmann::ordered_json j;
  j["serial"] = r.serial ? nlohmann::ordered_json(*r.serial) : nullptr;
  j["kind"] = r.kind ? nlohmann::ordered_json(kind_name(*r.kind)) : nullptr;
  j["users"] = r.users ? nlohmann::ordered_json(*r.users) : nullptr;
  j["expires"] = time_or_null(r.expires);
  j["development_key"] = r.development_key;
  if (r.code) j["code"] = *r.code;
  j["source"] = r.source;
  j["reason"] = r.reason ? nlohmann::ordered_json(reason_name(*r.reason)) : nullptr;
  j["message"] = r.message;
  return j;
}

nlohmann::ordered_json entitlement_json(const Entitlement& e, bool with_reports) {
  nlohmann::ordered_json j;
  j["appliance"] = e.appliance;
  j["licensed"] = e.licensed;
  j["edition"] = e.edition ? nlohmann::ordered_json(edition_name(*e.edition)) : nullptr;
  j["server_license"] = e.server_license ? nlohmann::ordered_json(*e.server_license) : nullptr;
  j["standby_for"] = e.standby_for ? nlohmann::ordered_json(*e.standby_for) : nullptr;
  j["included_users"] = e.included_users;
  j["pack_users"] = e.pack_users;
  j["licensed_users"] = e.licensed_users;
  j["max_users"] = e.max_users ? nlohmann::ordered_json(*e.max_users) : nullptr;
  j["excess_users"] = e.excess_users;
  j["updates_allowed"] = e.updates_allowed();
  j["updates_until"] = time_or_null(e.updates_until);
  j["evaluated_at"] = format_time(e.evaluated_at);
  j["clock"] = format_time(e.clock);
  j["clock_floor"] = time_or_null(e.clock_floor);
  j["clock_behind"] = e.clock_behind;
  j["revocation_seq"] = e.revocation_seq ? nlohmann::ordered_json(*e.revocation_seq) : nullptr;
  j["development_key"] = e.development_key;
  if (e.grace) {
    nlohmann::ordered_json g;
    g["since"] = format_time(e.grace->since);
    g["until"] = format_time(e.grace->until);
    g["reason"] = grace_reason_name(e.grace->reason);
    g["days_left"] = days_between(e.evaluated_at, e.grace->until);
    g["message"] = e.grace->message;
    j["grace"] = std::move(g);
  } else {
    j["grace"] = nullptr;
  }
  j["expiring"] = nlohmann::ordered_json::array();
  for (std::size_t i : e.expiring) {
    const LicenseReport& r = e.accepted[i];
    nlohmann::ordered_json x;
    x["serial"] = *r.serial;
    x["kind"] = kind_name(*r.kind);
    x["users"] = r.users ? nlohmann::ordered_json(*r.users) : nullptr;
    x["source"] = r.source;
    x["expires"] = format_time(*r.expires);
    x["days_left"] = days_between(e.evaluated_at, *r.expires);
    j["expiring"].push_back(std::move(x));
  }
  j["warnings"] = nlohmann::ordered_json::array();
  for (const Warning& w : e.warnings) {
    j["warnings"].push_back(nlohmann::ordered_json{{"code", warning_name(w.code)}, {"message", w.message}});
  }
  j["accepted"] = nlohmann::ordered_json::array();
  j["rejected"] = nlohmann::ordered_json::array();
  if (with_reports) {
    for (const LicenseReport& r : e.accepted) j["accepted"].push_back(report_json(r));
    for (const LicenseReport& r : e.rejected) j["rejected"].push_back(report_json(r));
  }
  return j;
}

}  // namespace seatkey::verifier
