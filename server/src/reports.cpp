// GET /v1/report?since=&until=: `seatkey-keygen report --json`.
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::server::handlers {

Reply report(Context& c, const Request& r) {
  auto period = keygen::parse_period(r.query, keygen::kQueryFilter);
  if (!period) return period.error();
  auto report = keygen::make_report(c.ledger(), period->since, period->until);
  if (!report) return report.error();
  return json_response(200, keygen::report_json(*report));
}

}  // namespace seatkey::server::handlers
