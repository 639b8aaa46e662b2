#include "openapi.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "responses.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/rows.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::server {
namespace {

using json = nlohmann::ordered_json;

template <class Names>
json names_of(const Names& names) {
  json out = json::array();
  for (std::string_view n : names) out.push_back(std::string(n));
  return out;
}

// The names each "x-seatkey-enum" marker stands for.
const std::map<std::string, std::function<json()>>& enumerations() {
  static const std::map<std::string, std::function<json()>> kEnums = {
      {"editions",
       [] {
         json out = json::array();
         for (const EditionRules& e : kEditions) out.push_back(std::string(e.name));
         return out;
       }},
      {"kinds", [] { return names_of(kKindNames); }},
      {"license_kinds",
       [] {
         json out = json::array();
         for (std::size_t i = 0; i < kKindNames.size(); ++i) {
           if (is_license(static_cast<LicenseKind>(i))) out.push_back(std::string(kKindNames[i]));
         }
         return out;
       }},
      {"statuses", [] { return names_of(keygen::kStatusNames); }},
      {"roles", [] { return names_of(keygen::kRoleNames); }},
      {"pack_sizes", [] { return json(kPackSizes); }},
      {"event_types", [] { return names_of(keygen::kEventKindNames); }},
      {"feed_types", [] { return names_of(keygen::kFeedTypeNames); }},
      {"code_event_types", [] { return names_of(keygen::kCodeEventKindNames); }},
      {"error_codes",
       [] {
         json out = json::array();
         for (const keygen::CodeInfo& c : keygen::kCodes) out.push_back(std::string(c.name));
         return out;
       }},
      {"error_kinds",
       [] {
         json out = json::array();
         for (const keygen::KindInfo& k : keygen::kKinds) out.push_back(std::string(k.name));
         return out;
       }},
  };
  return kEnums;
}

json problem_type(const std::string& uri, int status, std::string_view title, std::string_view members) {
  json t;
  t["const"] = uri;
  t["title"] = std::string(title);
  t["description"] = "HTTP " + std::to_string(status) +
                     (members.empty() ? std::string() : "; members: " + std::string(members));
  return t;
}

// Every problem type the server answers with: the HTTP layer's and each error code's.
json problem_types() {
  json types = json::array();
  for (const ProblemType& p : kProblemTypes)
    types.push_back(problem_type(problem_type_uri(p.slug), p.status, p.title, ""));
  for (const keygen::CodeInfo& c : keygen::kCodes) {
    const std::string uri = problem_type_uri(c.name);
    bool listed = false;
    for (const json& t : types) listed = listed || t["const"] == uri;
    if (!listed) types.push_back(problem_type(uri, kind_status(c.kind).status, c.title, c.members));
  }
  return json{{"type", "string"}, {"oneOf", std::move(types)}};
}

void fill(json& node) {
  if (node.is_array()) {
    for (json& item : node) fill(item);
    return;
  }
  if (!node.is_object()) return;
  if (auto marker = node.find("x-seatkey-enum"); marker != node.end()) {
    const auto found = enumerations().find(marker->get<std::string>());
    if (found == enumerations().end())
      throw std::logic_error("openapi.json: unknown x-seatkey-enum " + marker->dump());
    json names = found->second();
    if (node.value("x-seatkey-null", false)) names.push_back(nullptr);
    node.erase("x-seatkey-enum");
    node.erase("x-seatkey-null");
    node["enum"] = std::move(names);
  }
  if (node.contains("x-seatkey-problem-types")) node = problem_types();
  for (auto& [key, value] : node.items()) fill(value);
}

}  // namespace

std::string_view openapi_document() {
  static const std::string kDocument = [] {
    json doc = json::parse(openapi_template());
    fill(doc);
    return doc.dump(2) + "\n";
  }();
  return kDocument;
}

}  // namespace seatkey::server
