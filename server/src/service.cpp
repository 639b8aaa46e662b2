// The routes that need no token: the desk's page, /healthz and the API document.
#include "handlers.hpp"
#include "openapi.hpp"
#include "responses.hpp"
#include "web.hpp"

namespace seatkey::server::handlers {

Reply page(Context&, const Request& r) {
  const WebFile* file = find_web_file(r.segments.front());
  if (file == nullptr) return problem(Problem::not_found, "no such page");
  return web_response(*file);
}

Reply health(Context& c, const Request&) {
  const SignerStatus s = c.signer_status();
  nlohmann::ordered_json j;
  j["status"] = s.alive ? "ok" : "unavailable";
  j["signer"] = {{"alive", s.alive}, {"signatures", s.signatures}, {"refusals", s.refusals}};
  j["key_id"] = c.signer.public_key().id();
  // Activations run where the ledger is written: in the signer process, whose count its status
  // carries, or here when this process writes itself (then the signer's count is 0).
  j["code_failures_last_minute"] =
      c.code_failures.failures_last_minute(detail::GrowingThrottle::Clock::now()) +
      s.code_failures_last_minute;
  return json_response(s.alive ? 200 : 503, j);
}

Reply openapi(Context&, const Request&) {
  return Response{200, "application/json", std::string(openapi_document()), {}};
}

}  // namespace seatkey::server::handlers
