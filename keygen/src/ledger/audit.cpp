#include "seatkey/keygen/ledger/audit.hpp"

#include <map>
#include <set>

#include "ledger/records.hpp"
#include "raise.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

std::string opt_text(const std::optional<std::string>& s) {
  return s ? detail::quoted(*s) : "none";
}
std::string time_text(const std::optional<UnixTime>& t) {
  return t ? format_rfc3339(*t) : "none";
}

// "license 7 (chain position 7)", "revocation list 12 (chain position 12)", "event 9 (void of
// license 4)".
std::string link_name(const ChainLink& link) {
  const std::string position = "chain position " + std::to_string(link.seq);
  if (link.type == ChainLinkType::license) {
    const std::string serial = link.values.size() > 1 && link.values[1] ? *link.values[1] : "?";
    const bool list = link.entry && link.entry->kind == LicenseKind::revocation;
    return std::string(list ? "revocation list " : "license ") + serial + " (" + position + ")";
  }
  if (link.type == ChainLinkType::code) {
    const std::string number = link.values.size() > 1 && link.values[1] ? *link.values[1] : "?";
    return "code " + number + " (" + position + ")";
  }
  if (link.type == ChainLinkType::code_event) {
    if (!link.code_event) return "code event " + std::to_string(link.seq);
    return "code event " + std::to_string(link.seq) + " (" +
           std::string(code_event_kind_name(link.code_event->kind)) + " of code " +
           std::to_string(link.code_event->number) + ")";
  }
  if (link.type == ChainLinkType::token_event) {
    if (!link.token_event) return "token event " + std::to_string(link.seq);
    return "token event " + std::to_string(link.seq) + " (" +
           std::string(token_event_kind_name(link.token_event->kind)) + " of API token " +
           detail::quoted(link.token_event->name) + ")";
  }
  if (link.event) {
    return "event " + std::to_string(link.seq) + " (" + std::string(event_kind_name(link.event->kind)) +
           " of license " + std::to_string(link.event->serial) + ")";
  }
  return "event " + std::to_string(link.seq);
}

class Auditor {
 public:
  Auditor(const Ledger& ledger, const AuditOptions& options) : options_(options) {
    if (ledger.schema_version() >= detail::kTokenChainVersion) {
      tokens_ = detail::take(ledger.tokens().all());
      for (ApiToken& t : detail::take(ledger.tokens().before_chain())) {
        result_.tokens_before_chain.push_back(t.name);
        before_chain_.emplace(t.name, std::move(t));
      }
    }
    for (const SigningKey& k : detail::take(ledger.keys().all())) {
      if (k.public_key) {
        auto key = PublicKey::from_paserk(*k.public_key);
        if (!key || key->id() != k.key_id) {
          key_problems_[k.key_id] =
              "the ledger records for signing key " + k.key_id +
              " a public key that is not that key's (k4.pid is the hash of the public key)";
          continue;
        }
        keys_.emplace(k.key_id, std::move(*key));
        continue;
      }
      bool found = false;
      for (const PublicKey& p : options.public_keys) {
        if (p.id() != k.key_id) continue;
        keys_.emplace(k.key_id, p);
        result_.keys_from_options.push_back(k.key_id);
        found = true;
        break;
      }
      if (!found) {
        key_problems_[k.key_id] =
            "signed by " + k.key_id +
            ", whose public key the ledger has not recorded (a key migrated from a ledger "
            "of schema version 1): record it with seatkey-keygen ledger add-key --key FILE, "
            "or give its public key file with --public FILE";
      }
    }
  }

  // false: stop, result_.problem says why.
  bool visit(const ChainLink& link) {
    const std::string name = link_name(link);
    const std::int64_t expected = result_.head.seq + 1;
    if (link.seq > expected) {
      return fail(name + ": chain position" +
                  (link.seq == expected + 1
                       ? " " + std::to_string(expected) + " is"
                       : "s " + std::to_string(expected) + " to " + std::to_string(link.seq - 1) + " are") +
                  " missing before it: a row or an event was deleted");
    }
    if (link.seq < expected) {
      return fail(name + ": chain position " + std::to_string(link.seq) +
                  " is taken twice (a row or an event was copied or renumbered)");
    }
    if (!link.stored) return fail(name + ": its chain_hash is not 32 bytes");
    const ChainHash computed = next_chain_hash(result_.head.hash, canonical_bytes(link.type, link.values));
    if (computed != *link.stored) {
      return fail(name +
                  " does not match its chain hash: it was changed after it was written (or a link "
                  "before it was)");
    }
    result_.head = {link.seq, computed};
    if (options_.anchor && *options_.anchor == computed) result_.anchor_seq = link.seq;
    if (!link.corrupt.empty()) return fail(name + ": " + link.corrupt);
    std::string why = link.entry        ? check_license(*link.entry)
                      : link.event      ? check_event(*link.event)
                      : link.code       ? check_code(*link.code)
                      : link.code_event ? check_code_event(*link.code_event)
                                        : check_token_event(*link.token_event, link.seq);
    if (!why.empty()) return fail(name + ": " + why);
    return true;
  }

