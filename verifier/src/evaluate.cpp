// evaluate(): each token checked alone (format, key, signature, claims, binding), the
// revocation list that applies, then the clock floor and the state file, the licensing rules
// of seatkey::apply_rules() at max(clock, clock floor), the grace rules, and the entitlement
// with one report per token.
#include <algorithm>
#include <limits>
#include <new>
#include <optional>
#include <unordered_set>
#include <variant>

#include "internal.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/text.hpp"
#include "state.hpp"

namespace seatkey::verifier {
namespace {

using RuleReason = seatkey::Reason;  // the rules' reasons; the API's Reason mirrors them

// What the checks of one token alone found. Kept small (a set may hold 10,000 of them).
struct TokenCheck {
  std::optional<RuleReason> reason;  // nullopt: passed the checks of the token alone
  std::string message;               // for a reason found here
  bool parsed = false;               // the claims parsed: serial, kind, users and expires are set
  seatkey::LicenseKind kind = seatkey::LicenseKind::users;
  int users = 0;
  std::optional<UnixTime> expires;
  std::optional<std::int64_t> code;  // the activation code it was issued from
  std::string serial;
  // A standby license: the primary it names; a license bound to a primary: that appliance.
  std::string primary;
  std::optional<std::size_t> terms_index;  // into the licenses apply_rules() decides on
  bool development_key = false;            // the signature verified with the development key
};

// The tokens of an evaluation: the set's, then the revocation lists of the context (the one
// built into this build, by default), reported after the set's.
class Tokens {
 public:
  Tokens(const LicenseSet& set, const std::vector<LicenseToken>& lists) : set_(set), lists_(lists) {}
  std::size_t size() const { return set_.tokens.size() + lists_.size(); }
  const LicenseToken& operator[](std::size_t i) const {
    return i < set_.tokens.size() ? set_.tokens[i] : lists_[i - set_.tokens.size()];
  }
  // Given by the context rather than found in the set: only a revocation list belongs there.
  bool from_context(std::size_t i) const { return i >= set_.tokens.size(); }

