#include "seatkey/server/api.hpp"

#include <sodium.h>

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "entitlement_json.hpp"
#include "http_text.hpp"
#include "openapi.hpp"
#include "rate_limit.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuer.hpp"
#include "seatkey/keygen/json.hpp"
#include "seatkey/keygen/license_file.hpp"
#include "seatkey/keygen/listing.hpp"
#include "seatkey/keygen/orders.hpp"
#include "seatkey/verifier.hpp"
#include "web.hpp"

namespace seatkey::server {
namespace {

using keygen::Failure;
using keygen::Role;
using nlohmann::ordered_json;

constexpr std::string_view kJson = "application/json";
constexpr std::size_t kDefaultListLimit = 1000;
constexpr std::size_t kMaxListLimit = 10000;
constexpr std::size_t kMaxIdBytes = 128;  // longer than any appliance ID a person types

std::string dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

Response json_response(int status, const ordered_json& j) {
  return Response{status, std::string(kJson), dump(j), {}};
}

// The routes: what each path is, which method it takes and which role it needs.
enum Route {
  kWeb,  // the desk's page and its files (server/web/)
  kHealth,
  kOpenApi,
  kLicenses,
  kLicense,
  kIssueServer,
  kIssueUsers,
  kOrders,
  kAppliance,
  kLicenseFile,
};
struct RouteRules {
  const char* method;         // GET routes also answer HEAD
  std::optional<Role> needs;  // nullopt: no token needed
};
constexpr RouteRules kRouteRules[] = {
    {"GET", std::nullopt},  // the page needs no token: its API calls carry one
    {"GET", std::nullopt},  {"GET", std::nullopt},  {"GET", Role::auditor},
    {"GET", Role::auditor}, {"POST", Role::shop},   {"POST", Role::shop},
    {"POST", Role::shop},   {"GET", Role::auditor}, {"GET", Role::shop},
};

std::optional<Route> match(const std::vector<std::string>& s) {
  const auto is = [&s](std::initializer_list<const char*> fixed, std::size_t size) {
    if (s.size() != size) return false;
    std::size_t i = 0;
    for (const char* f : fixed) {
      if (f != nullptr && s[i] != f) return false;
      ++i;
    }
    return true;
  };
  if (s.size() == 1 && find_web_file(s[0]) != nullptr) return kWeb;
  if (is({"healthz"}, 1)) return kHealth;
  if (is({"v1", "openapi.json"}, 2)) return kOpenApi;
  if (is({"v1", "licenses"}, 2)) return kLicenses;
  if (is({"v1", "licenses", "server"}, 3)) return kIssueServer;
  if (is({"v1", "licenses", "users"}, 3)) return kIssueUsers;
  if (is({"v1", "licenses", nullptr}, 3)) return kLicense;
  if (is({"v1", "orders"}, 2)) return kOrders;
  if (is({"v1", "appliances", nullptr}, 3)) return kAppliance;
  if (is({"v1", "appliances", nullptr, "license-file"}, 4)) return kLicenseFile;
  return std::nullopt;
}

// The headers a request may carry once: a second copy could mean something else to a proxy.
const Header* find_header(const RequestHead& head, std::string_view name, bool* repeated) {
  const Header* found = nullptr;
  *repeated = false;
  for (const Header& h : head.headers) {
    if (h.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(h.name[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (!same) continue;
    if (found != nullptr) *repeated = true;
    found = &h;
  }
  return found;
}

// A serial in a path or query: a positive decimal number (what jti and the ledger hold).
std::optional<std::int64_t> parse_serial(std::string_view text) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string json_quoted(std::string_view text) {
  return ordered_json(std::string(text)).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// The appliance ID of a path segment, with seatkey-keygen's message for a malformed one.
std::string appliance_of(std::string_view segment) {
  if (segment.size() > kMaxIdBytes) {
    keygen::throw_input_error("invalid appliance ID: " + std::to_string(segment.size()) +
                              " characters, over 64");
  }
  return keygen::parse_appliance(segment);
}

std::int64_t serial_of(std::string_view segment) {
  const auto serial = parse_serial(segment);
  if (!serial) {
    keygen::throw_input_error("invalid serial " + json_quoted(segment.substr(0, kMaxIdBytes)) +
                              ": a serial is a positive decimal number");
  }
  return *serial;
}

std::string request_hash(std::string_view method, std::string_view path, std::string_view body) {
  const std::string message = pae({method, path, body});
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

keygen::ApplianceSummary summary_of(const keygen::ApplianceState& state) {
  keygen::ApplianceSummary s;
  s.appliance = state.appliance();
  if (const keygen::LedgerEntry* server = state.active_server()) s.edition = server->edition;
  s.users = state.users();
  return s;
}

ordered_json listed_json(const keygen::ListedRow& r) {
  return r.entry != nullptr ? keygen::license_json(*r.entry, r.status) : keygen::corrupt_row_json(*r.corrupt);
}

}  // namespace

Response problem(Problem p, std::string_view detail) {
  const ProblemType& t = problem_type(p);
  ordered_json j;
  j["type"] = "urn:seatkey:problem:" + std::string(t.slug);
  j["title"] = std::string(t.title);
  j["status"] = t.status;
  j["detail"] = std::string(detail);
  return Response{t.status, "application/problem+json", dump(j), {}};
}

// Ledger connections, one per request at a time.
class LedgerPool {
 public:
  LedgerPool(const std::string& path, std::size_t n) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, n); ++i) {
      free_.push_back(
          std::make_unique<keygen::Ledger>(keygen::Ledger::open(path, keygen::Ledger::Access::read_write)));
    }
  }
  class Lease {
   public:
    Lease(LedgerPool* pool, std::unique_ptr<keygen::Ledger> ledger)
        : pool_(pool), ledger_(std::move(ledger)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_->give_back(std::move(ledger_)); }
    keygen::Ledger& operator*() { return *ledger_; }

   private:
    LedgerPool* pool_;
    std::unique_ptr<keygen::Ledger> ledger_;
  };
  Lease acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    available_.wait(lock, [this] { return !free_.empty(); });
    auto ledger = std::move(free_.back());
    free_.pop_back();
    return Lease(this, std::move(ledger));
  }

 private:
  void give_back(std::unique_ptr<keygen::Ledger> ledger) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back(std::move(ledger));
    }
    available_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<keygen::Ledger>> free_;
};

struct Api::Impl {
  ApiOptions options;
  const keygen::Signer& signer;
  std::function<SignerStatus()> signer_status;
  LedgerPool ledgers;
  detail::FailureLimiter limiter;
  std::atomic<bool>* signer_lost;

