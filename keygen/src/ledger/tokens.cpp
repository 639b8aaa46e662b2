// The api_tokens table: seatkey-server's bearer tokens, only a hash of each; revoked, never
// removed (rows name the token that wrote them). From schema version 7 on, each creation and
// revocation is also a link of the chain (token_events), written in the same transaction; from
// version 8 on, a token may have an expiry and a quota of licenses a day, which its creation
// link records.
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

// What token_of() reads, for a ledger of `version` (without the limits before version 8).
std::string token_columns(int version) {
  return std::string("SELECT name, role, created_at, revoked_at, lookup_id, ") +
         (version >= kTokenLimitsVersion ? "expires_at, max_per_day" : "NULL, NULL");
}
constexpr int kTokenHashColumn = 7;  // after token_columns(), when selected

ApiToken token_of(const Statement& s) {
  ApiToken t;
  t.name = s.text(0);
  // The lookup table of roles keeps the role one of the names.
  t.role = parse_role(s.text(1)).value_or(Role::auditor);
  t.created_at = s.text(2);
  t.revoked_at = s.optional_text(3);
  t.lookup_id = s.text(4);
  if (!s.is_null(5)) {
    // An expiry that does not read makes the token unusable, never a token without an expiry.
    const std::string stored = s.text(5);
    const auto at = parse_rfc3339(stored);
    if (!at) {
      raise(Code::ledger_corrupt, "API token " + detail::quoted(t.name) + " is corrupt: its expires_at " +
                                      detail::quoted(stored) + " is not an RFC 3339 time");
    }
    t.expires_at = *at;
  }
  if (!s.is_null(6)) t.max_per_day = s.integer(6);
  return t;
}

// The link that records what just happened to `token`'s row, in the write transaction that
// changed it (ledgers from before version 7 are migrated before anything is written). A
// creation's link carries the token's limits; a revocation's changes none.
void add_link(LedgerContext& ledger, TokenEventKind kind, const ApiToken& token, UnixTime at,
              const std::string& who, const std::optional<std::string>& hash_hex = std::nullopt) {
  static const std::vector<std::string_view> kColumns = chain_columns(ChainLinkType::token_event);
  TokenEvent event;
  event.kind = kind;
  event.name = token.name;
  event.role = token.role;
  event.lookup_id = token.lookup_id;
  event.at = at;
  event.who = who;
  if (kind == TokenEventKind::created) {
    event.expires_at = token.expires_at;
    event.max_per_day = token.max_per_day;
    event.token_hash = hash_hex;
  }
  ChainHead& head = ledger.transaction_head();
  ledger.insert_link("token_events", ChainLinkType::token_event, kColumns,
                     token_event_values(event, head.seq + 1), &head);
}

// A quota out of bounds, or an expiry that is not after `now`: such a token could never be used.
void check_limits(const TokenLimits& limits, UnixTime now) {
  if (limits.max_per_day) (void)take(check_max_per_day("the licenses per day", *limits.max_per_day));
  if (limits.expires_at && *limits.expires_at <= now) {
    const std::string at = format_rfc3339(*limits.expires_at);
    raise(Code::token_expires_in_past,
          "the API token's expiry, " + at + ", is not in the future (it is " + format_rfc3339(now) +
              " now): a token that expires at once could never be used",
          {{"expires_at", at}});
  }
}

// Names are compared in any case ("Desk" is taken by "desk"): rows name the token that wrote
// them, and a reader tells two tokens apart by a name that reads differently. The table is the
// vendor's few tokens, read whole.
void refuse_taken_name(LedgerContext& ledger, const std::string& name) {
  const std::string folded = search_folded(name);
  Statement s(*ledger.db, "SELECT name, revoked_at IS NOT NULL FROM api_tokens");
  while (s.step()) {
    const std::string taken = s.text(0);
    if (search_folded(taken) != folded) continue;
    raise(
        Code::token_name_taken,
        "ledger " + ledger.path + " already has " +
            (s.integer(1) != 0 ? std::string("a revoked") : std::string("an")) + " API token named " +
            detail::quoted(taken) +
            ": rows name the token that wrote them, so a name is never given to a second token, in any case");
  }
}

}  // namespace