 private:
  const LicenseSet& set_;
  const std::vector<LicenseToken>& lists_;
};

// A revocation list whose signature and claims checked out.
struct ListCandidate {
  std::size_t token = 0;  // its index in Tokens
  std::int64_t seq = 0;
  UnixTime issued_at = 0;
  std::string_view serial;  // points into its TokenCheck
  std::size_t serial_count = 0;
};

// The licenses bound to this appliance, for apply_rules(), and where each came from.
struct Candidates {
  std::vector<seatkey::LicenseTerms> terms;  // serials point into the TokenChecks
  std::vector<std::size_t> token_index;      // terms[i] is token token_index[i]
  std::vector<seatkey::License> servers;     // full claims of the server licenses ...
  std::vector<std::size_t> server_of_terms;  // ... server_of_terms[i] for a server terms[i]
  std::optional<UnixTime> latest_iat;        // of every token whose signature and claims checked out
  std::vector<ListCandidate> lists;          // the revocation lists, in token order
  std::optional<std::size_t> applicable;     // into lists: the one with the highest seq
  detail::Revoked revoked;                   // its serials, and the floors'
  std::vector<std::size_t> floor_lists;      // into lists: revoked.floors[i] is floor_lists[i]'s
};

bool is_well_formed_pid(std::string_view kid) {
  constexpr std::string_view kPid = "k4.pid.";
  if (kid.size() != kPid.size() + 44 || kid.substr(0, kPid.size()) != kPid) return false;
  for (char c : kid.substr(kPid.size())) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The key a footer names, remembered for the footer text: a set's tokens nearly all carry the
// same footer, so its JSON scan and key lookup are done once. (Only the choice of key depends
// on the footer; the signature covers it.)
class KeyChoice {
 public:
  explicit KeyChoice(const detail::TrustStoreAccess::Impl* keys) : keys_(keys) {}

  // The key for the decoder's current footer, or nullptr with *reason and *message set.
  const seatkey::PublicKey* key_for(const seatkey::V4PublicDecoder& token, RuleReason* reason,
                                    std::string* message) {
    if (!known_ || token.footer_text() != footer_text_) choose(token);
    if (key_ == nullptr) {
      *reason = reason_;
      *message = message_;
    }
    return key_;
  }

 private:
  void choose(const seatkey::V4PublicDecoder& token) {
    known_ = true;
    footer_text_.assign(token.footer_text());
    key_ = nullptr;
    reason_ = RuleReason::malformed;
    auto kid = seatkey::footer_kid(token.footer());
    if (!kid) {
      message_ = "not a valid license: " + kid.error().message;
      return;
    }
    key_ = keys_ ? keys_->find(*kid) : nullptr;
    if (key_ == nullptr) {
      // The kid is untrusted text: shown only when it has the shape of a k4.pid.
      reason_ = RuleReason::unknown_key;
      message_ = "signed by a key this system does not trust" +
                 (is_well_formed_pid(*kid) ? " (" + *kid + ")" : std::string());
    }
  }

  const detail::TrustStoreAccess::Impl* keys_;
  bool known_ = false;
  std::string footer_text_;
  const seatkey::PublicKey* key_ = nullptr;
  RuleReason reason_ = RuleReason::malformed;
  std::string message_;
};

std::optional<Error> check_set_limits(const LicenseSet& set) {
  if (set.tokens.size() > kMaxLicenseSetTokens) {
    return Error{ErrorCode::too_large, "the license set holds " + std::to_string(set.tokens.size()) +
                                           " licenses, over the limit of 10,000; refusing all of it"};
  }
  std::size_t bytes = 0;
  for (const auto& t : set.tokens) bytes += t.token.size();
  if (bytes > kMaxLicenseSetBytes) {
    return Error{ErrorCode::too_large, std::string("the license set is over the ") + kLicenseSetLimitText +
                                           " limit; refusing all of it"};
  }
  return std::nullopt;
}

// The checks of one token alone, in order: size, format, key, signature, claims, binding to
// this appliance. Returns the claims when they parsed (also for a token bound to another
// appliance: its report names the serial). A token may take a revocation list's size until
// its verified claims say what it is; a license over its own limit is then malformed.
// `list_only`: a token of the context, where only a revocation list belongs.
std::optional<seatkey::Claims> check_token(std::string_view token, const std::string& appliance,
                                           bool list_only, seatkey::V4PublicDecoder* decoder, KeyChoice* keys,
                                           TokenCheck* c) {
  const auto reject = [c](RuleReason r, std::string message) {
    c->reason = r;
    c->message = std::move(message);
  };
  if (token.size() > max_token_bytes(TokenLimit::revocation_list)) {
    reject(RuleReason::malformed, "not a valid license: " + std::to_string(token.size()) + " bytes, over " +
                                      token_limit_text(TokenLimit::revocation_list) + " (not read)");
    return std::nullopt;
  }
  if (const char* why = decoder->decode(token, TokenLimit::revocation_list)) {
    reject(RuleReason::malformed, std::string("not a valid license: ") + why);
    return std::nullopt;
  }
  RuleReason reason = RuleReason::malformed;
  std::string message;
  const seatkey::PublicKey* key = keys->key_for(*decoder, &reason, &message);
  if (key == nullptr) {
    reject(reason, std::move(message));
    return std::nullopt;
  }
  if (!decoder->signature_valid(*key)) {
    reject(RuleReason::bad_signature, "the signature does not match: the license was altered or damaged");
    return std::nullopt;
  }
  c->development_key = key->id() == development_key_id();
  auto claims = seatkey::parse_token_claims(decoder->payload());
  const bool is_list = claims && !seatkey::is_license(seatkey::kind_of(*claims));
  if (!is_list && token.size() > max_token_bytes(TokenLimit::license)) {
    reject(RuleReason::malformed, "not a valid license: " + std::to_string(token.size()) + " bytes, over " +
                                      token_limit_text(TokenLimit::license) +
                                      " (only a revocation list may be larger)");
    return std::nullopt;
  }
  if (!claims) {
    reject(RuleReason::invalid_claims, "the license content is invalid: " + claims.error().message);
    return std::nullopt;
  }
  if (list_only && !is_list) {
    reject(RuleReason::invalid_claims,
           "a " + std::string(seatkey::kind_description(seatkey::kind_of(*claims))) +
               " where only a revocation list belongs (a built-in revocation list)");
    return std::nullopt;
  }
  if (const auto* license = std::get_if<seatkey::License>(&*claims);
      license && license->appliance != appliance) {
    reject(RuleReason::wrong_appliance,
           "issued for appliance " + license->appliance + ", not for this one (" + appliance + ")");
  }
  return std::move(*claims);
}

// Does revocation list a replace revocation list b? The higher seq (lists are cumulative),
// then the later issue time, then the larger serial, then the context's (built-in) list: the
// same list in the set and built in is applied as the built-in one, which no file can remove.
bool list_outranks(const ListCandidate& a, const ListCandidate& b, const Tokens& tokens) {
  if (a.seq != b.seq) return a.seq > b.seq;
  if (a.issued_at != b.issued_at) return a.issued_at > b.issued_at;
  if (const int c = seatkey::compare_serials(a.serial, b.serial); c != 0) return c > 0;
  return tokens.from_context(a.token) && !tokens.from_context(b.token);
}

// Takes the revocation list of token i into the candidates; keeps its serials if it is the
// best one so far, or if it is a list of the context (a floor): the serials of the set's
// other lists are dropped (memory for the best list and the context's, the built-in one).
void add_list(std::size_t i, seatkey::RevocationList list, const TokenCheck& c, const Tokens& tokens,
              Candidates* out) {
  out->lists.push_back(ListCandidate{i, list.seq, list.issued_at, c.serial, list.revoked.size()});
  const std::size_t k = out->lists.size() - 1;
  const auto keep_as_floor = [&](std::size_t list_index, seatkey::PackedStrings serials) {
    if (!tokens.from_context(out->lists[list_index].token)) return;
    out->floor_lists.push_back(list_index);
    out->revoked.floors.push_back(std::move(serials));
  };
  if (!out->applicable || list_outranks(out->lists[k], out->lists[*out->applicable], tokens)) {
    if (out->applicable) keep_as_floor(*out->applicable, std::move(out->revoked.applicable));
    out->applicable = k;
    out->revoked.applicable = std::move(list.revoked);
  } else {
    keep_as_floor(k, std::move(list.revoked));
  }
}

// The number of serials of a floor that the applicable list leaves out.
std::size_t floor_adds(const seatkey::PackedStrings& floor, const seatkey::PackedStrings& applicable) {
  std::size_t adds = 0;
  for (std::size_t i = 0; i < floor.size(); ++i) adds += seatkey::names_serial(applicable, floor[i]) ? 0 : 1;
  return adds;
}

// Drops the floors that name nothing the applicable list leaves out: a newer list names every
// serial of the older ones (lists are cumulative), and the floor is then superseded.
void drop_covered_floors(Candidates* out) {
  std::size_t kept = 0;
  for (std::size_t f = 0; f < out->floor_lists.size(); ++f) {
    if (floor_adds(out->revoked.floors[f], out->revoked.applicable) == 0) continue;
    if (kept != f) {
      out->floor_lists[kept] = out->floor_lists[f];
      out->revoked.floors[kept] = std::move(out->revoked.floors[f]);
    }
    ++kept;
  }
  out->floor_lists.resize(kept);
  out->revoked.floors.resize(kept);
}

// Takes license token i into the candidates when it is bound to this appliance, or it is a
// standby license (its primary joins `primaries`), or it is bound to another appliance that a
// standby license may name (kept as wrong_appliance with that appliance as its primary until
// keep_named_primaries() decides).
void add_license(std::size_t i, seatkey::License license, TokenCheck& c,
                 std::unordered_set<std::string>* primaries, Candidates* out) {
  c.kind = license.kind;
  c.users = license.users;
  c.expires = license.expires;
  c.code = license.code;
  c.serial = license.serial;
  // The vendor signed this issue time, whatever the token's fate: time has passed it.
  out->latest_iat = std::max(out->latest_iat.value_or(license.issued_at), license.issued_at);
  const bool standby = license.kind == seatkey::LicenseKind::standby;
  if (c.reason && (standby || c.reason != RuleReason::wrong_appliance)) return;
  // A standby license's primary; a license bound to another appliance (wrong_appliance until
  // a standby license names it): that appliance.
  if (standby) {
    primaries->insert(*license.primary);
    c.primary = *license.primary;
  } else if (c.reason) {
    c.primary = license.appliance;
  }
  out->token_index.push_back(i);
  out->terms.push_back(seatkey::LicenseTerms{license.kind, license.edition, license.users, license.issued_at,
                                             c.serial, license.not_before, license.expires});
  out->terms.back().primary = c.primary;
  out->server_of_terms.push_back(out->servers.size());
  if (license.kind == seatkey::LicenseKind::server) out->servers.push_back(std::move(license));
}

// Now that the standby licenses are known: a license bound to a primary none of them names
// stays wrong_appliance and leaves the candidates (in place, in set order).
void keep_named_primaries(const std::unordered_set<std::string>& primaries, std::vector<TokenCheck>* checks,
                          Candidates* out) {
  std::size_t kept = 0;
  std::size_t kept_servers = 0;
  for (std::size_t k = 0; k < out->terms.size(); ++k) {
    TokenCheck& c = (*checks)[out->token_index[k]];
    if (c.reason) {
      if (primaries.count(c.primary) == 0) {
        c.primary.clear();
        continue;
      }
      c.reason.reset();
      c.message.clear();
    }
    const bool server = out->terms[k].kind == seatkey::LicenseKind::server;
    if (server && out->server_of_terms[k] != kept_servers) {
      out->servers[kept_servers] = std::move(out->servers[out->server_of_terms[k]]);
    }
    out->terms[kept] = out->terms[k];
    out->token_index[kept] = out->token_index[k];
    out->server_of_terms[kept] = kept_servers;
    c.terms_index = kept;
    ++kept;
    kept_servers += server ? 1 : 0;
  }
  out->terms.resize(kept);
  out->token_index.resize(kept);
  out->server_of_terms.resize(kept);
  out->servers.erase(out->servers.begin() + static_cast<std::ptrdiff_t>(kept_servers), out->servers.end());
}

// Every token alone; the ones bound to this appliance become the candidates of the rules, and
// so do the server licenses and packs bound to a primary that a standby license bound to this
// appliance names (apply_rules() decides which appliance's licenses count); the revocation
// lists become the candidates for the one that applies. A set holds up to 10,000 licenses:
// each keeps its terms, and only a server license its full claims (for rule 2's report and
// the entitlement).
Candidates check_tokens(const Tokens& tokens, const std::string& appliance,
                        const detail::TrustStoreAccess::Impl* keys, std::vector<TokenCheck>* checks) {
  Candidates out;
  out.terms.reserve(tokens.size());
  out.token_index.reserve(tokens.size());
  out.server_of_terms.reserve(tokens.size());
  seatkey::V4PublicDecoder decoder;
  KeyChoice key_choice(keys);
  std::unordered_set<std::string> primaries;  // named by the standby licenses bound here
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    TokenCheck& c = (*checks)[i];
    auto claims = check_token(tokens[i].token, appliance, tokens.from_context(i), &decoder, &key_choice, &c);
    if (!claims) continue;
    c.parsed = true;
    static_assert(std::variant_size_v<seatkey::Claims> == 2, "a new kind of claims is decided here");
    if (auto* list = std::get_if<seatkey::RevocationList>(&*claims)) {
      c.kind = seatkey::LicenseKind::revocation;
      c.serial = list->serial;
      out.latest_iat = std::max(out.latest_iat.value_or(list->issued_at), list->issued_at);
      add_list(i, std::move(*list), c, tokens, &out);
    } else {
      add_license(i, std::move(std::get<seatkey::License>(*claims)), c, &primaries, &out);
    }
  }
  keep_named_primaries(primaries, checks, &out);
  // The licenses the applicable list or a floor names are revoked (decided by apply_rules(), in
  // the policy's order of reasons).
  drop_covered_floors(&out);
  for (seatkey::LicenseTerms& l : out.terms) l.revoked = out.revoked.names(l.serial);
  return out;
}

// "revocation list 1042 (seq 3) from licenses/revocations.lic"
std::string list_text(const ListCandidate& list, const Tokens& tokens) {
  return "revocation list " + std::string(list.serial) + " (seq " + std::to_string(list.seq) + ") from " +
         tokens[list.token].source;
}

// "3 serials"
std::string serials_text(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " serial" : " serials");
}

// The reports of the revocation lists: the applicable one accepted, and so is a floor that
// names serials the applicable one leaves out; the others superseded.
void rule_on_lists(const Candidates& candidates, const Tokens& tokens, std::vector<TokenCheck>* checks) {
  if (!candidates.applicable) return;
  const ListCandidate& best = candidates.lists[*candidates.applicable];
  for (std::size_t k = 0; k < candidates.lists.size(); ++k) {
    const ListCandidate& list = candidates.lists[k];
    TokenCheck& c = (*checks)[list.token];
    if (k == *candidates.applicable) {
      c.message = "the revocation list that applies: seq " + std::to_string(list.seq) + ", " +
                  serials_text(list.serial_count) + " revoked";
      continue;
    }
    const auto floor = std::find(candidates.floor_lists.begin(), candidates.floor_lists.end(), k);
    if (floor != candidates.floor_lists.end()) {
      const auto& serials =
          candidates.revoked.floors[static_cast<std::size_t>(floor - candidates.floor_lists.begin())];
      c.message = "applies as a floor, which no newer list lowers: seq " + std::to_string(list.seq) + ", " +
                  serials_text(list.serial_count) + " revoked, " +
                  std::to_string(floor_adds(serials, candidates.revoked.applicable)) +
                  " of them left out by " + list_text(best, tokens);
      continue;
    }
    c.reason = RuleReason::superseded;
    c.message = (list.serial == best.serial && list.seq == best.seq ? "a copy of " : "replaced by ") +
                list_text(best, tokens) +
                (list.seq < best.seq ? " (a higher seq: lists are cumulative)" : "");
  }
}

const char* why_text(seatkey::Precedence p) {
  switch (p) {
    case seatkey::Precedence::commercial_over_free: return "a commercial edition replaces Free";
    case seatkey::Precedence::issued_later: return "it was issued later";
    case seatkey::Precedence::larger_serial: return "it has the larger serial";
  }
  return "";
}

// Why a license of candidate i is wrong_appliance under the standby rule.
std::string binding_message(const seatkey::Outcome& outcome, const Candidates& candidates, std::size_t i,
                            const std::string& appliance, const std::string& active_source) {
  const seatkey::LicenseTerms& l = candidates.terms[i];
  if (!outcome.active_standby) {
    return "issued for appliance " + std::string(l.primary) + ", not for this one (" + appliance +
           "); it counts here only while a valid standby license names " + std::string(l.primary) +
           " as the primary";
  }
  const seatkey::LicenseTerms& standby = candidates.terms[*outcome.active_standby];
  const std::string runs_as = "this appliance is the standby of " + std::string(standby.primary) +
                              " (standby license " + std::string(standby.serial) + " from " + active_source +
                              ")";
  if (l.primary.empty()) {
    return "issued for this appliance, but " + runs_as + ": only the primary's licenses count on a standby";
  }
  return "issued for appliance " + std::string(l.primary) + ", not for this one (" + appliance + "); " +
         runs_as;
}

// The words for a ruling of apply_rules() on candidate i.
std::string ruling_message(const seatkey::Outcome& outcome, const Candidates& candidates, std::size_t i,
                           const Tokens& tokens, const std::string& appliance) {
  const seatkey::Ruling& r = outcome.rulings[i];
  const seatkey::LicenseTerms& l = candidates.terms[i];
  const auto source_of = [&](std::size_t terms_index) -> const std::string& {
    return tokens[candidates.token_index[terms_index]].source;
  };
  if (!r.reason) {
    if (l.kind == seatkey::LicenseKind::standby) {
      return "the active standby license: this appliance is the standby of " + std::string(l.primary) +
             " and counts its licenses";
    }
    if (l.kind == seatkey::LicenseKind::server) {
      return "the active server license: " + std::string(seatkey::edition_name(*l.edition)) + " edition, " +
             seatkey::users_text(l.users) + " included";
    }
    return "a user pack of " + seatkey::users_text(l.users);
  }
  switch (*r.reason) {
    case RuleReason::wrong_appliance:
      return binding_message(outcome, candidates, i, appliance,
                             outcome.active_standby ? source_of(*outcome.active_standby) : std::string());
    case RuleReason::revoked: {
      // The applicable list, or else the floor that names it.
      std::size_t list = *candidates.applicable;
      if (!seatkey::names_serial(candidates.revoked.applicable, l.serial)) {
        for (std::size_t f = 0; f < candidates.floor_lists.size(); ++f) {
          if (seatkey::names_serial(candidates.revoked.floors[f], l.serial)) {
            list = candidates.floor_lists[f];
            break;
          }
        }
      }
      return "revoked by the vendor: named in " + list_text(candidates.lists[list], tokens);
    }
    case RuleReason::not_yet_valid: return "not valid before " + format_rfc3339(*l.not_before);
    case RuleReason::expired: return "expired at " + format_rfc3339(*l.expires);
    case RuleReason::duplicate:
      return "a copy of license " + std::string(l.serial) + ", already counted from " + source_of(r.related);
    case RuleReason::superseded: {
      const seatkey::LicenseTerms& active = candidates.terms[r.related];
      if (l.kind == seatkey::LicenseKind::standby) {
        return "replaced by the standby license " + std::string(active.serial) + " (standby of " +
               std::string(active.primary) + ") from " + source_of(r.related) + " (" +
               why_text(r.precedence) + ")";
      }
      return "replaced by the " + std::string(seatkey::edition_name(*active.edition)) + " server license " +
             std::string(active.serial) + " from " + source_of(r.related) + " (" + why_text(r.precedence) +
             ")";
    }
    case RuleReason::no_server_license:
      return "a user pack counts only together with a valid server license, and there is none";
    case RuleReason::free_edition:
      return "the Free edition cannot take user packs; they count with a commercial server license";
    default: return "";
  }
}

Entitlement entitlement_of(std::string appliance, UnixTime now, const seatkey::Outcome& outcome,
                           const Candidates& candidates) {
  Entitlement e;
  e.appliance = std::move(appliance);
  e.evaluated_at = now;
  if (outcome.active_standby) e.standby_for = std::string(candidates.terms[*outcome.active_standby].primary);
  if (!outcome.active_server) {
    e.max_users = 0;
    return e;
  }
  const std::size_t active = *outcome.active_server;
  const seatkey::License& server = candidates.servers[candidates.server_of_terms[active]];
  const seatkey::UserCount& users = outcome.users;
  e.licensed = true;
  e.edition = detail::to_api(*server.edition);
  e.server_license = server.serial;
  e.included_users = users.included_users;
  e.pack_users = static_cast<int>(users.pack_users);
  e.licensed_users = static_cast<int>(users.licensed_users);
  e.max_users = users.max_users;
  e.excess_users = static_cast<int>(users.excess_users);
  e.updates_until = server.updates_until;
  return e;
}

// One report per token, in set order, accepted or rejected.
void write_reports(const Tokens& tokens, std::vector<TokenCheck>* checks, const seatkey::Outcome& outcome,
                   const Candidates& candidates, Entitlement* e) {
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < checks->size(); ++i) {
    TokenCheck& c = (*checks)[i];
    if (c.terms_index) {
      c.reason = outcome.rulings[*c.terms_index].reason;
      c.message = ruling_message(outcome, candidates, *c.terms_index, tokens, e->appliance);
    }
    accepted += c.reason ? 0 : 1;
  }
  e->accepted.reserve(accepted);
  e->rejected.reserve(checks->size() - accepted);
  for (std::size_t i = 0; i < checks->size(); ++i) {
    TokenCheck& c = (*checks)[i];
    LicenseReport r;
    r.source = tokens[i].source;
    if (c.reason) r.reason = detail::to_api(*c.reason);
    if (c.parsed) {
      r.kind = detail::to_api(c.kind);
      // A revocation list and a standby license carry no users.
      if (seatkey::is_license(c.kind) && c.kind != seatkey::LicenseKind::standby) r.users = c.users;
      r.expires = c.expires;
      r.code = c.code;
      // Copied, not moved: the candidates' terms and lists view c.serial, and must not be left
      // pointing at a moved-from string while they live.
      r.serial = c.serial;
    }
    r.message = std::move(c.message);
    r.development_key = c.development_key;
    if (!r.reason && r.development_key) e->development_key = true;
    (r.reason ? e->rejected : e->accepted).push_back(std::move(r));
  }
}

