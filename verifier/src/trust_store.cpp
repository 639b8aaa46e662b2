// TrustStore: vendor public keys selected by k4.pid.
#include <algorithm>
#include <new>

#include "internal.hpp"

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

// One key; `where` prefixes the message ("keys.txt:3: ").
Expected<seatkey::PublicKey> parse_key(std::string_view text, const std::string& where) {
  if (text.rfind("k4.secret", 0) == 0) {
    return invalid_key(where + "this is a secret key (k4.secret); trusted keys are k4.public keys");
  }
  auto key = seatkey::PublicKey::from_paserk(text);
  if (!key) return invalid_key(where + "expected a k4.public key: " + key.error().message);
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
    std::vector<seatkey::PublicKey> keys;
    std::size_t line_no = 0;
    while (!text.empty()) {
      ++line_no;
      const auto nl = text.find('\n');
      std::string_view line = detail::trim_line(text.substr(0, nl));
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      if (detail::is_skipped_line(line)) continue;
      auto key = parse_key(line, std::string(origin) + ":" + std::to_string(line_no) + ": ");
      if (!key) return key.error();
      keys.push_back(std::move(*key));
    }
    if (keys.empty()) return invalid_key(std::string(origin) + ": holds no k4.public key");
    return make_store(std::move(keys));
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  }
}

Expected<TrustStore> TrustStore::load_file(const std::string& path) noexcept {
  try {
    auto text = detail::read_file_bounded(path, kMaxTrustedKeysFileBytes);
    if (!text) {
      return Error{text.error().code, "cannot read trusted keys file " + text.error().message};
    }
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
