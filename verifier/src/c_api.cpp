// The C API (seatkey/verifier.h) on top of the C++ API (seatkey/verifier.hpp). Every entry
// point catches everything: no exception ever reaches a C caller.
#include "seatkey/verifier.h"

#include <array>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.hpp"
#include "seatkey/common/activation_request.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/verifier.hpp"

namespace sv = seatkey::verifier;

struct seatkey_trust_store {
  sv::TrustStore store;
  std::vector<std::string> ids;   // NUL-terminated copies of store.key_id(i)
  std::vector<std::string> keys;  // and of store.public_key(i)
};

struct seatkey_report {
  const sv::LicenseReport* report;
};

struct seatkey_entitlement {
  sv::Entitlement entitlement;
  std::vector<seatkey_report> accepted;  // pointing into entitlement.accepted
  std::vector<seatkey_report> rejected;
};

struct seatkey_options {
  sv::EvaluationContext context;
};

namespace {

// Copies `message` into err[err_size], NUL-terminated, cut at a UTF-8 character boundary.
void write_message(std::string_view message, char* err, std::size_t err_size) noexcept {
  if (err == nullptr || err_size == 0) return;
  std::size_t n = message.size() < err_size - 1 ? message.size() : err_size - 1;
  if (n < message.size()) {
    while (n > 0 && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) --n;
  }
  std::memcpy(err, message.data(), n);
  err[n] = '\0';
}

seatkey_status fail(seatkey_status status, std::string_view message, char* err,
                    std::size_t err_size) noexcept {
  write_message(message, err, err_size);
  return status;
}

seatkey_status status_of(sv::ErrorCode code) noexcept {
  switch (code) {
    case sv::ErrorCode::invalid_key: return SEATKEY_INVALID_KEY;
    case sv::ErrorCode::invalid_appliance_id: return SEATKEY_INVALID_APPLIANCE_ID;
    case sv::ErrorCode::invalid_time: return SEATKEY_INVALID_TIME;
    case sv::ErrorCode::io_error: return SEATKEY_IO_ERROR;
    case sv::ErrorCode::too_large: return SEATKEY_TOO_LARGE;
    case sv::ErrorCode::out_of_memory: return SEATKEY_OUT_OF_MEMORY;
    case sv::ErrorCode::internal_error: return SEATKEY_INTERNAL_ERROR;
    case sv::ErrorCode::invalid_argument: return SEATKEY_INVALID_ARGUMENT;
    case sv::ErrorCode::invalid_code: return SEATKEY_INVALID_CODE;
  }
  return SEATKEY_INTERNAL_ERROR;
}

seatkey_status fail(const sv::Error& e, char* err, std::size_t err_size) noexcept {
  return fail(status_of(e.code), e.message, err, err_size);
}

seatkey_status null_argument(const char* function, const char* argument, char* err,
                             std::size_t err_size) noexcept {
  try {
    return fail(SEATKEY_INVALID_ARGUMENT, std::string(function) + ": " + argument + " is NULL", err,
                err_size);
  } catch (...) {
    return fail(SEATKEY_INVALID_ARGUMENT, "a required argument is NULL", err, err_size);
  }
}

// Runs f() (returning seatkey_status), turning any exception into a status and message.
template <class F>
seatkey_status guarded(F&& f, char* err, std::size_t err_size) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return fail(SEATKEY_OUT_OF_MEMORY, "out of memory", err, err_size);
  } catch (const std::exception& e) {
    return fail(SEATKEY_INTERNAL_ERROR, e.what(), err, err_size);
  } catch (...) {
    return fail(SEATKEY_INTERNAL_ERROR, "internal error", err, err_size);
  }
}

seatkey_status make_store(sv::Expected<sv::TrustStore> store, seatkey_trust_store** out, char* err,
                          std::size_t err_size) {
  if (!store) return fail(store.error(), err, err_size);
  auto handle = std::make_unique<seatkey_trust_store>();
  handle->store = std::move(*store);
  const std::size_t n = handle->store.size();
  handle->ids.reserve(n);
  handle->keys.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    handle->ids.emplace_back(handle->store.key_id(i));
    handle->keys.emplace_back(handle->store.public_key(i));
  }
  *out = handle.release();
  return SEATKEY_OK;
}

// Evaluates `set` (a license set, or the error reading one) in `context` and hands out the
// entitlement.
// The entitlement handed out as a handle.
seatkey_entitlement* make_handle(sv::Entitlement e) {
  auto handle = std::make_unique<seatkey_entitlement>();
  handle->entitlement = std::move(e);
  handle->accepted.reserve(handle->entitlement.accepted.size());
  for (const auto& r : handle->entitlement.accepted) handle->accepted.push_back(seatkey_report{&r});
  handle->rejected.reserve(handle->entitlement.rejected.size());
  for (const auto& r : handle->entitlement.rejected) handle->rejected.push_back(seatkey_report{&r});
  return handle.release();
}