  AuditResult finish() {
    if (result_.ok) check_token_rows();
    if (result_.ok && options_.anchor && !result_.anchor_seq) {
      fail("the anchor " + to_hex(*options_.anchor) + " is no link of this ledger's chain (" +
           std::to_string(result_.head.seq) + " links, head " + to_hex(result_.head.hash) +
           "): links up to the anchor were changed and the chain computed again, the newest links were "
           "removed, or the anchor is another ledger's");
    }
    return std::move(result_);
  }

 private:
  bool fail(std::string problem) {
    result_.ok = false;
    result_.problem = std::move(problem);
    return false;
  }

  std::string check_license(const LedgerEntry& e) {
    const bool list = e.kind == LicenseKind::revocation;
    const TokenLimit limit = list ? TokenLimit::revocation_list : TokenLimit::license;
    auto token = decode_v4_public(e.token, limit);
    if (!token) return "its token is malformed: " + token.error().message;
    auto kid = footer_kid(token->footer);
    if (!kid) return "its token is malformed: " + kid.error().message;
    if (*kid != e.key_id)
      return "its token names the key " + detail::quoted(*kid) + ", the row " + detail::quoted(e.key_id);
    if (auto problem = key_problems_.find(e.key_id); problem != key_problems_.end()) return problem->second;
    const auto key = keys_.find(e.key_id);
    if (key == keys_.end()) return "signed by " + e.key_id + ", which is not a signing key of this ledger";
    if (!signature_valid(key->second, *token)) {
      return "its token's signature does not verify with " + e.key_id + ": the token was altered";
    }
    auto claims = parse_token_claims(token->payload);
    if (!claims) return "its token's claims are invalid: " + claims.error().message;
    if (kind_of(*claims) != e.kind) {
      return "its token is a " + std::string(kind_description(kind_of(*claims))) + ", the row a " +
             std::string(kind_description(e.kind));
    }
    std::string why =
        list ? compare(std::get<RevocationList>(*claims), e) : compare(std::get<License>(*claims), e);
    if (!why.empty()) return why;
    if (list) {
      ++result_.revocation_lists;
    } else {
      ++result_.licenses;
    }
    written_.emplace(e.serial, Written{e.kind, e.expires});
    return "";
  }

  // "its token says customer "A", the row "B"" for the first field that differs.
  static std::string differs(const char* what, const std::string& token, const std::string& row) {
    return "its token says " + std::string(what) + " " + token + ", the row " + row;
  }

  std::string compare(const License& l, const LedgerEntry& e) const {
    if (l.serial != std::to_string(e.serial))
      return differs("jti", detail::quoted(l.serial), std::to_string(e.serial));
    if (l.issuer != e.issuer) return differs("iss", detail::quoted(l.issuer), detail::quoted(e.issuer));
    if (l.issued_at != e.issued_at)
      return differs("iat", format_rfc3339(l.issued_at), format_rfc3339(e.issued_at));
    if (l.appliance != e.appliance)
      return differs("appliance", detail::quoted(l.appliance), detail::quoted(e.appliance));
    if (l.edition != e.edition) {
      return differs("edition", l.edition ? std::string(edition_name(*l.edition)) : "none",
                     e.edition ? std::string(edition_name(*e.edition)) : "none");
    }
    if (l.users != e.users) return differs("users", std::to_string(l.users), std::to_string(e.users));
    if (l.customer != e.customer) return differs("customer", opt_text(l.customer), opt_text(e.customer));
    if (l.order != e.order) return differs("order", opt_text(l.order), opt_text(e.order));
    if (l.updates_until != e.updates_until) {
      return differs("updates_until", time_text(l.updates_until), time_text(e.updates_until));
    }
    if (l.expires != e.expires) return differs("exp", time_text(l.expires), time_text(e.expires));
    if (l.primary != e.primary_appliance) {
      return differs("primary", opt_text(l.primary), opt_text(e.primary_appliance));
    }
    if (l.not_before) return differs("nbf", time_text(l.not_before), "has none");
    if (l.code != e.code) {
      return differs("code", l.code ? std::to_string(*l.code) : "none",
                     e.code ? std::to_string(*e.code) : "none");
    }
    if (e.code && codes_.count(*e.code) == 0)
      return "it names code " + std::to_string(*e.code) + ", made after it";
    return "";
  }

