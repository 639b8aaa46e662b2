// Activation codes made, redeemed and taken back: each one write transaction, through the
// issuer's rules and the take-back's voids.
#include <algorithm>

#include "io/checks.hpp"
#include "raise.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/signing/activation_codes.hpp"
#include "signing.hpp"

namespace seatkey::keygen {
namespace {

using detail::raise;
using detail::raise_input;
using detail::take;

std::string code_no(std::int64_t number) {
  return "code no. " + std::to_string(number);
}

std::optional<std::string> optional_text(const char* what, const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return detail::text_or_raise(what, *text);
}

std::vector<NewCode> create_in(Ledger::Transaction& tx, const CodeBatch& batch, const EventOptions& options) {
  if (batch.count < 1 || batch.count > kMaxCodesPerBatch)
    raise_input("the number of codes must be from 1 to " + std::to_string(kMaxCodesPerBatch) + ", not " +
                std::to_string(batch.count));
  CodeRow row;
  row.items = take(code_items_text(batch.items));
  row.reseller = optional_text("reseller", batch.reseller);
  row.customer = optional_text("customer", batch.customer);
  row.order = optional_text("order", batch.order);
  row.created_at = options.now.value_or(unix_now());
  row.who = detail::check_who(options.who);
  row.valid_until = batch.valid_until;
  if (row.valid_until && *row.valid_until <= row.created_at)
    raise(Code::expires_in_past, "the codes would be valid until " + format_rfc3339(*row.valid_until) +
                                     ", which is not in the future");
  std::vector<NewCode> out;
  out.reserve(static_cast<std::size_t>(batch.count));
  std::int64_t number = take(tx.codes().next_number());
  for (int i = 0; i < batch.count; ++i) {
    auto code = generate_activation_code();
    if (!code) raise(Code::out_of_memory, "cannot make a code: " + code.error().message);
    row.number = number++;
    row.code_hash = code->hash_hex();
    take(tx.codes().insert(row));
    out.push_back({row, std::move(*code)});
  }
  return out;
}

ApplianceState state_of(Ledger::Transaction& tx, const std::string& appliance, UnixTime now) {
  return ApplianceState(appliance, take(tx.licenses().of_appliance(appliance)), now);
}

// The replacement server license of an updates:MONTHS item: the current one's, with its update
// option extended from its end (or from now, when it has ended).
ServerOrder extension(const ApplianceState& state, const CodeRow& code, int months, UnixTime now) {
  const LedgerEntry* current = state.active_server();
  if (current == nullptr) {
    raise(Code::no_active_server_license,
          "appliance " + state.appliance() +
              " has no active server license on record: an update extension "
              "extends one",
          {{"appliance", state.appliance()}});
  }
  if (!rules_of(*current->edition).updates) {
    raise(Code::edition_not_updated,
          "the " + std::string(edition_name(*current->edition)) + " edition of appliance " +
              state.appliance() + " is never updated: it takes no update option",
          {{"edition", std::string(edition_name(*current->edition))}});
  }
  if (!current->updates_until) {
    raise(Code::updates_unlimited,
          "server license " + std::to_string(current->serial) + " of appliance " + state.appliance() +
              " has no end to its updates: there is nothing to extend",
          {{"appliance", state.appliance()}, {"serial", current->serial}});
  }
  ServerOrder o;
  o.appliance = state.appliance();
  o.edition = *current->edition;
  o.customer = code.customer ? code.customer : current->customer;
  o.order = code.order ? code.order : current->order;
  o.updates_until = add_months(*current->updates_until > now ? *current->updates_until : now, months);
  o.expires = current->expires;
  o.replace = true;
  return o;
}

std::vector<Order> orders_for(const ApplianceState& state, const CodeRow& code, UnixTime now) {
  std::vector<CodeItem> items = take(parse_code_items(code.items));
  std::vector<Order> out;
  for (const CodeItem& i : items) {
    if (i.type == CodeItem::Type::updates) {
      out.push_back(extension(state, code, i.update_months, now));
    } else if (i.type == CodeItem::Type::server) {
      ServerOrder o;
      o.appliance = state.appliance();
      o.edition = i.edition;
      o.customer = code.customer;
      o.order = code.order;
      if (i.update_months > 0) o.updates_until = add_months(now, i.update_months);
      if (i.expires_months > 0) o.expires = add_months(now, i.expires_months);
      out.push_back(o);
    } else {
      PackOrder p;
      p.appliance = state.appliance();
      p.users = i.users;
      p.count = i.count;
      p.customer = code.customer;
      p.order = code.order;
      out.push_back(p);
    }
  }
  return out;
}

// The appliance a code answers for: a transfer re-issues the code's licenses for the new
// appliance under higher serials, so the newest license it issued names it.
std::string appliance_now(const std::vector<LedgerEntry>& issued, const CodeRecord& code) {
  if (!issued.empty()) return issued.back().appliance;
  return code.redeemed ? code.redeemed->appliance.value_or("") : "";
}

CodeRecord find_or_raise(Ledger::Transaction& tx, const ActivationCode& code) {
  auto found = take(tx.codes().find_by_hash(code.hash_hex()));
  if (!found) {
    raise(Code::code_unknown,
          "no activation code " + code.text() +
              " on record: check it against the code as it was sold, or ask your reseller");
  }
  return std::move(*found);
}

void refuse_unredeemable(const CodeRecord& c, const std::string& appliance, const std::string& current,
                         UnixTime now) {
  const std::int64_t n = c.row.number;
  if (c.voided) {
    raise(Code::code_void,
          code_no(n) + " was voided on " + format_rfc3339(c.voided->at) +
              ": ask your reseller or the vendor's desk",
          {{"number", n}});
  }
  if (c.redeemed && current != appliance) {
    raise(Code::code_redeemed_elsewhere,
          "this code (" + code_no(n) +
              ") is activated on another appliance: ask your reseller or the vendor's desk to move it",
          {{"number", n}});
  }
  if (!c.redeemed && c.row.valid_until && now > *c.row.valid_until) {
    raise(Code::code_expired,
          code_no(n) + " could be redeemed until " + format_rfc3339(*c.row.valid_until) +
              ": ask your reseller or the vendor's desk",
          {{"number", n}, {"valid_until", format_rfc3339(*c.row.valid_until)}});
  }
}

RedeemResult redeem_in(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                       const ActivationCode& code, const std::string& appliance,
                       const RedeemOptions& options) {
  const UnixTime now = options.now.value_or(unix_now());
  RedeemResult out;
  out.code = find_or_raise(tx, code);
  out.appliance = appliance;
  const std::int64_t n = out.code.row.number;
  const std::string current = appliance_now(take(tx.licenses().of_code(n)), out.code);
  refuse_unredeemable(out.code, appliance, current, now);
  if (out.code.redeemed) {
    out.already = true;
  } else {
    detail::require_signing_key(ledger, tx, signer);
    IssueOptions issue_options;
    issue_options.issuer = options.issuer;
    issue_options.now = now;
    // Redeemed by the appliance itself (no one signed in): the rows name the code.
    issue_options.written_by = options.written_by;
    if (!issue_options.written_by && options.who.empty()) issue_options.written_by = code_no(n);
    issue_options.who = options.who.empty() ? code_no(n) : options.who;
    issue_options.code = n;
    const std::vector<Order> orders = orders_for(state_of(tx, appliance, now), out.code.row, now);
    IssueResult issued = take(issue(ledger, tx, signer, orders, issue_options));
    for (IssuedOrder& o : issued.orders) {
      for (LedgerEntry& e : o.entries) out.issued.push_back(std::move(e));
    }
    CodeEvent ev;
    ev.kind = CodeEventKind::redeem;
    ev.number = n;
    ev.appliance = appliance;
    ev.at = now;
    ev.who = detail::check_who(issue_options.who);
    take(tx.codes().insert_event(ev));
    out.code.redeemed = ev;
  }
  const ApplianceState after = state_of(tx, appliance, now);
  out.after = detail::summarize(after);
  // Asked again while nothing changed (a retry, several at once), the answer is the same text.
  UnixTime as_of = out.code.redeemed->at;
  for (const LedgerEntry& e : after.history()) as_of = std::max(as_of, e.issued_at);
  out.license_file = take(export_license_file(ledger, after, now, as_of));
  return out;
}

CodeVoidResult void_in(Ledger& ledger, Ledger::Transaction& tx, std::int64_t number,
                       const std::string& reason, const EventOptions& options) {
  const std::string checked_reason = detail::check_reason(reason);
  CodeVoidResult out;
  auto found = take(tx.codes().find(number));
  if (!found) raise(Code::code_unknown, "ledger " + ledger.path() + " has no " + code_no(number));
  out.code = std::move(*found);
  if (out.code.voided) {
    raise(Code::code_void,
          code_no(number) + " was voided on " + format_rfc3339(out.code.voided->at) +
              " already: a code is voided once",
          {{"number", number}});
  }
  EventOptions at = options;
  at.now = options.now.value_or(unix_now());
  std::vector<std::int64_t> serials;
  for (const LedgerEntry& e : take(tx.licenses().of_code(number))) {
    if (!e.voided) serials.push_back(e.serial);
  }
  if (!serials.empty()) out.voided = take(void_licenses(ledger, tx, serials, checked_reason, at)).voided;
  CodeEvent ev;
  ev.kind = CodeEventKind::voided;
  ev.number = number;
  ev.reason = checked_reason;
  ev.at = *at.now;
  ev.who = detail::check_who(options.who);
  take(tx.codes().insert_event(ev));
  return out;
}

template <class F>
auto in_transaction(Ledger& ledger, F&& body) {
  Ledger::Transaction tx = take(ledger.begin());
  auto out = body(tx);
  take(tx.commit());
  return out;
}

}  // namespace

Result<std::vector<NewCode>> create_codes(Ledger& ledger, const CodeBatch& batch,
                                          const EventOptions& options) {
  return detail::guarded([&] {
    return in_transaction(ledger, [&](Ledger::Transaction& tx) { return create_in(tx, batch, options); });
  });
}

Result<std::vector<NewCode>> create_codes(Ledger&, Ledger::Transaction& tx, const CodeBatch& batch,
                                          const EventOptions& options) {
  return detail::guarded([&] { return create_in(tx, batch, options); });
}

Result<std::string> code_appliance(const Ledger& ledger, const CodeRecord& code) {
  return detail::guarded(
      [&] { return appliance_now(take(ledger.licenses().of_code(code.row.number)), code); });
}

Result<RedeemResult> redeem_code(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                                 const ActivationCode& code, const std::string& appliance,
                                 const RedeemOptions& options) {
  return detail::guarded([&] { return redeem_in(ledger, tx, signer, code, appliance, options); });
}

Result<RedeemResult> redeem_code(Ledger& ledger, const Signer& signer, const ActivationCode& code,
                                 const std::string& appliance, const RedeemOptions& options) {
  return detail::guarded([&] {
    return in_transaction(ledger, [&](Ledger::Transaction& tx) {
      return redeem_in(ledger, tx, signer, code, appliance, options);
    });
  });
}

Result<ActivationCode> read_typed_code(std::string_view typed) {
  auto code = parse_activation_code(typed);
  if (code) return *code;
  const ActivationError& e = code.error();
  std::string groups;
  for (int g : e.groups) groups += (groups.empty() ? "" : " ") + std::to_string(g);
  return Error(Code::code_mistyped, e.message,
               {{"problem", std::string(activation_problem_name(e.problem))}, {"groups", groups}});
}

Result<CodeVoidResult> void_code(Ledger& ledger, Ledger::Transaction& tx, std::int64_t number,
                                 const std::string& reason, const EventOptions& options) {
  return detail::guarded([&] { return void_in(ledger, tx, number, reason, options); });
}

Result<CodeVoidResult> void_code(Ledger& ledger, std::int64_t number, const std::string& reason,
                                 const EventOptions& options) {
  return detail::guarded([&] {
    return in_transaction(
        ledger, [&](Ledger::Transaction& tx) { return void_in(ledger, tx, number, reason, options); });
  });
}

}  // namespace seatkey::keygen