std::string select_token_events(int version) {
  return select_sql(token_event_spec(), version, ", chain_hash");
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

Result<SecureBuffer> TokenStore::create(const std::string& name, Role role, const std::string& who,
                                        const TokenLimits& limits) {
  return guarded([&] {
    const std::string checked = detail::take(check_token_name(name));
    NewBearer bearer = detail::take(make_bearer());
    const UnixTime now = unix_now();
    detail::check_limits(limits, now);
    ApiToken token;
    token.name = checked;
    token.role = role;
    token.lookup_id = bearer.lookup_id;
    token.created_at = format_rfc3339(now);
    token.expires_at = limits.expires_at;
    token.max_per_day = limits.max_per_day;
    ledger_->write("create an API token", [&] {
      detail::refuse_taken_name(*ledger_, checked);
      Statement s(*ledger_->db,
                  "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at, expires_at, "
                  "max_per_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      s.bind(1, std::string_view(checked));
      s.bind(2, role_name(role));
      s.bind(3, std::string_view(bearer.lookup_id));
      s.bind_blob(4, bearer.hash.data(), bearer.hash.size());
      s.bind(5, std::string_view(token.created_at));
      s.bind(6,
             token.expires_at ? std::optional<std::string>(format_rfc3339(*token.expires_at)) : std::nullopt);
      s.bind(7, token.max_per_day);
      s.step();
      detail::add_link(*ledger_, TokenEventKind::created, token, now, who, to_hex(bearer.hash));
    });
    return std::move(bearer.text);
  });
}

Result<std::vector<ApiToken>> TokenStore::all() const {
  return guarded([&] {
    std::vector<ApiToken> out;
    if (ledger_->version < detail::kTokensVersion) return out;
    Statement s(*ledger_->db, detail::token_columns(ledger_->version) +
                                  ", token_hash FROM api_tokens ORDER BY " +
                                  std::string(ledger_->db->insertion_order()));
    while (s.step()) {
      out.push_back(detail::token_of(s));
      const std::string hash = s.bytes(detail::kTokenHashColumn);
      ChainHash bytes{};
      if (hash.size() == bytes.size()) {
        std::copy(hash.begin(), hash.end(), bytes.begin());
        out.back().hash_hex = to_hex(bytes);
      } else {
        out.back().hash_hex = "(" + std::to_string(hash.size()) + " bytes)";
      }
    }
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
        Statement s(*ledger_->db,
                    detail::token_columns(ledger_->version) + " FROM api_tokens WHERE name = ?1");
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

Result<std::optional<ApiToken>> TokenStore::find(const std::string& name) const {
  return guarded([&]() -> std::optional<ApiToken> {
    if (ledger_->version < detail::kTokensVersion) return std::nullopt;
    Statement s(*ledger_->db, detail::token_columns(ledger_->version) + " FROM api_tokens WHERE name = ?1");
    s.bind(1, std::string_view(name));
    if (!s.step()) return std::nullopt;
    return detail::token_of(s);
  });
}

Result<std::optional<ApiToken>> TokenStore::authenticate(std::string_view bearer,
                                                         std::optional<UnixTime> now) const {
  return guarded([&]() -> std::optional<ApiToken> {
    const auto id = bearer_lookup_id(bearer);
    if (!id || ledger_->version < detail::kTokensVersion) return std::nullopt;
    Statement s(*ledger_->db, detail::token_columns(ledger_->version) +
                                  ", token_hash FROM api_tokens WHERE lookup_id = ?1");
    s.bind(1, std::string_view(*id));
    if (!s.step() || !bearer_matches(bearer, s.bytes(detail::kTokenHashColumn))) return std::nullopt;
    ApiToken token = detail::token_of(s);
    if (token.revoked_at) return std::nullopt;
    // Only the holder of the whole token learns that it expired, and when.
    if (token.expires_at && now.value_or(unix_now()) >= *token.expires_at) {
      const std::string at = format_rfc3339(*token.expires_at);
      detail::raise(Code::token_expired,
                    "the API token " + detail::quoted(token.name) + " expired on " + at.substr(0, 10) +
                        " (at " + at + "): the desk's administrator makes a new one",
                    {{"expired_at", at}});
    }
    return token;
  });
}

}  // namespace seatkey::keygen
