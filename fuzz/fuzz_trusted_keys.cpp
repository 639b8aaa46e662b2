// The trusted-keys file (TrustStore::parse). Never crashes; a file that parses holds at least
// one key, every key is a k4.public PASERK whose k4.pid the store trusts, listed once in
// k4.pid order, and from_keys() of the listed keys gives the same store.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "seatkey/common/paserk.hpp"
#include "seatkey/verifier.hpp"

namespace v = seatkey::verifier;

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto store = v::TrustStore::parse(text, "keys.txt");
  if (!store) {
    check(store.error().code == v::ErrorCode::invalid_key && !store.error().message.empty());
    check(store.error().message.find("keys.txt") != std::string::npos);
    return 0;
  }
  check(store->size() >= 1);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < store->size(); ++i) {
    auto key = seatkey::PublicKey::from_paserk(store->public_key(i));
    check(key.ok() && key->id() == store->key_id(i) && store->trusts(store->key_id(i)));
    check(i == 0 || store->key_id(i - 1) < store->key_id(i));
    keys.emplace_back(store->public_key(i));
  }
  auto again = v::TrustStore::from_keys(keys);
  check(again.ok() && again->size() == store->size());
  for (std::size_t i = 0; i < store->size(); ++i) check(again->key_id(i) == store->key_id(i));
  check(!store->trusts("k4.pid.") && !store->trusts(""));
  return 0;
}
