// The api_tokens table: seatkey-server's bearer tokens, only a hash of each; revoked, never
// removed (rows name the token that wrote them). From schema version 7 on, each creation and
// revocation is also a link of the chain (token_events), written in the same transaction.
#include "ledger/context.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace detail {
namespace {

// Version 4 brought the tokens: an older ledger (read as it is) has none.
constexpr int kTokensVersion = 4;

constexpr const char* kTokenColumns = "SELECT name, role, created_at, revoked_at, lookup_id";

ApiToken token_of(const Statement& s) {
  ApiToken t;
  t.name = s.text(0);
  // The lookup table of roles keeps the role one of the names.
  t.role = parse_role(s.text(1)).value_or(Role::auditor);
  t.created_at = s.text(2);
  t.revoked_at = s.optional_text(3);
  t.lookup_id = s.text(4);
  return t;
}

// The link that records what just happened to `token`'s row, in the write transaction that
// changed it (ledgers from before version 7 are migrated before anything is written).
void add_link(LedgerContext& ledger, TokenEventKind kind, const ApiToken& token, UnixTime at,
              const std::string& who) {
  static const std::vector<std::string_view> kColumns = chain_columns(ChainLinkType::token_event);
  TokenEvent event;
  event.kind = kind;
  event.name = token.name;
  event.role = token.role;
  event.lookup_id = token.lookup_id;
  event.at = at;
  event.who = who;
  ChainHead& head = ledger.transaction_head();
  ledger.insert_link("token_events", ChainLinkType::token_event, kColumns,
                     token_event_values(event, head.seq + 1), &head);
}

void refuse_taken_name(LedgerContext& ledger, const std::string& name) {
  Statement s(*ledger.db, "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = ?1");
  s.bind(1, std::string_view(name));
  if (!s.step()) return;
  raise(Code::token_name_taken,
        "ledger " + ledger.path + " already has " +
            (s.integer(0) != 0 ? std::string("a revoked") : std::string("an")) + " API token named " +
            detail::quoted(name) +
            ": rows name the token that wrote them, so a name is never given to a second token");
}

}  // namespace

std::string select_token_events() {
  return select_sql(token_event_spec(), kTokenChainVersion, ", chain_hash");
}

Result<TokenEvent> read_token_event(const Statement& s) {
  TokenEvent e;
  try {
    read_row(token_event_spec(), e, s);
  } catch (const Raised& r) {
    const std::int64_t seq = s.integer(token_event_spec().index_of("chain_seq"));
    return Error(Code::ledger_corrupt,
                 "token event " + std::to_string(seq) + " is corrupt: " + r.error.message);
  }
  return e;
}

}  // namespace detail

using detail::guarded;
using detail::Statement;

Result<SecureBuffer> TokenStore::create(const std::string& name, Role role, const std::string& who) {
  return guarded([&] {
    const std::string checked = detail::take(check_token_name(name));
    NewBearer bearer = detail::take(make_bearer());
    const UnixTime now = unix_now();
    const ApiToken token{checked, role, bearer.lookup_id, format_rfc3339(now), std::nullopt};
    ledger_->write("create an API token", [&] {
      detail::refuse_taken_name(*ledger_, checked);
      Statement s(*ledger_->db,
                  "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at) VALUES (?1, ?2, "
                  "?3, ?4, ?5)");
      s.bind(1, std::string_view(checked));
      s.bind(2, role_name(role));
      s.bind(3, std::string_view(bearer.lookup_id));
      s.bind_blob(4, bearer.hash.data(), bearer.hash.size());
      s.bind(5, std::string_view(token.created_at));
      s.step();
      detail::add_link(*ledger_, TokenEventKind::created, token, now, who);
    });
    return std::move(bearer.text);
  });
}

Result<std::vector<ApiToken>> TokenStore::all() const {
  return guarded([&] {
    std::vector<ApiToken> out;
    if (ledger_->version < detail::kTokensVersion) return out;
    Statement s(*ledger_->db, std::string(detail::kTokenColumns) + " FROM api_tokens ORDER BY " +
                                  std::string(ledger_->db->insertion_order()));
    while (s.step()) out.push_back(detail::token_of(s));
    return out;
  });
}

Result<std::vector<ApiToken>> TokenStore::before_chain() const {
  return guarded([&] {
    std::vector<ApiToken> out;
    if (ledger_->version < detail::kTokenChainVersion) return out;
    Statement s(*ledger_->db, "SELECT name, revoked_at FROM tokens_before_chain ORDER BY name");
    while (s.step()) {
      ApiToken t;
      t.name = s.text(0);
      t.revoked_at = s.optional_text(1);
      out.push_back(std::move(t));
    }
    return out;
  });
}

Result<ApiToken> TokenStore::revoke(const std::string& name, const std::string& who) {
  return guarded([&] {
    ApiToken token;
    ledger_->write("revoke an API token", [&] {
      {
        Statement s(*ledger_->db, std::string(detail::kTokenColumns) + " FROM api_tokens WHERE name = ?1");
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
      const UnixTime now = unix_now();
      token.revoked_at = format_rfc3339(now);
      Statement s(*ledger_->db, "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1");
      s.bind(1, std::string_view(name));
      s.bind(2, std::string_view(*token.revoked_at));
      s.step();
      detail::add_link(*ledger_, TokenEventKind::revoked, token, now, who);
    });
    return token;
  });
}

Result<std::optional<ApiToken>> TokenStore::authenticate(std::string_view bearer) const {
  return guarded([&]() -> std::optional<ApiToken> {
    const auto id = bearer_lookup_id(bearer);
    if (!id || ledger_->version < detail::kTokensVersion) return std::nullopt;
    Statement s(*ledger_->db,
                std::string(detail::kTokenColumns) + ", token_hash FROM api_tokens WHERE lookup_id = ?1");
    s.bind(1, std::string_view(*id));
    if (!s.step() || !bearer_matches(bearer, s.bytes(5))) return std::nullopt;
    ApiToken token = detail::token_of(s);
    if (token.revoked_at) return std::nullopt;
    return token;
  });
}

}  // namespace seatkey::keygen
