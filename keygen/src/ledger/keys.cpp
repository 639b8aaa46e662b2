// The signing_keys table: the keys the ledger issues with, in the order they were registered.
#include "ledger/context.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {
namespace detail {

void refuse_development_key(const PublicKey& key, KeyStore::DevelopmentKey development) {
  if (key.id() != kDevelopmentKeyId || development == KeyStore::DevelopmentKey::allow) return;
  raise(
      Code::development_key,
      "the key " + key.id() +
          " is the development key of keys/, whose secret everyone has: anyone could issue licenses as this "
          "ledger's vendor. Use your own key, or allow the development key for a test ledger only",
      {}, "seatkey-keygen key new --out FILE (or --allow-development-key for a test ledger)");
}

void insert_signing_key(LedgerContext& ledger, const PublicKey& key, KeyOrigin origin) {
  Statement s(*ledger.db,
              "INSERT INTO signing_keys (key_id, public_key, added_at, origin) VALUES (?1, ?2, ?3, ?4)");
  s.bind(1, std::string_view(key.id()));
  s.bind(2, std::string_view(key.to_paserk()));
  s.bind(3, std::string_view(format_rfc3339(unix_now())));
  s.bind(4, key_origin_name(origin));
  s.step();
}

namespace {

std::vector<SigningKey> keys_of(const LedgerContext& ledger) {
  // A version 1 ledger (read as it is) has the keys its rows were signed with, as its migration
  // will register them.
  Statement s(*ledger.db,
              ledger.version >= 2
                  ? "SELECT key_id, public_key, added_at, origin FROM signing_keys ORDER BY " +
                        std::string(ledger.db->insertion_order())
                  : "SELECT key_id, NULL, MIN(issued_at), 'migrated' FROM licenses GROUP BY key_id "
                    "ORDER BY MIN(serial)");
  std::vector<SigningKey> out;
  while (s.step()) out.push_back({s.text(0), s.optional_text(1), s.text(2), s.text(3)});
  return out;
}

// Whether `key_id` is registered, and whether its public key is recorded.
std::optional<bool> public_key_known(const LedgerContext& ledger, const std::string& key_id) {
  Statement s(*ledger.db, "SELECT public_key IS NOT NULL FROM signing_keys WHERE key_id = ?1");
  s.bind(1, std::string_view(key_id));
  if (!s.step()) return std::nullopt;
  return s.integer(0) != 0;
}

}  // namespace
}  // namespace detail

using detail::guarded;

Result<std::vector<SigningKey>> KeyStore::all() const {
  return guarded([&] { return detail::keys_of(*ledger_); });
}

Result<bool> KeyStore::knows(const std::string& key_id) const {
  return guarded([&] { return detail::public_key_known(*ledger_, key_id).has_value(); });
}

Result<bool> KeyStore::development() const {
  return guarded([&] {
    for (const SigningKey& k : detail::keys_of(*ledger_)) {
      if (k.development()) return true;
    }
    return false;
  });
}

Result<KeyStore::Added> KeyStore::add(const PublicKey& key, DevelopmentKey development) {
  return guarded([&] {
    detail::refuse_development_key(key, development);
    Added added = Added::already_known;
    ledger_->write("add a signing key", [&] {
      const std::optional<bool> known = detail::public_key_known(*ledger_, key.id());
      if (!known) {
        detail::insert_signing_key(*ledger_, key, KeyOrigin::add_key);
        added = Added::added;
      } else if (!*known) {
        detail::Statement s(*ledger_->db, "UPDATE signing_keys SET public_key = ?2 WHERE key_id = ?1");
        s.bind(1, std::string_view(key.id()));
        s.bind(2, std::string_view(key.to_paserk()));
        s.step();
        added = Added::public_key_recorded;
      }
    });
    return added;
  });
}

}  // namespace seatkey::keygen
