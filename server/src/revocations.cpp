// /v1/revocations: sign the next revocation list (`seatkey-keygen revocations issue`), or read
// the newest.
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/json.hpp"

namespace seatkey::server::handlers {

// The body is an empty JSON object.
Reply issue_revocations(Context& c, const Request& r) {
  auto fields = keygen::parse_text_fields(r.body, "the request", {}, {});
  if (!fields) return fields.error();
  keygen::IssueOptions o;
  o.issuer = c.options.issuer;
  o.written_by = r.token->name;
  auto list = keygen::issue_revocation_list(c.ledger(), *c.transaction, c.signer, o);
  if (!list) return list.error();
  nlohmann::ordered_json j = keygen::revocation_list_json({list->entry, list->claims}, true);
  j["added"] = list->added;
  return json_response(201, j);
}

Reply latest_revocations(Context& c, const Request&) {
  auto lists = keygen::revocation_lists(c.ledger());
  if (!lists) return lists.error();
  if (lists->empty()) {
    return problem(
        Problem::not_found,
        "no revocation lists yet (seatkey-keygen revocations issue or POST /v1/revocations signs one)");
  }
  return json_response(200, keygen::revocation_list_json(lists->back(), true));
}

}  // namespace seatkey::server::handlers