// `trust`'s store, or the built-in keys (into *built_in) for NULL.
sv::Expected<const sv::TrustStore*> store_of(const seatkey_trust_store* trust, sv::TrustStore* built_in) {
  if (trust != nullptr) return &trust->store;
  auto b = sv::TrustStore::built_in();
  if (!b) return b.error();
  *built_in = std::move(*b);
  return static_cast<const sv::TrustStore*>(built_in);
}

seatkey_status make_entitlement(const sv::Expected<sv::LicenseSet>& set, const char* appliance_id,
                                const seatkey_trust_store* trust, const sv::EvaluationContext& context,
                                seatkey_entitlement** out, char* err, std::size_t err_size) {
  sv::TrustStore built_in;
  auto store = store_of(trust, &built_in);
  if (!store) return fail(store.error(), err, err_size);
  auto e = sv::evaluate(set, appliance_id, **store, context);
  if (!e) return fail(e.error(), err, err_size);
  *out = make_handle(std::move(*e));
  return SEATKEY_OK;
}

// Copies `text` into out[out_size] with its NUL; SEATKEY_INVALID_ARGUMENT naming `function`
// when it does not fit.
seatkey_status copy_out(const std::string& text, const char* function, char* out, std::size_t out_size,
                        char* err, std::size_t err_size) {
  if (text.size() >= out_size) {
    return fail(SEATKEY_INVALID_ARGUMENT,
                std::string(function) + ": out_size " + std::to_string(out_size) + " is too small for " +
                    std::to_string(text.size() + 1) + " bytes",
                err, err_size);
  }
  std::memcpy(out, text.c_str(), text.size() + 1);
  return SEATKEY_OK;
}

sv::EvaluationContext context_at(std::int64_t now) {
  sv::EvaluationContext context;
  context.now = now;
  return context;
}

seatkey_status evaluate_text(const char* text, size_t size, const char* source_name, const char* appliance_id,
                             const seatkey_trust_store* trust, const sv::EvaluationContext& context,
                             seatkey_entitlement** out, char* err, size_t err_size) {
  const std::string_view t = text != nullptr ? std::string_view(text, size) : std::string_view();
  return make_entitlement(sv::parse_licenses(t, source_name != nullptr ? source_name : "licenses"),
                          appliance_id, trust, context, out, err, err_size);
}

seatkey_status evaluate_path(const char* path, const char* appliance_id, const seatkey_trust_store* trust,
                             const sv::EvaluationContext& context, seatkey_entitlement** out, char* err,
                             size_t err_size) {
  // Check the ID first: a wrong ID is the caller's problem even when the path is too.
  auto id = sv::canonical_appliance_id(appliance_id);
  if (!id) return fail(id.error(), err, err_size);
  return make_entitlement(sv::load_licenses(path), appliance_id, trust, context, out, err, err_size);
}

// The C enums name the C++ API's enumerators (and so the policy's tables) with values that never
// change once released, 0 meaning "none": a reason added to the policy's table gets the next
// free C value, wherever the table puts it. Each map is checked at compile time to cover its
// table exactly once, with the C values 1..N.
template <class C, class Cpp, std::size_t N>
using EnumMap = std::array<std::pair<C, Cpp>, N>;

template <class C, class Cpp, std::size_t N>
constexpr bool covers_once(const EnumMap<C, Cpp, N>& map, std::size_t table_size) {
  if (N != table_size) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const auto c = static_cast<std::size_t>(map[i].first);
    const auto cpp = static_cast<std::size_t>(map[i].second);
    if (c < 1 || c > N || cpp >= table_size) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (map[j].first == map[i].first || map[j].second == map[i].second) return false;
    }
  }
  return true;
}

constexpr EnumMap<seatkey_reason, sv::Reason, 12> kReasons{{
    {SEATKEY_REASON_MALFORMED, sv::Reason::malformed},
    {SEATKEY_REASON_UNKNOWN_KEY, sv::Reason::unknown_key},
    {SEATKEY_REASON_BAD_SIGNATURE, sv::Reason::bad_signature},
    {SEATKEY_REASON_INVALID_CLAIMS, sv::Reason::invalid_claims},
    {SEATKEY_REASON_WRONG_APPLIANCE, sv::Reason::wrong_appliance},
    {SEATKEY_REASON_NOT_YET_VALID, sv::Reason::not_yet_valid},
    {SEATKEY_REASON_EXPIRED, sv::Reason::expired},
    {SEATKEY_REASON_DUPLICATE, sv::Reason::duplicate},
    {SEATKEY_REASON_SUPERSEDED, sv::Reason::superseded},
    {SEATKEY_REASON_NO_SERVER_LICENSE, sv::Reason::no_server_license},
    {SEATKEY_REASON_FREE_EDITION, sv::Reason::free_edition},
    {SEATKEY_REASON_REVOKED, sv::Reason::revoked},
}};
static_assert(covers_once(kReasons, seatkey::kReasonNames.size()), "seatkey_reason covers the reasons table");
#define SEATKEY_EDITION_PAIR(name, NAME, value) {SEATKEY_EDITION_##NAME, sv::Edition::name},
constexpr EnumMap<seatkey_edition, sv::Edition, seatkey::kEditions.size()> kEditionsC{
    {SEATKEY_EDITIONS(SEATKEY_EDITION_PAIR)}};