// t + days, saturated at the ends of UnixTime.
UnixTime plus_days(UnixTime t, int days) {
  const UnixTime span = static_cast<UnixTime>(days) * 86400;
  return t > std::numeric_limits<UnixTime>::max() - span ? std::numeric_limits<UnixTime>::max() : t + span;
}

// How the outcome's entitlement ends on its own (docs/format.md, "The state file"):
//  - good_until, the first moment at which it gets worse: the active server license's exp, the
//    exp of the standby license that applies, or the exp of an accepted pack that takes
//    licensed users with it (packs expiring in order; a pack the edition's maximum cut off
//    takes none);
//  - with an accepted pack that expires, the expiries: the end as a whole (the server or
//    standby license's exp) and each pack expiry before it, so that in grace a pack drops out
//    alone.
detail::Ends ends_of(const Candidates& candidates, const seatkey::Outcome& outcome) {
  detail::Ends out;
  if (!outcome.active_server) return out;
  const seatkey::LicenseTerms& server = candidates.terms[*outcome.active_server];
  std::optional<UnixTime> whole = server.expires;
  if (outcome.active_standby) {
    if (const auto& exp = candidates.terms[*outcome.active_standby].expires) {
      whole = std::min(whole.value_or(*exp), *exp);
    }
  }
  out.good_until = whole;
  std::vector<detail::PackExpiry> packs;  // the accepted packs with an exp before the whole's
  for (std::size_t i = 0; i < candidates.terms.size(); ++i) {
    const seatkey::LicenseTerms& l = candidates.terms[i];
    if (!outcome.rulings[i].reason && l.kind == seatkey::LicenseKind::users && l.expires &&
        (!whole || *l.expires < *whole)) {
      packs.push_back({*l.expires, l.users});
    }
  }
  if (packs.empty()) return out;
  std::sort(packs.begin(), packs.end(),
            [](const detail::PackExpiry& a, const detail::PackExpiry& b) { return a.at < b.at; });
  detail::Expiries x{whole, {}};
  bool full = false;  // x.packs holds kMaxPackExpiries times: past them nothing is known
  long long pack_users = outcome.users.pack_users;
  for (const detail::PackExpiry& p : packs) {
    pack_users -= p.users;
    if (!out.good_until || p.at < *out.good_until) {
      if (seatkey::count_users(*server.edition, pack_users).licensed_users < outcome.users.licensed_users) {
        out.good_until = p.at;
      }
    }
    if (full) continue;
    if (!x.packs.empty() && x.packs.back().at == p.at) {
      x.packs.back().users += p.users;
    } else if (x.packs.size() < detail::kMaxPackExpiries) {
      x.packs.push_back(p);
    } else {
      x.ends = p.at;  // past here the state file does not say what is left
      full = true;
    }
  }
  out.expiries = std::move(x);
  return out;
}

