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
  std::uint64_t code_failures_last_minute = 0;  // counted where activations run: the signer
};

// A request of a writing route, as the HTTP process hands it to the process that holds the key:
// the request line's method and target, the client's address, the headers the API reads (as
// received, repeats included) and the body. That process decides everything again from these.
struct WriteRequest {
  std::string method;
  std::string target;
  std::string client_address;
  std::vector<Header> headers;
  std::string body;
};

// Where an Api sends its writing routes' requests instead of running them.
class Writer {
 public:
  virtual ~Writer() = default;
  // The answer, or nullopt when the writer cannot be reached (it is gone).
  virtual std::optional<Response> write(const WriteRequest& request) const = 0;
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
  // Opens the ledger `ledger_connections` times. Without a writer: read-write (a ledger that
  // group or others may write is refused, an older schema migrated), and every route runs here.
  // With one: read-only, and the writing routes' requests go to `writer` (the process that holds
  // the key), whose answers are returned as they come.
  static keygen::Result<std::unique_ptr<Api>> create(ApiOptions options, const keygen::Signer& signer,
                                                     std::function<SignerStatus()> signer_status,
                                                     const Writer* writer = nullptr);
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
    WriteRequest forward;       // a writing route's request, when it goes to the writer
  };

  // The response to send now (a GET's answer, or a refusal before any body byte is read), or
  // nullopt with *accepted set: read the body (exactly accepted->body_bytes) and call finish().
  std::optional<Response> begin(const RequestHead& head, Accepted* accepted);
  Response finish(const Accepted& accepted, std::string_view body);
  // A writing route's request forwarded by another process: checked as begin() checks it (the
  // token authenticated here), then run here; any other route is refused.
  Response write(const WriteRequest& request);
  // Activation codes looked up here in the last minute that are not on record.
  std::uint64_t code_failures_last_minute() const;

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
