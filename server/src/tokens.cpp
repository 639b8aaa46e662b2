// /v1/whoami: the caller's own API token, so that a client (the desk's page) shows its name and
// role and offers only what the role may do. The operations come from the route table and its
// effects' roles, the same rule the dispatcher enforces, never from a copy in the client.
//
// /v1/tokens: the admins' `seatkey-keygen token list`, `create` and `revoke`, through the same
// store. A new token's secret is in the answer of POST /v1/tokens only, once: the ledger keeps
// its hash, the server logs no body, and that answer is never stored for an Idempotency-Key.
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/json.hpp"

namespace seatkey::server::handlers {
namespace {

using nlohmann::ordered_json;

}  // namespace

Reply whoami(Context&, const Request& r) {
  const keygen::ApiToken& token = *r.token;
  ordered_json j;
  j["name"] = token.name;
  j["role"] = std::string(keygen::role_name(token.role));
  j["operations"] = ordered_json::array();
  for (const Route& route : routes()) {
    if (route.credential != Credential::bearer) continue;
    if (!keygen::role_allows(token.role, effect_rule(route.effect).role)) continue;
    j["operations"].push_back(std::string(method_name(route.method)) + " " + std::string(route.pattern));
  }
  return json_response(200, j);
}

Reply list_tokens(Context& c, const Request&) {
  auto tokens = c.ledger().tokens().all();
  if (!tokens) return tokens.error();
  ordered_json j;
  j["tokens"] = ordered_json::array();
  for (const keygen::ApiToken& t : *tokens) j["tokens"].push_back(keygen::api_token_json(t));
  return json_response(200, j);
}

Reply show_token(Context& c, const Request& r) {
  auto token = c.ledger().tokens().find(r.segments.at(2));
  if (!token) return token.error();
  if (!*token) return problem(Problem::not_found, "no API token named " + json_quoted(r.segments.at(2)));
  return json_response(200, keygen::api_token_json(**token));
}

// {"name", "role", "expires_at"?, "max_per_day"?}: `seatkey-keygen token create --name --role
// --expires --max-per-day`, recorded as the admin's doing.
Reply create_token(Context& c, const Request& r) {
  if (r.idempotency_key) {
    return keygen::Error(
        keygen::Code::bad_input,
        "POST /v1/tokens takes no Idempotency-Key: its answer holds the new token, which the "
        "ledger never keeps; after a lost answer, revoke the token and create one under "
        "another name");
  }
  auto request = keygen::parse_token_request(r.body);
  if (!request) return request.error();
  auto bearer = c.ledger().tokens().create(request->name, request->role, r.token->name, request->limits);
  if (!bearer) return bearer.error();
  auto made = c.ledger().tokens().find(request->name);
  if (!made) return made.error();
  ordered_json j = keygen::api_token_json(made->value());
  j["token"] = std::string(bearer->view());
  return json_response(201, j);
}

// {}: `seatkey-keygen token revoke --name`; refused from the token's next request on.
Reply revoke_token(Context& c, const Request& r) {
  auto fields = keygen::parse_text_fields(r.body, "the request", {}, {});
  if (!fields) return fields.error();
  auto token = c.ledger().tokens().revoke(r.segments.at(2), r.token->name);
  if (!token) return token.error();
  return json_response(200, keygen::api_token_json(*token));
}

}  // namespace seatkey::server::handlers
