// seatkey-server's API (docs/back-office.md, the OpenAPI document at /v1/openapi.json): what
// each request gets, independent of the HTTP library. The server calls begin() once a request's
// headers are in, and finish() with its body: everything that can be refused without the body
// (routes, authentication, roles, content type and length) is refused before a byte of it is
// read.
//
// Every refusal is an RFC 9457 problem (application/problem+json): the HTTP layer's own
// (server/src/responses.hpp) or one of the back office's errors, each code its own type, with
// seatkey-keygen's message as its detail. The endpoints are server/src/routes.cpp's table.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/signer.hpp"
#include "seatkey/keygen/ledger/api_tokens.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::server {

inline constexpr std::size_t kMaxBodyBytes = 1u << 20;

struct Header {
  std::string name;
  std::string value;
};

struct RequestHead {
  std::string method;
  std::string target;           // the request-target as received: path and query, undecoded
  std::string client_address;   // the peer's IP address, for the failure limiter and the log
  std::vector<Header> headers;  // as received; names in any case
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<Header> headers;  // besides Content-Type and those every response carries
};

// What the signer process says about itself, for /healthz.
struct SignerStatus {
  bool alive = false;
  std::uint64_t signatures = 0;
  std::uint64_t refusals = 0;
};

struct ApiOptions {
  std::string ledger_path;
  std::size_t ledger_connections = 4;  // one per thread that handles requests
  std::string issuer = "seatkey";      // the tokens' iss
  std::size_t max_auth_failures = 10;  // per client address and window, then 429
  std::chrono::seconds auth_failure_window{60};
  std::size_t max_limited_addresses = 10000;
  // Failed look-ups of activation codes per client address before each further one waits (1 s,
  // 2 s, 4 s, ... up to max_code_delay): 429 with Retry-After, a valid code served all the same.
  std::size_t free_code_failures = 5;
  std::chrono::seconds max_code_delay{300};
};

struct Route;

class Api {
 public:
  // Opens the ledger `ledger_connections` times (read-write: a ledger that group or others may
  // write is refused, an older schema migrated).
  static keygen::Result<std::unique_ptr<Api>> create(ApiOptions options, const keygen::Signer& signer,
                                                     std::function<SignerStatus()> signer_status);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // A request whose headers are in, ready for its body.
  struct Accepted {
    const Route* route = nullptr;
    std::string path;
    std::vector<std::string> segments;
    std::vector<std::pair<std::string, std::string>> query;
    std::optional<std::int64_t> serial;
    std::optional<std::string> appliance;
    std::optional<std::int64_t> number;
    std::optional<keygen::ApiToken> token;
    std::optional<std::string> idempotency_key;
    std::size_t body_bytes = 0;  // Content-Length
    std::string client_address;
    bool accepts_text = false;  // Accept names text/plain before any JSON
    bool dry_run = false;       // ?dry_run=true (a route of Query::dry_run)
  };

  // The response to send now (a GET's answer, or a refusal before any body byte is read), or
  // nullopt with *accepted set: read the body (exactly accepted->body_bytes) and call finish().
  std::optional<Response> begin(const RequestHead& head, Accepted* accepted);
  Response finish(const Accepted& accepted, std::string_view body);

  // Whether a request found the signer process gone: the server must stop (it cannot unlock the
  // key again by itself).
  bool signer_lost() const { return signer_lost_.load(); }
  // The name of the token a finished request was made with ("-" without one), for the log.
  static std::string who(const Accepted& accepted);

  struct Impl;

 private:
  Api() = default;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> signer_lost_{false};
};

}  // namespace seatkey::server
