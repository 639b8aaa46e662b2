// seatkey-server's API (docs/back-office.md, the OpenAPI document at /v1/openapi.json): what
// each request gets, independent of the HTTP library. The server calls begin() once a request's
// headers are in, and finish() with its body: everything that can be refused without the body
// (routes, authentication, roles, content type and length) is refused before a byte of it is
// read.
//
// Every refusal is an RFC 9457 problem (application/problem+json) of one of the types below;
// refusals by the issuing rules and input errors carry seatkey-keygen's messages.
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

#include "seatkey/keygen/api_tokens.hpp"
#include "seatkey/keygen/ledger.hpp"
#include "seatkey/keygen/signer.hpp"

namespace seatkey::server {

inline constexpr std::size_t kMaxBodyBytes = 1u << 20;

// The problems the server answers with: status, type (urn:seatkey:problem:<slug>) and title.
enum class Problem {
  bad_input,
  unauthorized,
  forbidden,
  not_found,
  method_not_allowed,
  timeout,
  refused,
  length_required,
  too_large,
  target_too_long,
  unsupported_media_type,
  idempotency_key_reused,
  too_many_requests,
  internal_error,
  unavailable,
};
struct ProblemType {
  Problem problem;
  int status;
  std::string_view slug;
  std::string_view title;
};
inline constexpr std::array<ProblemType, 15> kProblemTypes{{
    {Problem::bad_input, 400, "bad-input", "Bad input"},
    {Problem::unauthorized, 401, "unauthorized", "Missing or invalid bearer token"},
    {Problem::forbidden, 403, "forbidden", "Not allowed for this token's role"},
    {Problem::not_found, 404, "not-found", "Not found"},
    {Problem::method_not_allowed, 405, "method-not-allowed", "Method not allowed"},
    {Problem::timeout, 408, "timeout", "Request too slow"},
    {Problem::refused, 409, "refused", "Refused by an issuing rule"},
    {Problem::length_required, 411, "length-required", "Content-Length required"},
    {Problem::too_large, 413, "too-large", "Request body too large"},
    {Problem::target_too_long, 414, "target-too-long", "Request target too long"},
    {Problem::unsupported_media_type, 415, "unsupported-media-type", "Unsupported media type"},
    {Problem::idempotency_key_reused, 422, "idempotency-key-reused", "Idempotency-Key reused"},
    {Problem::too_many_requests, 429, "too-many-requests", "Too many requests"},
    {Problem::internal_error, 500, "internal-error", "Internal error"},
    {Problem::unavailable, 503, "unavailable", "Service unavailable"},
}};
constexpr const ProblemType& problem_type(Problem p) {
  return kProblemTypes[static_cast<std::size_t>(p)];
}

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

// An RFC 9457 problem: {"type", "title", "status", "detail"}.
Response problem(Problem p, std::string_view detail);

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
};

class Api {
 public:
  // Opens the ledger `ledger_connections` times (read-write: a ledger that group or others may
  // write is refused, an older schema migrated). Throws keygen::Failure.
  Api(ApiOptions options, const keygen::Signer& signer, std::function<SignerStatus()> signer_status);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // A request whose headers are in, ready for its body.
  struct Accepted {
    int route = 0;
    std::string path;
    std::vector<std::string> segments;
    std::optional<keygen::ApiToken> token;
    std::optional<std::string> idempotency_key;
    std::size_t body_bytes = 0;  // Content-Length
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
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> signer_lost_{false};
};

}  // namespace seatkey::server
