// evaluate(): spec section 3, rules 1 to 5, in order.
#include <new>
#include <optional>
#include <unordered_map>

#include "internal.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/base64url.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "token.hpp"

namespace seatkey::verifier {
namespace {

static_assert(static_cast<int>(seatkey::Edition::free) == static_cast<int>(Edition::free) &&
                  static_cast<int>(seatkey::Edition::compact) == static_cast<int>(Edition::compact) &&
                  static_cast<int>(seatkey::Edition::appliance) == static_cast<int>(Edition::appliance) &&
                  static_cast<int>(seatkey::Edition::vm) == static_cast<int>(Edition::vm),
              "the public Edition mirrors seatkey::Edition");

// What rule 1 found for one token; later rules may still reject an accepted one. Kept small
// (a set may hold 10,000 of them): the full claims are kept for server licenses only.
struct Verdict {
  std::optional<Reason> reason;  // nullopt: accepted so far
  bool parsed = false;           // the claims parsed: kind, users and serial are set
  seatkey::LicenseKind kind = seatkey::LicenseKind::users;
  int users = 0;
  std::string serial;
  std::string message;
};

// A server license that passed rule 1, with the claims rule 2 and the entitlement read.
struct ServerClaims {
  std::size_t index;  // into the set
  seatkey::License license;
};

void append_le64(std::string* out, std::uint64_t n) {
  for (int i = 0; i < 8; ++i) {
    out->push_back(static_cast<char>(i == 7 ? (n & 0x7f) : (n & 0xff)));
    n >>= 8;
  }
}

// PAE(h, payload, footer, "") into a reused buffer (PASETO Common.md; v4.public's m2).
void pae_into(std::string* out, std::string_view payload, std::string_view footer) {
  out->clear();
  append_le64(out, 4);
  for (std::string_view piece : {kV4PublicHeader, payload, footer, std::string_view()}) {
    append_le64(out, piece.size());
    out->append(piece);
  }
}

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

std::string users_text(int n) {
  return std::to_string(n) + (n == 1 ? " user" : " users");
}

// Buffers reused from token to token, and the meaning of the last footer seen: a set's
// tokens nearly all carry the same footer, so its decoding, JSON scan and key lookup are
// done once. (Only the choice of key depends on the footer; the signature covers it.)
struct Scratch {
  std::string body;    // decoded payload || signature
  std::string footer;  // decoded footer of last_footer_text
  std::string pae;
  bool have_last = false;
  std::string_view last_footer_text;  // into the set's token, alive during evaluate()
  const seatkey::PublicKey* last_key = nullptr;
  std::optional<Reason> last_reason;  // malformed or unknown_key, with last_message
  std::string last_message;
};

// The footer's key, or the reason it names none.
void select_key(std::string_view footer_text, const detail::TrustStoreAccess::Impl* keys, Scratch* s) {
  s->have_last = true;
  s->last_footer_text = footer_text;
  s->last_key = nullptr;
  s->last_reason = Reason::malformed;
  s->footer.clear();
  if (!footer_text.empty() && !seatkey::base64url_decode_append(footer_text, &s->footer)) {
    s->last_message = "not a valid license: token footer is not valid base64url";
    return;
  }
  auto kid = footer_kid(s->footer);
  if (!kid) {
    s->last_message = "not a valid license: " + kid.error().message;
    return;
  }
  s->last_key = keys ? keys->find(*kid) : nullptr;
  if (s->last_key == nullptr) {
    // The kid is untrusted text: shown only when it has the shape of a k4.pid.
    s->last_reason = Reason::unknown_key;
    s->last_message = "signed by a key this system does not trust" +
                      (is_well_formed_pid(*kid) ? " (" + *kid + ")" : std::string());
    return;
  }
  s->last_reason.reset();
}

// Rule 1 for one token, up to (not including) the duplicate check: sets v->reason and
// v->message when it fails, and returns the claims when they parsed (also for a token that a
// later check of rule 1 rejected: its report names the serial).
std::optional<seatkey::License> check_alone(std::string_view token,
                                            const detail::TrustStoreAccess::Impl* keys,
                                            const std::string& appliance, UnixTime now, Scratch* scratch,
                                            Verdict* v) {
  auto reject = [v](Reason r, std::string message) {
    v->reason = r;
    v->message = std::move(message);
  };
  if (token.size() > kMaxTokenBytes) {
    reject(Reason::malformed, "not a valid license: " + std::to_string(token.size()) +
                                  " bytes, over the 4096-byte limit for one license (not read)");
    return std::nullopt;
  }
  detail::TokenView parts;
  const char* why = nullptr;
  if (!detail::split_v4_public(token, &scratch->body, &parts, &why)) {
    reject(Reason::malformed, std::string("not a valid license: ") + why);
    return std::nullopt;
  }
  if (!scratch->have_last || parts.footer_text != scratch->last_footer_text) {
    select_key(parts.footer_text, keys, scratch);
  }
  if (scratch->last_reason) {
    reject(*scratch->last_reason, scratch->last_message);
    return std::nullopt;
  }
  pae_into(&scratch->pae, parts.payload, scratch->footer);
  if (!ed25519_verify(*scratch->last_key, scratch->pae, parts.signature)) {
    reject(Reason::bad_signature, "the signature does not match: the license was altered or damaged");
    return std::nullopt;
  }
  auto license = parse_claims(parts.payload);
  if (!license) {
    reject(Reason::invalid_claims, "the license content is invalid: " + license.error().message);
    return std::nullopt;
  }
  const seatkey::License& l = *license;
  if (l.appliance != appliance) {
    reject(Reason::wrong_appliance,
           "issued for appliance " + l.appliance + ", not for this one (" + appliance + ")");
  } else if (l.not_before && now < *l.not_before) {
    reject(Reason::not_yet_valid, "not valid before " + format_rfc3339(*l.not_before));
  } else if (l.expires && now >= *l.expires) {
    reject(Reason::expired, "expired at " + format_rfc3339(*l.expires));
  }
  return std::move(*license);
}

bool is_commercial_server(const seatkey::License& l) {
  return l.edition && seatkey::is_commercial(*l.edition);
}

// Rule 2: does server license a beat server license b?
bool beats(const seatkey::License& a, const seatkey::License& b) {
  if (is_commercial_server(a) != is_commercial_server(b)) return is_commercial_server(a);
  if (a.issued_at != b.issued_at) return a.issued_at > b.issued_at;
  return detail::compare_serials(a.serial, b.serial) > 0;
}

// Why `winner` beat `loser`, in words.
const char* why_beaten(const seatkey::License& winner, const seatkey::License& loser) {
  if (is_commercial_server(winner) != is_commercial_server(loser))
    return "a commercial edition replaces Free";
  if (winner.issued_at != loser.issued_at) return "it was issued later";
  return "it has the larger serial";
}

Error out_of_memory() {
  return Error{ErrorCode::out_of_memory, "out of memory"};
}

}  // namespace

Expected<Entitlement> evaluate(const LicenseSet& set, std::string_view appliance_id, const TrustStore& trust,
                               UnixTime now) noexcept {
  try {
    auto appliance = seatkey::canonical_appliance_id(appliance_id);
    if (!appliance) return detail::from_common(appliance.error());
    const auto& tokens = set.tokens;
    if (tokens.size() > kMaxLicenseSetTokens) {
      return Error{ErrorCode::too_large, "the license set holds " + std::to_string(tokens.size()) +
                                             " licenses, over the limit of 10,000; refusing all of it"};
    }
    std::size_t bytes = 0;
    for (const auto& t : tokens) bytes += t.token.size();
    if (bytes > kMaxLicenseSetBytes) {
      return Error{ErrorCode::too_large, "the license set is over the 4 MiB limit; refusing all of it"};
    }

    // Rule 1: each token alone, then duplicates of serials accepted earlier in the set.
    const detail::TrustStoreAccess::Impl* keys = detail::TrustStoreAccess::impl(trust);
    std::vector<Verdict> verdicts(tokens.size());  // never reallocated: first_accepted points in
    std::vector<ServerClaims> servers;
    {
      std::unordered_map<std::string_view, std::size_t> first_accepted;  // serial -> token index
      first_accepted.reserve(tokens.size());
      Scratch scratch;
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        Verdict& v = verdicts[i];
        auto license = check_alone(tokens[i].token, keys, *appliance, now, &scratch, &v);
        if (!license) continue;
        v.parsed = true;
        v.kind = license->kind;
        v.users = license->users;
        v.serial = license->serial;
        if (v.reason) continue;
        auto [it, inserted] = first_accepted.emplace(v.serial, i);
        if (!inserted) {
          v.reason = Reason::duplicate;
          v.message = "a copy of license " + v.serial + ", already counted from " + tokens[it->second].source;
        } else if (v.kind == seatkey::LicenseKind::server) {
          servers.push_back(ServerClaims{i, std::move(*license)});
        }
      }
    }

    // Rule 2: the active server license.
    const ServerClaims* active = nullptr;
    for (const ServerClaims& s : servers) {
      if (active == nullptr || beats(s.license, active->license)) active = &s;
    }
    const seatkey::License* server = active ? &active->license : nullptr;
    for (const ServerClaims& s : servers) {
      if (&s == active) continue;
      Verdict& v = verdicts[s.index];
      v.reason = Reason::superseded;
      v.message = "replaced by the " + std::string(edition_name(*server->edition)) + " server license " +
                  server->serial + " from " + tokens[active->index].source + " (" +
                  why_beaten(*server, s.license) + ")";
    }

    // Rules 3 to 5: the packs.
    Entitlement e;
    e.appliance = std::move(*appliance);
    e.evaluated_at = now;
    long long pack_sum = 0;
    for (Verdict& v : verdicts) {
      if (v.reason || v.kind != seatkey::LicenseKind::users) continue;
      if (server == nullptr) {
        v.reason = Reason::no_server_license;
        v.message = "a user pack counts only together with a valid server license, and there is none";
      } else if (!seatkey::is_commercial(*server->edition)) {
        v.reason = Reason::free_edition;
        v.message = "the Free edition cannot take user packs; they count with a commercial server license";
      } else {
        pack_sum += v.users;
      }
    }
    if (server != nullptr) {
      const EditionRules& rules = rules_of(*server->edition);
      e.licensed = true;
      e.edition = static_cast<Edition>(*server->edition);
      e.server_license = server->serial;
      e.included_users = rules.included_users;
      e.pack_users = static_cast<int>(pack_sum);
      const long long total = rules.included_users + pack_sum;
      const long long capped = rules.max_users ? std::min<long long>(total, *rules.max_users) : total;
      e.licensed_users = static_cast<int>(capped);
      e.max_users = rules.max_users;
      e.excess_users = static_cast<int>(total - capped);
      e.updates_until = server->updates_until;
    } else {
      e.max_users = 0;
    }

    // The reports, in set order.
    std::size_t accepted = 0;
    for (const Verdict& v : verdicts) accepted += v.reason ? 0 : 1;
    e.accepted.reserve(accepted);
    e.rejected.reserve(verdicts.size() - accepted);
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
      Verdict& v = verdicts[i];
      LicenseReport r;
      r.source = tokens[i].source;
      r.reason = v.reason;
      if (v.parsed) {
        r.kind = v.kind == seatkey::LicenseKind::server ? LicenseKind::server : LicenseKind::users;
        r.users = v.users;
        if (!v.reason) {
          // The one accepted server license is the active one.
          v.message = v.kind == seatkey::LicenseKind::server
                          ? "the active server license: " + std::string(rules_of(*server->edition).name) +
                                " edition, " + users_text(v.users) + " included"
                          : "a user pack of " + users_text(v.users);
        }
        r.serial = std::move(v.serial);
      }
      r.message = std::move(v.message);
      (r.reason ? e.rejected : e.accepted).push_back(std::move(r));
    }
    return e;
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  } catch (const std::exception& ex) {
    return Error{ErrorCode::internal_error, std::string("internal error: ") + ex.what()};
  }
}

}  // namespace seatkey::verifier