  std::string compare(const RevocationList& r, const LedgerEntry& e) {
    if (r.serial != std::to_string(e.serial))
      return differs("jti", detail::quoted(r.serial), std::to_string(e.serial));
    if (r.issuer != e.issuer) return differs("iss", detail::quoted(r.issuer), detail::quoted(e.issuer));
    if (r.issued_at != e.issued_at)
      return differs("iat", format_rfc3339(r.issued_at), format_rfc3339(e.issued_at));
    if (!e.revocation_seq || r.seq != *e.revocation_seq) {
      return differs("seq", std::to_string(r.seq),
                     e.revocation_seq ? std::to_string(*e.revocation_seq) : "none");
    }
    if (r.seq != last_seq_ + 1) {
      return "its seq is " + std::to_string(r.seq) + ", but the list before it had seq " +
             std::to_string(last_seq_);
    }
    last_seq_ = r.seq;
    // The serials taken back before it that it names (list_names, as seatkey-keygen writes it);
    // a list written before lists left out expired licenses names every one, which is as good.
    PackedStrings expected, every;
    for (std::int64_t serial : voided_) {
      every.push_back(std::to_string(serial));
      if (list_names(written_.at(serial).expires, r.issued_at)) expected.push_back(std::to_string(serial));
    }
    if (r.revoked != expected && r.revoked != every) {
      return "its token revokes " + std::to_string(r.revoked.size()) +
             " serials, but the events before it took back " + std::to_string(expected.size()) +
             " that have not expired by its issue time" +
             (r.revoked.size() == expected.size() ? ", not the same ones" : "");
    }
    return "";
  }

  std::string check_event(const LedgerEvent& ev) {
    const auto license = written_.find(ev.serial);
    if (license == written_.end() || !is_license(license->second.kind)) {
      return "it takes back serial " + std::to_string(ev.serial) + ", which is no license written before it";
    }
    if (!voided_.insert(ev.serial).second)
      return "it takes back license " + std::to_string(ev.serial) + " a second time";
    ++result_.events;
    return "";
  }

  std::string check_code(const CodeRow& c) {
    if (!codes_.emplace(c.number, CodeState::issued).second)
      return "code " + std::to_string(c.number) + " is written twice";
    ++result_.codes;
    return "";
  }

  // A code is redeemed once and voided once, a redeemed one before it is voided.
  std::string check_code_event(const CodeEvent& ev) {
    const auto code = codes_.find(ev.number);
    if (code == codes_.end()) return "it names code " + std::to_string(ev.number) + ", not written before it";
    if (code->second == CodeState::voided)
      return "code " + std::to_string(ev.number) + " was voided before it";
    if (ev.kind == CodeEventKind::redeem && code->second == CodeState::redeemed)
      return "code " + std::to_string(ev.number) + " was redeemed before it";
    code->second = ev.kind == CodeEventKind::redeem ? CodeState::redeemed : CodeState::voided;
    ++result_.code_events;
    return "";
  }

  // A token is created once and revoked once, after it was created (or listed as a token from
  // before the chain covered tokens, not revoked then).
  std::string check_token_event(const TokenEvent& ev, std::int64_t seq) {
    TokenLinks& links = token_links_[ev.name];
    if (ev.kind == TokenEventKind::created) {
      if (links.created || before_chain_.count(ev.name) != 0)
        return "API token " + detail::quoted(ev.name) + " was created before it";
      links.created = ev;
      links.created_seq = seq;
    } else {
      const auto before = before_chain_.find(ev.name);
      const bool listed = before != before_chain_.end() && !before->second.revoked_at;
      if (!links.created && !listed)
        return "it revokes API token " + detail::quoted(ev.name) + ", which no link before it created";
      if (links.revoked) return "API token " + detail::quoted(ev.name) + " was revoked before it";
      links.revoked = ev;
      links.revoked_seq = seq;
    }
    ++result_.token_events;
    return "";
  }

  // Each API token's row against its links: a row written past seatkey-keygen has none.
  void check_token_rows() {
    std::set<std::string> rows;
    for (const ApiToken& t : tokens_) {
      rows.insert(t.name);
      const std::string why = check_token_row(t);
      if (!why.empty()) {
        fail("API token " + detail::quoted(t.name) + " (role " + std::string(role_name(t.role)) +
             ", created " + t.created_at + ") " + why);
        return;
      }
    }
    for (const auto& [name, links] : token_links_) {
      if (rows.count(name) != 0) continue;
      const std::int64_t seq = links.created ? links.created_seq : links.revoked_seq;
      fail("token event " + std::to_string(seq) + " names API token " + detail::quoted(name) +
           ", which the api_tokens table does not have: its row was removed");
      return;
    }
  }

