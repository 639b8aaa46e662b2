#include "seatkey/keygen/takeback.hpp"

#include <algorithm>
#include <set>

#include "issuing.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/license_file.hpp"
#include "seatkey/keygen/orders.hpp"
#include "seatkey/keygen/rules.hpp"

namespace seatkey::keygen {
namespace {

std::string check_who(const std::string& who) {
  try {
    return check_text("who", who);
  } catch (const Failure& e) {
    throw_input_error(std::string("the name recorded with the event: ") + e.what());
  }
}

// "was voided on 2026-11-28T10:00:00Z (\"refund\")", "was transferred to 00AB on ...".
std::string taken_back_text(const Ledger& ledger, const LedgerEntry& e) {
  const auto events = ledger.events(e.serial);
  if (events.empty()) return "was taken back";
  const LedgerEvent& ev = events.front();
  std::string out = ev.kind == EventKind::voided ? "was voided" : "was transferred to " + *ev.transfer_to;
  out += " at " + format_rfc3339(ev.at);
  if (ev.reason) out += " (" + *ev.reason + ")";
  return out;
}

std::string serial_list(const std::vector<LedgerEntry>& entries) {
  std::string out;
  for (const LedgerEntry& e : entries) out += (out.empty() ? "" : ", ") + std::to_string(e.serial);
  return out;
}

bool expired_at(const LedgerEntry& e, UnixTime now) {
  return e.expires && *e.expires <= now;
}

}  // namespace

VoidResult void_licenses(Ledger& ledger, const std::vector<std::int64_t>& serials, const std::string& reason,
                         const EventOptions& options) {
  Ledger::Transaction tx = ledger.begin();
  VoidResult out = void_licenses(ledger, tx, serials, reason, options);
  tx.commit();
  return out;
}

VoidResult void_licenses(Ledger& ledger, Ledger::Transaction& tx, const std::vector<std::int64_t>& serials,
                         const std::string& reason, const EventOptions& options) {
  if (serials.empty()) throw_input_error("no serial to void");
  std::set<std::int64_t> seen;
  for (std::int64_t s : serials) {
    if (!seen.insert(s).second) throw_input_error("serial " + std::to_string(s) + " is given twice");
  }
  const std::string why = check_text("--reason", reason);
  const std::string who = check_who(options.who);
  const UnixTime now = options.now.value_or(unix_now());
  VoidResult out;
  out.at = now;
  std::vector<std::string> appliances;
  for (std::int64_t serial : serials) {
    auto e = tx.entry(serial);
    if (!e) {
      throw_refusal("ledger " + ledger.path() + " has no license " + std::to_string(serial) +
                    ": nothing was voided");
    }
    if (e->kind == LicenseKind::revocation) {
      throw_refusal("serial " + std::to_string(serial) +
                    " is a revocation list, not a license (a newer list replaces it): nothing was voided");
    }
    if (e->voided) {
      throw_refusal("license " + std::to_string(serial) + " " + taken_back_text(ledger, *e) +
                    ": a license is taken back once; nothing was voided");
    }
    bool known = false;
    for (const auto& a : appliances) known = known || a == e->appliance;
    if (!known) appliances.push_back(e->appliance);
    out.voided.push_back(std::move(*e));
  }
  for (std::int64_t serial : serials) {
    LedgerEvent ev;
    ev.kind = EventKind::voided;
    ev.serial = serial;
    ev.reason = why;
    ev.at = now;
    ev.who = who;
    tx.insert_event(ev);
  }
  for (const auto& appliance : appliances) {
    out.after.push_back(detail::summarize(ApplianceState(appliance, tx.entries_for(appliance), now)));
  }
  return out;
}

std::vector<std::string> TransferResult::tokens() const {
  std::vector<std::string> out;
  for (const LedgerEntry& e : issued) out.push_back(e.token);
  return out;
}

TransferResult transfer(Ledger& ledger, const SecretKey& key, const std::string& from, const std::string& to,
                        const TransferOptions& options) {
  return transfer(ledger, KeySigner(key), from, to, options);
}

TransferResult transfer(Ledger& ledger, const Signer& signer, const std::string& from, const std::string& to,
                        const TransferOptions& options) {
  Ledger::Transaction tx = ledger.begin();
  TransferResult out = transfer(ledger, tx, signer, from, to, options);
  tx.commit();
  return out;
}

TransferResult transfer(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                        const std::string& from_typed, const std::string& to_typed,
                        const TransferOptions& options) {
  const std::string from = parse_appliance(from_typed);
  const std::string to = parse_appliance(to_typed);
  std::optional<std::string> reason;
  if (options.reason) reason = check_text("--reason", *options.reason);
  const std::string who = check_who(options.event.who);
  detail::check_issuer(options.issuer);
  if (from == to) throw_refusal("--from and --to are the same appliance " + from + ": nothing to transfer");
  detail::require_signing_key(ledger, tx, signer);
  const UnixTime now = options.event.now.value_or(unix_now());

  const ApplianceState old_state(from, tx.entries_for(from), now);
  const LedgerEntry* server = old_state.active_server();
  if (server == nullptr) {
    std::string why = "appliance " + from + " has no active server license on record";
    if (const LedgerEntry* old = old_state.expired_server()) {
      why += " (server license " + std::to_string(old->serial) + " expired at " +
             format_rfc3339(*old->expires) + ")";
    }
    throw_refusal(why + ": nothing to transfer");
  }
  std::vector<LedgerEntry> target_history = tx.entries_for(to);
  std::vector<LedgerEntry> in_use;
  for (const LedgerEntry& e : target_history) {
    if (!e.voided) in_use.push_back(e);
  }
  if (!in_use.empty()) {
    throw_refusal(
        "appliance " + to + " already has licenses on record (serial" + (in_use.size() == 1 ? " " : "s ") +
        serial_list(in_use) +
        "): a transfer moves licenses to an appliance that has none; check the appliance ID, or void "
        "them first");
  }

  TransferResult out;
  out.at = now;
  out.from = from;
  out.to = to;
  out.before = detail::summarize(old_state);
  std::int64_t serial = tx.next_serial();
  const auto reissue = [&](const LedgerEntry& old) {
    LedgerEntry e;
    e.serial = serial++;
    e.kind = old.kind;
    e.appliance = to;
    e.edition = old.edition;
    e.users = old.users;
    e.customer = old.customer;
    e.order = old.order;
    e.issued_at = now;
    e.updates_until = old.updates_until;
    e.expires = old.expires;
    e.issuer = options.issuer;
    e.key_id = signer.public_key().id();
    e.transferred_from = old.serial;
    e.written_by = options.written_by;
    detail::sign_license(signer, &e);
    out.issued.push_back(std::move(e));
  };
  reissue(*server);
  for (const LedgerEntry& e : old_state.history()) {
    if (e.kind == LicenseKind::users && !e.voided && !expired_at(e, now)) reissue(e);
  }
  // Taken back: what was re-issued, and every other server license that could count on the
  // old appliance once the active one is revoked.
  for (const LedgerEntry& e : old_state.history()) {
    if (!e.voided && !expired_at(e, now)) out.taken_back.push_back(e);
  }

  // The new appliance counts what the old one did.
  ApplianceState new_state(to, target_history, now);
  for (const LedgerEntry& e : out.issued) new_state.record(e);
  const LedgerEntry* active = new_state.active_server();
  if (active == nullptr || active->serial != out.issued.front().serial ||
      new_state.users().licensed_users != old_state.users().licensed_users) {
    throw_refusal("appliance " + to + " would not count the licenses of " + from + " the same way (" +
                  describe_users(new_state) + " instead of " + describe_users(old_state) +
                  "): nothing was transferred");
  }
  check_license_file_limits(new_state);
  out.after = detail::summarize(new_state);

  for (const LedgerEntry& e : out.issued) tx.insert(e);
  for (const LedgerEntry& e : out.taken_back) {
    LedgerEvent ev;
    ev.kind = EventKind::transferred;
    ev.serial = e.serial;
    ev.reason = reason;
    ev.at = now;
    ev.who = who;
    ev.transfer_to = to;
    tx.insert_event(ev);
  }
  return out;
}

IssuedRevocationList issue_revocation_list(Ledger& ledger, const SecretKey& key,
                                           const IssueOptions& options) {
  return issue_revocation_list(ledger, KeySigner(key), options);
}

IssuedRevocationList issue_revocation_list(Ledger& ledger, const Signer& signer,
                                           const IssueOptions& options) {
  Ledger::Transaction tx = ledger.begin();
  IssuedRevocationList out = issue_revocation_list(ledger, tx, signer, options);
  tx.commit();
  return out;
}

IssuedRevocationList issue_revocation_list(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                           const IssueOptions& options) {
  detail::check_issuer(options.issuer);
  detail::require_signing_key(ledger, tx, signer);
  const UnixTime now = options.now.value_or(unix_now());
  const std::vector<std::int64_t> voided = tx.voided_serials();
  if (voided.empty()) {
    throw_refusal("no license of ledger " + ledger.path() +
                  " was ever voided or transferred: a revocation list would revoke nothing");
  }
  IssuedRevocationList out;
  std::size_t before = 0;
  std::int64_t seq = 1;
  if (auto newest = tx.newest_revocation_list()) {
    seq = *newest->revocation_seq + 1;
    auto token = decode_v4_public(newest->token, TokenLimit::revocation_list);
    auto claims = token ? parse_token_claims(token->payload) : Result<Claims>(token.error());
    if (!claims || !std::holds_alternative<RevocationList>(*claims)) {
      throw_ledger_error("ledger " + ledger.path() + ": the token of revocation list " +
                         std::to_string(newest->serial) + " does not read; run seatkey-keygen ledger verify");
    }
    before = std::get<RevocationList>(*claims).revoked.size();
    if (before >= voided.size()) {
      throw_refusal("revocation list " + std::to_string(*newest->revocation_seq) + " (serial " +
                    std::to_string(newest->serial) + ", issued " + format_rfc3339(newest->issued_at) +
                    ") already names every license taken back (" + std::to_string(voided.size()) +
                    "): nothing new to revoke; it is still the list to ship "
                    "(seatkey-keygen revocations list --json has its token)");
    }
  }
  RevocationList r;
  r.issuer = options.issuer;
  r.serial = std::to_string(tx.next_serial());
  r.issued_at = now;
  r.seq = seq;
  r.revoked.reserve(voided.size());
  for (std::int64_t s : voided) r.revoked.push_back(std::to_string(s));
  auto valid = validate_revocation_list(r);
  if (!valid) throw_input_error("cannot build the revocation list's claims: " + valid.error().message);
  const std::string payload = to_payload_json(*valid);
  const std::string footer = detail::footer_for(signer);
  const std::size_t size = v4_public_token_size(payload.size(), footer.size());
  if (size > max_token_bytes(TokenLimit::revocation_list)) {
    throw_refusal("the revocation list would be " + std::to_string(size) + " bytes, over " +
                  token_limit_text(TokenLimit::revocation_list) + " (" + std::to_string(voided.size()) +
                  " serials)");
  }
  auto token = signer.sign(payload, footer);
  if (!token) throw_ledger_error("signing failed: " + token.error().message);
  LedgerEntry e;
  e.serial = std::stoll(r.serial);
  e.kind = LicenseKind::revocation;
  e.users = 0;
  e.issued_at = now;
  e.issuer = options.issuer;
  e.key_id = signer.public_key().id();
  e.revocation_seq = seq;
  e.token = std::move(*token);
  e.written_by = options.written_by;
  tx.insert(e);
  out.entry = std::move(e);
  out.claims = std::move(*valid);
  out.added = voided.size() - before;
  return out;
}

std::vector<RevocationListRecord> revocation_lists(const Ledger& ledger) {
  std::vector<RevocationListRecord> out;
  for (LedgerEntry& e : ledger.entries()) {
    if (e.kind != LicenseKind::revocation) continue;
    auto token = decode_v4_public(e.token, TokenLimit::revocation_list);
    auto claims = token ? parse_token_claims(token->payload) : Result<Claims>(token.error());
    if (!claims || !std::holds_alternative<RevocationList>(*claims)) {
      throw_ledger_error("ledger " + ledger.path() + ": the token of revocation list " +
                         std::to_string(e.serial) + " does not read (" +
                         (claims ? "not a revocation list" : claims.error().message) +
                         "); run seatkey-keygen ledger verify");
    }
    out.push_back({std::move(e), std::move(std::get<RevocationList>(*claims))});
  }
  std::sort(out.begin(), out.end(), [](const RevocationListRecord& a, const RevocationListRecord& b) {
    return a.claims.seq < b.claims.seq;
  });
  return out;
}

}  // namespace seatkey::keygen
