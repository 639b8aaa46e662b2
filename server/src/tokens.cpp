// GET /v1/whoami: the caller's own API token, so that a client (the desk's page) shows its name
// and role and offers only what the role may do. The operations come from the route table and
// its effects' roles, the same rule the dispatcher enforces, never from a copy in the client.
#include "handlers.hpp"
#include "responses.hpp"

namespace seatkey::server::handlers {

Reply whoami(Context&, const Request& r) {
  const keygen::ApiToken& token = *r.token;
  nlohmann::ordered_json j;
  j["name"] = token.name;
  j["role"] = std::string(keygen::role_name(token.role));
  j["operations"] = nlohmann::ordered_json::array();
  for (const Route& route : routes()) {
    if (route.credential != Credential::bearer) continue;
    if (!keygen::role_allows(token.role, effect_rule(route.effect).role)) continue;
    j["operations"].push_back(std::string(method_name(route.method)) + " " + std::string(route.pattern));
  }
  return json_response(200, j);
}

}  // namespace seatkey::server::handlers
