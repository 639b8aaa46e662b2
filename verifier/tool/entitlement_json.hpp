// The entitlement as JSON, with the field names and order of docs/format.md: what
// `seatkey-verify --json` prints and what seatkey-server reports for an appliance. Header-only
// (nlohmann::json), so that the library keeps its standard-library-only API.
#pragma once

#include <nlohmann/json.hpp>

#include "seatkey/verifier.hpp"

namespace seatkey::verifier {

// serial, kind, users (null for a token that did not verify), source, reason (null: accepted),
// message.
inline nlohmann::ordered_json report_json(const LicenseReport& r) {
  nlohmann::ordered_json j;
  j["serial"] = r.serial ? nlohmann::ordered_json(*r.serial) : nullptr;
  j["kind"] = r.kind ? nlohmann::ordered_json(kind_name(*r.kind)) : nullptr;
  j["users"] = r.users ? nlohmann::ordered_json(*r.users) : nullptr;
  j["source"] = r.source;
  j["reason"] = r.reason ? nlohmann::ordered_json(reason_name(*r.reason)) : nullptr;
  j["message"] = r.message;
  return j;
}

// Every field of the entitlement. "accepted" and "rejected" hold the reports when
// `with_reports`, else empty arrays as placeholders (seatkey-verify prints 10,000 reports one
// by one rather than as one tree).
inline nlohmann::ordered_json entitlement_json(const Entitlement& e, bool with_reports) {
  nlohmann::ordered_json j;
  j["appliance"] = e.appliance;
  j["licensed"] = e.licensed;
  j["edition"] = e.edition ? nlohmann::ordered_json(edition_name(*e.edition)) : nullptr;
  j["server_license"] = e.server_license ? nlohmann::ordered_json(*e.server_license) : nullptr;
  j["included_users"] = e.included_users;
  j["pack_users"] = e.pack_users;
  j["licensed_users"] = e.licensed_users;
  j["max_users"] = e.max_users ? nlohmann::ordered_json(*e.max_users) : nullptr;
  j["excess_users"] = e.excess_users;
  j["updates_allowed"] = e.updates_allowed();
  j["updates_until"] = e.updates_until ? nlohmann::ordered_json(format_time(*e.updates_until)) : nullptr;
  j["accepted"] = nlohmann::ordered_json::array();
  j["rejected"] = nlohmann::ordered_json::array();
  if (with_reports) {
    for (const LicenseReport& r : e.accepted) j["accepted"].push_back(report_json(r));
    for (const LicenseReport& r : e.rejected) j["rejected"].push_back(report_json(r));
  }
  return j;
}

}  // namespace seatkey::verifier