// The accepted licenses whose exp is at most warn_days after t, soonest first.
std::vector<std::size_t> expiring_of(const std::vector<LicenseReport>& accepted, UnixTime t, int warn_days) {
  const UnixTime limit = plus_days(t, warn_days);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    if (accepted[i].expires && *accepted[i].expires <= limit) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](std::size_t a, std::size_t b) { return *accepted[a].expires < *accepted[b].expires; });
  return out;
}

std::optional<Error> check_context(const EvaluationContext& context) {
  const auto out_of_range = [](const char* name, int value) {
    return Error{ErrorCode::invalid_argument, std::string(name) + " must be 0 to " +
                                                  std::to_string(detail::kMaxContextDays) + ", not " +
                                                  std::to_string(value)};
  };
  if (context.grace_days && (*context.grace_days < 0 || *context.grace_days > detail::kMaxContextDays)) {
    return out_of_range("grace_days", *context.grace_days);
  }
  if (context.warn_days < 0 || context.warn_days > detail::kMaxContextDays)
    return out_of_range("warn_days", context.warn_days);
  return std::nullopt;
}

// Whether a failure to read or take the license set becomes an empty set with a warning:
// with a state file, so that grace can keep the last good entitlement.
bool evaluated_as_empty(const Error& error, const EvaluationContext& context) {
  return !context.state_path.empty() &&
         (error.code == ErrorCode::io_error || error.code == ErrorCode::too_large);
}