  std::string check_token_row(const ApiToken& t) const {
    const auto found = token_links_.find(t.name);
    const TokenLinks none;
    const TokenLinks& links = found == token_links_.end() ? none : found->second;
    const auto before = before_chain_.find(t.name);
    const bool listed = before != before_chain_.end();
    if (!links.created && !listed) {
      return "has no creation link in the chain: its row was added to the api_tokens table past "
             "seatkey-keygen";
    }
    if (links.created) {
      const TokenEvent& c = *links.created;
      const std::string link = " (chain position " + std::to_string(links.created_seq) + ")";
      if (c.role != t.role)
        return "has role " + std::string(role_name(t.role)) + ", its creation link" + link + " " +
               std::string(role_name(c.role));
      if (c.lookup_id != t.lookup_id) return "has another lookup ID than its creation link" + link;
      if (format_rfc3339(c.at) != t.created_at)
        return "was created at " + format_rfc3339(c.at) + " by its creation link" + link;
    }
    if (std::string why = check_token_limits(t, links); !why.empty()) return why;
    const std::optional<std::string> revoked_before = listed ? before->second.revoked_at : std::nullopt;
    if (links.revoked) {
      const std::string at = format_rfc3339(links.revoked->at);
      if (t.revoked_at != at) {
        return "is " + (t.revoked_at ? "revoked at " + *t.revoked_at : std::string("not revoked")) +
               ", but its revocation link (chain position " + std::to_string(links.revoked_seq) +
               ") revoked it at " + at + ": its revoked_at was changed past seatkey-keygen";
      }
    } else if (t.revoked_at && t.revoked_at != revoked_before) {
      return "is revoked at " + *t.revoked_at +
             " with no revocation link in the chain: its revoked_at was set past seatkey-keygen";
    } else if (!t.revoked_at && revoked_before) {
      return "was revoked when the chain began to cover tokens, and is not now: its revoked_at was cleared";
    }
    return "";
  }

  struct TokenLinks {
    std::optional<TokenEvent> created, revoked;
    std::int64_t created_seq = 0, revoked_seq = 0;
  };

  // A token's expiry and quota are fixed when it is made: as its creation link records them;
  // none for a token from before the chain covered tokens (tokens had no limits then).
  static std::string check_token_limits(const ApiToken& t, const TokenLinks& links) {
    const auto shown_time = [](const std::optional<UnixTime>& at) {
      return at ? format_rfc3339(*at) : std::string("none");
    };
    const auto shown_quota = [](const std::optional<std::int64_t>& n) {
      return n ? std::to_string(*n) + " licenses a day" : std::string("none");
    };
    const std::optional<TokenEvent>& c = links.created;
    const std::string link =
        c ? ", its creation link (chain position " + std::to_string(links.created_seq) + ") "
          : ", which no creation link records (it is from before tokens had limits), ";
    const std::optional<UnixTime> expires = c ? c->expires_at : std::nullopt;
    if (t.expires_at != expires) {
      return "has the expiry " + shown_time(t.expires_at) + link + shown_time(expires) +
             ": its expires_at was changed past seatkey-keygen";
    }
    const std::optional<std::int64_t> quota = c ? c->max_per_day : std::nullopt;
    if (t.max_per_day != quota) {
      return "has the quota " + shown_quota(t.max_per_day) + link + shown_quota(quota) +
             ": its max_per_day was changed past seatkey-keygen";
    }
    // Tokens made before their links carried the hash cannot be checked this way.
    if (c && c->token_hash && *c->token_hash != t.hash_hex) {
      return "has another hash than its creation link (chain position " + std::to_string(links.created_seq) +
             ") records: its token_hash was replaced past seatkey-keygen, which lets a bearer of someone's "
             "choosing in";
    }
    return "";
  }

  const AuditOptions& options_;
  AuditResult result_{true, {}, {}, 0, 0, 0, 0, 0, std::nullopt, {}, 0, {}};
  std::map<std::int64_t, CodeState> codes_;  // the codes so far
  std::map<std::string, PublicKey> keys_;
  std::map<std::string, std::string> key_problems_;
  struct Written {
    LicenseKind kind;
    std::optional<UnixTime> expires;
  };
  std::map<std::int64_t, Written> written_;  // the rows so far, by serial
  std::set<std::int64_t> voided_;            // the serials events took back so far
  std::int64_t last_seq_ = 0;
  std::vector<ApiToken> tokens_;                  // the api_tokens rows (version 7 on)
  std::map<std::string, ApiToken> before_chain_;  // the tokens from before the chain covered them
  std::map<std::string, TokenLinks> token_links_;
};

}  // namespace

Result<AuditResult> audit_ledger(const Ledger& ledger, const AuditOptions& options) {
  return detail::guarded([&] {
    Auditor v(ledger, options);
    detail::take(ledger.read_chain([&](const ChainLink& link) { return v.visit(link); }));
    return v.finish();
  });
}

}  // namespace seatkey::keygen
