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
#include "seatkey/keygen/orders.hpp"
#include "seatkey/keygen/queries.hpp"
#include "seatkey/keygen/takeback.hpp"
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
  kIssueStandby,
  kVoid,
  kTransfers,
  kRevocations,
  kLatestRevocations,
  kReport,
};
struct RouteRules {
  const char* method;         // GET routes also answer HEAD
  std::optional<Role> needs;  // nullopt: no token needed
};
constexpr RouteRules kRouteRules[] = {
    {"GET", std::nullopt},   // kWeb: the page needs no token, its API calls carry one
    {"GET", std::nullopt},   // kHealth
    {"GET", std::nullopt},   // kOpenApi
    {"GET", Role::auditor},  // kLicenses
    {"GET", Role::auditor},  // kLicense
    {"POST", Role::shop},    // kIssueServer
    {"POST", Role::shop},    // kIssueUsers
    {"POST", Role::shop},    // kOrders
    {"GET", Role::auditor},  // kAppliance
    {"GET", Role::shop},     // kLicenseFile
    {"POST", Role::shop},    // kIssueStandby
    {"POST", Role::clerk},   // kVoid
    {"POST", Role::clerk},   // kTransfers
    {"POST", Role::clerk},   // kRevocations
    {"GET", Role::auditor},  // kLatestRevocations
    {"GET", Role::auditor},  // kReport
};
static_assert(std::size(kRouteRules) == kReport + 1, "a rule for every route");

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
  if (is({"v1", "licenses", "standby"}, 3)) return kIssueStandby;
  if (is({"v1", "licenses", nullptr, "void"}, 4)) return kVoid;
  if (is({"v1", "transfers"}, 2)) return kTransfers;
  if (is({"v1", "revocations"}, 2)) return kRevocations;
  if (is({"v1", "revocations", "latest"}, 3)) return kLatestRevocations;
  if (is({"v1", "report"}, 2)) return kReport;
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

