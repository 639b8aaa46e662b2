// API tokens: the bearer tokens seatkey-server's clients authenticate with. `seatkey-keygen
// token create` makes one for a name and a role and prints it once; the ledger keeps only its
// lookup ID and a hash, so a copy of the ledger grants nothing. Every row a token writes names it
// (LedgerEntry::written_by), which is why a name is never given to a second token.
//
// A bearer token reads "seatkey-api.<id>.<secret>": the ID (12 random bytes, base64url) finds the
// row, the secret (32 random bytes, base64url) makes it unguessable. The ledger stores
// BLAKE2b-256 of the whole token and compares it in constant time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "seatkey/common/time.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey::keygen {

// What a token may do. Each role may do everything the roles before it may: auditor reads the
// ledger; shop also issues and exports license files; clerk also voids, transfers and issues
// revocation lists; admin also manages API tokens.
enum class Role { auditor, shop, clerk, admin };

inline constexpr std::array<std::string_view, 4> kRoleNames{{"auditor", "shop", "clerk", "admin"}};

constexpr std::string_view role_name(Role role) {
  return kRoleNames[static_cast<std::size_t>(role)];
}
std::optional<Role> parse_role(std::string_view name) noexcept;
// "auditor, shop, clerk, admin" (or with another separator).
std::string role_list(std::string_view separator = ", ");
// Whether a token of role `held` may do what needs `needed`.
constexpr bool role_allows(Role held, Role needed) {
  return static_cast<int>(held) >= static_cast<int>(needed);
}

// What a token may do besides its role, fixed when it is made (both optional): the time from
// which it is refused (401, token_expired), and how many licenses it may place a UTC day, every
// route that issues counted together (an order over it is refused whole: token_quota_exceeded).
// They bound what a stolen token, or a process that holds one, can do.
struct TokenLimits {
  std::optional<UnixTime> expires_at;
  std::optional<std::int64_t> max_per_day;
};

struct ApiToken {
  std::string name;
  Role role = Role::auditor;
  std::string lookup_id;                  // the bearer's ID: what finds the row (not secret)
  std::string created_at;                 // RFC 3339
  std::optional<std::string> revoked_at;  // RFC 3339
  // A time rather than text: it is compared with the clock at every request.
  std::optional<UnixTime> expires_at;
  std::optional<std::int64_t> max_per_day;
  // The bearer's BLAKE2b-256 as the row keeps it, in hex (never the bearer): what `ledger
  // verify` compares with the creation link. Filled by TokenStore::all().
  std::string hash_hex;
};

inline constexpr std::string_view kBearerPrefix = "seatkey-api.";
inline constexpr std::size_t kBearerIdBytes = 12;
inline constexpr std::size_t kBearerSecretBytes = 32;
inline constexpr std::size_t kBearerHashBytes = 32;

// A new random bearer token: its text (secure memory; shown once) and what the ledger stores.
struct NewBearer {
  SecureBuffer text;
  std::string lookup_id;  // the <id> part
  std::array<std::uint8_t, kBearerHashBytes> hash{};
};
// Fails (out_of_memory) only if secure memory runs out.
Result<NewBearer> make_bearer();

// The <id> of a bearer token of the right shape (prefix, base64url parts of the right lengths);
// nullopt for anything else. The secret is not looked at.
std::optional<std::string> bearer_lookup_id(std::string_view bearer);
std::array<std::uint8_t, kBearerHashBytes> bearer_hash(std::string_view bearer);
// Constant-time comparison of a presented token's hash with a stored one.
bool bearer_matches(std::string_view bearer, std::string_view stored_hash);

}  // namespace seatkey::keygen
