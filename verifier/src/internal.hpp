// Private to libseatkey-verifier: the trust store's insides and the bridges between the API's
// types and seatkey::common's.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/paserk.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/verifier.hpp"

namespace seatkey::verifier {

struct TrustStore::Impl {
  std::vector<seatkey::PublicKey> keys;  // sorted by id(), no two alike
  std::vector<std::string> paserks;      // keys[i].to_paserk()

  // The key whose k4.pid is `kid`, or nullptr.
  const seatkey::PublicKey* find(std::string_view kid) const noexcept {
    for (const auto& k : keys) {
      if (k.id() == kid) return &k;
    }
    return nullptr;
  }
};

namespace detail {

struct TrustStoreAccess {
  using Impl = TrustStore::Impl;
  static const TrustStore::Impl* impl(const TrustStore& store) noexcept { return store.impl_.get(); }
  static TrustStore make(std::shared_ptr<const TrustStore::Impl> impl) noexcept {
    TrustStore store;
    store.impl_ = std::move(impl);
    return store;
  }
};

// Generated at configure time from SEATKEY_TRUSTED_KEYS (builtin_keys.cpp in the build dir).
extern const std::string_view kBuiltInTrustedKeys[];
extern const std::size_t kBuiltInTrustedKeyCount;

// Generated from SEATKEY_REVOCATIONS (builtin_revocations.cpp in the build dir): the revocation
// token built into this build, checked against the trusted keys when it was built; empty:
// none.
extern const std::string_view kBuiltInRevocationList;

// The serials revoked for an evaluation: those of the revocation list that applies (the one
// with the highest seq), and those of the lists the program gives (built in, or through the
// API instead) that it leaves out. A list the program gives is a floor: what it names stays
// revoked whatever newer list arrives, even one that outranks it (docs/format.md, "Revocation
// lists"); a list found in the license set is no floor.
struct Revoked {
  seatkey::PackedStrings applicable;           // compare_serials() order
  std::vector<seatkey::PackedStrings> floors;  // each in compare_serials() order

  bool names(std::string_view serial) const noexcept {
    if (names_serial(applicable, serial)) return true;
    return std::any_of(floors.begin(), floors.end(),
                       [&](const seatkey::PackedStrings& f) { return names_serial(f, serial); });
  }
};

// load_licenses() of the directory `dir` as it will read once its entry `name` holds `text`
// (added in name order if there is none): the set the boot check reads after an install. Throws
// std::bad_alloc.
Expected<LicenseSet> load_directory_with(const std::string& dir, const std::string& name,
                                         std::string_view text);

// The library's error for one of seatkey::common's.
Error from_common(const seatkey::Error& error);

// The range of EvaluationContext::grace_days and warn_days: 0 to this many days.
inline constexpr int kMaxContextDays = 3650;

// The API's enums mirror the policy's tables value for value (support.cpp checks it at
// compile time).
inline Reason to_api(seatkey::Reason r) noexcept {
  return static_cast<Reason>(r);
}
inline Edition to_api(seatkey::Edition e) noexcept {
  return static_cast<Edition>(e);
}
inline seatkey::Edition to_policy(Edition e) noexcept {
  return static_cast<seatkey::Edition>(e);
}
inline LicenseKind to_api(seatkey::LicenseKind k) noexcept {
  return static_cast<LicenseKind>(k);
}

// Writes all of `text` to `fd` (state.cpp): false with errno set when a write fails.
bool write_all(int fd, std::string_view text);

}  // namespace detail
}  // namespace seatkey::verifier
