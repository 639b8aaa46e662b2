// Names, small helpers and the Entitlement's questions.
#include <algorithm>
#include <new>

#include "internal.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::verifier {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_key: return "invalid_key";
    case ErrorCode::invalid_appliance_id: return "invalid_appliance_id";
    case ErrorCode::invalid_time: return "invalid_time";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::out_of_memory: return "out_of_memory";
    case ErrorCode::internal_error: return "internal_error";
  }
  return "internal_error";
}

const char* edition_name(Edition edition) noexcept {
  switch (edition) {
    case Edition::free: return "free";
    case Edition::compact: return "compact";
    case Edition::appliance: return "appliance";
    case Edition::vm: return "vm";
  }
  return "unknown";
}

const char* kind_name(LicenseKind kind) noexcept {
  return kind == LicenseKind::server ? "server" : "users";
}

const char* reason_name(Reason reason) noexcept {
  switch (reason) {
    case Reason::malformed: return "malformed";
    case Reason::unknown_key: return "unknown_key";
    case Reason::bad_signature: return "bad_signature";
    case Reason::invalid_claims: return "invalid_claims";
    case Reason::wrong_appliance: return "wrong_appliance";
    case Reason::not_yet_valid: return "not_yet_valid";
    case Reason::expired: return "expired";
    case Reason::duplicate: return "duplicate";
    case Reason::superseded: return "superseded";
    case Reason::no_server_license: return "no_server_license";
    case Reason::free_edition: return "free_edition";
  }
  return "unknown";
}

bool Entitlement::updates_allowed(UnixTime release_time) const noexcept {
  if (!licensed || !edition || *edition == Edition::free) return false;
  return !updates_until || release_time <= *updates_until;
}

bool Entitlement::may_add_user(std::int64_t current_users) const noexcept {
  return licensed && current_users >= 0 && current_users < licensed_users;
}

Expected<std::string> canonical_appliance_id(std::string_view typed) noexcept {
  try {
    auto r = seatkey::canonical_appliance_id(typed);
    if (!r) return detail::from_common(r.error());
    return std::move(*r);
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  }
}

Expected<UnixTime> parse_time(std::string_view rfc3339) noexcept {
  try {
    auto r = seatkey::parse_rfc3339(rfc3339);
    if (!r) return detail::from_common(r.error());
    return *r;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  }
}

std::string format_time(UnixTime t) noexcept {
  try {
    return seatkey::format_rfc3339(t);
  } catch (const std::bad_alloc&) {
    return {};
  }
}

UnixTime current_time() noexcept {
  return seatkey::unix_now();
}

namespace detail {

std::string_view trim_line(std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

Error from_common(const seatkey::Error& error) {
  ErrorCode code = ErrorCode::internal_error;
  switch (error.code) {
    case Errc::invalid_key: code = ErrorCode::invalid_key; break;
    case Errc::invalid_appliance_id: code = ErrorCode::invalid_appliance_id; break;
    case Errc::invalid_time: code = ErrorCode::invalid_time; break;
    case Errc::io_error: code = ErrorCode::io_error; break;
    case Errc::too_large: code = ErrorCode::too_large; break;
    case Errc::out_of_memory: code = ErrorCode::out_of_memory; break;
    default: break;
  }
  return Error{code, error.message};
}

namespace {
bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
int sign_of(int v) noexcept {
  return (v > 0) - (v < 0);
}
}  // namespace

int compare_serials(std::string_view a, std::string_view b) noexcept {
  const bool na = all_digits(a);
  const bool nb = all_digits(b);
  if (na != nb) return na ? 1 : -1;
  if (na) {
    std::string_view va = a.substr(std::min(a.find_first_not_of('0'), a.size()));
    std::string_view vb = b.substr(std::min(b.find_first_not_of('0'), b.size()));
    if (va.size() != vb.size()) return va.size() < vb.size() ? -1 : 1;
    if (int c = va.compare(vb); c != 0) return sign_of(c);
  }
  return sign_of(a.compare(b));
}

}  // namespace detail
}  // namespace seatkey::verifier