  Impl(ApiOptions o, const keygen::Signer& s, std::function<SignerStatus()> status, std::atomic<bool>* lost)
      : options(std::move(o)),
        signer(s),
        signer_status(std::move(status)),
        ledgers(options.ledger_path, options.ledger_connections),
        limiter(options.max_auth_failures, options.auth_failure_window, options.max_limited_addresses),
        signer_lost(lost) {}

  // A refusal or failure of the keygen library as a problem.
  Response failure(const Failure& e) {
    switch (e.kind()) {
      case Failure::Kind::refused: return problem(Problem::refused, e.what());
      case Failure::Kind::input: return problem(Problem::bad_input, e.what());
      case Failure::Kind::ledger: break;
    }
    const SignerStatus status = signer_status();
    if (!status.alive) {
      signer_lost->store(true);
      return problem(
          Problem::unavailable,
          "the signer process is gone: nothing was issued; the server stops and must be restarted");
    }
    const std::string message = e.what();
    if (message.find(" is busy ") != std::string::npos) {
      Response r = problem(Problem::unavailable, message);
      r.headers.push_back({"Retry-After", "1"});
      return r;
    }
    return problem(Problem::internal_error, message);
  }

  std::optional<Response> authenticate(const RequestHead& head, Role needs, Accepted* accepted) {
    const auto now = detail::FailureLimiter::Clock::now();
    if (const auto wait = limiter.blocked(head.client_address, now)) {
      Response r = problem(Problem::too_many_requests, "too many requests with a wrong token from " +
                                                           head.client_address + "; try again in " +
                                                           std::to_string(*wait) + " s");
      r.headers.push_back({"Retry-After", std::to_string(*wait)});
      return r;
    }
    bool repeated = false;
    const Header* h = find_header(head, "Authorization", &repeated);
    if (h == nullptr) {
      Response r =
          problem(Problem::unauthorized,
                  "this needs a bearer token: send Authorization: Bearer <token> (seatkey-keygen token "
                  "create makes one)");
      r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"seatkey-server\""});
      return r;
    }
    std::optional<keygen::ApiToken> token;
    if (!repeated) {
      if (const auto bearer = detail::bearer_token(h->value)) {
        auto lease = ledgers.acquire();
        token = (*lease).authenticate(*bearer);
      }
    }
    if (!token) {
      limiter.record_failure(head.client_address, now);
      Response r =
          problem(Problem::unauthorized,
                  "the bearer token is not valid: unknown, revoked or mistyped (Authorization: Bearer "
                  "<token>, once)");
      r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"seatkey-server\", error=\"invalid_token\""});
      return r;
    }
    accepted->token = token;
    if (!keygen::role_allows(token->role, needs)) {
      return problem(Problem::forbidden, "this needs role " + std::string(keygen::role_name(needs)) +
                                             " or above; the token " + json_quoted(token->name) +
                                             " has role " + std::string(keygen::role_name(token->role)));
    }
    return std::nullopt;
  }

  // POST: what the body must be, before it is read.
  std::optional<Response> check_body_headers(const RequestHead& head, Accepted* accepted) {
    bool repeated = false;
    const Header* type = find_header(head, "Content-Type", &repeated);
    if (type == nullptr || repeated || !detail::is_json_content_type(type->value)) {
      Response r = problem(
          Problem::unsupported_media_type,
          "the request body must be JSON: Content-Type: application/json" +
              (type != nullptr && !repeated ? ", not " + json_quoted(detail::log_text(type->value, 100))
                                            : std::string()));
      r.headers.push_back({"Accept-Post", "application/json"});
      return r;
    }
    const Header* encoding = find_header(head, "Transfer-Encoding", &repeated);
    const Header* length = find_header(head, "Content-Length", &repeated);
    if (encoding != nullptr || length == nullptr || repeated) {
      return problem(Problem::length_required,
                     "send the body with one Content-Length header (not chunked): at most 1 MiB");
    }
    const std::string_view value = length->value;
    std::size_t n = 0;
    bool digits = !value.empty() && value.size() <= 18;
    for (char c : value) digits = digits && c >= '0' && c <= '9';
    if (!digits) return problem(Problem::bad_input, "Content-Length is not a number");
    for (char c : value) n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > kMaxBodyBytes) {
      return problem(Problem::too_large, "the request body is " + std::to_string(n) + " bytes; at most " +
                                             std::to_string(kMaxBodyBytes) +
                                             " (1 MiB) are read: split the orders");
    }
    if (n == 0) return problem(Problem::bad_input, "the request body is empty: send the order as JSON");
    accepted->body_bytes = n;
    if (const Header* key = find_header(head, "Idempotency-Key", &repeated)) {
      auto parsed = repeated ? std::nullopt : detail::idempotency_key(key->value);
      if (!parsed) {
        return problem(Problem::bad_input,
                       "Idempotency-Key must be given once, 1 to 255 visible ASCII characters (a UUID, say)");
      }
      accepted->idempotency_key = std::move(parsed);
    }
    return std::nullopt;
  }

  Response health() {
    const SignerStatus s = signer_status();
    ordered_json j;
    j["status"] = s.alive ? "ok" : "unavailable";
    j["signer"] = {{"alive", s.alive}, {"signatures", s.signatures}, {"refusals", s.refusals}};
    j["key_id"] = signer.public_key().id();
    return json_response(s.alive ? 200 : 503, j);
  }

  Response list(const Accepted& a, const detail::Target& target) {
    keygen::ListingFilter filter;
    filter.rows.limit = kDefaultListLimit;
    std::map<std::string, bool> seen;
    for (const auto& [name, value] : target.query) {
      if (seen[name]) keygen::throw_input_error("query parameter " + json_quoted(name) + " is given twice");
      seen[name] = true;
      if (name == "appliance") {
        filter.rows.appliance = appliance_of(value);
      } else if (name == "customer") {
        filter.rows.customer = keygen::check_text("customer", value);
      } else if (name == "order") {
        filter.rows.order = keygen::check_text("order", value);
      } else if (name == "since") {
        filter.rows.since = keygen::parse_time("since", value);
      } else if (name == "until") {
        filter.rows.until = keygen::parse_time("until", value);
      } else if (name == "kind") {
        filter.rows.kind = parse_kind(value);
        if (!filter.rows.kind)
          keygen::throw_input_error("unknown kind " + json_quoted(value) + " (one of: server, users)");
      } else if (name == "status") {
        filter.status = value;
      } else if (name == "after") {
        const auto after = parse_serial(value);
        if (!after) keygen::throw_input_error("after " + json_quoted(value) + " is not a serial");
        filter.rows.after = after;
      } else if (name == "limit") {
        const auto limit = parse_serial(value);
        if (!limit || *limit > static_cast<std::int64_t>(kMaxListLimit)) {
          keygen::throw_input_error("limit " + json_quoted(value) + " is not a number from 1 to " +
                                    std::to_string(kMaxListLimit));
        }
        filter.rows.limit = static_cast<std::size_t>(*limit);
      } else {
        keygen::throw_input_error(
            "unknown query parameter " + json_quoted(name) +
            " (one of: appliance, customer, order, since, until, kind, status, after, limit)");
      }
    }
    (void)a;
    auto lease = ledgers.acquire();
    const keygen::Listing listing(*lease, filter, unix_now());
    ordered_json j;
    j["licenses"] = ordered_json::array();
    for (const keygen::ListedRow& r : listing.rows()) j["licenses"].push_back(listed_json(r));
    j["next_after"] =
        listing.continue_after() ? ordered_json(*listing.continue_after()) : ordered_json(nullptr);
    return json_response(200, j);
  }

  Response one_license(std::int64_t serial) {
    keygen::ListingFilter filter;
    filter.rows.after = serial - 1;
    filter.rows.limit = 1;
    auto lease = ledgers.acquire();
    const keygen::Listing listing(*lease, filter, unix_now());
    if (listing.rows().empty() || listing.rows().front().serial != serial) {
      return problem(Problem::not_found, "no license with serial " + std::to_string(serial) + " on record");
    }
    return json_response(200, listed_json(listing.rows().front()));
  }

  // The appliance's rows and state, or a problem when it has none (404) or a corrupt one.
  struct ApplianceView {
    std::optional<Response> problem_response;
    ordered_json rows = ordered_json::array();
    std::optional<keygen::ApplianceState> state;
  };
  ApplianceView appliance_view(keygen::Ledger& ledger, const std::string& appliance, UnixTime now) {
    ApplianceView v;
    keygen::ListingFilter filter;
    filter.rows.appliance = appliance;
    const keygen::Listing listing(ledger, filter, now);
    if (listing.rows().empty()) {
      v.problem_response = problem(Problem::not_found, "no licenses on record for appliance " + appliance);
      return v;
    }
    for (const keygen::ListedRow& r : listing.rows()) {
      if (r.corrupt != nullptr) {
        keygen::throw_ledger_error("ledger " + options.ledger_path + ": " + r.corrupt->why + "; appliance " +
                                   appliance +
                                   " cannot be judged until the row is repaired (docs/back-office.md, \"A "
                                   "corrupt row\")");
      }
      v.rows.push_back(listed_json(r));
    }
    v.state.emplace(listing.appliances().at(appliance));
    return v;
  }

  Response appliance(const std::string& typed) {
    const std::string id = appliance_of(typed);
    const UnixTime now = unix_now();
    auto lease = ledgers.acquire();
    keygen::Ledger& ledger = *lease;
    ApplianceView v = appliance_view(ledger, id, now);
    if (v.problem_response) return *v.problem_response;
    // What the appliance computes from the license file export writes, with the verifier's
    // library, trusting the ledger's signing keys.
    std::string file;
    try {
      file = keygen::license_file_text(*v.state);
    } catch (const Failure& e) {
      if (e.kind() != Failure::Kind::refused) throw;  // no active server license: nothing to export
    }
    std::vector<std::string> keys;
    for (const keygen::SigningKey& k : ledger.signing_keys()) {
      if (k.public_key) keys.push_back(*k.public_key);
    }
    verifier::TrustStore trust;
    if (!keys.empty()) {
      auto store = verifier::TrustStore::from_keys(keys);
      if (!store) keygen::throw_ledger_error("the ledger's signing keys: " + store.error().message);
      trust = std::move(*store);
    }
    auto set = verifier::parse_licenses(file, id + ".lic");
    if (!set) keygen::throw_ledger_error("the license file: " + set.error().message);
    auto entitlement = verifier::evaluate(*set, id, trust, now);
    if (!entitlement) keygen::throw_ledger_error("the entitlement: " + entitlement.error().message);
    ordered_json j;
    j["appliance"] = id;
    j["on_record"] = keygen::appliance_summary_json(summary_of(*v.state));
    j["entitlement"] = verifier::entitlement_json(*entitlement, true);
    j["licenses"] = std::move(v.rows);
    return json_response(200, j);
  }

  Response license_file(const std::string& typed) {
    const std::string id = appliance_of(typed);
    const UnixTime now = unix_now();
    auto lease = ledgers.acquire();
    ApplianceView v = appliance_view(*lease, id, now);
    if (v.problem_response) return *v.problem_response;
    Response r{200, "text/plain; charset=utf-8", keygen::license_file_text(*v.state), {}};
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + id + ".lic\""});
    return r;
  }

  Response issue(const Accepted& a, const std::vector<keygen::Order>& orders, std::string_view body) {
    auto lease = ledgers.acquire();
    keygen::Ledger& ledger = *lease;
    keygen::Ledger::Transaction tx = ledger.begin();
    std::string fingerprint;
    if (a.idempotency_key) {
      fingerprint = request_hash("POST", a.path, body);
      if (auto prior = tx.find_answer(a.token->name, *a.idempotency_key)) {
        if (prior->request_hash != fingerprint) {
          return problem(
              Problem::idempotency_key_reused,
              "Idempotency-Key " + json_quoted(*a.idempotency_key) + " of token " +
                  json_quoted(a.token->name) +
                  " was used for another request (another path or body): nothing was issued; a new "
                  "request needs a new key");
        }
        Response r{prior->status, std::string(kJson), prior->body, {}};
        r.headers.push_back({"Idempotent-Replayed", "true"});
        return r;
      }
    }
    keygen::IssueOptions options_for_issue;
    options_for_issue.issuer = options.issuer;
    options_for_issue.written_by = a.token->name;
    const keygen::IssueResult result = keygen::issue(ledger, tx, signer, orders, options_for_issue);
    ordered_json j;
    j["licenses"] = ordered_json::array();
    std::vector<std::string> appliances;
    std::map<std::string, const keygen::ApplianceSummary*> after;
    for (const keygen::IssuedOrder& o : result.orders) {
      for (std::size_t i = 0; i < o.entries.size(); ++i)
        j["licenses"].push_back(keygen::license_json(o.entries[i], o.statuses[i]));
      if (after.count(o.after.appliance) == 0) appliances.push_back(o.after.appliance);
      after[o.after.appliance] = &o.after;
    }
    j["appliances"] = ordered_json::array();
    for (const std::string& id : appliances)
      j["appliances"].push_back(keygen::appliance_summary_json(*after[id]));
    const std::string text = dump(j);
    if (a.idempotency_key) tx.record_answer(a.token->name, *a.idempotency_key, {fingerprint, 201, text});
    tx.commit();
    return Response{201, std::string(kJson), text, {}};
  }
};

