// GET /v1/events?after=N&limit=M: the event feed an ERP polls instead of webhooks. What happened
// to licenses and codes in chain order, read from the chain's indexes a page at a time; the
// answer's next_after is the cursor to poll with next.
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/queries.hpp"

namespace seatkey::server::handlers {

Reply events(Context& c, const Request& r) {
  auto page = keygen::parse_feed_page(r.query);
  if (!page) return page.error();
  auto feed = keygen::read_feed(c.ledger(), page->after, page->limit);
  if (!feed) return feed.error();
  return json_response(200, keygen::feed_json(*feed));
}

}  // namespace seatkey::server::handlers
