// POST /v1/activations {"code", "appliance"} or {"request"}: an appliance activating itself
// (seatkey-keygen code redeem). The code is the credential, no bearer token: it is looked up
// by its hash first, without the writers' lock; a code that is not on record counts as a failure
// of the client's address, whose next failures wait longer and longer (429, Retry-After), while
// a valid code is served whatever its address did before. The answer is the appliance's whole
// license file, the same for the same code and appliance each time.
#include "handlers.hpp"
#include "responses.hpp"
#include "seatkey/common/activation_request.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/keygen/json.hpp"

namespace seatkey::server::handlers {
namespace {

using nlohmann::ordered_json;

struct Activation {
  std::string appliance;
  std::vector<ActivationCode> codes;
};

keygen::Result<Activation> read_activation(std::string_view body) {
  auto fields = keygen::parse_text_fields(body, "the request", {"code", "appliance", "request"}, {});
  if (!fields) return fields.error();
  const bool request = fields->count("request") != 0;
  if (request == (fields->count("code") != 0 || fields->count("appliance") != 0) ||
      (!request && fields->size() != 2)) {
    return keygen::Error(keygen::Code::bad_input,
                         "the request gives either \"code\" and \"appliance\", or \"request\" (an offline "
                         "activation request, SKR1-...)");
  }
  Activation out;
  if (request) {
    auto parsed = parse_activation_request(fields->at("request"));
    if (!parsed) {
      return keygen::Error(keygen::Code::request_mistyped, parsed.error().message,
                           {{"problem", std::string(activation_problem_name(parsed.error().problem))}});
    }
    if (parsed->codes.empty()) {
      return keygen::Error(keygen::Code::bad_input,
                           "the activation request carries no code: make it with --code CODE");
    }
    out.appliance = parsed->appliance;
    out.codes = parsed->codes;
    return out;
  }
  auto code = keygen::read_typed_code(fields->at("code"));
  if (!code) return code.error();
  auto appliance = keygen::parse_new_appliance(fields->at("appliance"));
  if (!appliance) return appliance.error();
  out.appliance = std::move(*appliance);
  out.codes.push_back(std::move(*code));
  return out;
}

// A code that is not on record: a failure of the address; once it made too many, 429.
Response unknown_code(Context& c, const Request& r, const keygen::Error& not_found) {
  const auto now = detail::GrowingThrottle::Clock::now();
  c.code_failures.record_failure(r.client_address, now);
  const auto wait = c.code_failures.blocked(r.client_address, now);
  if (!wait) return problem_of(not_found);
  Response out =
      problem(Problem::too_many_requests, "too many activation codes from " + r.client_address +
                                              " are not on record; try again in " + std::to_string(*wait) +
                                              " s (a code that is on record is answered at once)");
  out.headers.push_back({"Retry-After", std::to_string(*wait)});
  return out;
}

// The appliance's license file: text, or JSON with the codes' numbers and what it counts.
Response answer(const Request& r, const std::vector<std::int64_t>& numbers,
                const keygen::RedeemResult& last) {
  if (r.accepts_text) return Response{200, "text/plain; charset=utf-8", last.license_file, {}};
  ordered_json j;
  j["appliance"] = last.appliance;
  j["codes"] = numbers;
  j["summary"] = keygen::appliance_summary_json(last.after);
  j["license_file"] = last.license_file;
  return json_response(200, j);
}

}  // namespace

Reply activate(Context& c, const Request& r) {
  auto activation = read_activation(r.body);
  if (!activation) return activation.error();
  keygen::Ledger& ledger = c.ledger();
  std::vector<std::int64_t> numbers;
  for (const ActivationCode& code : activation->codes) {
    auto found = ledger.codes().find_by_hash(code.hash_hex());
    if (!found) return found.error();
    if (!*found) {
      return unknown_code(c, r,
                          keygen::Error(keygen::Code::code_unknown,
                                        "no activation code " + code.text() +
                                            " on record: check it against the code as it was sold, or ask "
                                            "your reseller"));
    }
    numbers.push_back((*found)->row.number);
  }
  auto tx = ledger.begin();
  if (!tx) return tx.error();
  keygen::RedeemOptions options;
  options.issuer = c.options.issuer;
  std::optional<keygen::RedeemResult> last;
  for (const ActivationCode& code : activation->codes) {
    auto redeemed = keygen::redeem_code(ledger, *tx, c.signer, code, activation->appliance, options);
    if (!redeemed) return redeemed.error();
    last = std::move(*redeemed);
  }
  if (auto done = tx->commit(); !done) return done.error();
  return answer(r, numbers, *last);
}

}  // namespace seatkey::server::handlers