Api::Api(ApiOptions options, const keygen::Signer& signer, std::function<SignerStatus()> signer_status)
    : impl_(std::make_unique<Impl>(std::move(options), signer, std::move(signer_status), &signer_lost_)) {}

Api::~Api() = default;

std::string Api::who(const Accepted& accepted) {
  return accepted.token ? accepted.token->name : "-";
}

std::optional<Response> Api::begin(const RequestHead& head, Accepted* accepted) {
  Impl& impl = *impl_;
  std::string why;
  const auto target = detail::parse_target(head.target, &why);
  if (!target) {
    return problem(
        head.target.size() > detail::kMaxTargetBytes ? Problem::target_too_long : Problem::bad_input, why);
  }
  const auto route = match(target->segments);
  if (!route)
    return problem(Problem::not_found, "no such resource (the API is described at /v1/openapi.json)");
  const RouteRules& rules = kRouteRules[*route];
  const bool get = std::string_view(rules.method) == "GET";
  if (head.method != rules.method && !(get && head.method == "HEAD")) {
    Response r = problem(Problem::method_not_allowed, "this resource takes " + std::string(rules.method) +
                                                          (get ? " (and HEAD)" : "") + ", not " +
                                                          detail::log_text(head.method, 20));
    r.headers.push_back({"Allow", get ? "GET, HEAD" : rules.method});
    return r;
  }
  accepted->route = *route;
  accepted->segments = target->segments;
  accepted->path = head.target.substr(0, head.target.find('?'));
  if (rules.needs) {
    if (auto refused = impl.authenticate(head, *rules.needs, accepted)) return refused;
  }
  if (*route != kLicenses && !target->query.empty()) {
    return problem(Problem::bad_input, "this resource takes no query parameters");
  }
  try {
    switch (*route) {
      case kWeb: return web_response(*find_web_file(target->segments[0]));
      case kHealth: return impl.health();
      case kOpenApi: return Response{200, std::string(kJson), std::string(openapi_document()), {}};
      case kLicenses: return impl.list(*accepted, *target);
      case kLicense: return impl.one_license(serial_of(target->segments[2]));
      case kAppliance: return impl.appliance(target->segments[2]);
      case kLicenseFile: return impl.license_file(target->segments[2]);
      default: break;
    }
    return impl.check_body_headers(head, accepted);
  } catch (const Failure& e) {
    return impl.failure(e);
  } catch (const std::bad_alloc&) {
    return problem(Problem::unavailable, "out of memory");
  } catch (const std::exception& e) {
    return problem(Problem::internal_error, e.what());
  }
}

Response Api::finish(const Accepted& accepted, std::string_view body) {
  Impl& impl = *impl_;
  try {
    std::vector<keygen::Order> orders;
    switch (accepted.route) {
      case kIssueServer: orders.push_back(keygen::parse_order(body, LicenseKind::server)); break;
      case kIssueUsers: orders.push_back(keygen::parse_order(body, LicenseKind::users)); break;
      case kOrders: orders = keygen::parse_batch(body); break;
      default: return problem(Problem::internal_error, "no body expected here");
    }
    return impl.issue(accepted, orders, body);
  } catch (const Failure& e) {
    return impl.failure(e);
  } catch (const std::bad_alloc&) {
    return problem(Problem::unavailable, "out of memory");
  } catch (const std::exception& e) {
    return problem(Problem::internal_error, e.what());
  }
}

}  // namespace seatkey::server