#undef SEATKEY_EDITION_PAIR
static_assert(covers_once(kEditionsC, seatkey::kEditions.size()),
              "seatkey_edition covers the editions table");
constexpr EnumMap<seatkey_kind, sv::LicenseKind, 4> kKinds{{
    {SEATKEY_KIND_SERVER, sv::LicenseKind::server},
    {SEATKEY_KIND_USERS, sv::LicenseKind::users},
    {SEATKEY_KIND_REVOCATION, sv::LicenseKind::revocation},
    {SEATKEY_KIND_STANDBY, sv::LicenseKind::standby},
}};
static_assert(covers_once(kKinds, seatkey::kKindNames.size()), "seatkey_kind covers the kinds table");

// The grace reasons and warnings have no policy table: the C++ API's enums are theirs.
constexpr std::size_t kGraceReasonCount = static_cast<std::size_t>(sv::GraceReason::licenses_damaged) + 1;
constexpr std::size_t kWarningCount = static_cast<std::size_t>(sv::WarningCode::licenses_unreadable) + 1;
constexpr EnumMap<seatkey_grace_reason, sv::GraceReason, 3> kGraceReasons{{
    {SEATKEY_GRACE_APPLIANCE_CHANGED, sv::GraceReason::appliance_changed},
    {SEATKEY_GRACE_LICENSES_UNREADABLE, sv::GraceReason::licenses_unreadable},
    {SEATKEY_GRACE_LICENSES_DAMAGED, sv::GraceReason::licenses_damaged},
}};
static_assert(covers_once(kGraceReasons, kGraceReasonCount),
              "seatkey_grace_reason covers verifier::GraceReason");
constexpr EnumMap<seatkey_warning, sv::WarningCode, 5> kWarnings{{
    {SEATKEY_WARNING_STATE_MISSING, sv::WarningCode::state_missing},
    {SEATKEY_WARNING_STATE_UNREADABLE, sv::WarningCode::state_unreadable},
    {SEATKEY_WARNING_STATE_DAMAGED, sv::WarningCode::state_damaged},
    {SEATKEY_WARNING_STATE_NOT_SAVED, sv::WarningCode::state_not_saved},
    {SEATKEY_WARNING_LICENSES_UNREADABLE, sv::WarningCode::licenses_unreadable},
}};
static_assert(covers_once(kWarnings, kWarningCount), "seatkey_warning covers verifier::WarningCode");

constexpr std::size_t kRefusalCount = static_cast<std::size_t>(sv::InstallRefusal::earlier_updates) + 1;
constexpr EnumMap<seatkey_refusal, sv::InstallRefusal, 7> kRefusals{{
    {SEATKEY_REFUSAL_NO_LICENSE, sv::InstallRefusal::no_license},
    {SEATKEY_REFUSAL_DAMAGED, sv::InstallRefusal::damaged},
    {SEATKEY_REFUSAL_WRONG_APPLIANCE, sv::InstallRefusal::wrong_appliance},
    {SEATKEY_REFUSAL_NOT_LICENSED, sv::InstallRefusal::not_licensed},
    {SEATKEY_REFUSAL_FEWER_USERS, sv::InstallRefusal::fewer_users},
    {SEATKEY_REFUSAL_LOWER_EDITION, sv::InstallRefusal::lower_edition},
    {SEATKEY_REFUSAL_EARLIER_UPDATES, sv::InstallRefusal::earlier_updates},
}};
static_assert(covers_once(kRefusals, kRefusalCount), "seatkey_refusal covers verifier::InstallRefusal");

// SEATKEY_ACTIVATION_CODE_SIZE and SEATKEY_ACTIVATION_REQUEST_SIZE hold the longest of each.
static_assert(SEATKEY_ACTIVATION_CODE_SIZE == seatkey::kCodeLength + seatkey::kCodeGroups,
              "a code, its hyphens and its NUL");
static_assert(SEATKEY_ACTIVATION_REQUEST_SIZE == seatkey::kMaxRequestLength + 1,
              "the longest request and its NUL");

template <class C, class Cpp, std::size_t N>
C to_c(const EnumMap<C, Cpp, N>& map, Cpp value) noexcept {
  for (const auto& [c, cpp] : map) {
    if (cpp == value) return c;
  }
  return static_cast<C>(0);
}

