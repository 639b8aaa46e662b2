// Internal: how the API answers. JSON for what it was asked, and an RFC 9457 problem
// (application/problem+json) for every refusal: the server's own problems (a missing token, a
// body too large: kProblemTypes) and every error of the back office, each code its own type
// (urn:seatkey:problem:<code with '-'>) with the code's members in the body, its HTTP status
// decided by its kind (kKindStatuses). Nothing here reads an error's message.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "seatkey/keygen/error.hpp"
#include "seatkey/server/api.hpp"

namespace seatkey::server {

// The problems of the HTTP layer: status, type slug (urn:seatkey:problem:<slug>) and title.
enum class Problem {
  bad_input,
  unauthorized,
  forbidden,
  not_found,
  method_not_allowed,
  timeout,
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
inline constexpr std::array<ProblemType, 14> kProblemTypes{{
    {Problem::bad_input, 400, "bad-input", "Bad input"},
    {Problem::unauthorized, 401, "unauthorized", "Missing or invalid bearer token"},
    {Problem::forbidden, 403, "forbidden", "Not allowed for this token's role"},
    {Problem::not_found, 404, "not-found", "Not found"},
    {Problem::method_not_allowed, 405, "method-not-allowed", "Method not allowed"},
    {Problem::timeout, 408, "timeout", "Request too slow"},
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

// The HTTP status of each kind of the back office's errors; those a client should retry carry
// Retry-After.
struct KindStatus {
  keygen::Kind kind;
  int status;
  bool retry;
};
// An expired token is 401 (sign in with another); a token over its quota is 403, not 429: the
// order is refused for this token today, not for its pace, and a client that retries 429s on
// its own would retry it until midnight.
inline constexpr std::array<KindStatus, 8> kKindStatuses{{
    {keygen::Kind::input, 400, false},
    {keygen::Kind::refused, 409, false},
    {keygen::Kind::not_found, 404, false},
    {keygen::Kind::busy, 503, true},
    {keygen::Kind::unavailable, 503, true},
    {keygen::Kind::internal, 500, false},
    {keygen::Kind::unauthorized, 401, false},
    {keygen::Kind::forbidden, 403, false},
}};
constexpr const KindStatus& kind_status(keygen::Kind k) {
  return kKindStatuses[static_cast<std::size_t>(k)];
}

// "urn:seatkey:problem:compact-max-users"
std::string problem_type_uri(std::string_view code_or_slug);

Response problem(Problem p, std::string_view detail);
// An error of the back office as its problem: its code's type and title, its kind's status,
// its message as the detail, its code, kind and members as members of the problem.
Response problem_of(const keygen::Error& error);

Response json_response(int status, const nlohmann::ordered_json& j);
// A dry run's answer: 200, what the request would do with "dry_run": true, and no license's
// token (nothing was signed; nothing here may be installed).
Response dry_run_response(nlohmann::ordered_json j);
// Text from a client in a message: a JSON string literal, escaped.
std::string json_quoted(std::string_view text);

}  // namespace seatkey::server
