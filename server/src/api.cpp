// The dispatcher: every request goes through the route table (routes.cpp). begin() matches the
// route, authenticates its credential, reads the path's parameters and answers what needs no
// body; finish() runs a route with a body, a writing route in one write transaction with its
// stored answer - or, given a Writer (the HTTP process of the server), forwards a writing
// route's request to it, where write() checks it all again and runs it.
#include "seatkey/server/api.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "http_text.hpp"
#include "rate_limit.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/input.hpp"

namespace seatkey::server {
namespace {

constexpr std::size_t kMaxIdBytes = 128;  // longer than any serial a person types

// Header names are case-insensitive.
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The headers a request may carry once: a second copy could mean something else to a proxy.
const Header* find_header(const RequestHead& head, std::string_view name, bool* repeated) {
  const Header* found = nullptr;
  *repeated = false;
  for (const Header& h : head.headers) {
    if (!same_name(h.name, name)) continue;
    if (found != nullptr) *repeated = true;
    found = &h;
  }
  return found;
}

std::string request_hash(std::string_view method, std::string_view path, std::string_view body) {
  const std::string message = pae({method, path, body});
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

// Ledger connections, one per request at a time.
class LedgerPool {
 public:
  keygen::Result<void> open(const std::string& path, std::size_t n, keygen::Ledger::Access access) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, n); ++i) {
      auto ledger = keygen::Ledger::open(path, access);
      if (!ledger) return ledger.error();
      free_.push_back(std::make_unique<keygen::Ledger>(std::move(*ledger)));
    }
    return {};
  }
  class Lease {
   public:
    explicit Lease(LedgerPool* pool) : pool_(pool), ledger_(pool->take()) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_->give_back(std::move(ledger_)); }
    keygen::Ledger& operator*() { return *ledger_; }

   private:
    LedgerPool* pool_;
    std::unique_ptr<keygen::Ledger> ledger_;
  };
  Lease acquire() { return Lease(this); }

 private:
  std::unique_ptr<keygen::Ledger> take() {
    std::unique_lock<std::mutex> lock(mutex_);
    available_.wait(lock, [this] { return !free_.empty(); });
    auto ledger = std::move(free_.back());
    free_.pop_back();
    return ledger;
  }
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

// The headers the API reads: what a writing route's request carries to the writer.
constexpr std::array<std::string_view, 6> kForwardedHeaders{
    "Authorization", "Content-Type", "Content-Length", "Transfer-Encoding", "Idempotency-Key", "Accept"};

WriteRequest forward_of(const RequestHead& head) {
  WriteRequest out{head.method, head.target, head.client_address, {}, {}};
  for (const Header& h : head.headers) {
    for (std::string_view name : kForwardedHeaders) {
      if (same_name(h.name, name)) out.headers.push_back(h);
    }
  }
  return out;
}

Request request_of(const Api::Accepted& a, std::string_view body) {
  return Request{a.path, a.segments, a.serial,          a.appliance,      a.number,       a.query,
                 body,   a.token,    a.idempotency_key, a.client_address, a.accepts_text, a.dry_run};
}

}  // namespace

namespace {

// Whether the client asked for text/plain before JSON (a shell script with curl).
bool prefers_text(const RequestHead& head) {
  bool repeated = false;
  const Header* accept = find_header(head, "Accept", &repeated);
  if (accept == nullptr || repeated) return false;
  const std::string& v = accept->value;
  const std::size_t text = v.find("text/plain");
  return text != std::string::npos && text < std::min(v.find("application/json"), v.find("*/*"));
}

}  // namespace

struct Api::Impl {
  ApiOptions options;
  const keygen::Signer& signer;
  std::function<SignerStatus()> signer_status;
  LedgerPool ledgers;
  detail::FailureLimiter limiter;
  detail::GrowingThrottle code_failures;
  std::atomic<bool>* signer_lost;
  const Writer* writer;  // where the writing routes run, when not here

  Impl(ApiOptions o, const keygen::Signer& s, std::function<SignerStatus()> status, std::atomic<bool>* lost,
       const Writer* w)
      : options(std::move(o)),
        signer(s),
        signer_status(std::move(status)),
        limiter(options.max_auth_failures, options.auth_failure_window, options.max_limited_addresses),
        code_failures(options.free_code_failures, options.max_code_delay, options.max_limited_addresses),
        signer_lost(lost),
        writer(w) {}

  // An error of the back office as a problem; a signer found gone stops the server.
  Response failure(const keygen::Error& e) {
    const bool ours =
        e.kind == keygen::Kind::input || e.kind == keygen::Kind::refused || e.kind == keygen::Kind::not_found;
    if (e.code == keygen::Code::signer_unavailable || (!ours && !signer_status().alive)) {
      signer_lost->store(true);
      return problem(
          Problem::unavailable,
          "the signer process is gone: nothing was issued; the server stops and must be restarted");
    }
    return problem_of(e);
  }