// The C++ value of a C enum other than *_NONE, when the map knows it.
template <class C, class Cpp, std::size_t N>
std::optional<Cpp> from_c(const EnumMap<C, Cpp, N>& map, C value) noexcept {
  for (const auto& [c, cpp] : map) {
    if (c == value) return cpp;
  }
  return std::nullopt;
}

const sv::LicenseReport* report_of(const seatkey_report* r) noexcept {
  return r ? r->report : nullptr;
}

}  // namespace

extern "C" {

const char* seatkey_status_name(seatkey_status status) {
  switch (status) {
    case SEATKEY_OK: return "ok";
    case SEATKEY_INVALID_ARGUMENT: return "invalid_argument";
    case SEATKEY_INVALID_KEY: return "invalid_key";
    case SEATKEY_INVALID_APPLIANCE_ID: return "invalid_appliance_id";
    case SEATKEY_INVALID_TIME: return "invalid_time";
    case SEATKEY_IO_ERROR: return "io_error";
    case SEATKEY_TOO_LARGE: return "too_large";
    case SEATKEY_OUT_OF_MEMORY: return "out_of_memory";
    case SEATKEY_INTERNAL_ERROR: return "internal_error";
    case SEATKEY_INVALID_CODE: return "invalid_code";
    case SEATKEY_REFUSED: return "refused";
  }
  return "unknown";
}

const char* seatkey_verifier_version(void) {
  return SEATKEY_VERSION;
}

// ---- Trust stores

seatkey_status seatkey_trust_store_built_in(seatkey_trust_store** out, char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  return guarded([&] { return make_store(sv::TrustStore::built_in(), out, err, err_size); }, err, err_size);
}

seatkey_status seatkey_trust_store_from_keys(const char* const* keys, size_t count, seatkey_trust_store** out,
                                             char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (keys == nullptr && count > 0) return null_argument(__func__, "keys", err, err_size);
  return guarded(
      [&] {
        std::vector<std::string> list;
        list.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
          if (keys[i] == nullptr) {
            return fail(SEATKEY_INVALID_ARGUMENT,
                        "seatkey_trust_store_from_keys: keys[" + std::to_string(i) + "] is NULL", err,
                        err_size);
          }
          list.emplace_back(keys[i]);
        }
        return make_store(sv::TrustStore::from_keys(list), out, err, err_size);
      },
      err, err_size);
}

seatkey_status seatkey_trust_store_parse(const char* text, size_t size, const char* origin,
                                         seatkey_trust_store** out, char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (text == nullptr && size > 0) return null_argument(__func__, "text", err, err_size);
  return guarded(
      [&] {
        const std::string_view t = text != nullptr ? std::string_view(text, size) : std::string_view();
        return make_store(sv::TrustStore::parse(t, origin != nullptr ? origin : "trusted keys"), out, err,
                          err_size);
      },
      err, err_size);
}

seatkey_status seatkey_trust_store_load_file(const char* path, seatkey_trust_store** out, char* err,
                                             size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (path == nullptr) return null_argument(__func__, "path", err, err_size);
  return guarded([&] { return make_store(sv::TrustStore::load_file(path), out, err, err_size); }, err,
                 err_size);
}

void seatkey_trust_store_free(seatkey_trust_store* store) {
  delete store;
}

size_t seatkey_trust_store_size(const seatkey_trust_store* store) {
  return store ? store->ids.size() : 0;
}

const char* seatkey_trust_store_key_id(const seatkey_trust_store* store, size_t i) {
  return store && i < store->ids.size() ? store->ids[i].c_str() : nullptr;
}

const char* seatkey_trust_store_public_key(const seatkey_trust_store* store, size_t i) {
  return store && i < store->keys.size() ? store->keys[i].c_str() : nullptr;
}

// ---- Evaluation options

seatkey_status seatkey_options_new(seatkey_options** out, char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  return guarded(
      [&] {
        *out = new seatkey_options();
        return SEATKEY_OK;
      },
      err, err_size);
}

void seatkey_options_free(seatkey_options* options) {
  delete options;
}

seatkey_status seatkey_options_set_now(seatkey_options* options, int64_t now) {
  if (options == nullptr) return SEATKEY_INVALID_ARGUMENT;
  options->context.now = now;
  return SEATKEY_OK;
}

seatkey_status seatkey_options_set_min_time(seatkey_options* options, int64_t min_time) {
  if (options == nullptr) return SEATKEY_INVALID_ARGUMENT;
  options->context.min_time = min_time;
  return SEATKEY_OK;
}

