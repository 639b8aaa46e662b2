// POST /v1/transfers {"from", "to", "reason"?}: `seatkey-keygen transfer`; 201 with the new
// appliance's licenses and the revocation list signed with them (200, no tokens and no list
// for a dry run).
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/json.hpp"

namespace seatkey::server::handlers {

Reply transfer(Context& c, const Request& r) {
  auto fields = keygen::parse_text_fields(r.body, "the request", {"from", "to", "reason"}, {"from", "to"});
  if (!fields) return fields.error();
  keygen::TransferOptions o;
  o.event.who = r.token->name;
  if (fields->count("reason") != 0) o.reason = fields->at("reason");
  o.issuer = c.options.issuer;
  o.written_by = r.token->name;
  o.dry_run = r.dry_run;
  auto result =
      keygen::transfer(c.ledger(), *c.transaction, c.signer, fields->at("from"), fields->at("to"), o);
  if (!result) return result.error();
  nlohmann::ordered_json j;
  j["from"] = result->from;
  j["to"] = result->to;
  j["licenses"] = nlohmann::ordered_json::array();
  // Re-issued licenses are the new appliance's active server license and unexpired packs.
  for (const keygen::LedgerEntry& e : result->issued)
    j["licenses"].push_back(keygen::license_json(e, keygen::status_name(keygen::Status::active)));
  j["taken_back"] = nlohmann::ordered_json::array();
  for (const keygen::LedgerEntry& e : result->taken_back) j["taken_back"].push_back(e.serial);
  j["appliances"] = nlohmann::ordered_json::array({keygen::appliance_summary_json(result->after)});
  // The list the transfer signed: the old appliance's licenses stop counting where it arrives.
  if (!o.dry_run) {
    const keygen::IssuedRevocationList& list = result->revocation_list;
    j["revocation_list"] = keygen::revocation_list_json({list.entry, list.claims}, true);
    j["revocation_list"]["added"] = list.added;
    j["license_file_carries_list"] = result->carries_list;
  }
  return o.dry_run ? dry_run_response(std::move(j)) : json_response(201, j);
}

}  // namespace seatkey::server::handlers
