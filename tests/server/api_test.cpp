// The API's one route table (server/src/routes.cpp) against the OpenAPI document and the role
// model, its problems against the error vocabulary, and the dispatcher through Api itself.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "keygen_test_support.hpp"
#include "openapi.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/ledger/rows.hpp"
#include "seatkey/server/api.hpp"

using namespace seatkey;
using namespace seatkey::server;
using nlohmann::json;
namespace kg = seatkey::keygen;

namespace {

json document() {
  return json::parse(openapi_document());
}

template <class Names>
json names_of(const Names& names) {
  json out = json::array();
  for (std::string_view n : names) out.push_back(std::string(n));
  return out;
}

// The least role each endpoint takes, as docs/back-office.md says it: auditor reads, shop issues
// and downloads license files, clerk voids, transfers and signs revocation lists.
const std::map<std::string, kg::Role> kExpectedRoles = {
    {"GET /v1/whoami", kg::Role::auditor},
    {"GET /v1/licenses", kg::Role::auditor},
    {"GET /v1/licenses/{serial}", kg::Role::auditor},
    {"POST /v1/licenses/server", kg::Role::shop},
    {"POST /v1/licenses/users", kg::Role::shop},
    {"POST /v1/licenses/standby", kg::Role::shop},
    {"POST /v1/orders", kg::Role::shop},
    {"POST /v1/licenses/{serial}/void", kg::Role::clerk},
    {"GET /v1/appliances/{appliance}", kg::Role::auditor},
    {"GET /v1/appliances/{appliance}/license-file", kg::Role::shop},
    {"POST /v1/transfers", kg::Role::clerk},
    {"POST /v1/revocations", kg::Role::clerk},
    {"GET /v1/revocations/latest", kg::Role::auditor},
    {"GET /v1/report", kg::Role::auditor},
    {"GET /v1/codes", kg::Role::auditor},
    {"GET /v1/codes/{number}", kg::Role::auditor},
    {"POST /v1/codes", kg::Role::clerk},
    {"POST /v1/codes/{number}/void", kg::Role::clerk},
    {"GET /v1/events", kg::Role::auditor},
    {"GET /v1/tokens", kg::Role::admin},
    {"GET /v1/tokens/{name}", kg::Role::admin},
    {"POST /v1/tokens", kg::Role::admin},
    {"POST /v1/tokens/{name}/revoke", kg::Role::admin},
};

std::string route_name(const Route& r) {
  return std::string(method_name(r.method)) + " " + std::string(r.pattern);
}

// An Api on a new ledger, with one token of each role.
struct Served {
  test::TempDir dir;
  std::string path = dir.file("ledger.db");
  SecretKey key = test::development_key();
  kg::KeySigner signer{key};
  std::map<kg::Role, std::string> tokens;
  std::unique_ptr<Api> api;

  Served() {
    auto ledger = test::ok(kg::Ledger::create(path, key.public_key(), kg::Ledger::DevelopmentKey::allow));
    for (const kg::Role role : {kg::Role::auditor, kg::Role::shop, kg::Role::clerk, kg::Role::admin}) {
      const auto bearer = test::ok(ledger.tokens().create(std::string(kg::role_name(role)), role, "test"));
      tokens[role] = std::string(bearer.view());
    }
    ApiOptions options;
    options.ledger_path = path;
    options.ledger_connections = 1;
    api = test::ok(Api::create(options, signer, [] { return SignerStatus{true, 0, 0}; }));
  }

  // The request's answer: begin()'s, or finish()'s with `body` when begin() wants one.
  Response request(const std::string& method, const std::string& target, kg::Role role,
                   const std::string& body) {
    RequestHead head{method, target, "127.0.0.1", {{"Authorization", "Bearer " + tokens[role]}}};
    if (method == "POST") {
      head.headers.push_back({"Content-Type", "application/json"});
      head.headers.push_back({"Content-Length", std::to_string(body.size())});
    }
    Api::Accepted accepted;
    if (auto now = api->begin(head, &accepted)) return *now;
    return api->finish(accepted, body);
  }
};

// A path of the pattern with its parameters filled in.
std::string target_of(std::string_view pattern) {
  std::string out(pattern);
  for (const auto& [name, value] : {std::pair<std::string, std::string>{"{serial}", "1"},
                                    {"{appliance}", "001A2B3C4D5E"},
                                    {"{number}", "1"},
                                    {"{name}", "nobody"}}) {
    const auto at = out.find(name);
    if (at != std::string::npos) out.replace(at, name.size(), value);
  }
  return out;
}

}  // namespace