seatkey_status seatkey_options_set_state_path(seatkey_options* options, const char* path) {
  if (options == nullptr) return SEATKEY_INVALID_ARGUMENT;
  return guarded(
      [&] {
        options->context.state_path = path != nullptr ? path : "";
        return SEATKEY_OK;
      },
      nullptr, 0);
}

seatkey_status seatkey_options_set_grace_days(seatkey_options* options, int days) {
  if (options == nullptr || days < 0 || days > sv::detail::kMaxContextDays) return SEATKEY_INVALID_ARGUMENT;
  options->context.grace_days = days;
  return SEATKEY_OK;
}

seatkey_status seatkey_options_set_warn_days(seatkey_options* options, int days) {
  if (options == nullptr || days < 0 || days > sv::detail::kMaxContextDays) return SEATKEY_INVALID_ARGUMENT;
  options->context.warn_days = days;
  return SEATKEY_OK;
}

seatkey_status seatkey_options_set_revocation_list(seatkey_options* options, const char* token, size_t size,
                                                   const char* source_name) {
  if (options == nullptr || (token == nullptr && size > 0)) return SEATKEY_INVALID_ARGUMENT;
  if (size > seatkey::max_token_bytes(seatkey::TokenLimit::revocation_list)) return SEATKEY_INVALID_ARGUMENT;
  return guarded(
      [&] {
        if (token == nullptr) {
          options->context.revocation_lists.reset();  // the built-in list alone
          return SEATKEY_OK;
        }
        // Beside the built-in list, never instead of it: a firmware's own list stays a floor.
        std::vector<sv::LicenseToken> lists;
        if (const auto built_in = sv::built_in_revocation_list())
          lists.push_back({std::string(*built_in), "built-in"});
        std::string_view text(token, size);
        const auto first = text.find_first_not_of(" \t\r\n");
        text = first == std::string_view::npos ? std::string_view() : text.substr(first);
        text = text.substr(0, text.find_last_not_of(" \t\r\n") + 1);
        lists.push_back({std::string(text), source_name != nullptr ? source_name : "options"});
        options->context.revocation_lists = std::move(lists);
        return SEATKEY_OK;
      },
      nullptr, 0);
}

bool seatkey_build_time(int64_t* out) {
  const auto t = sv::build_time();
  if (t && out != nullptr) *out = *t;
  return t.has_value();
}

int seatkey_default_grace_days(void) {
  return sv::default_grace_days();
}

const char* seatkey_development_key_id(void) {
  return sv::development_key_id().data();  // a string literal: NUL-terminated
}

// ---- Evaluation

seatkey_status seatkey_evaluate_text(const char* text, size_t size, const char* source_name,
                                     const char* appliance_id, const seatkey_trust_store* trust, int64_t now,
                                     seatkey_entitlement** out, char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (text == nullptr && size > 0) return null_argument(__func__, "text", err, err_size);
  if (appliance_id == nullptr) return null_argument(__func__, "appliance_id", err, err_size);
  return guarded(
      [&] {
        return evaluate_text(text, size, source_name, appliance_id, trust, context_at(now), out, err,
                             err_size);
      },
      err, err_size);
}

seatkey_status seatkey_evaluate_path(const char* path, const char* appliance_id,
                                     const seatkey_trust_store* trust, int64_t now, seatkey_entitlement** out,
                                     char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (path == nullptr) return null_argument(__func__, "path", err, err_size);
  if (appliance_id == nullptr) return null_argument(__func__, "appliance_id", err, err_size);
  return guarded(
      [&] { return evaluate_path(path, appliance_id, trust, context_at(now), out, err, err_size); }, err,
      err_size);
}

seatkey_status seatkey_evaluate_text_with_options(const char* text, size_t size, const char* source_name,
                                                  const char* appliance_id, const seatkey_trust_store* trust,
                                                  const seatkey_options* options, seatkey_entitlement** out,
                                                  char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (text == nullptr && size > 0) return null_argument(__func__, "text", err, err_size);
  if (appliance_id == nullptr) return null_argument(__func__, "appliance_id", err, err_size);
  if (options == nullptr) return null_argument(__func__, "options", err, err_size);
  return guarded(
      [&] {
        return evaluate_text(text, size, source_name, appliance_id, trust, options->context, out, err,
                             err_size);
      },
      err, err_size);
}

seatkey_status seatkey_evaluate_path_with_options(const char* path, const char* appliance_id,
                                                  const seatkey_trust_store* trust,
                                                  const seatkey_options* options, seatkey_entitlement** out,
                                                  char* err, size_t err_size) {
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (path == nullptr) return null_argument(__func__, "path", err, err_size);
  if (appliance_id == nullptr) return null_argument(__func__, "appliance_id", err, err_size);
  if (options == nullptr) return null_argument(__func__, "options", err, err_size);
  return guarded(
      [&] { return evaluate_path(path, appliance_id, trust, options->context, out, err, err_size); }, err,
      err_size);
}

