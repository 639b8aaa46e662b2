// Names, small helpers and the Entitlement's questions.
#include <algorithm>
#include <array>
#include <new>
#include <utility>

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
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::invalid_code: return "invalid_code";
  }
  return "internal_error";
}

// The build's settings (verifier/CMakeLists.txt defines them for this file only).
#ifndef SEATKEY_DEFAULT_GRACE_DAYS
#error "SEATKEY_DEFAULT_GRACE_DAYS is set by verifier/CMakeLists.txt"
#endif

std::optional<UnixTime> build_time() noexcept {
#ifdef SEATKEY_BUILD_TIME_UNIX
  return static_cast<UnixTime>(SEATKEY_BUILD_TIME_UNIX);
#else
  return std::nullopt;
#endif
}

int default_grace_days() noexcept {
  return SEATKEY_DEFAULT_GRACE_DAYS;
}

#ifndef SEATKEY_DEVELOPMENT_KEY_ID
#error "SEATKEY_DEVELOPMENT_KEY_ID is set by verifier/CMakeLists.txt"
#endif

std::string_view development_key_id() noexcept {
  return SEATKEY_DEVELOPMENT_KEY_ID;
}

std::optional<std::string_view> built_in_revocation_list() noexcept {
  if (detail::kBuiltInRevocationList.empty()) return std::nullopt;
  return detail::kBuiltInRevocationList;
}

namespace {

// The names of docs/format.md, in enum order.
constexpr std::array<const char*, 3> kGraceReasonNames{
    {"appliance_changed", "licenses_unreadable", "licenses_damaged"}};
static_assert(kGraceReasonNames.size() == static_cast<std::size_t>(GraceReason::licenses_damaged) + 1,
              "a name for every GraceReason");
constexpr std::array<const char*, 5> kWarningNames{
    {"state_missing", "state_unreadable", "state_damaged", "state_not_saved", "licenses_unreadable"}};
static_assert(kWarningNames.size() == static_cast<std::size_t>(WarningCode::licenses_unreadable) + 1,
              "a name for every WarningCode");

}  // namespace

const char* grace_reason_name(GraceReason reason) noexcept {
  const auto i = static_cast<std::size_t>(reason);
  return i < kGraceReasonNames.size() ? kGraceReasonNames[i] : "unknown";
}

const char* warning_name(WarningCode code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < kWarningNames.size() ? kWarningNames[i] : "unknown";
}

namespace {

// Every enumerator of the API's enums has the value of the policy's, so that the API's names
// come from the policy's tables and a rule added there cannot be forgotten here.
template <class Api, class Policy, std::size_t N>
constexpr bool mirrors(const std::array<std::pair<Api, Policy>, N>& pairs, std::size_t policy_count) {
  if (N != policy_count) return false;
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(pairs[i].first) != i || static_cast<std::size_t>(pairs[i].second) != i) {
      return false;
    }
  }
  return true;
}

using R = Reason;
using PR = seatkey::Reason;
static_assert(mirrors(std::array<std::pair<R, PR>, 12>{{{R::malformed, PR::malformed},
                                                        {R::unknown_key, PR::unknown_key},
                                                        {R::bad_signature, PR::bad_signature},
                                                        {R::invalid_claims, PR::invalid_claims},
                                                        {R::wrong_appliance, PR::wrong_appliance},
                                                        {R::revoked, PR::revoked},
                                                        {R::not_yet_valid, PR::not_yet_valid},
                                                        {R::expired, PR::expired},
                                                        {R::duplicate, PR::duplicate},
                                                        {R::superseded, PR::superseded},
                                                        {R::no_server_license, PR::no_server_license},
                                                        {R::free_edition, PR::free_edition}}},
                      seatkey::kReasonNames.size()),
              "verifier::Reason mirrors seatkey::Reason");
#define SEATKEY_EDITION_PAIR(name, NAME, value) {Edition::name, seatkey::Edition::name},
static_assert(mirrors(
                  std::array<std::pair<Edition, seatkey::Edition>, seatkey::kEditions.size()>{
                      {SEATKEY_EDITIONS(SEATKEY_EDITION_PAIR)}},
                  seatkey::kEditions.size()),
              "verifier::Edition mirrors seatkey::Edition");
#undef SEATKEY_EDITION_PAIR
static_assert(mirrors(std::array<std::pair<LicenseKind, seatkey::LicenseKind>, 4>{{
                          {LicenseKind::server, seatkey::LicenseKind::server},
                          {LicenseKind::users, seatkey::LicenseKind::users},
                          {LicenseKind::revocation, seatkey::LicenseKind::revocation},
                          {LicenseKind::standby, seatkey::LicenseKind::standby},
                      }},
                      seatkey::kKindNames.size()),
              "verifier::LicenseKind mirrors seatkey::LicenseKind");

// The names are static string literals in the tables: data() is NUL-terminated.
const char* table_name(std::string_view name) noexcept {
  return name.data();
}

}  // namespace

const char* edition_name(Edition edition) noexcept {
  const auto i = static_cast<std::size_t>(edition);
  return i < seatkey::kEditions.size() ? table_name(seatkey::kEditions[i].name) : "unknown";
}

const char* kind_name(LicenseKind kind) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  return i < seatkey::kKindNames.size() ? table_name(seatkey::kKindNames[i]) : "unknown";
}

const char* reason_name(Reason reason) noexcept {
  const auto i = static_cast<std::size_t>(reason);
  return i < seatkey::kReasonNames.size() ? table_name(seatkey::kReasonNames[i]) : "unknown";
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

}  // namespace detail
}  // namespace seatkey::verifier
