#include "seatkey/keygen/ledger/chain.hpp"

#include <sodium.h>

#include "seatkey/common/paseto.hpp"

namespace seatkey::keygen {

std::string_view link_type_name(ChainLinkType type) noexcept {
  switch (type) {
    case ChainLinkType::license: return "license";
    case ChainLinkType::event: return "event";
    case ChainLinkType::code: return "code";
    case ChainLinkType::code_event: return "code_event";
    case ChainLinkType::token_event: return "token_event";
  }
  return "?";
}

std::string canonical_bytes(ChainLinkType type, const ChainValues& values) {
  std::vector<std::string> marked;
  marked.reserve(values.size());
  for (const auto& v : values) marked.push_back(v ? "T" + *v : std::string("N"));
  std::vector<std::string_view> pieces;
  pieces.reserve(values.size() + 1);
  pieces.push_back(link_type_name(type));
  for (const auto& m : marked) pieces.push_back(m);
  std::string out;
  pae_into(&out, pieces);
  return out;
}

ChainHash next_chain_hash(const ChainHash& previous, std::string_view canonical) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  crypto_generichash_update(&state, previous.data(), previous.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(canonical.data()),
                            canonical.size());
  ChainHash out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

std::string to_hex(const ChainHash& hash) {
  char buf[2 * sizeof(ChainHash) + 1];
  sodium_bin2hex(buf, sizeof buf, hash.data(), hash.size());
  return buf;
}

std::optional<ChainHash> chain_hash_from_hex(std::string_view hex) {
  ChainHash out{};
  std::size_t decoded = 0;
  const char* end = nullptr;
  if (hex.size() != 2 * out.size() ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &decoded, &end) != 0 ||
      decoded != out.size() || end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace seatkey::keygen