void seatkey_entitlement_free(seatkey_entitlement* entitlement) {
  delete entitlement;
}

const char* seatkey_edition_name(seatkey_edition edition) {
  if (edition == SEATKEY_EDITION_NONE) return "none";
  const auto e = from_c(kEditionsC, edition);
  return e ? sv::edition_name(*e) : "unknown";
}

const char* seatkey_entitlement_appliance(const seatkey_entitlement* e) {
  return e ? e->entitlement.appliance.c_str() : nullptr;
}

bool seatkey_entitlement_licensed(const seatkey_entitlement* e) {
  return e && e->entitlement.licensed;
}

seatkey_edition seatkey_entitlement_edition(const seatkey_entitlement* e) {
  return e && e->entitlement.edition ? to_c(kEditionsC, *e->entitlement.edition) : SEATKEY_EDITION_NONE;
}

const char* seatkey_entitlement_server_license(const seatkey_entitlement* e) {
  return e && e->entitlement.server_license ? e->entitlement.server_license->c_str() : nullptr;
}

const char* seatkey_entitlement_standby_for(const seatkey_entitlement* e) {
  return e && e->entitlement.standby_for ? e->entitlement.standby_for->c_str() : nullptr;
}

int seatkey_entitlement_included_users(const seatkey_entitlement* e) {
  return e ? e->entitlement.included_users : 0;
}

int seatkey_entitlement_pack_users(const seatkey_entitlement* e) {
  return e ? e->entitlement.pack_users : 0;
}

int seatkey_entitlement_licensed_users(const seatkey_entitlement* e) {
  return e ? e->entitlement.licensed_users : 0;
}

int seatkey_entitlement_max_users(const seatkey_entitlement* e) {
  if (e == nullptr) return 0;
  return e->entitlement.max_users ? *e->entitlement.max_users : SEATKEY_UNLIMITED_USERS;
}

int seatkey_entitlement_excess_users(const seatkey_entitlement* e) {
  return e ? e->entitlement.excess_users : 0;
}

bool seatkey_entitlement_updates_until(const seatkey_entitlement* e, int64_t* until) {
  if (e == nullptr || !e->entitlement.updates_until) return false;
  if (until != nullptr) *until = *e->entitlement.updates_until;
  return true;
}

bool seatkey_entitlement_updates_allowed(const seatkey_entitlement* e, int64_t release_time) {
  return e && e->entitlement.updates_allowed(release_time);
}

int64_t seatkey_entitlement_evaluated_at(const seatkey_entitlement* e) {
  return e ? e->entitlement.evaluated_at : 0;
}

int64_t seatkey_entitlement_clock(const seatkey_entitlement* e) {
  return e ? e->entitlement.clock : 0;
}

bool seatkey_entitlement_clock_floor(const seatkey_entitlement* e, int64_t* floor) {
  if (e == nullptr || !e->entitlement.clock_floor) return false;
  if (floor != nullptr) *floor = *e->entitlement.clock_floor;
  return true;
}

bool seatkey_entitlement_clock_behind(const seatkey_entitlement* e) {
  return e && e->entitlement.clock_behind;
}

bool seatkey_entitlement_revocation_seq(const seatkey_entitlement* e, int64_t* seq) {
  if (e == nullptr || !e->entitlement.revocation_seq) return false;
  if (seq != nullptr) *seq = *e->entitlement.revocation_seq;
  return true;
}

bool seatkey_entitlement_development_key(const seatkey_entitlement* e) {
  return e && e->entitlement.development_key;
}

const char* seatkey_grace_reason_name(seatkey_grace_reason reason) {
  if (reason == SEATKEY_GRACE_NONE) return "none";
  const auto r = from_c(kGraceReasons, reason);
  return r ? sv::grace_reason_name(*r) : "unknown";
}

bool seatkey_entitlement_grace(const seatkey_entitlement* e, int64_t* since, int64_t* until) {
  if (e == nullptr || !e->entitlement.grace) return false;
  if (since != nullptr) *since = e->entitlement.grace->since;
  if (until != nullptr) *until = e->entitlement.grace->until;
  return true;
}

seatkey_grace_reason seatkey_entitlement_grace_reason(const seatkey_entitlement* e) {
  if (e == nullptr || !e->entitlement.grace) return SEATKEY_GRACE_NONE;
  return to_c(kGraceReasons, e->entitlement.grace->reason);
}

const char* seatkey_entitlement_grace_message(const seatkey_entitlement* e) {
  return e && e->entitlement.grace ? e->entitlement.grace->message.c_str() : nullptr;
}

size_t seatkey_entitlement_expiring_count(const seatkey_entitlement* e) {
  return e ? e->entitlement.expiring.size() : 0;
}