TEST_CASE("routes: the route table and /v1/openapi.json name the same paths and methods, both ways") {
  std::set<std::string> documented;
  const json doc = document();
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
    }
  }
  std::set<std::string> routed;
  for (const Route& r : routes()) {
    if (r.listed == Listed::api) routed.insert(route_name(r));
  }
  for (const std::string& d : documented)
    CHECK_MESSAGE(routed.count(d) == 1, (d + " is documented, not routed"));
  for (const std::string& r : routed)
    CHECK_MESSAGE(documented.count(r) == 1, (r + " is routed, not documented"));
  CHECK(routed.size() == 26);
}

TEST_CASE("routes: each path pattern and method once, every bearer route takes the role of its effect") {
  std::set<std::string> seen;
  for (const Route& r : routes()) {
    CAPTURE(route_name(r));
    CHECK(seen.insert(route_name(r)).second);
    CHECK((r.writes == Writes::yes) == (r.method == Method::post));
    CHECK((r.body == Body::json) == (r.method == Method::post));
    if (r.credential != Credential::bearer) continue;
    const auto expected = kExpectedRoles.find(route_name(r));
    REQUIRE(expected != kExpectedRoles.end());
    CHECK(effect_rule(r.effect).role == expected->second);
  }
  CHECK(effect_rule(Effect::void_license).role == kg::Role::clerk);
}

TEST_CASE("roles: every role on every endpoint, through the dispatcher: 403 exactly below the route's role") {
  Served s;
  for (const Route& r : routes()) {
    if (r.credential != Credential::bearer) continue;
    for (const auto& [role, token] : s.tokens) {
      CAPTURE(route_name(r));
      CAPTURE(kg::role_name(role));
      const Response answer = s.request(std::string(method_name(r.method)), target_of(r.pattern), role, "{}");
      const bool allowed = kg::role_allows(role, effect_rule(r.effect).role);
      CHECK((answer.status == 403) == !allowed);
    }
  }
}

TEST_CASE("pages: every page route serves its file with the strict Content-Security-Policy") {
  Served s;
  int pages = 0;
  for (const Route& r : routes()) {
    if (r.listed != Listed::page) continue;
    CAPTURE(route_name(r));
    ++pages;
    const Response answer = s.request("GET", std::string(r.pattern), kg::Role::auditor, "");
    CHECK(answer.status == 200);
    CHECK(!answer.body.empty());
    const std::string_view name = r.pattern.substr(1);
    const bool script = name.size() > 3 && name.substr(name.size() - 3) == ".js";
    CHECK(test::contains(answer.content_type, script ? "text/javascript" : "text/"));
    bool strict = false;
    for (const Header& h : answer.headers)
      strict =
          strict || (h.name == "Content-Security-Policy" && test::contains(h.value, "default-src 'self'") &&
                     !test::contains(h.value, "unsafe-inline"));
    CHECK(strict);
  }
  CHECK(pages == 8);
  // The desk's page loads its words (i18n.js) first, then desk.js, then the codes' and the tokens'
  // panels' scripts, which use desk.js's helper.
  const std::string page = s.request("GET", "/", kg::Role::auditor, "").body;
  CHECK(page.find(R"(<script src="/i18n.js" defer>)") < page.find(R"(<script src="/desk.js" defer>)"));
  CHECK(page.find(R"(<script src="/desk.js" defer>)") < page.find(R"(<script src="/codes.js" defer>)"));
  CHECK(page.find(R"(<script src="/codes.js" defer>)") != std::string::npos);
  CHECK(page.find(R"(<script src="/desk.js" defer>)") < page.find(R"(<script src="/tokens.js" defer>)"));
  CHECK(page.find(R"(<script src="/tokens.js" defer>)") != std::string::npos);
}

TEST_CASE("whoami: a token gets its name, role and exactly the operations the dispatcher lets it call") {
  Served s;
  for (const auto& [role, token] : s.tokens) {
    CAPTURE(kg::role_name(role));
    const Response answer = s.request("GET", "/v1/whoami", role, "");
    REQUIRE(answer.status == 200);
    const json j = json::parse(answer.body);
    CHECK(j["name"] == std::string(kg::role_name(role)));
    CHECK(j["role"] == std::string(kg::role_name(role)));
    std::set<std::string> listed;
    for (const json& op : j["operations"]) listed.insert(op.get<std::string>());
    CHECK(listed.size() == j["operations"].size());
    for (const Route& r : routes()) {
      if (r.credential != Credential::bearer) continue;
      CAPTURE(route_name(r));
      const Response tried = s.request(std::string(method_name(r.method)), target_of(r.pattern), role, "{}");
      CHECK((listed.count(route_name(r)) == 1) == (tried.status != 403));
    }
    // What the desk's codes panel asks: an auditor finds codes, only a clerk makes and voids them.
    CHECK(listed.count("GET /v1/codes") == 1);
    CHECK(listed.count("POST /v1/codes") == (kg::role_allows(role, kg::Role::clerk) ? 1U : 0U));
    CHECK(listed.count("POST /v1/codes/{number}/void") == listed.count("POST /v1/codes"));
  }
}

