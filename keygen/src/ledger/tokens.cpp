// The api_tokens table: seatkey-server's bearer tokens, only a hash of each; revoked, never
// removed (rows name the token that wrote them).
#include "ledger/context.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace detail {
namespace {

// Version 4 brought the tokens: an older ledger (read as it is) has none.
constexpr int kTokensVersion = 4;

ApiToken token_of(const Statement& s) {
  ApiToken t;
  t.name = s.text(0);
  // The lookup table of roles keeps the role one of the names.
  t.role = parse_role(s.text(1)).value_or(Role::auditor);
  t.created_at = s.text(2);
  t.revoked_at = s.optional_text(3);
  return t;
}

void refuse_taken_name(LedgerContext& ledger, const std::string& name) {
  Statement s(*ledger.db, "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = ?1");
  s.bind(1, std::string_view(name));
  if (!s.step()) return;
  raise(Code::token_name_taken,
        "ledger " + ledger.path + " already has " +
            (s.integer(0) != 0 ? std::string("a revoked") : std::string("an")) + " API token named " +
            quoted(name) +
            ": rows name the token that wrote them, so a name is never given to a second token");
}

}  // namespace
}  // namespace detail

using detail::guarded;
using detail::Statement;

Result<SecureBuffer> TokenStore::create(const std::string& name, Role role) {
  return guarded([&] {
    const std::string checked = detail::take(check_token_name(name));
    NewBearer bearer = detail::take(make_bearer());
    ledger_->write("create an API token", [&] {
      detail::refuse_taken_name(*ledger_, checked);
      Statement s(*ledger_->db,
                  "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at) VALUES (?1, ?2, "
                  "?3, ?4, ?5)");
      s.bind(1, std::string_view(checked));
      s.bind(2, role_name(role));
      s.bind(3, std::string_view(bearer.lookup_id));
      s.bind_blob(4, bearer.hash.data(), bearer.hash.size());
      s.bind(5, std::string_view(format_rfc3339(unix_now())));
      s.step();
    });
    return std::move(bearer.text);
  });
}

Result<std::vector<ApiToken>> TokenStore::all() const {
  return guarded([&] {
    std::vector<ApiToken> out;
    if (ledger_->version < detail::kTokensVersion) return out;
    Statement s(*ledger_->db, "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY " +
                                  std::string(ledger_->db->insertion_order()));
    while (s.step()) out.push_back(detail::token_of(s));
    return out;
  });
}

Result<ApiToken> TokenStore::revoke(const std::string& name) {
  return guarded([&] {
    ApiToken token;
    ledger_->write("revoke an API token", [&] {
      {
        Statement s(*ledger_->db,
                    "SELECT name, role, created_at, revoked_at FROM api_tokens WHERE name = ?1");
        s.bind(1, std::string_view(name));
        if (!s.step()) {
          detail::raise(Code::no_such_token,
                        "ledger " + ledger_->path + " has no API token named " + detail::quoted(name));
        }
        token = detail::token_of(s);
      }
      if (token.revoked_at) {
        detail::raise(Code::token_revoked, "the API token " + detail::quoted(name) +
                                               " was revoked already, at " + *token.revoked_at);
      }
      token.revoked_at = format_rfc3339(unix_now());
      Statement s(*ledger_->db, "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1");
      s.bind(1, std::string_view(name));
      s.bind(2, std::string_view(*token.revoked_at));
      s.step();
    });
    return token;
  });
}

Result<std::optional<ApiToken>> TokenStore::authenticate(std::string_view bearer) const {
  return guarded([&]() -> std::optional<ApiToken> {
    const auto id = bearer_lookup_id(bearer);
    if (!id || ledger_->version < detail::kTokensVersion) return std::nullopt;
    Statement s(*ledger_->db,
                "SELECT name, role, created_at, revoked_at, token_hash FROM api_tokens WHERE lookup_id = ?1");
    s.bind(1, std::string_view(*id));
    if (!s.step() || !bearer_matches(bearer, s.bytes(4))) return std::nullopt;
    ApiToken token = detail::token_of(s);
    if (token.revoked_at) return std::nullopt;
    return token;
  });
}

}  // namespace seatkey::keygen