// The evaluation; `unreadable` is the error that made `set` an empty stand-in, or nullptr.
Entitlement evaluate_checked(const LicenseSet& set, std::string appliance, const TrustStore& trust,
                             const EvaluationContext& context, const Error* unreadable) {
  std::vector<Warning> warnings;
  if (unreadable != nullptr) {
    warnings.push_back(
        {WarningCode::licenses_unreadable, unreadable->message + ": evaluated as no licenses"});
  }
  std::vector<LicenseToken> built_in;
  if (!context.revocation_lists) {
    if (auto list = built_in_revocation_list()) built_in.push_back({std::string(*list), "built-in"});
  }
  const Tokens tokens(set, context.revocation_lists ? *context.revocation_lists : built_in);
  std::vector<TokenCheck> checks(tokens.size());  // never reallocated: the terms point in
  const Candidates candidates =
      check_tokens(tokens, appliance, detail::TrustStoreAccess::impl(trust), &checks);
  rule_on_lists(candidates, tokens, &checks);

  detail::StateFile state;
  if (!context.state_path.empty()) state.open(context.state_path, &warnings);

  const UnixTime now = context.now ? *context.now : current_time();
  std::optional<UnixTime> floor = candidates.latest_iat;
  for (const std::optional<UnixTime>& t : {build_time(), context.min_time, state.state().high_water}) {
    if (t) floor = std::max(floor.value_or(*t), *t);
  }
  const UnixTime t = std::max(now, floor.value_or(now));

  const seatkey::Outcome outcome = seatkey::apply_rules(candidates.terms, t);
  Entitlement e = entitlement_of(std::move(appliance), t, outcome, candidates);
  e.clock = now;
  e.clock_floor = floor;
  e.clock_behind = floor && now < *floor;
  if (candidates.applicable) e.revocation_seq = candidates.lists[*candidates.applicable].seq;
  write_reports(tokens, &checks, outcome, candidates, &e);

  if (!context.state_path.empty()) {
    const detail::GraceInput in{e,
                                ends_of(candidates, outcome),
                                t,
                                context.grace_days.value_or(default_grace_days()),
                                unreadable != nullptr,
                                candidates.revoked};
    detail::GraceDecision d = detail::decide_grace(state.state(), in);
    if (!state.save(d.after, &warnings) && d.after.grace && !state.state().grace) {
      d = detail::decide_unsaved_grace(state.state(), in);
    }
    if (d.grace) {
      detail::apply_last_good(d.kept, &e);
      e.grace = std::move(d.grace);
    }
  }
  e.expiring = expiring_of(e.accepted, t, context.warn_days);
  e.warnings = std::move(warnings);
  return e;
}

