// /v1/appliances/{appliance}: an appliance's licenses, what it computes from them, its license
// file (seatkey-keygen export).
#include <charconv>

#include "entitlement_json.hpp"
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/queries.hpp"
#include "seatkey/verifier.hpp"

namespace seatkey::server::handlers {
namespace {

using nlohmann::ordered_json;

// The appliance's rows and state; an appliance without any (appliance_unknown: 404, with its
// canonical ID, which the desk shows as what the typed ID means) or with a corrupt one is an error.
struct ApplianceView {
  ordered_json rows = ordered_json::array();
  std::optional<keygen::ApplianceState> state;
};

keygen::Result<ApplianceView> view_of(Context& c, const std::string& appliance, UnixTime now) {
  keygen::LedgerFilter filter;
  filter.appliance = appliance;
  auto listing = keygen::list_ledger(c.ledger(), filter, now);
  if (!listing) return listing.error();
  if (!listing->corrupt.empty()) {
    return keygen::Error(
        keygen::Code::ledger_corrupt,
        "ledger " + c.ledger().path() + ": " + listing->corrupt.front().why + "; appliance " + appliance +
            " cannot be judged until the row is repaired (docs/back-office.md, \"A corrupt row\")",
        {{"serial", listing->corrupt.front().serial}});
  }
  ApplianceView v;
  if (listing->rows.empty()) {
    return keygen::Error(keygen::Code::appliance_unknown, "no licenses on record for appliance " + appliance,
                         {{"appliance", appliance}});
  }
  for (const keygen::ListedRow& r : listing->rows) v.rows.push_back(keygen::license_json(r.entry, r.status));
  v.state.emplace(listing->appliances.at(appliance));
  return v;
}

keygen::ApplianceSummary summary_of(const keygen::ApplianceState& state) {
  keygen::ApplianceSummary s;
  s.appliance = state.appliance();
  if (const keygen::LedgerEntry* server = state.active_server()) s.edition = server->edition;
  s.users = state.users();
  return s;
}

// What the appliance computes from the license file export writes, with the verifier's library,
// trusting the ledger's signing keys.
keygen::Result<verifier::Entitlement> entitlement_of(Context& c, const keygen::ApplianceState& state,
                                                     const std::string& file, UnixTime now) {
  auto keys = c.ledger().keys().all();
  if (!keys) return keys.error();
  std::vector<std::string> trusted;
  for (const keygen::SigningKey& k : *keys) {
    if (k.public_key) trusted.push_back(*k.public_key);
  }
  verifier::TrustStore trust;
  if (!trusted.empty()) {
    auto store = verifier::TrustStore::from_keys(trusted);
    if (!store)
      return keygen::Error(keygen::Code::internal_error,
                           "the ledger's signing keys: " + store.error().message);
    trust = std::move(*store);
  }
  auto set = verifier::parse_licenses(file, state.appliance() + ".lic");
  if (!set) return keygen::Error(keygen::Code::internal_error, "the license file: " + set.error().message);
  auto entitlement = verifier::evaluate(*set, state.appliance(), trust, now);
  if (!entitlement)
    return keygen::Error(keygen::Code::internal_error, "the entitlement: " + entitlement.error().message);
  return std::move(*entitlement);
}

// A serial of the entitlement as the API gives serials everywhere: a number. The verifier
// reports a token's serial as its claim says it (a string); the ledger's are all decimal.
void serial_as_number(ordered_json& value) {
  if (!value.is_string()) return;
  const std::string& s = value.get_ref<const std::string&>();
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && end == s.data() + s.size() && n > 0) value = n;
}

// seatkey-verify --json's entitlement, with the serials as numbers.
ordered_json entitlement_json(const verifier::Entitlement& e) {
  ordered_json j = verifier::entitlement_json(e, true);
  serial_as_number(j["server_license"]);
  for (const char* list : {"expiring", "accepted", "rejected"}) {
    for (ordered_json& item : j[list]) serial_as_number(item["serial"]);
  }
  return j;
}

}  // namespace

Reply show_appliance(Context& c, const Request& r) {
  const UnixTime now = unix_now();
  auto view = view_of(c, *r.appliance, now);
  if (!view) return view.error();
  // No active server license: nothing to export, and the appliance computes that.
  auto file = keygen::export_license_file(c.ledger(), *view->state, now);
  if (!file && file.error().kind != keygen::Kind::refused) return file.error();
  auto entitlement = entitlement_of(c, *view->state, file ? *file : std::string(), now);
  if (!entitlement) return entitlement.error();
  ordered_json j;
  j["appliance"] = *r.appliance;
  j["on_record"] = keygen::appliance_summary_json(summary_of(*view->state));
  j["entitlement"] = entitlement_json(*entitlement);
  j["licenses"] = std::move(view->rows);
  if (!sees_tokens(r)) {
    for (ordered_json& license : j["licenses"]) license.erase("token");
  }
  return json_response(200, j);
}

Reply license_file(Context& c, const Request& r) {
  const UnixTime now = unix_now();
  auto view = view_of(c, *r.appliance, now);
  if (!view) return view.error();
  auto file = keygen::export_license_file(c.ledger(), *view->state, now);
  if (!file) return file.error();
  Response out{200, "text/plain; charset=utf-8", std::move(*file), {}};
  out.headers.push_back({"Content-Disposition", "attachment; filename=\"" + *r.appliance + ".lic\""});
  return out;
}

}  // namespace seatkey::server::handlers