// A serial in a path, with seatkey-keygen's message for one that is not.
std::int64_t serial_of(std::string_view segment) {
  if (segment.size() > kMaxIdBytes) {
    keygen::throw_input_error("not a serial: " + std::to_string(segment.size()) + " characters");
  }
  return keygen::parse_serial(segment);
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

template <std::size_t N>
std::string names_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
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
    // Both pass: another writer's lock, or a database connection that the next request opens
    // again (nothing of this one was committed).
    if (message.find(" is busy ") != std::string::npos ||
        message.find("the connection to the database server was lost") != std::string::npos) {
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

  // The query of GET /v1/licenses, read like `ledger list`'s options.
  Response list(const detail::Target& target) {
    keygen::LedgerFilter filter;
    filter.limit = kDefaultListLimit;
    std::map<std::string, bool> seen;
    for (const auto& [name, value] : target.query) {
      if (seen[name]) keygen::throw_input_error("query parameter " + json_quoted(name) + " is given twice");
      seen[name] = true;
      if (name == "appliance") {
        filter.appliance = appliance_of(value);
      } else if (name == "customer") {
        filter.customer = keygen::check_text("customer", value);
      } else if (name == "order") {
        filter.order = keygen::check_text("order", value);
      } else if (name == "since") {
        filter.since = keygen::parse_time("since", value);
      } else if (name == "until") {
        filter.until = keygen::parse_time("until", value);
      } else if (name == "kind") {
        filter.kind = parse_kind(value);
        if (!filter.kind) {
          keygen::throw_input_error("unknown kind " + json_quoted(value) +
                                    " (one of: " + names_of(kKindNames) + ")");
        }
      } else if (name == "status") {
        filter.status = keygen::parse_status(value);
        if (!filter.status) {
          keygen::throw_input_error("unknown status " + json_quoted(value) +
                                    " (one of: " + names_of(keygen::kStatusNames) + ")");
        }
      } else if (name == "after") {
        const auto after = parse_serial(value);
        if (!after) keygen::throw_input_error("after " + json_quoted(value) + " is not a serial");
        filter.after = after;
      } else if (name == "limit") {
        const auto limit = parse_serial(value);
        if (!limit || *limit > static_cast<std::int64_t>(kMaxListLimit)) {
          keygen::throw_input_error("limit " + json_quoted(value) + " is not a number from 1 to " +
                                    std::to_string(kMaxListLimit));
        }
        filter.limit = static_cast<std::size_t>(*limit);
      } else {
        keygen::throw_input_error(
            "unknown query parameter " + json_quoted(name) +
            " (one of: appliance, customer, order, since, until, kind, status, after, limit)");
      }
    }
    auto lease = ledgers.acquire();
    const keygen::Listing listing = keygen::list_ledger(*lease, filter, unix_now());
    ordered_json j;
    j["licenses"] = ordered_json::array();
    for (const keygen::ListedRow& r : listing.rows)
      j["licenses"].push_back(keygen::license_json(r.entry, r.status));
    j["corrupt"] = ordered_json::array();
    for (const keygen::CorruptRow& c : listing.corrupt) j["corrupt"].push_back(keygen::corrupt_row_json(c));
    j["next_after"] = listing.continue_after ? ordered_json(*listing.continue_after) : ordered_json(nullptr);
    return json_response(200, j);
  }

  // Every field of a license, its events, what replaced it, and its token: `ledger show --json`.
  Response one_license(std::int64_t serial) {
    auto lease = ledgers.acquire();
    const auto record = keygen::show_license(*lease, serial, unix_now());
    if (!record)
      return problem(Problem::not_found, "no license with serial " + std::to_string(serial) + " on record");
    return json_response(200, keygen::license_record_json(*record));
  }

  // The appliance's rows and state, or a problem when it has none (404) or a corrupt one.
  struct ApplianceView {
    std::optional<Response> problem_response;
    ordered_json rows = ordered_json::array();
    std::optional<keygen::ApplianceState> state;
  };
  ApplianceView appliance_view(keygen::Ledger& ledger, const std::string& appliance, UnixTime now) {
    ApplianceView v;
    keygen::LedgerFilter filter;
    filter.appliance = appliance;
    const keygen::Listing listing = keygen::list_ledger(ledger, filter, now);
    if (!listing.corrupt.empty()) {
      keygen::throw_ledger_error("ledger " + keygen::ledger_name(options.ledger_path) + ": " +
                                 listing.corrupt.front().why + "; appliance " + appliance +
                                 " cannot be judged until the row is repaired (docs/back-office.md, \"A "
                                 "corrupt row\")");
    }
    if (listing.rows.empty()) {
      v.problem_response = problem(Problem::not_found, "no licenses on record for appliance " + appliance);
      return v;
    }
    for (const keygen::ListedRow& r : listing.rows) v.rows.push_back(keygen::license_json(r.entry, r.status));
    v.state.emplace(listing.appliances.at(appliance));
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
      file = keygen::export_license_file(ledger, *v.state, now);
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
    Response r{200, "text/plain; charset=utf-8", keygen::export_license_file(*lease, *v.state, now), {}};
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + id + ".lic\""});
    return r;
  }

  // Runs `write` in one write transaction and, with an Idempotency-Key, records its answer in
  // the same transaction: a retry (same token, key, path and body) gets the first answer and
  // writes nothing; the same key for another request is refused. A refusal records nothing.
  Response idempotent(const Accepted& a, std::string_view body,
                      const std::function<Response(keygen::Ledger&, keygen::Ledger::Transaction&)>& write) {
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
                  " was used for another request (another path or body): nothing was written; a new "
                  "request needs a new key");
        }
        Response r{prior->status, std::string(kJson), prior->body, {}};
        r.headers.push_back({"Idempotent-Replayed", "true"});
        return r;
      }
    }
    Response r = write(ledger, tx);
    if (a.idempotency_key)
      tx.record_answer(a.token->name, *a.idempotency_key, {fingerprint, r.status, r.body});
    tx.commit();
    return r;
  }

  Response issue(const Accepted& a, const std::vector<keygen::Order>& orders, std::string_view body) {
    return idempotent(a, body, [&](keygen::Ledger& ledger, keygen::Ledger::Transaction& tx) {
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
      // What a standby order's replace took back, as the command line reports it.
      j["voided"] = ordered_json::array();
      for (const keygen::IssuedOrder& o : result.orders) {
        for (const keygen::LedgerEntry& old : o.voided)
          j["voided"].push_back(keygen::license_json(old, "voided"));
      }
      return json_response(201, j);
    });
  }

  // POST /v1/licenses/{serial}/void {"reason"}: `seatkey-keygen void SERIAL --reason`.
  Response void_license(const Accepted& a, std::string_view body) {
    const std::int64_t serial = serial_of(a.segments[2]);
    auto fields = keygen::parse_text_fields(body, "the request", {"reason"}, {"reason"});
    return idempotent(a, body, [&](keygen::Ledger& ledger, keygen::Ledger::Transaction& tx) {
      keygen::EventOptions event;
      event.who = a.token->name;
      const keygen::VoidResult r = keygen::void_licenses(ledger, tx, {serial}, fields.at("reason"), event);
      ordered_json j;
      j["voided"] = ordered_json::array();
      for (const keygen::LedgerEntry& e : r.voided)
        j["voided"].push_back(keygen::license_json(e, keygen::status_name(keygen::Status::voided)));
      j["at"] = format_rfc3339(r.at);
      j["appliances"] = ordered_json::array();
      for (const keygen::ApplianceSummary& s : r.after)
        j["appliances"].push_back(keygen::appliance_summary_json(s));
      return json_response(200, j);
    });
  }

  // POST /v1/transfers {"from", "to", "reason"?}: `seatkey-keygen transfer`; 201 with the new
  // appliance's licenses.
  Response transfer(const Accepted& a, std::string_view body) {
    auto fields = keygen::parse_text_fields(body, "the request", {"from", "to", "reason"}, {"from", "to"});
    return idempotent(a, body, [&](keygen::Ledger& ledger, keygen::Ledger::Transaction& tx) {
      keygen::TransferOptions o;
      o.event.who = a.token->name;
      if (fields.count("reason") != 0) o.reason = fields.at("reason");
      o.issuer = options.issuer;
      o.written_by = a.token->name;
      const keygen::TransferResult r =
          keygen::transfer(ledger, tx, signer, fields.at("from"), fields.at("to"), o);
      ordered_json j;
      j["from"] = r.from;
      j["to"] = r.to;
      j["licenses"] = ordered_json::array();
      // Re-issued licenses are the new appliance's active server license and unexpired packs.
      for (const keygen::LedgerEntry& e : r.issued)
        j["licenses"].push_back(keygen::license_json(e, keygen::status_name(keygen::Status::active)));
      j["taken_back"] = ordered_json::array();
      for (const keygen::LedgerEntry& e : r.taken_back) j["taken_back"].push_back(e.serial);
      j["appliances"] = ordered_json::array({keygen::appliance_summary_json(r.after)});
      return json_response(201, j);
    });
  }

  // POST /v1/revocations: `seatkey-keygen revocations issue`, the body an empty JSON object.
  Response issue_revocations(const Accepted& a, std::string_view body) {
    (void)keygen::parse_text_fields(body, "the request", {}, {});
    return idempotent(a, body, [&](keygen::Ledger& ledger, keygen::Ledger::Transaction& tx) {
      keygen::IssueOptions o;
      o.issuer = options.issuer;
      o.written_by = a.token->name;
      const keygen::IssuedRevocationList r = keygen::issue_revocation_list(ledger, tx, signer, o);
      ordered_json j = keygen::revocation_list_json({r.entry, r.claims}, true);
      j["added"] = r.added;
      return json_response(201, j);
    });
  }

  Response latest_revocations() {
    auto lease = ledgers.acquire();
    const std::vector<keygen::RevocationListRecord> lists = keygen::revocation_lists(*lease);
    if (lists.empty()) {
      return problem(
          Problem::not_found,
          "no revocation lists yet (seatkey-keygen revocations issue or POST /v1/revocations signs one)");
    }
    return json_response(200, keygen::revocation_list_json(lists.back(), true));
  }

  // GET /v1/report?since=&until=: `seatkey-keygen report --json`.
  Response report(const detail::Target& target) {
    std::optional<UnixTime> since, until;
    std::map<std::string, bool> seen;
    for (const auto& [name, value] : target.query) {
      if (seen[name]) keygen::throw_input_error("query parameter " + json_quoted(name) + " is given twice");
      seen[name] = true;
      if (name == "since") {
        since = keygen::parse_time("since", value);
      } else if (name == "until") {
        until = keygen::parse_time("until", value);
      } else {
        keygen::throw_input_error("unknown query parameter " + json_quoted(name) + " (one of: since, until)");
      }
    }
    if (since && until && *since >= *until) {
      keygen::throw_input_error("since " + format_rfc3339(*since) + " is not before until " +
                                format_rfc3339(*until));
    }
    auto lease = ledgers.acquire();
    return json_response(200, keygen::report_json(keygen::make_report(*lease, since, until)));
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
  // The token is looked up in the ledger, which can fail like any read of it (busy, a lost
  // database connection): an answer, never an exception out of the request's thread.
  try {
    if (rules.needs) {
      if (auto refused = impl.authenticate(head, *rules.needs, accepted)) return refused;
    }
    if (*route != kLicenses && *route != kReport && !target->query.empty()) {
      return problem(Problem::bad_input, "this resource takes no query parameters");
    }
    switch (*route) {
      case kWeb: return web_response(*find_web_file(target->segments[0]));
      case kHealth: return impl.health();
      case kOpenApi: return Response{200, std::string(kJson), std::string(openapi_document()), {}};
      case kLicenses: return impl.list(*target);
      case kLicense: return impl.one_license(serial_of(target->segments[2]));
      case kAppliance: return impl.appliance(target->segments[2]);
      case kLicenseFile: return impl.license_file(target->segments[2]);
      case kLatestRevocations: return impl.latest_revocations();
      case kReport: return impl.report(*target);
      case kVoid: (void)serial_of(target->segments[2]); break;  // refused before the body is read
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
      case kIssueServer: orders.push_back(keygen::parse_order(body, kind_name(LicenseKind::server))); break;
      case kIssueUsers: orders.push_back(keygen::parse_order(body, kind_name(LicenseKind::users))); break;
      case kIssueStandby: orders.push_back(keygen::parse_order(body, kind_name(LicenseKind::standby))); break;
      case kOrders: orders = keygen::parse_batch(body); break;
      case kVoid: return impl.void_license(accepted, body);
      case kTransfers: return impl.transfer(accepted, body);
      case kRevocations: return impl.issue_revocations(accepted, body);
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
