// /v1/licenses and /v1/orders: find licenses, issue them (seatkey-keygen issue), void them.
#include <map>

#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::server::handlers {
namespace {

using nlohmann::ordered_json;

// A standby order with replace voids the standby license it replaces: that takes clerk.
std::optional<Response> deny_voids(Context& c, const Request& r, const std::vector<keygen::Order>& orders) {
  for (const keygen::Order& o : orders) {
    const auto* standby = std::get_if<keygen::StandbyOrder>(&o);
    if (standby != nullptr && standby->replace) {
      return c.deny(r, Effect::void_license,
                    "a standby order with replace voids the standby license it replaces");
    }
  }
  return std::nullopt;
}

ordered_json issued_json(const keygen::IssueResult& result) {
  ordered_json j;
  j["licenses"] = ordered_json::array();
  std::vector<std::string> appliances;
  std::map<std::string, const keygen::ApplianceSummary*> after;
  for (const keygen::IssuedOrder& o : result.orders) {
    for (std::size_t i = 0; i < o.entries.size(); ++i)
      j["licenses"].push_back(keygen::license_json(o.entries[i], o.statuses[i]));
    if (after.count(o.after.appliance) == 0) appliances.push_back(o.after.appliance);
    after[o.after.appliance] = &o.after;
  }
  j["appliances"] = ordered_json::array();
  for (const std::string& id : appliances)
    j["appliances"].push_back(keygen::appliance_summary_json(*after[id]));
  // What a standby order's replace took back, as the command line reports it.
  j["voided"] = ordered_json::array();
  for (const keygen::IssuedOrder& o : result.orders) {
    for (const keygen::LedgerEntry& old : o.voided)
      j["voided"].push_back(keygen::license_json(old, "voided"));
  }
  return j;
}

Reply issue(Context& c, const Request& r, const keygen::Result<std::vector<keygen::Order>>& orders) {
  if (!orders) return orders.error();
  if (auto denied = deny_voids(c, r, *orders)) return *denied;
  keygen::IssueOptions options;
  options.issuer = c.options.issuer;
  options.written_by = r.token->name;
  options.dry_run = r.dry_run;
  auto result = keygen::issue(c.ledger(), *c.transaction, c.signer, *orders, options);
  if (!result) return result.error();
  if (!options.dry_run) return json_response(201, issued_json(*result));
  return dry_run_response(issued_json(*result));
}

// One order of the type the path names, as a list.
keygen::Result<std::vector<keygen::Order>> one_order(const Request& r, LicenseKind kind) {
  auto order = keygen::parse_order(r.body, kind_name(kind));
  if (!order) return order.error();
  return std::vector<keygen::Order>{std::move(*order)};
}

}  // namespace

bool sees_tokens(const Request& r) {
  return keygen::role_allows(r.token->role, effect_rule(Effect::export_file).role);
}

Reply list_licenses(Context& c, const Request& r) {
  auto filter = keygen::parse_filter(r.query, keygen::kQueryFilter);
  if (!filter) return filter.error();
  auto listing = keygen::list_ledger(c.ledger(), *filter, unix_now());
  if (!listing) return listing.error();
  ordered_json j;
  j["licenses"] = ordered_json::array();
  for (const keygen::ListedRow& row : listing->rows) {
    j["licenses"].push_back(keygen::license_json(row.entry, row.status));
    if (!sees_tokens(r)) j["licenses"].back().erase("token");
  }
  j["corrupt"] = ordered_json::array();
  for (const keygen::CorruptRow& row : listing->corrupt)
    j["corrupt"].push_back(keygen::corrupt_row_json(row));
  j["next_after"] = listing->continue_after ? ordered_json(*listing->continue_after) : ordered_json(nullptr);
  return json_response(200, j);
}

// Every field of a license, its events, what replaced it, and its token: `ledger show --json`.
Reply show_license(Context& c, const Request& r) {
  auto record = keygen::show_license(c.ledger(), *r.serial, unix_now());
  if (!record) return record.error();
  if (!*record)
    return problem(Problem::not_found, "no license with serial " + std::to_string(*r.serial) + " on record");
  ordered_json j = keygen::license_record_json(**record);
  if (!sees_tokens(r)) j.erase("token");
  return json_response(200, j);
}

Reply issue_server(Context& c, const Request& r) {
  return issue(c, r, one_order(r, LicenseKind::server));
}

Reply issue_users(Context& c, const Request& r) {
  return issue(c, r, one_order(r, LicenseKind::users));
}

Reply issue_standby(Context& c, const Request& r) {
  return issue(c, r, one_order(r, LicenseKind::standby));
}

Reply issue_orders(Context& c, const Request& r) {
  return issue(c, r, keygen::parse_batch(r.body));
}

// POST /v1/licenses/{serial}/void {"reason"}: `seatkey-keygen void SERIAL --reason`.
Reply void_license(Context& c, const Request& r) {
  auto fields = keygen::parse_text_fields(r.body, "the request", {"reason"}, {"reason"});
  if (!fields) return fields.error();
  keygen::EventOptions event;
  event.who = r.token->name;
  event.written_by = r.token->name;
  // A dry run records the void in the request's transaction, which is then rolled back.
  auto result = keygen::void_licenses(c.ledger(), *c.transaction, {*r.serial}, fields->at("reason"), event);
  if (!result) return result.error();
  ordered_json j;
  j["voided"] = ordered_json::array();
  for (const keygen::LedgerEntry& e : result->voided)
    j["voided"].push_back(keygen::license_json(e, keygen::status_name(keygen::Status::voided)));
  j["at"] = format_rfc3339(result->at);
  j["appliances"] = ordered_json::array();
  for (const keygen::ApplianceSummary& s : result->after)
    j["appliances"].push_back(keygen::appliance_summary_json(s));
  return r.dry_run ? dry_run_response(std::move(j)) : json_response(200, j);
}

}  // namespace seatkey::server::handlers
