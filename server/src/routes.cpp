#include "routes.hpp"

#include <cctype>

#include "handlers.hpp"
#include "responses.hpp"

namespace seatkey::server {
namespace {

namespace h = handlers;
constexpr auto kGet = Method::get, kPost = Method::post;
constexpr auto kNone = Credential::none, kBearer = Credential::bearer;
constexpr auto kNoQuery = Query::none, kDryRun = Query::dry_run;
constexpr auto kNoBody = Body::none, kJson = Body::json;
constexpr auto kReads = Writes::no, kWrites = Writes::yes;
constexpr auto kApi = Listed::api, kPage = Listed::page;

// Where a 201 put what it created (Route::locator).
std::string first_license(const nlohmann::json& a) {
  return "/v1/licenses/" + std::to_string(a.at("licenses").at(0).at("serial").get<std::int64_t>());
}
std::string revocation_list(const nlohmann::json& a) {
  return "/v1/licenses/" + std::to_string(a.at("serial").get<std::int64_t>());
}
std::string transferred_to(const nlohmann::json& a) {
  return "/v1/appliances/" + a.at("to").get<std::string>();
}
std::string first_code(const nlohmann::json& a) {
  return "/v1/codes/" + std::to_string(a.at("codes").at(0).at("number").get<std::int64_t>());
}
std::string new_token(const nlohmann::json& a) {
  // A name is any text: every byte but the unreserved ones (RFC 3986) percent-encoded.
  std::string path = "/v1/tokens/";
  for (const unsigned char ch : a.at("name").get<std::string>()) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      path += static_cast<char>(ch);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      path += {'%', kHex[ch >> 4], kHex[ch & 15]};
    }
  }
  return path;
}

// The API. A new endpoint is a row here, its handler in the file of its resource, and its path
// in server/openapi.json.
const std::vector<Route> kRoutes = {
    // The desk's page and its files (server/web/): the page needs no token, its API calls carry one.
    {kGet, "/", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/i18n.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/desk.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/codes.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/tokens.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/desk.css", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    // The public activation page: an appliance without internet, activated by its admin.
    {kGet, "/activate", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/activate.js", kNone, Effect::read, kNoQuery, kNoBody, kReads, kPage, h::page},
    {kGet, "/healthz", kNone, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::health},
    {kGet, "/v1/openapi.json", kNone, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::openapi},
    {kGet, "/v1/whoami", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::whoami},
    {kGet, "/v1/licenses", kBearer, Effect::read, Query::filter, kNoBody, kReads, kApi, h::list_licenses},
    {kGet, "/v1/licenses/{serial}", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::show_license},
    {kPost, "/v1/licenses/server", kBearer, Effect::issue, kDryRun, kJson, kWrites, kApi, h::issue_server,
     first_license},
    {kPost, "/v1/licenses/users", kBearer, Effect::issue, kDryRun, kJson, kWrites, kApi, h::issue_users,
     first_license},
    {kPost, "/v1/licenses/standby", kBearer, Effect::issue, kDryRun, kJson, kWrites, kApi, h::issue_standby,
     first_license},
    {kPost, "/v1/orders", kBearer, Effect::issue, kDryRun, kJson, kWrites, kApi, h::issue_orders,
     first_license},
    {kPost, "/v1/licenses/{serial}/void", kBearer, Effect::void_license, kDryRun, kJson, kWrites, kApi,
     h::void_license},
    {kGet, "/v1/appliances/{appliance}", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi,
     h::show_appliance},
    {kGet, "/v1/appliances/{appliance}/license-file", kBearer, Effect::export_file, kNoQuery, kNoBody, kReads,
     kApi, h::license_file},
    {kPost, "/v1/transfers", kBearer, Effect::transfer, kDryRun, kJson, kWrites, kApi, h::transfer,
     transferred_to},
    {kPost, "/v1/revocations", kBearer, Effect::revoke, kNoQuery, kJson, kWrites, kApi, h::issue_revocations,
     revocation_list},
    {kGet, "/v1/revocations/latest", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi,
     h::latest_revocations},
    {kGet, "/v1/events", kBearer, Effect::read, Query::feed, kNoBody, kReads, kApi, h::events},
    {kGet, "/v1/report", kBearer, Effect::read, Query::period, kNoBody, kReads, kApi, h::report},
    {kGet, "/v1/codes", kBearer, Effect::read, Query::codes, kNoBody, kReads, kApi, h::list_codes},
    {kGet, "/v1/codes/{number}", kBearer, Effect::read, kNoQuery, kNoBody, kReads, kApi, h::show_code},
    {kPost, "/v1/codes", kBearer, Effect::make_codes, kNoQuery, kJson, kWrites, kApi, h::create_codes,
     first_code},
    {kPost, "/v1/codes/{number}/void", kBearer, Effect::void_license, kNoQuery, kJson, kWrites, kApi,
     h::void_code},
    {kGet, "/v1/tokens", kBearer, Effect::manage_tokens, kNoQuery, kNoBody, kReads, kApi, h::list_tokens},
    {kGet, "/v1/tokens/{name}", kBearer, Effect::manage_tokens, kNoQuery, kNoBody, kReads, kApi,
     h::show_token},
    {kPost, "/v1/tokens", kBearer, Effect::manage_tokens, kNoQuery, kJson, kWrites, kApi, h::create_token,
     new_token},
    {kPost, "/v1/tokens/{name}/revoke", kBearer, Effect::manage_tokens, kNoQuery, kJson, kWrites, kApi,
     h::revoke_token},
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

std::optional<std::string> location_of(const Route& route, const Response& answer) {
  if (answer.status != 201 || route.locator == nullptr) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(answer.body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  try {
    return route.locator(j);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<Response> Context::deny(const Request& request, Effect effect, const std::string& what) const {
  const EffectRule& rule = effect_rule(effect);
  if (!request.token || keygen::role_allows(request.token->role, rule.role)) return std::nullopt;
  return problem(Problem::forbidden, "this needs the role " + std::string(keygen::role_name(rule.role)) +
                                         " or above (" + what + "); you are signed in as " +
                                         json_quoted(request.token->name) + ", whose role is " +
                                         std::string(keygen::role_name(request.token->role)));
}

}  // namespace seatkey::server