// One of the accepted reports, the same pointer seatkey_entitlement_accepted() gives.
const seatkey_report* seatkey_entitlement_expiring(const seatkey_entitlement* e, size_t i) {
  return e && i < e->entitlement.expiring.size() ? &e->accepted[e->entitlement.expiring[i]] : nullptr;
}

const char* seatkey_warning_name(seatkey_warning warning) {
  if (warning == SEATKEY_WARNING_NONE) return "none";
  const auto w = from_c(kWarnings, warning);
  return w ? sv::warning_name(*w) : "unknown";
}

size_t seatkey_entitlement_warning_count(const seatkey_entitlement* e) {
  return e ? e->entitlement.warnings.size() : 0;
}

seatkey_warning seatkey_entitlement_warning_code(const seatkey_entitlement* e, size_t i) {
  if (e == nullptr || i >= e->entitlement.warnings.size()) return SEATKEY_WARNING_NONE;
  return to_c(kWarnings, e->entitlement.warnings[i].code);
}

const char* seatkey_entitlement_warning_message(const seatkey_entitlement* e, size_t i) {
  if (e == nullptr || i >= e->entitlement.warnings.size()) return nullptr;
  return e->entitlement.warnings[i].message.c_str();
}

bool seatkey_entitlement_may_add_user(const seatkey_entitlement* e, int64_t current_users) {
  return e && e->entitlement.may_add_user(current_users);
}

size_t seatkey_entitlement_accepted_count(const seatkey_entitlement* e) {
  return e ? e->accepted.size() : 0;
}

const seatkey_report* seatkey_entitlement_accepted(const seatkey_entitlement* e, size_t i) {
  return e && i < e->accepted.size() ? &e->accepted[i] : nullptr;
}

size_t seatkey_entitlement_rejected_count(const seatkey_entitlement* e) {
  return e ? e->rejected.size() : 0;
}

const seatkey_report* seatkey_entitlement_rejected(const seatkey_entitlement* e, size_t i) {
  return e && i < e->rejected.size() ? &e->rejected[i] : nullptr;
}

const char* seatkey_kind_name(seatkey_kind kind) {
  if (kind == SEATKEY_KIND_NONE) return "none";
  const auto k = from_c(kKinds, kind);
  return k ? sv::kind_name(*k) : "unknown";
}

const char* seatkey_reason_name(seatkey_reason reason) {
  if (reason == SEATKEY_REASON_NONE) return "none";
  const auto r = from_c(kReasons, reason);
  return r ? sv::reason_name(*r) : "unknown";
}

const char* seatkey_report_serial(const seatkey_report* r) {
  const auto* p = report_of(r);
  return p && p->serial ? p->serial->c_str() : nullptr;
}

seatkey_kind seatkey_report_kind(const seatkey_report* r) {
  const auto* p = report_of(r);
  if (p == nullptr || !p->kind) return SEATKEY_KIND_NONE;
  return to_c(kKinds, *p->kind);
}

int seatkey_report_users(const seatkey_report* r) {
  const auto* p = report_of(r);
  return p && p->users ? *p->users : 0;
}

const char* seatkey_report_source(const seatkey_report* r) {
  const auto* p = report_of(r);
  return p ? p->source.c_str() : nullptr;
}

seatkey_reason seatkey_report_reason(const seatkey_report* r) {
  const auto* p = report_of(r);
  return p && p->reason ? to_c(kReasons, *p->reason) : SEATKEY_REASON_NONE;
}

const char* seatkey_report_message(const seatkey_report* r) {
  const auto* p = report_of(r);
  return p ? p->message.c_str() : nullptr;
}

bool seatkey_report_expires(const seatkey_report* r, int64_t* expires) {
  const auto* p = report_of(r);
  if (p == nullptr || !p->expires) return false;
  if (expires != nullptr) *expires = *p->expires;
  return true;
}

bool seatkey_report_development_key(const seatkey_report* r) {
  const auto* p = report_of(r);
  return p && p->development_key;
}

bool seatkey_report_code(const seatkey_report* r, int64_t* code) {
  const auto* p = report_of(r);
  if (p == nullptr || !p->code) return false;
  if (code != nullptr) *code = *p->code;
  return true;
}

// ---- Activation

seatkey_status seatkey_check_activation_code(const char* typed, char* out, size_t out_size, char* err,
                                             size_t err_size) {
  if (out != nullptr && out_size > 0) out[0] = '\0';
  if (typed == nullptr) return null_argument(__func__, "typed", err, err_size);
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  return guarded(
      [&] {
        auto code = sv::check_activation_code(typed);
        if (!code) return fail(code.error(), err, err_size);
        return copy_out(*code, "seatkey_check_activation_code", out, out_size, err, err_size);
      },
      err, err_size);
}

