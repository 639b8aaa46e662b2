#include "seatkey/keygen/issuing/takeback.hpp"

#include <algorithm>
#include <set>

#include "raise.hpp"
#include "revocation_claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/signing/claims_writer.hpp"
#include "signing.hpp"

namespace seatkey::keygen {
namespace {

using detail::guarded;
using detail::raise;
using detail::take;

// "was voided on 2026-11-28T10:00:00Z (\"refund\")", "was transferred to 00AB on ...".
std::string taken_back_text(Ledger::Transaction& tx, const LedgerEntry& e) {
  const auto events = take(tx.events().of_license(e.serial));
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

// The license `serial` names, if it may be voided: refused otherwise, nothing voided.
LedgerEntry voidable(const Ledger& ledger, Ledger::Transaction& tx, std::int64_t serial) {
  auto e = take(tx.licenses().find(serial));
  const std::vector<Member> members{{"serial", serial}};
  if (!e) {
    raise(Code::unknown_serial,
          "ledger " + ledger.path() + " has no license " + std::to_string(serial) + ": nothing was voided",
          members);
  }
  if (e->kind == LicenseKind::revocation) {
    raise(Code::not_a_license,
          "serial " + std::to_string(serial) +
              " is a revocation list, not a license (a newer list replaces it): nothing was voided",
          members);
  }
  if (e->voided) {
    raise(Code::already_voided,
          "license " + std::to_string(serial) + " " + taken_back_text(tx, *e) +
              ": a license is taken back once; nothing was voided",
          members);
  }
  return std::move(*e);
}

VoidResult void_in(const Ledger& ledger, Ledger::Transaction& tx, const std::vector<std::int64_t>& serials,
                   const std::string& reason, const EventOptions& options) {
  if (serials.empty()) detail::raise_input("no serial to void");
  std::set<std::int64_t> seen;
  for (std::int64_t s : serials) {
    if (!seen.insert(s).second) detail::raise_input("serial " + std::to_string(s) + " is given twice");
  }
  const std::string why = detail::check_reason(reason);
  const std::string who = detail::check_who(options.who);
  const UnixTime now = options.now.value_or(unix_now());
  VoidResult out;
  out.at = now;
  std::vector<std::string> appliances;
  for (std::int64_t serial : serials) {
    LedgerEntry e = voidable(ledger, tx, serial);
    if (std::find(appliances.begin(), appliances.end(), e.appliance) == appliances.end())
      appliances.push_back(e.appliance);
    out.voided.push_back(std::move(e));
  }
  for (std::int64_t serial : serials) {
    LedgerEvent ev;
    ev.kind = EventKind::voided;
    ev.serial = serial;
    ev.reason = why;
    ev.at = now;
    ev.who = who;
    ev.written_by = options.written_by;
    take(tx.events().insert(ev));
  }
  for (const auto& appliance : appliances) {
    out.after.push_back(
        detail::summarize(ApplianceState(appliance, take(tx.licenses().of_appliance(appliance)), now)));
  }
  return out;
}

}  // namespace

namespace detail {

RevocationList claims_of_list(const Ledger& ledger, const LedgerEntry& e, bool say_why) {
  auto token = decode_v4_public(e.token, TokenLimit::revocation_list);
  auto claims = token ? parse_token_claims(token->payload) : seatkey::Result<Claims>(token.error());
  if (!claims || !std::holds_alternative<RevocationList>(*claims)) {
    const std::string why = claims ? "not a revocation list" : claims.error().message;
    detail::raise_internal("ledger " + ledger.path() + ": the token of revocation list " +
                               std::to_string(e.serial) + " does not read" +
                               (say_why ? " (" + why + ")" : std::string()) + "; the ledger needs verifying",
                           "seatkey-keygen ledger verify --ledger " + ledger.path());
  }
  return std::move(std::get<RevocationList>(*claims));
}

}  // namespace detail

namespace {

using detail::claims_of_list;

// The next list's seq, and how many of `listed` the newest list does not name: refused when it
// names them all.
std::pair<std::int64_t, std::size_t> next_list(const Ledger& ledger, Ledger::Transaction& tx,
                                               const EventStore::TakenBack& taken) {
  const std::vector<std::int64_t>& listed = taken.listed;
  const auto newest = take(tx.licenses().newest_revocation_list());
  if (!newest) return {1, listed.size()};
  const RevocationList before = claims_of_list(ledger, *newest, false);
  std::size_t added = 0;
  for (std::int64_t s : listed) added += names_serial(before.revoked, std::to_string(s)) ? 0 : 1;
  if (added == 0) {
    raise(Code::nothing_new_to_revoke,
          "revocation list " + std::to_string(*newest->revocation_seq) + " (serial " +
              std::to_string(newest->serial) + ", issued " + format_rfc3339(newest->issued_at) +
              ") already names every license taken back (" + std::to_string(listed.size()) +
              (taken.expired == 0 ? "" : ", leaving out " + std::to_string(taken.expired) + " expired") +
              "): nothing new to revoke; it is still the list to ship",
          {{"seq", *newest->revocation_seq}, {"serial", newest->serial}},
          "seatkey-keygen revocations list --ledger " + ledger.path() + " --json");
  }
  return {*newest->revocation_seq + 1, added};
}

// The list's token: its claims built and checked, within the 1 MiB of a revocation list, signed.
std::string sign_list(const Signer& signer, const RevocationList& valid, std::size_t serials) {
  return detail::sign_within(signer, to_payload_json(valid), TokenLimit::revocation_list,
                             "the revocation list", " (" + std::to_string(serials) + " serials)");
}

// Signs and records the next revocation list, issued at `now`: every serial taken back that
// it names (list_names). Refused when it would name nothing, or nothing the newest list does
// not.
IssuedRevocationList record_list(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                 const IssueOptions& options, UnixTime now) {
  const EventStore::TakenBack taken = take(tx.events().taken_back(now));
  if (taken.listed.empty() && taken.expired == 0) {
    raise(Code::nothing_revoked,
          "no license of ledger " + ledger.path() +
              " was ever voided or transferred: a revocation list would revoke nothing");
  }
  if (taken.listed.empty()) {
    raise(Code::nothing_revoked, "every license of ledger " + ledger.path() + " taken back (" +
                                     std::to_string(taken.expired) +
                                     ") has expired: a revocation list would revoke nothing");
  }
  const auto [seq, added] = next_list(ledger, tx, taken);
  RevocationList r;
  r.issuer = options.issuer;
  r.serial = std::to_string(take(tx.licenses().next_serial()));
  r.issued_at = now;
  r.seq = seq;
  for (std::int64_t s : taken.listed) r.revoked.push_back(std::to_string(s));
  auto valid = validate_revocation_list(r);
  if (!valid) detail::raise_input("cannot build the revocation list's claims: " + valid.error().message);
  LedgerEntry e;
  e.serial = std::stoll(r.serial);
  e.kind = LicenseKind::revocation;
  e.issued_at = now;
  e.issuer = options.issuer;
  e.key_id = signer.public_key().id();
  e.revocation_seq = seq;
  e.token = sign_list(signer, *valid, taken.listed.size());
  e.written_by = options.written_by;
  take(tx.licenses().insert(e));
  return {std::move(e), std::move(*valid), added};
}

// The old appliance's active server license, which a transfer needs.
const LedgerEntry& transferable(const ApplianceState& old_state) {
  const LedgerEntry* server = old_state.active_server();
  if (server != nullptr) return *server;
  std::string why = "appliance " + old_state.appliance() + " has no active server license on record";
  if (const LedgerEntry* old = old_state.expired_server()) {
    why += " (server license " + std::to_string(old->serial) + " expired at " +
           format_rfc3339(*old->expires) + ")";
  }
  raise(Code::no_active_server_license, why + ": nothing to transfer",
        {{"appliance", old_state.appliance()}});
}

// The new appliance must have nothing that is not taken back.
void refuse_target_in_use(const std::string& to, const std::vector<LedgerEntry>& target_history) {
  std::vector<LedgerEntry> in_use;
  for (const LedgerEntry& e : target_history) {
    if (!e.voided) in_use.push_back(e);
  }
  if (in_use.empty()) return;
  raise(Code::target_has_licenses,
        "appliance " + to + " already has licenses on record (serial" + (in_use.size() == 1 ? " " : "s ") +
            serial_list(in_use) +
            "): a transfer moves licenses to an appliance that has none; check the appliance ID, or void "
            "them first",
        {{"appliance", to}});
}

struct TransferInput {
  std::string from, to;
  std::optional<std::string> reason;
  std::string who;
  UnixTime now = 0;
};

TransferInput transfer_input(const std::string& from_typed, const std::string& to_typed,
                             const TransferOptions& options) {
  TransferInput in;
  in.from = take(parse_appliance(from_typed));
  in.to = take(parse_appliance(to_typed));
  if (options.reason) in.reason = detail::check_reason(*options.reason);
  in.who = detail::check_who(options.event.who);
  detail::check_issuer(options.issuer);
  if (in.from == in.to) {
    raise(Code::same_appliance,
          "the old and the new appliance are the same, " + in.from + ": nothing to transfer",
          {{"appliance", in.from}});
  }
  return in;
}

// The new appliance counts what the old one did.
ApplianceState check_counts(const TransferInput& in, const ApplianceState& old_state,
                            const std::vector<LedgerEntry>& target_history,
                            const std::vector<LedgerEntry>& issued) {
  ApplianceState new_state(in.to, target_history, in.now);
  new_state.reserve_more(issued.size());
  for (const LedgerEntry& e : issued) new_state.record(e);
  const LedgerEntry* active = new_state.active_server();
  if (active == nullptr || active->serial != issued.front().serial ||
      new_state.users().licensed_users != old_state.users().licensed_users) {
    raise(Code::counts_differently,
          "appliance " + in.to + " would not count the licenses of " + in.from + " the same way (" +
              describe_users(new_state) + " instead of " + describe_users(old_state) +
              "): nothing was transferred",
          {{"appliance", in.to}});
  }
  take(check_license_file_limits(new_state));
  return new_state;
}

// Records the transfer: the new rows, a transfer event for each license taken back, and the
// revocation list that names them, signed in the same transaction: from then on an exported
// license file carries the revocations of its appliance's licenses, and a file the appliance
// kept from before counts none of them.
void record_transfer(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer, const TransferInput& in,
                     const TransferOptions& options, const std::vector<LedgerEntry>& target_history,
                     TransferResult* out) {
  for (const LedgerEntry& e : out->issued) take(tx.licenses().insert(e));
  for (const LedgerEntry& e : out->taken_back) {
    LedgerEvent ev;
    ev.kind = EventKind::transferred;
    ev.serial = e.serial;
    ev.reason = in.reason;
    ev.at = in.now;
    ev.who = in.who;
    ev.written_by = options.written_by;
    ev.transfer_to = in.to;
    take(tx.events().insert(ev));
  }
  IssueOptions list;
  list.issuer = options.issuer;
  list.written_by = options.written_by;
  out->revocation_list = record_list(ledger, tx, signer, list, in.now);
  // Back to an appliance that had licenses (A to B to A): its tokens come with the list, as
  // its exported file does, so that the file it kept counts nothing it gave away.
  for (const LedgerEntry& e : target_history) {
    if (e.voided && names_serial(out->revocation_list.claims.revoked, std::to_string(e.serial))) {
      out->carries_list = true;
      break;
    }
  }
}

TransferResult transfer_in(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                           const std::string& from, const std::string& to, const TransferOptions& options) {
  TransferInput in = transfer_input(from, to, options);
  detail::require_signing_key(ledger, tx, signer);
  in.now = options.event.now.value_or(unix_now());
  const ApplianceState old_state(in.from, take(tx.licenses().of_appliance(in.from)), in.now);
  const LedgerEntry& server = transferable(old_state);
  const std::vector<LedgerEntry> target_history = take(tx.licenses().of_appliance(in.to));
  refuse_target_in_use(in.to, target_history);

  TransferResult out;
  out.at = in.now;
  out.from = in.from;
  out.to = in.to;
  out.before = detail::summarize(old_state);
  std::int64_t serial = take(tx.licenses().next_serial());
  const auto reissue = [&](const LedgerEntry& old) {
    LedgerEntry e = reissued(old, serial++, in.to);
    e.issued_at = in.now;
    e.issuer = options.issuer;
    e.key_id = signer.public_key().id();
    e.written_by = options.written_by;
    if (!options.dry_run) detail::sign_license(signer, &e);
    out.issued.push_back(std::move(e));
  };
  reissue(server);
  for (const LedgerEntry& e : old_state.history()) {
    if (e.kind == LicenseKind::users && !e.voided && !expired_at(e, in.now)) reissue(e);
  }
  // Taken back: what was re-issued, and every other server license that could count on the
  // old appliance once the active one is revoked.
  for (const LedgerEntry& e : old_state.history()) {
    if (!e.voided && !expired_at(e, in.now)) out.taken_back.push_back(e);
  }
  out.after = detail::summarize(check_counts(in, old_state, target_history, out.issued));
  // The re-issues are licenses the token places: a transfer onto an appliance nobody ever
  // reports back from would otherwise double them past the quota.
  detail::check_daily_quota(ledger, options.written_by, out.issued.size(), in.now);
  if (!options.dry_run) record_transfer(ledger, tx, signer, in, options, target_history, &out);
  return out;
}

IssuedRevocationList revocations_in(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                    const IssueOptions& options) {
  detail::check_issuer(options.issuer);
  detail::require_signing_key(ledger, tx, signer);
  return record_list(ledger, tx, signer, options, options.now.value_or(unix_now()));
}

// Runs `body` in a write transaction of its own and commits.
template <class Body>
auto in_transaction(Ledger& ledger, Body body) {
  Ledger::Transaction tx = take(ledger.begin());
  auto out = body(tx);
  take(tx.commit());
  return out;
}

}  // namespace

Result<VoidResult> void_licenses(Ledger& ledger, const std::vector<std::int64_t>& serials,
                                 const std::string& reason, const EventOptions& options) {
  return guarded([&] {
    return in_transaction(
        ledger, [&](Ledger::Transaction& tx) { return void_in(ledger, tx, serials, reason, options); });
  });
}

Result<VoidResult> void_licenses(Ledger& ledger, Ledger::Transaction& tx,
                                 const std::vector<std::int64_t>& serials, const std::string& reason,
                                 const EventOptions& options) {
  return guarded([&] { return void_in(ledger, tx, serials, reason, options); });
}

std::vector<std::string> TransferResult::tokens() const {
  std::vector<std::string> out;
  for (const LedgerEntry& e : issued) out.push_back(e.token);
  if (carries_list) out.push_back(revocation_list.entry.token);
  return out;
}

Result<TransferResult> transfer(Ledger& ledger, const SecretKey& key, const std::string& from,
                                const std::string& to, const TransferOptions& options) {
  return transfer(ledger, KeySigner(key), from, to, options);
}

Result<TransferResult> transfer(Ledger& ledger, const Signer& signer, const std::string& from,
                                const std::string& to, const TransferOptions& options) {
  return guarded([&] {
    return in_transaction(
        ledger, [&](Ledger::Transaction& tx) { return transfer_in(ledger, tx, signer, from, to, options); });
  });
}

Result<TransferResult> transfer(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                const std::string& from, const std::string& to,
                                const TransferOptions& options) {
  return guarded([&] { return transfer_in(ledger, tx, signer, from, to, options); });
}

Result<IssuedRevocationList> issue_revocation_list(Ledger& ledger, const SecretKey& key,
                                                   const IssueOptions& options) {
  return issue_revocation_list(ledger, KeySigner(key), options);
}

Result<IssuedRevocationList> issue_revocation_list(Ledger& ledger, const Signer& signer,
                                                   const IssueOptions& options) {
  return guarded([&] {
    return in_transaction(
        ledger, [&](Ledger::Transaction& tx) { return revocations_in(ledger, tx, signer, options); });
  });
}

Result<IssuedRevocationList> issue_revocation_list(Ledger& ledger, Ledger::Transaction& tx,
                                                   const Signer& signer, const IssueOptions& options) {
  return guarded([&] { return revocations_in(ledger, tx, signer, options); });
}

Result<std::vector<RevocationListRecord>> revocation_lists(const Ledger& ledger) {
  return guarded([&] {
    std::vector<RevocationListRecord> out;
    for (LedgerEntry& e : take(ledger.licenses().revocation_lists())) {
      RevocationList claims = claims_of_list(ledger, e, true);
      out.push_back({std::move(e), std::move(claims)});
    }
    // By the seq their tokens say (`ledger verify` checks it is the row's).
    std::sort(out.begin(), out.end(), [](const RevocationListRecord& a, const RevocationListRecord& b) {
      return a.claims.seq < b.claims.seq;
    });
    return out;
  });
}

}  // namespace seatkey::keygen
