// /v1/codes: activation codes for the ERP and the desk (seatkey-keygen code list, show, new,
// void). A code's text is in the answer of POST /v1/codes only, once: the ledger keeps its
// hash, so that answer is never stored for an Idempotency-Key either.
#include <charconv>

#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/keygen/json.hpp"

namespace seatkey::server::handlers {
namespace {

using nlohmann::ordered_json;

constexpr std::size_t kDefaultLimit = 100, kMaxLimit = 1000;

keygen::Error bad(std::string message) {
  return keygen::Error(keygen::Code::bad_input, std::move(message));
}

std::optional<std::int64_t> whole_number(const std::string& text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || text.size() > 16 || ec != std::errc() || end != text.data() + text.size() || n < 0)
    return std::nullopt;
  return n;
}

keygen::Result<keygen::CodeQuery> code_query(const Request& r) {
  keygen::CodeQuery q;
  q.limit = kDefaultLimit;
  for (const auto& [name, value] : r.query) {
    if (name == "reseller") {
      q.reseller = value;
    } else if (name == "order") {
      q.order = value;
    } else if (name == "status") {
      q.state = keygen::code_state_named(value);
      if (!q.state) return bad("status is one of issued, redeemed, voided");
    } else if (name == "after") {
      const auto n = whole_number(value);
      if (!n) return bad("after must be a code number (0 or more)");
      q.after = *n;
    } else if (name == "limit") {
      const auto n = whole_number(value);
      if (!n || *n < 1 || *n > static_cast<std::int64_t>(kMaxLimit))
        return bad("limit must be a whole number from 1 to " + std::to_string(kMaxLimit));
      q.limit = static_cast<std::size_t>(*n);
    } else {
      return bad("unknown query parameter " + json_quoted(name) + " (reseller, order, status, after, limit)");
    }
  }
  return q;
}

keygen::Result<ordered_json> record_json(keygen::Ledger& ledger, const keygen::CodeRecord& c) {
  std::optional<std::string> appliance;
  if (c.redeemed) {
    auto now = keygen::code_appliance(ledger, c);
    if (!now) return now.error();
    appliance = std::move(*now);
  }
  return keygen::code_json(c, appliance);
}

}  // namespace

Reply list_codes(Context& c, const Request& r) {
  auto q = code_query(r);
  if (!q) return q.error();
  keygen::Ledger& ledger = c.ledger();
  auto codes = ledger.codes().find_all(*q);
  if (!codes) return codes.error();
  ordered_json j;
  j["codes"] = ordered_json::array();
  for (const keygen::CodeRecord& code : *codes) {
    auto one = record_json(ledger, code);
    if (!one) return one.error();
    j["codes"].push_back(std::move(*one));
  }
  // A full page may have more after it.
  j["next_after"] =
      codes->size() == q->limit ? ordered_json(codes->back().row.number) : ordered_json(nullptr);
  return json_response(200, j);
}

Reply show_code(Context& c, const Request& r) {
  keygen::Ledger& ledger = c.ledger();
  auto found = ledger.codes().find(*r.number);
  if (!found) return found.error();
  if (!*found)
    return keygen::Error(keygen::Code::code_unknown,
                         "the ledger has no code no. " + std::to_string(*r.number));
  auto j = record_json(ledger, **found);
  if (!j) return j.error();
  return json_response(200, *j);
}

Reply create_codes(Context& c, const Request& r) {
  if (r.idempotency_key) {
    return bad(
        "POST /v1/codes takes no Idempotency-Key: its answer holds the codes, which the ledger never keeps; "
        "after a lost answer, void the codes (GET /v1/codes?order=...) and make new ones");
  }
  auto batch = keygen::parse_code_batch(r.body);
  if (!batch) return batch.error();
  keygen::EventOptions who;
  who.who = r.token->name;
  auto made = keygen::create_codes(c.ledger(), *c.transaction, *batch, who);
  if (!made) return made.error();
  ordered_json j;
  j["codes"] = ordered_json::array();
  for (const keygen::NewCode& code : *made) {
    ordered_json one = keygen::code_json({code.row, std::nullopt, std::nullopt}, std::nullopt);
    one["code"] = code.code.text();
    j["codes"].push_back(std::move(one));
  }
  return json_response(201, j);
}

Reply void_code(Context& c, const Request& r) {
  auto fields = keygen::parse_text_fields(r.body, "the request", {"reason"}, {"reason"});
  if (!fields) return fields.error();
  keygen::EventOptions who;
  who.who = r.token->name;
  who.written_by = r.token->name;
  auto result = keygen::void_code(c.ledger(), *c.transaction, *r.number, fields->at("reason"), who);
  if (!result) return result.error();
  ordered_json j;
  j["number"] = *r.number;
  j["voided"] = ordered_json::array();
  for (const keygen::LedgerEntry& e : result->voided)
    j["voided"].push_back(keygen::license_json(e, keygen::status_name(keygen::Status::voided)));
  return json_response(200, j);
}

}  // namespace seatkey::server::handlers