template <class F>
Expected<Entitlement> guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  } catch (const std::exception& ex) {
    return Error{ErrorCode::internal_error, std::string("internal error: ") + ex.what()};
  }
}

Expected<Entitlement> evaluate_set(const LicenseSet* set, const Error* load_error,
                                   std::string_view appliance_id, const TrustStore& trust,
                                   const EvaluationContext& context) {
  if (auto bad = check_context(context)) return std::move(*bad);
  auto appliance = seatkey::canonical_appliance_id(appliance_id);
  if (!appliance) return detail::from_common(appliance.error());
  std::optional<Error> too_large;
  if (set != nullptr) too_large = check_set_limits(*set);
  const Error* unreadable = load_error != nullptr ? load_error : too_large ? &*too_large : nullptr;
  if (unreadable == nullptr) return evaluate_checked(*set, std::move(*appliance), trust, context, nullptr);
  if (!evaluated_as_empty(*unreadable, context)) return *unreadable;
  return evaluate_checked(LicenseSet{}, std::move(*appliance), trust, context, unreadable);
}

}  // namespace

Expected<Entitlement> evaluate(const LicenseSet& set, std::string_view appliance_id, const TrustStore& trust,
                               const EvaluationContext& context) noexcept {
  return guarded([&] { return evaluate_set(&set, nullptr, appliance_id, trust, context); });
}

Expected<Entitlement> evaluate(const Expected<LicenseSet>& set, std::string_view appliance_id,
                               const TrustStore& trust, const EvaluationContext& context) noexcept {
  return guarded([&] {
    return set ? evaluate_set(&*set, nullptr, appliance_id, trust, context)
               : evaluate_set(nullptr, &set.error(), appliance_id, trust, context);
  });
}

Expected<Entitlement> evaluate(const LicenseSet& set, std::string_view appliance_id, const TrustStore& trust,
                               UnixTime now) noexcept {
  EvaluationContext context;
  context.now = now;
  return evaluate(set, appliance_id, trust, context);
}

}  // namespace seatkey::verifier