  // Runs the route's handler; `ledger` is the writing route's, else one is taken when the
  // handler asks for it. Never an exception out of the request's thread.
  Response run(const Route& route, const Request& request, keygen::Ledger* ledger,
               keygen::Ledger::Transaction* tx) {
    std::optional<LedgerPool::Lease> lease;
    const auto ledger_of = [&]() -> keygen::Ledger& {
      if (ledger != nullptr) return *ledger;
      if (!lease) lease.emplace(&ledgers);
      return **lease;
    };
    try {
      Context context{ledger_of, tx, signer, options, signer_status, code_failures};
      auto reply = route.handler(context, request);
      return reply ? std::move(*reply) : failure(reply.error());
    } catch (const std::bad_alloc&) {
      return problem(Problem::unavailable, "out of memory");
    } catch (const std::exception& e) {
      return problem(Problem::internal_error, e.what());
    }
  }

  std::optional<Response> too_many_failures(const RequestHead& head,
                                            detail::FailureLimiter::Clock::time_point now);
  std::optional<Response> authenticate(const RequestHead& head, const Route& route, Accepted* accepted);
  std::optional<Response> check_body_headers(const RequestHead& head, Accepted* accepted);
  std::optional<Response> read_path(const Route& route, Accepted* accepted);
  std::optional<Response> accept(const RequestHead& head, Accepted* accepted);
  Response idempotent(const Route& route, const Request& request);
  Response forward(const Accepted& accepted, std::string_view body);
};

std::optional<Response> Api::Impl::too_many_failures(const RequestHead& head,
                                                     detail::FailureLimiter::Clock::time_point now) {
  const auto wait = limiter.blocked(head.client_address, now);
  if (!wait) return std::nullopt;
  Response r = problem(Problem::too_many_requests, "too many sign-ins with a wrong API token from " +
                                                       head.client_address + "; try again in " +
                                                       std::to_string(*wait) + " seconds");
  r.headers.push_back({"Retry-After", std::to_string(*wait)});
  return r;
}

// The route's bearer token: present, valid, and allowed the route's effect.
std::optional<Response> Api::Impl::authenticate(const RequestHead& head, const Route& route,
                                                Accepted* accepted) {
  bool repeated = false;
  const Header* h = find_header(head, "Authorization", &repeated);
  if (h == nullptr) {
    Response r = problem(Problem::unauthorized,
                         "sign in first: this needs an API token (the desk's administrator makes one)");
    r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"seatkey-server\""});
    return r;
  }
  std::optional<keygen::ApiToken> token;
  if (const auto bearer = repeated ? std::nullopt : detail::bearer_token(h->value)) {
    auto lease = ledgers.acquire();
    auto found = (*lease).tokens().authenticate(*bearer);
    if (!found) {
      // An expired token (its holder's, whole: no guess) is no failure to throttle.
      Response r = failure(found.error());
      if (found.error().kind == keygen::Kind::unauthorized) {
        r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"seatkey-server\", error=\"invalid_token\""});
      }
      return r;
    }
    token = std::move(*found);
  }
  if (!token) {
    // Only failures are throttled: a valid token is served from an address that failed before
    // (behind a reverse proxy, every client may share one address).
    const auto now = detail::FailureLimiter::Clock::now();
    if (auto blocked = too_many_failures(head, now)) return blocked;
    limiter.record_failure(head.client_address, now);
    Response r =
        problem(Problem::unauthorized,
                "the API token is not valid: it is unknown, revoked or mistyped; sign in with a valid one");
    r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"seatkey-server\", error=\"invalid_token\""});
    return r;
  }
  accepted->token = token;
  const keygen::Role needs = effect_rule(route.effect).role;
  if (keygen::role_allows(token->role, needs)) return std::nullopt;
  return problem(Problem::forbidden, "this needs the role " + std::string(keygen::role_name(needs)) +
                                         " or above; you are signed in as " + json_quoted(token->name) +
                                         ", whose role is " + std::string(keygen::role_name(token->role)));
}

