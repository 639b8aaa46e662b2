#include "seatkey/keygen/chain.hpp"

#include <sodium.h>

#include "seatkey/common/paseto.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/ledger.hpp"

namespace seatkey::keygen {
namespace {

std::optional<std::string> text(const std::optional<std::string>& s) {
  return s;
}
std::optional<std::string> text(const std::optional<std::int64_t>& n) {
  if (!n) return std::nullopt;
  return std::to_string(*n);
}
std::optional<std::string> time_text(const std::optional<UnixTime>& t) {
  if (!t) return std::nullopt;
  return format_rfc3339(*t);
}

}  // namespace

std::string_view link_type_name(ChainLinkType type) noexcept {
  return type == ChainLinkType::license ? "license" : "event";
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

ChainValues license_values(const LedgerEntry& e, std::int64_t chain_seq) {
  ChainValues values{
      std::to_string(chain_seq),
      std::to_string(e.serial),
      std::string(kind_name(e.kind)),
      e.kind == LicenseKind::revocation ? std::nullopt : std::optional<std::string>(e.appliance),
      e.edition ? std::optional<std::string>(std::string(edition_name(*e.edition))) : std::nullopt,
      std::to_string(e.users),
      text(e.customer),
      text(e.order),
      format_rfc3339(e.issued_at),
      time_text(e.updates_until),
      time_text(e.expires),
      e.issuer,
      e.key_id,
      text(e.replaces),
      text(e.transferred_from),
      text(e.primary_appliance),
      text(e.revocation_seq),
      e.token,
  };
  if (e.written_by) values.push_back(*e.written_by);
  return values;
}

ChainValues event_values(const LedgerEvent& e, std::int64_t chain_seq) {
  return {
      std::to_string(chain_seq), std::string(event_kind_name(e.kind)),
      std::to_string(e.serial),  text(e.reason),
      format_rfc3339(e.at),      e.who,
      text(e.transfer_to),
  };
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
