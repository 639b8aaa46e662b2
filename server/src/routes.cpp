#include "routes.hpp"

#include "handlers.hpp"
#include "responses.hpp"

namespace seatkey::server {
namespace {

namespace h = handlers;
constexpr auto kGet = Method::get, kPost = Method::post;
constexpr auto kNone = Credential::none, kBearer = Credential::bearer;
constexpr auto kNoQuery = Query::none;
constexpr auto kNoBody = Body::none, kJson = Body::json;
constexpr auto kReads = Writes::no, kWrites = Writes::yes;
constexpr auto kApi = Listed::api, kPage = Listed::page;

// The API. A new endpoint is a row here, its handler in the file of its resource, and its path
// in server/openapi.json.
const std::vector<Route> kRoutes = {
    // The desk's page and its files (server/web/): the page needs no token, its API calls carry one.
    {kGet, "/", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/desk.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/codes.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/desk.css", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    // The public activation page: an appliance without internet, activated by its admin.
    {kGet, "/activate", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/activate.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/healthz", kNone, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::health},
    {kGet, "/v1/openapi.json", kNone, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::openapi},
    {kGet, "/v1/whoami", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::whoami},
    {kGet, "/v1/licenses", kBearer, Effect::read, Query::filter, kNoBody, kReads, kApi, h::list_licenses},
    {kGet, "/v1/licenses/{serial}", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::show_license},
    {kPost, "/v1/licenses/server", kBearer, Effect::issue, kNoQuery, kJson, kWrites, kApi, h::issue_server},
    {kPost, "/v1/licenses/users", kBearer, Effect::issue, kNoQuery, kJson, kWrites, kApi, h::issue_users},
    {kPost, "/v1/licenses/standby", kBearer, Effect::issue, kNoQuery, kJson, kWrites, kApi, h::issue_standby},
    {kPost, "/v1/orders", kBearer, Effect::issue, kNoQuery, kJson, kWrites, kApi, h::issue_orders},
    {kPost, "/v1/licenses/{serial}/void", kBearer, Effect::void_license, kNoQuery, kJson, kWrites, kApi,
     h::void_license},
    {kGet, "/v1/appliances/{appliance}", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi,
     h::show_appliance},
    {kGet, "/v1/appliances/{appliance}/license-file", kBearer, Effect::export_file, kNoQuery, kNoBody, kReads,
     kApi, h::license_file},
    {kPost, "/v1/transfers", kBearer, Effect::transfer, kNoQuery, kJson, kWrites, kApi, h::transfer},
    {kPost, "/v1/revocations", kBearer, Effect::revoke, kNoQuery, kJson, kWrites, kApi, h::issue_revocations},
    {kGet, "/v1/revocations/latest", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi,
     h::latest_revocations},
    {kGet, "/v1/report", kBearer, Effect::read, Query::period, kNoBody, kReads, kApi, h::report},
    {kGet, "/v1/codes", kBearer, Effect::read, Query::codes, kNoBody, kReads, kApi, h::list_codes},
    {kGet, "/v1/codes/{number}", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::show_code},
    {kPost, "/v1/codes", kBearer, Effect::make_codes, kNoQuery, kJson, kWrites, kApi, h::create_codes},
    {kPost, "/v1/codes/{number}/void", kBearer, Effect::void_license, kNoQuery, kJson, kWrites, kApi,
     h::void_code},
    // An appliance activating itself: the code in the body is the credential.
    {kPost, "/v1/activations", Credential::activation_code, Effect::issue, kNoQuery, kJson, kWrites, kApi,
     h::activate},
};

std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  pattern.remove_prefix(1);
  for (;;) {
    const auto slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    pattern.remove_prefix(slash + 1);
  }
}

// The number of literal segments of `route` that match, or -1 when it does not match.
int literal_matches(const Route& route, const std::vector<std::string>& segments) {
  const std::vector<std::string_view> pattern = pattern_segments(route.pattern);
  if (pattern.size() != segments.size()) return -1;
  int literals = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!pattern[i].empty() && pattern[i].front() == '{') continue;
    if (pattern[i] != segments[i]) return -1;
    ++literals;
  }
  return literals;
}

}  // namespace

std::string_view method_name(Method m) {
  return m == Method::get ? "GET" : "POST";
}

const std::vector<Route>& routes() {
  return kRoutes;
}

std::vector<const Route*> match(const std::vector<std::string>& segments) {
  std::vector<const Route*> best;
  int most = -1;
  for (const Route& route : kRoutes) {
    const int n = literal_matches(route, segments);
    if (n < 0 || n < most) continue;
    if (n > most) best.clear();
    most = n;
    best.push_back(&route);
  }
  return best;
}

std::optional<Response> Context::deny(const Request& request, Effect effect, const std::string& what) const {
  const EffectRule& rule = effect_rule(effect);
  if (!request.token || keygen::role_allows(request.token->role, rule.role)) return std::nullopt;
  return problem(Problem::forbidden, "this needs role " + std::string(keygen::role_name(rule.role)) +
                                         " or above (" + what + "); the token " +
                                         json_quoted(request.token->name) + " has role " +
                                         std::string(keygen::role_name(request.token->role)));
}

}  // namespace seatkey::server