// POST: what the body must be, before it is read.
std::optional<Response> Api::Impl::check_body_headers(const RequestHead& head, Accepted* accepted) {
  bool repeated = false;
  const Header* type = find_header(head, "Content-Type", &repeated);
  if (type == nullptr || repeated || !detail::is_json_content_type(type->value)) {
    Response r =
        problem(Problem::unsupported_media_type,
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

// The path's parameters, read as what they name, before any body: {serial}, {appliance}.
std::optional<Response> Api::Impl::read_path(const Route& route, Accepted* accepted) {
  std::string_view pattern = route.pattern.substr(1);
  for (const std::string& segment : accepted->segments) {
    const std::string_view part = pattern.substr(0, pattern.find('/'));
    pattern.remove_prefix(std::min(pattern.size(), part.size() + 1));
    if (part == "{serial}") {
      // A path can be long: what no serial is, is not echoed.
      if (segment.size() > kMaxIdBytes) {
        return problem(Problem::bad_input, "not a serial: " + std::to_string(segment.size()) + " characters");
      }
      auto serial = keygen::parse_serial(segment);
      if (!serial) return failure(serial.error());
      accepted->serial = *serial;
    } else if (part == "{number}") {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), n);
      if (segment.size() > 16 || ec != std::errc() || end != segment.data() + segment.size() || n < 1)
        return problem(Problem::bad_input,
                       "not a code number: numbers are 1, 2, ... as GET /v1/codes lists them");
      accepted->number = n;
    } else if (part == "{appliance}") {
      auto appliance = keygen::parse_appliance(segment);
      if (!appliance) return failure(appliance.error());
      accepted->appliance = std::move(*appliance);
    }
  }
  return std::nullopt;
}

// Runs a writing route in one write transaction and, with an Idempotency-Key, records its
// answer in the same transaction: a retry (same token, key, path and body) gets the first answer
// and writes nothing; the same key for another request is refused. What does not succeed is
// rolled back and recorded nowhere.
Response Api::Impl::idempotent(const Route& route, const Request& request) {
  auto lease = ledgers.acquire();
  keygen::Ledger& ledger = *lease;
  auto tx = ledger.begin();
  if (!tx) return failure(tx.error());
  std::string fingerprint;
  // A dry run writes nothing, so it has nothing to replay: its key is neither looked up nor kept.
  if (request.idempotency_key && !request.dry_run) {
    fingerprint = request_hash("POST", request.path, request.body);
    auto prior = tx->answers().find(request.token->name, *request.idempotency_key);
    if (!prior) return failure(prior.error());
    if (*prior && (*prior)->request_hash != fingerprint) {
      return problem(
          Problem::idempotency_key_reused,
          "Idempotency-Key " + json_quoted(*request.idempotency_key) + " of token " +
              json_quoted(request.token->name) +
              " was used for another request (another path or body): nothing was written; a new request "
              "needs a new key");
    }
    if (*prior) {
      Response r{(*prior)->status, "application/json", (*prior)->body, {}};
      r.headers.push_back({"Idempotent-Replayed", "true"});
      return r;
    }
  }
  Response r = run(route, request, &ledger, &*tx);
  // A dry run's transaction is rolled back when tx goes.
  if (r.status >= 400 || request.dry_run) return r;
  keygen::Result<void> done = request.idempotency_key
                                  ? tx->answers().record(request.token->name, *request.idempotency_key,
                                                         {fingerprint, r.status, r.body})
                                  : keygen::Result<void>();
  if (done) done = tx->commit();
  return done ? r : failure(done.error());
}

// The writer's answer as it comes (its Location header included); a writer that cannot be
// reached is the signer gone.
Response Api::Impl::forward(const Accepted& accepted, std::string_view body) {
  WriteRequest request = accepted.forward;
  request.body = body;
  if (auto answer = writer->write(request)) return std::move(*answer);
  return failure(keygen::Error(keygen::Code::signer_unavailable, "the signer process is gone"));
}

keygen::Result<std::unique_ptr<Api>> Api::create(ApiOptions options, const keygen::Signer& signer,
                                                 std::function<SignerStatus()> signer_status,
                                                 const Writer* writer) {
  std::unique_ptr<Api> api(new Api());
  api->impl_ = std::make_unique<Impl>(std::move(options), signer, std::move(signer_status),
                                      &api->signer_lost_, writer);
  // With a writer, this process never writes: its connections cannot either.
  const auto access =
      writer != nullptr ? keygen::Ledger::Access::read_only : keygen::Ledger::Access::read_write;
  auto opened = api->impl_->ledgers.open(api->impl_->options.ledger_path,
                                         api->impl_->options.ledger_connections, access);
  if (!opened) return opened.error();
  return api;
}

Api::~Api() = default;

std::string Api::who(const Accepted& accepted) {
  return accepted.token ? accepted.token->name : "-";
}

namespace {

// The route of the path for the method, or the problem: no such path (404), another method (405).
std::variant<const Route*, Response> route_for(const RequestHead& head, const detail::Target& target) {
  const std::vector<const Route*> candidates = match(target.segments);
  if (candidates.empty())
    return problem(Problem::not_found, "no such resource (the API is described at /v1/openapi.json)");
  std::string allowed;
  for (const Route* r : candidates) {
    const std::string_view name = method_name(r->method);
    if (head.method == name || (r->method == Method::get && head.method == "HEAD")) return r;
    allowed += (allowed.empty() ? "" : ", ") + std::string(name) + (r->method == Method::get ? ", HEAD" : "");
  }
  const bool get = candidates.front()->method == Method::get;
  Response r = problem(Problem::method_not_allowed,
                       "this resource takes " + std::string(method_name(candidates.front()->method)) +
                           (get ? " (and HEAD)" : "") + ", not " + detail::log_text(head.method, 20));
  r.headers.push_back({"Allow", allowed});
  return r;
}

}  // namespace

// Everything begin() decides before a route runs: the route, its credential, its query, its
// path's parameters and, for a body, the headers that announce it.
std::optional<Response> Api::Impl::accept(const RequestHead& head, Accepted* accepted) {
  const auto target = detail::parse_target(head.target);
  if (!target) {
    return problem(
        head.target.size() > detail::kMaxTargetBytes ? Problem::target_too_long : Problem::bad_input,
        target.error().message);
  }
  auto found = route_for(head, *target);
  if (auto* refusal = std::get_if<Response>(&found)) return std::move(*refusal);
  const Route& route = *std::get<const Route*>(found);
  accepted->route = &route;
  accepted->segments = target->segments;
  accepted->query = target->query;
  accepted->path = head.target.substr(0, head.target.find('?'));
  accepted->client_address = head.client_address;
  accepted->accepts_text = prefers_text(head);
  if (route.credential == Credential::bearer) {
    if (auto refused = authenticate(head, route, accepted)) return refused;
  }
  if (route.query == Query::none && !target->query.empty()) {
    return problem(Problem::bad_input, "this resource takes no query parameters");
  }
  if (route.query == Query::dry_run) {
    for (const auto& [name, value] : target->query) {
      if (name != "dry_run" || (value != "true" && value != "false") || target->query.size() > 1) {
        return problem(Problem::bad_input,
                       "this resource takes one query parameter, dry_run=true (answer what would be done, "
                       "and do nothing) or dry_run=false");
      }
      accepted->dry_run = value == "true";
    }
  }
  if (auto refused = read_path(route, accepted)) return refused;
  if (route.body == Body::json) return check_body_headers(head, accepted);
  return std::nullopt;
}

std::optional<Response> Api::begin(const RequestHead& head, Accepted* accepted) {
  if (auto refused = impl_->accept(head, accepted)) return refused;
  const Route& route = *accepted->route;
  if (route.writes == Writes::yes && impl_->writer != nullptr) accepted->forward = forward_of(head);
  if (route.body == Body::json) return std::nullopt;
  return impl_->run(route, request_of(*accepted, {}), nullptr, nullptr);
}

Response Api::finish(const Accepted& accepted, std::string_view body) {
  Impl& impl = *impl_;
  const Route& route = *accepted.route;
  if (route.writes == Writes::yes && impl.writer != nullptr) return impl.forward(accepted, body);
  const Request request = request_of(accepted, body);
  // The code is the credential: its handler looks it up first, on a connection of its own, and
  // takes the writers' lock only for a code that exists (a guess never holds up the issuers).
  if (route.credential == Credential::activation_code) return impl.run(route, request, nullptr, nullptr);
  Response r = route.writes == Writes::yes ? impl.idempotent(route, request)
                                           : impl.run(route, request, nullptr, nullptr);
  if (auto location = location_of(route, r)) r.headers.push_back({"Location", std::move(*location)});
  return r;
}

Response Api::write(const WriteRequest& request) {
  Accepted accepted;
  const RequestHead head{request.method, request.target, request.client_address, request.headers};
  if (auto refused = impl_->accept(head, &accepted)) return std::move(*refused);
  // Only what the HTTP process may not do itself is run here: a request of any other route, or
  // one whose body is not what its headers announced, was never sent by a working server.
  if (accepted.route->writes != Writes::yes || accepted.route->body != Body::json) {
    return problem(Problem::forbidden, "the signer process runs the routes that write, and no other");
  }
  if (request.body.size() != accepted.body_bytes) {
    return problem(Problem::bad_input, "the request body is not the Content-Length announced");
  }
  return finish(accepted, request.body);
}

std::uint64_t Api::code_failures_last_minute() const {
  return impl_->code_failures.failures_last_minute(detail::GrowingThrottle::Clock::now());
}

}  // namespace seatkey::server
