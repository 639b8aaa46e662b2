// Internal: the API's one route table. Each endpoint is one row: its method and path pattern,
// the credential it takes (a bearer token, an activation code, or none), the least a token
// must be allowed to do there (an effect; its role in kEffects), what it accepts (query, body),
// whether it writes the ledger, and its handler. Nothing else in the server knows a path: the
// dispatcher (api.cpp) matches, authenticates and calls through this table, and a test checks
// it against /v1/openapi.json both ways.
//
// A handler is a plain function of the request's context (the ledger, the signer, the token)
// and the parsed request. A route that writes runs its handler in one write transaction with
// its stored answer (Idempotency-Key), and in the server that happens in the signer process: the
// HTTP process forwards the request (Api::write), whose handlers are the same.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rate_limit.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/signer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/server/api.hpp"

namespace seatkey::server {

enum class Method { get, post };
std::string_view method_name(Method m);

// How a request proves who it is.
enum class Credential {
  none,             // public: the desk's page, health, the API document
  bearer,           // an API token (Authorization: Bearer), allowed the route's effect
  activation_code,  // the code in the body is the credential (appliances activating themselves)
};

// What a request does, and the least role a token needs for it. A handler may find that a
// request does more than its route's effect (a standby replace voids): it asks for that too.
enum class Effect { read, export_file, issue, void_license, transfer, revoke, make_codes, manage_tokens };
struct EffectRule {
  Effect effect;
  std::string_view name;
  keygen::Role role;
};
inline constexpr std::array<EffectRule, 8> kEffects{{
    {Effect::read, "read the ledger", keygen::Role::auditor},
    {Effect::export_file, "download a license file", keygen::Role::shop},
    {Effect::issue, "issue licenses", keygen::Role::shop},
    {Effect::void_license, "void licenses", keygen::Role::clerk},
    {Effect::transfer, "transfer an appliance's licenses", keygen::Role::clerk},
    {Effect::revoke, "issue revocation lists", keygen::Role::clerk},
    {Effect::make_codes, "make activation codes", keygen::Role::clerk},
    {Effect::manage_tokens, "manage API tokens", keygen::Role::admin},
}};
constexpr const EffectRule& effect_rule(Effect e) {
  return kEffects[static_cast<std::size_t>(e)];
}

// The query: none, ledger list's filter, a report's period, code list's filter, the event feed's
// page, or `dry_run=true` (a writing route that can answer what it would do, writing nothing).
enum class Query { none, filter, period, codes, feed, dry_run };
enum class Body { none, json };
enum class Writes { no, yes };
enum class Listed { api, page };  // page: a file of the desk's page, not in /v1/openapi.json

// A request as its route's handler gets it: the path's parameters read ({serial} as a serial,
// {appliance} as a canonical appliance ID), the query, the body, and who sent it.
struct Request {
  std::string path;  // as received, without the query
  std::vector<std::string> segments;
  std::optional<std::int64_t> serial;
  std::optional<std::string> appliance;
  std::optional<std::int64_t> number;  // {number}: an activation code's
  std::vector<std::pair<std::string, std::string>> query;
  std::string_view body;
  std::optional<keygen::ApiToken> token;
  std::optional<std::string> idempotency_key;
  std::string client_address;
  bool accepts_text = false;  // the client asked for text/plain (Accept)
  bool dry_run = false;       // ?dry_run=true on a Query::dry_run route: decide, answer, write nothing
};

// What a handler works with: the ledger (in its write transaction, for a route that writes),
// the signer and the server's options.
struct Context {
  // The ledger: a connection of the server's, taken when a handler first asks for it (the page
  // and /healthz never do); a writing route's, in its transaction.
  std::function<keygen::Ledger&()> ledger;
  keygen::Ledger::Transaction* transaction;  // a route that writes: its transaction
  const keygen::Signer& signer;
  const ApiOptions& options;
  const std::function<SignerStatus()>& signer_status;
  // Failed look-ups of activation codes, per client address.
  detail::GrowingThrottle& code_failures;
  // A 403 when the request's token may not `effect` (`what` says why it does), else nullopt.
  std::optional<Response> deny(const Request& request, Effect effect, const std::string& what) const;
};

using Handler = keygen::Result<Response> (*)(Context& context, const Request& request);
// Where a 201's answer says it put what it created: the path of that resource (of the first,
// when it created several; the answer lists them all). A function of the answer alone, so that
// a replayed answer (Idempotency-Key) names the same place as the first.
using Locator = std::string (*)(const nlohmann::json& answer);

struct Route {
  Method method;
  std::string_view pattern;  // "/v1/licenses/{serial}/void"
  Credential credential;
  Effect effect;  // with a bearer token
  Query query;
  Body body;
  Writes writes;
  Listed listed;
  Handler handler;
  Locator locator = nullptr;  // a route that answers 201
};

const std::vector<Route>& routes();

// The Location header of a route's answer: for a 201 of a route with a locator, the path it
// names (nothing when the answer does not read, which a handler's 201 never is).
std::optional<std::string> location_of(const Route& route, const Response& answer);

// The routes whose pattern matches the path's segments (the most literal segments win: POST
// /v1/licenses/server is not a serial), or none.
std::vector<const Route*> match(const std::vector<std::string>& segments);

}  // namespace seatkey::server