TEST_CASE("roles are checked on effects: a standby replace voids, so a shop token may not, a clerk may") {
  Served s;
  const auto issue = [&](const std::string& target, const std::string& body) {
    const Response r = s.request("POST", target, kg::Role::clerk, body);
    REQUIRE_MESSAGE(r.status == 201, r.body);
  };
  issue("/v1/licenses/server", R"({"appliance":"00:1a:2b:3c:4d:5e","edition":"vm"})");
  issue("/v1/licenses/standby", R"({"appliance":"00:1a:2b:3c:4d:60","primary":"001A2B3C4D5E"})");
  const std::string replace = R"({"appliance":"00:1a:2b:3c:4d:61","primary":"001A2B3C4D5E","replace":true})";
  const std::string before = test::ledger_snapshot(s.path);
  for (const std::string target : {"/v1/licenses/standby", "/v1/orders"}) {
    CAPTURE(target);
    const std::string body = target == "/v1/orders"
                                 ? "[" + replace.substr(0, replace.size() - 1) + R"(,"type":"standby"}])"
                                 : replace;
    const Response shop = s.request("POST", target, kg::Role::shop, body);
    CHECK(shop.status == 403);
    CHECK(
        test::contains(shop.body, "this needs the role clerk or above (a standby order with replace voids"));
    CHECK(test::ledger_snapshot(s.path) == before);
  }
  // Without replace the same order is the shop's to place; with it, the clerk's.
  const Response plain = s.request("POST", "/v1/licenses/standby", kg::Role::shop,
                                   R"({"appliance":"00:1a:2b:3c:4d:62","primary":"001A2B3C4D5E"})");
  CHECK(plain.status == 409);  // one standby per primary: refused by the rules, not the role
  CHECK(s.request("POST", "/v1/licenses/standby", kg::Role::clerk, replace).status == 201);
}

TEST_CASE("problems: each error code is its own problem type, its kind's status, its members in the body") {
  for (const kg::CodeInfo& c : kg::kCodes) {
    CAPTURE(c.name);
    const kg::Error e(c.code, "what went wrong",
                      {{"max_users", std::int64_t{20}}, {"appliance", std::string("AB12")}});
    const Response r = problem_of(e);
    const json body = json::parse(r.body);
    std::string slug(c.name);
    for (char& ch : slug) ch = ch == '_' ? '-' : ch;
    CHECK(body["type"] == "urn:seatkey:problem:" + slug);
    CHECK(body["status"] == kind_status(c.kind).status);
    CHECK(r.status == kind_status(c.kind).status);
    CHECK(body["code"] == std::string(c.name));
    CHECK(body["kind"] == std::string(kg::kind_info(c.kind).name));
    CHECK(body["detail"] == "what went wrong");
    CHECK(body["max_users"] == 20);
    CHECK(body["appliance"] == "AB12");
  }
  CHECK(kind_status(kg::Kind::refused).status == 409);
  CHECK(kind_status(kg::Kind::busy).retry);
  CHECK(problem_of(kg::Error(kg::Code::ledger_busy, "busy")).headers.at(0).name == "Retry-After");
}

TEST_CASE("openapi: the enumerations and problem types are the program's tables, no marker left") {
  const std::string text(openapi_document());
  CHECK(text.find("x-seatkey") == std::string::npos);
  const json doc = document();
  const json& schemas = doc["components"]["schemas"];
  json editions = json::array();
  for (const EditionRules& e : kEditions) editions.push_back(std::string(e.name));
  CHECK(schemas["Edition"]["enum"] == editions);
  CHECK(schemas["Status"]["enum"] == names_of(kg::kStatusNames));
  CHECK(schemas["Whoami"]["properties"]["role"]["enum"] == names_of(kg::kRoleNames));
  CHECK(schemas["PackSize"]["enum"] == json(kPackSizes));
  CHECK(schemas["Event"]["properties"]["type"]["enum"] == names_of(kg::kEventKindNames));
  CHECK(schemas["LicenseFields"]["properties"]["kind"]["enum"] == names_of(kKindNames));
  CHECK(schemas["Problem"]["properties"]["kind"]["enum"].size() == kg::kKinds.size());
  std::set<std::string> types;
  for (const json& t : schemas["ProblemType"]["oneOf"]) types.insert(t["const"].get<std::string>());
  for (const kg::CodeInfo& c : kg::kCodes) CHECK(types.count(problem_type_uri(c.name)) == 1);
  for (const ProblemType& p : kProblemTypes) CHECK(types.count(problem_type_uri(p.slug)) == 1);
}
