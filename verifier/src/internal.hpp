// Private to libseatkey-verifier: the trust store's insides and shared helpers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/paserk.hpp"
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

// A line of a license or trusted-keys file: trailing '\r' dropped, spaces and tabs trimmed.
std::string_view trim_line(std::string_view line) noexcept;
inline bool is_skipped_line(std::string_view trimmed) noexcept {
  return trimmed.empty() || trimmed.front() == '#';
}

// Reads the regular file at `path` (symbolic links followed; FIFOs and devices are refused
// without blocking), at most max_bytes + 1 bytes so the caller can tell "over the limit".
// ErrorCode::io_error with a message naming `path` and the cause.
Expected<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes);

// The library's error for one of seatkey::common's.
Error from_common(const seatkey::Error& error);

// A total order of license serials (negative, zero, positive like strcmp): all-digit serials
// compare by numeric value (leading zeros ignored; on equal value, the raw text decides) and
// rank above any serial with another character; those compare byte-wise.
int compare_serials(std::string_view a, std::string_view b) noexcept;

}  // namespace detail
}  // namespace seatkey::verifier
