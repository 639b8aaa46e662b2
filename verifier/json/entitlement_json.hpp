// The entitlement as JSON, with the field names and order of docs/format.md: what
// `seatkey-verify --json` prints and what seatkey-server reports for an appliance. Its own
// library (seatkey::entitlement_json), apart from libseatkey-verifier, so that the library
// keeps its standard-library-only API and the appliance's shared library carries no JSON
// writer it does not need.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "seatkey/verifier.hpp"

namespace seatkey::verifier {

// An RFC 3339 time, or null.
nlohmann::ordered_json time_or_null(const std::optional<UnixTime>& t);

// Whole days from `from` to `to` (rounded down).
std::int64_t days_between(UnixTime from, UnixTime to);

// serial, kind, users (null for a token that did not verify), expires, development_key,
// source, reason (null: accepted), message.
nlohmann::ordered_json report_json(const LicenseReport& r);

// Every field of the entitlement. "accepted" and "rejected" hold the reports when
// `with_reports`, else empty arrays as placeholders (seatkey-verify prints 10,000 reports one
// by one rather than as one tree).
nlohmann::ordered_json entitlement_json(const Entitlement& e, bool with_reports);

}  // namespace seatkey::verifier
