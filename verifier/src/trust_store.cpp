// TrustStore: vendor public keys selected by k4.pid.
#include <algorithm>
#include <new>

#include "internal.hpp"
#include "seatkey/common/file.hpp"

namespace seatkey::verifier {
namespace {

using detail::TrustStoreAccess;

constexpr std::size_t kMaxTrustedKeysFileBytes = 1024 * 1024;

Error invalid_key(std::string message) {
  return Error{ErrorCode::invalid_key, std::move(message)};
}

// Builds the store from parsed keys: sorted by k4.pid, duplicates dropped.
TrustStore make_store(std::vector<seatkey::PublicKey> keys) {
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.id() < b.id(); });
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto impl = std::make_shared<TrustStoreAccess::Impl>();
  impl->paserks.reserve(keys.size());
  for (const auto& k : keys) impl->paserks.push_back(k.to_paserk());
  impl->keys = std::move(keys);
  return TrustStoreAccess::make(std::move(impl));
}

// One key; `where` prefixes the message ("trusted key 2: ").
Expected<seatkey::PublicKey> parse_key(std::string_view text, const std::string& where) {
  auto key = seatkey::parse_public_key_line(text, where);
  if (!key) return detail::from_common(key.error());
  return std::move(*key);
}

Error out_of_memory() {
  return Error{ErrorCode::out_of_memory, "out of memory"};
}

}  // namespace

TrustStore::TrustStore() noexcept = default;
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(const TrustStore&) noexcept = default;
TrustStore& TrustStore::operator=(const TrustStore&) noexcept = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

Expected<TrustStore> TrustStore::from_keys(const std::vector<std::string>& k4_public_keys) noexcept {
  try {
    if (k4_public_keys.empty()) return invalid_key("no trusted key given");
    std::vector<seatkey::PublicKey> keys;
    keys.reserve(k4_public_keys.size());
    for (std::size_t i = 0; i < k4_public_keys.size(); ++i) {
      auto key = parse_key(k4_public_keys[i], "trusted key " + std::to_string(i + 1) + ": ");
      if (!key) return key.error();
      keys.push_back(std::move(*key));
    }
    return make_store(std::move(keys));
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  }
}

Expected<TrustStore> TrustStore::parse(std::string_view text, std::string_view origin) noexcept {
  try {
    auto keys = seatkey::parse_public_key_file(text, origin);
    if (!keys) return detail::from_common(keys.error());
    return make_store(std::move(*keys));
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  }
}

Expected<TrustStore> TrustStore::load_file(const std::string& path) noexcept {
  try {
    auto text = seatkey::read_file_bounded(path, kMaxTrustedKeysFileBytes);
    if (!text) return Error{ErrorCode::io_error, "cannot read trusted keys file " + text.error().message};
    if (text->size() > kMaxTrustedKeysFileBytes) {
      return Error{ErrorCode::too_large, "trusted keys file " + path + " is over 1 MiB"};
    }
    return parse(*text, path);
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  }
}

Expected<TrustStore> TrustStore::built_in() noexcept {
  try {
    std::vector<seatkey::PublicKey> keys;
    for (std::size_t i = 0; i < detail::kBuiltInTrustedKeyCount; ++i) {
      auto key = parse_key(detail::kBuiltInTrustedKeys[i], "built-in key " + std::to_string(i + 1) + ": ");
      if (!key) return key.error();
      keys.push_back(std::move(*key));
    }
    if (keys.empty()) return invalid_key("this build has no built-in trusted key");
    return make_store(std::move(keys));
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  }
}

std::size_t TrustStore::size() const noexcept {
  return impl_ ? impl_->keys.size() : 0;
}

std::string_view TrustStore::key_id(std::size_t i) const noexcept {
  return impl_ && i < impl_->keys.size() ? std::string_view(impl_->keys[i].id()) : std::string_view();
}

std::string_view TrustStore::public_key(std::size_t i) const noexcept {
  return impl_ && i < impl_->paserks.size() ? std::string_view(impl_->paserks[i]) : std::string_view();
}

bool TrustStore::trusts(std::string_view key_id) const noexcept {
  return impl_ && impl_->find(key_id) != nullptr;
}

}  // namespace seatkey::verifier
