#include "responses.hpp"

namespace seatkey::server {
namespace {

using nlohmann::ordered_json;

static_assert(kKindStatuses.size() == keygen::kKinds.size(), "an HTTP status for every kind of error");

constexpr bool kinds_in_order() {
  for (std::size_t i = 0; i < kKindStatuses.size(); ++i) {
    if (static_cast<std::size_t>(kKindStatuses[i].kind) != i) return false;
  }
  return true;
}
static_assert(kinds_in_order(), "kKindStatuses is indexed by Kind");

std::string dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string problem_type_uri(std::string_view code_or_slug) {
  std::string slug(code_or_slug);
  for (char& c : slug) c = c == '_' ? '-' : c;
  return "urn:seatkey:problem:" + slug;
}

Response problem(Problem p, std::string_view detail) {
  const ProblemType& t = problem_type(p);
  ordered_json j;
  j["type"] = problem_type_uri(t.slug);
  j["title"] = std::string(t.title);
  j["status"] = t.status;
  j["detail"] = std::string(detail);
  return Response{t.status, "application/problem+json", dump(j), {}};
}

Response problem_of(const keygen::Error& error) {
  const keygen::CodeInfo& code = keygen::code_info(error.code);
  const KindStatus& kind = kind_status(error.kind);
  ordered_json j;
  j["type"] = problem_type_uri(code.name);
  j["title"] = std::string(code.title);
  j["status"] = kind.status;
  // The message, in the desk's words; never error.command_hint, a seatkey-keygen command line
  // that neither the desk nor an API client can run against this server (docs/back-office.md).
  j["detail"] = error.message;
  j["code"] = std::string(code.name);
  j["kind"] = std::string(keygen::kind_info(error.kind).name);
  for (const keygen::Member& m : error.members) {
    std::visit([&](const auto& value) { j[m.name] = value; }, m.value);
  }
  Response r{kind.status, "application/problem+json", dump(j), {}};
  if (kind.retry) r.headers.push_back({"Retry-After", "1"});
  return r;
}

Response json_response(int status, const ordered_json& j) {
  return Response{status, "application/json", dump(j), {}};
}

Response dry_run_response(ordered_json j) {
  j["dry_run"] = true;
  for (const char* list : {"licenses", "voided"}) {
    if (!j.contains(list)) continue;
    for (ordered_json& license : j[list]) license.erase("token");
  }
  return json_response(200, j);
}

std::string json_quoted(std::string_view text) {
  return ordered_json(std::string(text)).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace seatkey::server