seatkey_status seatkey_activation_request(const char* appliance_id, const char* const* codes,
                                          size_t code_count, int64_t time, char* out, size_t out_size,
                                          char* err, size_t err_size) {
  if (out != nullptr && out_size > 0) out[0] = '\0';
  if (appliance_id == nullptr) return null_argument(__func__, "appliance_id", err, err_size);
  if (codes == nullptr && code_count > 0) return null_argument(__func__, "codes", err, err_size);
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  return guarded(
      [&] {
        if (code_count > seatkey::kMaxRequestCodes) {
          return fail(SEATKEY_INVALID_ARGUMENT,
                      "an activation request carries at most 8 codes, not " + std::to_string(code_count), err,
                      err_size);
        }
        std::vector<std::string> list;
        for (std::size_t i = 0; i < code_count; ++i) {
          if (codes[i] == nullptr) {
            return fail(SEATKEY_INVALID_ARGUMENT,
                        "seatkey_activation_request: codes[" + std::to_string(i) + "] is NULL", err,
                        err_size);
          }
          list.emplace_back(codes[i]);
        }
        auto request = sv::activation_request(appliance_id, list, time);
        if (!request) return fail(request.error(), err, err_size);
        return copy_out(*request, "seatkey_activation_request", out, out_size, err, err_size);
      },
      err, err_size);
}

const char* seatkey_refusal_name(seatkey_refusal refusal) {
  if (refusal == SEATKEY_REFUSAL_NONE) return "none";
  const auto r = from_c(kRefusals, refusal);
  return r ? sv::install_refusal_name(*r) : "unknown";
}

seatkey_status seatkey_install_license_file(const char* file, const char* licenses_dir,
                                            const char* appliance_id, const seatkey_trust_store* trust,
                                            const seatkey_options* options, bool force,
                                            seatkey_refusal* refusal, seatkey_entitlement** out, char* err,
                                            size_t err_size) {
  if (refusal != nullptr) *refusal = SEATKEY_REFUSAL_NONE;
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  *out = nullptr;
  if (file == nullptr) return null_argument(__func__, "file", err, err_size);
  if (licenses_dir == nullptr) return null_argument(__func__, "licenses_dir", err, err_size);
  if (appliance_id == nullptr) return null_argument(__func__, "appliance_id", err, err_size);
  return guarded(
      [&] {
        sv::TrustStore built_in;
        auto store = store_of(trust, &built_in);
        if (!store) return fail(store.error(), err, err_size);
        const sv::EvaluationContext context = options != nullptr ? options->context : sv::EvaluationContext{};
        auto result = sv::install_license_file(file, licenses_dir, appliance_id, **store, context, force);
        if (!result) return fail(result.error(), err, err_size);
        if (refusal != nullptr && !result->refusals.empty())
          *refusal = to_c(kRefusals, result->refusals.front());
        if (!result->message.empty()) write_message(result->message, err, err_size);
        if (!result->installed) return SEATKEY_REFUSED;
        *out = make_handle(std::move(result->entitlement));
        return SEATKEY_OK;
      },
      err, err_size);
}

// ---- Helpers

seatkey_status seatkey_canonical_appliance_id(const char* typed, char* out, size_t out_size, char* err,
                                              size_t err_size) {
  if (out != nullptr && out_size > 0) out[0] = '\0';
  if (typed == nullptr) return null_argument(__func__, "typed", err, err_size);
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  return guarded(
      [&] {
        auto id = sv::canonical_appliance_id(typed);
        if (!id) return fail(id.error(), err, err_size);
        if (id->size() >= out_size) {
          return fail(SEATKEY_INVALID_ARGUMENT,
                      "seatkey_canonical_appliance_id: out_size " + std::to_string(out_size) +
                          " is too small for " + std::to_string(id->size() + 1) + " bytes",
                      err, err_size);
        }
        std::memcpy(out, id->c_str(), id->size() + 1);
        return SEATKEY_OK;
      },
      err, err_size);
}

seatkey_status seatkey_parse_time(const char* rfc3339, int64_t* out, char* err, size_t err_size) {
  if (rfc3339 == nullptr) return null_argument(__func__, "rfc3339", err, err_size);
  if (out == nullptr) return null_argument(__func__, "out", err, err_size);
  return guarded(
      [&] {
        auto t = sv::parse_time(rfc3339);
        if (!t) return fail(t.error(), err, err_size);
        *out = *t;
        return SEATKEY_OK;
      },
      err, err_size);
}

bool seatkey_format_time(int64_t t, char* out, size_t out_size) {
  if (out == nullptr || out_size == 0) return false;
  out[0] = '\0';
  const std::string s = sv::format_time(t);  // noexcept; empty only when out of memory
  if (s.empty() || s.size() >= out_size) return false;
  std::memcpy(out, s.c_str(), s.size() + 1);
  return true;
}

int64_t seatkey_current_time(void) {
  return sv::current_time();
}

}  // extern "C"
