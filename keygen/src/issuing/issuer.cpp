#include "seatkey/keygen/issuing/issuer.hpp"

#include <functional>
#include <map>

#include "io/checks.hpp"
#include "raise.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/io/license_file.hpp"
#include "seatkey/keygen/issuing/rules.hpp"
#include "seatkey/signing/claims_writer.hpp"
#include "signing.hpp"

namespace seatkey::keygen {
namespace {

using detail::raise;
using detail::take;

const std::string& appliance_of(const Order& order) {
  return std::visit([](const auto& o) -> const std::string& { return o.appliance; }, order);
}

// Applies the orders in turn to the appliances' states; every entry is signed (claims built
// and validated first).
class Run {
 public:
  using History = std::function<std::vector<LedgerEntry>(const std::string&)>;

  Run(UnixTime now, std::int64_t first_serial, const Signer& signer, const IssueOptions& options,
      History history, History standbys)
      : now_(now),
        serial_(first_serial),
        signer_(signer),
        issuer_(options.issuer),
        written_by_(options.written_by),
        code_(options.code),
        dry_run_(options.dry_run),
        history_(std::move(history)),
        standbys_(std::move(standbys)),
        key_id_(signer.public_key().id()) {}

  IssueResult run(const std::vector<Order>& orders) {
    IssueResult result;
    result.issued_at = now_;
    for (std::size_t i = 0; i < orders.size(); ++i) {
      try {
        result.orders.push_back(apply(orders[i]));
      } catch (detail::Raised& r) {
        if (orders.size() == 1) throw;
        raise(detail::prefixed(std::move(r.error),
                               "order " + std::to_string(i + 1) + " (" + describe(orders[i]) + "): "));
      }
    }
    // A later order may have superseded or voided what an earlier one issued (a server license
    // or a standby license replaced in the same batch): each status as of the whole batch.
    for (IssuedOrder& o : result.orders) {
      for (std::size_t k = 0; k < o.entries.size(); ++k)
        o.statuses[k] = state_for(o.entries[k].appliance).status_of(o.entries[k]);
    }
    return result;
  }

 private:
  ApplianceState& state_for(const std::string& appliance) {
    auto it = states_.find(appliance);
    if (it == states_.end())
      it = states_.emplace(appliance, ApplianceState(appliance, history_(appliance), now_)).first;
    return it->second;
  }

  // Every standby license naming `primary`: on record, and issued earlier in this run.
  std::vector<LedgerEntry>& standbys_of(const std::string& primary) {
    auto it = standbys_of_.find(primary);
    if (it == standbys_of_.end()) it = standbys_of_.emplace(primary, standbys_(primary)).first;
    return it->second;
  }

  // The standby license naming `primary` that counts now, if any.
  const LedgerEntry* active_standby_of(const std::string& primary) {
    for (const LedgerEntry& e : standbys_of(primary)) {
      if (!e.voided && !(e.expires && *e.expires <= now_)) return &e;
    }
    return nullptr;
  }

  IssuedOrder apply_standby(const StandbyOrder& o) {
    ApplianceState& state = state_for(o.appliance);
    const ApplianceState& primary = state_for(o.primary);
    std::vector<LedgerEntry>& of_primary = standbys_of(o.primary);
    IssuedOrder out;
    out.voided = take(check_standby_order(state, primary, of_primary, o, now_));
    LedgerEntry e = base_entry(o.appliance, o.customer, o.order, o.expires);
    e.kind = LicenseKind::standby;
    e.primary_appliance = o.primary;
    if (!dry_run_) detail::sign_license(signer_, &e);
    // The replaced standby licenses are voided: in their appliances' states (the same one when
    // a standby license is reissued) and in the primary's list.
    for (const LedgerEntry& old : out.voided) {
      state_for(old.appliance).record_taken_back(old.serial, EventKind::voided);
      for (LedgerEntry& listed : of_primary) {
        if (listed.serial == old.serial) listed.voided = EventKind::voided;
      }
    }
    // The standby's file is the primary's licenses and its own.
    take(check_license_file_limits(primary, [&e] { return &e; }));
    state.record(e);
    of_primary.push_back(e);
    out.statuses.push_back(state.status_of(e));
    out.entries.push_back(std::move(e));
    out.after = detail::summarize(primary);
    return out;
  }

  IssuedOrder apply(const Order& order) {
    if (const auto* standby = std::get_if<StandbyOrder>(&order)) return apply_standby(*standby);
    if (const auto* pack = std::get_if<PackOrder>(&order); pack != nullptr && pack->target_users) {
      IssuedOrder out;
      add_packs_to_reach(*pack, *pack->target_users, &out);
      return out;
    }
    IssuedOrder out = apply_licenses(order);
    if (const auto* server = std::get_if<ServerOrder>(&order); server != nullptr && server->target_users) {
      // What the new server license leaves to packs; its included users may be all there is.
      if (*server->target_users > state_for(server->appliance).users().licensed_users) {
        PackOrder like;
        like.appliance = server->appliance;
        like.customer = server->customer;
        like.order = server->order;
        like.expires = server->expires;
        add_packs_to_reach(like, *server->target_users, &out);
      }
    }
    return out;
  }

  // The packs that bring `like.appliance` to `target` users, added to `out`.
  void add_packs_to_reach(const PackOrder& like, long long target, IssuedOrder* out) {
    for (const PackOrder& p : take(packs_to_reach(state_for(like.appliance), like, target, now_))) {
      IssuedOrder more = apply_licenses(p);
      for (std::size_t i = 0; i < more.entries.size(); ++i) {
        out->entries.push_back(std::move(more.entries[i]));
        out->statuses.push_back(std::move(more.statuses[i]));
      }
      out->after = std::move(more.after);
    }
  }

  // A server license, or packs of the size and count the order gives.
  IssuedOrder apply_licenses(const Order& order) {
    ApplianceState& state = state_for(appliance_of(order));
    IssuedOrder out;
    if (const auto* s = std::get_if<ServerOrder>(&order)) {
      take(check_server_order(state, *s, now_));
      LedgerEntry e = base_entry(s->appliance, s->customer, s->order, s->expires);
      e.kind = LicenseKind::server;
      e.edition = s->edition;
      e.users = rules_of(s->edition).included_users;
      e.updates_until = s->updates_until;
      if (const LedgerEntry* current = state.active_server()) e.replaces = current->serial;
      out.replaced = e.replaces;
      out.entries.push_back(std::move(e));
    } else {
      const auto& p = std::get<PackOrder>(order);
      take(check_pack_order(state, p, now_));
      out.entries.reserve(static_cast<std::size_t>(p.count));
      // Packs without a customer are the customer's of the server license they add users to,
      // so that a customer's packs can be found by customer (check_pack_order made sure there
      // is one). Its text passes the same check as a typed one: an older tool took anything.
      std::optional<std::string> customer = p.customer;
      const LedgerEntry& server = *state.active_server();
      if (!customer && server.customer) {
        auto carried = check_text("customer", *server.customer);
        if (!carried) {
          detail::raise_input("packs with no customer of their own carry the customer of server license " +
                              std::to_string(server.serial) + ", but its " + carried.error().message +
                              ": name the packs' customer");
        }
        customer = std::move(*carried);
      }
      for (int n = 0; n < p.count; ++n) {
        LedgerEntry e = base_entry(p.appliance, customer, p.order, p.expires);
        e.kind = LicenseKind::users;
        e.users = static_cast<int>(p.users);
        out.entries.push_back(std::move(e));
      }
    }
    state = take(state_after(state, order, out.entries));
    // A dry run stops before the signer: nothing it answers may be installed.
    for (LedgerEntry& e : out.entries) {
      if (dry_run_) continue;
      detail::sign_license(signer_, &e);
      state.record_token(e.serial, e.token);
    }
    for (const LedgerEntry& e : out.entries) out.statuses.push_back(state.status_of(e));
    take(check_license_file_limits(state, [&] { return active_standby_of(state.appliance()); }));
    out.after = detail::summarize(state);
    return out;
  }

  LedgerEntry base_entry(const std::string& appliance, const std::optional<std::string>& customer,
                         const std::optional<std::string>& order, const std::optional<UnixTime>& expires) {
    LedgerEntry e;
    e.serial = serial_++;
    e.appliance = appliance;
    e.customer = customer;
    e.order = order;
    e.expires = expires;
    e.issued_at = now_;
    e.issuer = issuer_;
    e.key_id = key_id_;
    e.written_by = written_by_;
    e.code = code_;
    return e;
  }

  UnixTime now_;
  std::int64_t serial_;
  const Signer& signer_;
  std::string issuer_;
  std::optional<std::string> written_by_;
  std::optional<std::int64_t> code_;
  bool dry_run_;
  History history_;
  History standbys_;
  std::string key_id_;
  std::map<std::string, ApplianceState> states_;
  std::map<std::string, std::vector<LedgerEntry>> standbys_of_;  // by primary
};

}  // namespace

namespace detail {

ApplianceSummary summarize(const ApplianceState& state) {
  ApplianceSummary s;
  s.appliance = state.appliance();
  if (const LedgerEntry* server = state.active_server()) s.edition = server->edition;
  s.users = state.users();
  return s;
}

void check_issuer(const std::string& issuer) {
  auto checked = check_text("issuer", issuer);
  if (!checked) raise_input(checked.error().message + " (--issuer / SEATKEY_ISSUER)");
}

std::string check_who(const std::string& who) {
  auto checked = check_text("who", who);
  if (!checked) raise_input("the name recorded with the event: " + checked.error().message);
  return std::move(*checked);
}

std::string check_reason(const std::string& reason) {
  return take(check_text("reason", reason));
}

void require_signing_key(const Ledger& ledger, Ledger::Transaction& tx, const Signer& signer) {
  const std::string& key_id = signer.public_key().id();
  if (take(tx.keys().knows(key_id))) return;
  std::string known;
  for (const SigningKey& k : take(ledger.keys().all())) known += (known.empty() ? "" : ", ") + k.key_id;
  raise(Code::unknown_signing_key,
        "the key " + key_id + " is not a signing key of ledger " + ledger.path() +
            " (its keys: " + (known.empty() ? std::string("none") : known) +
            "); to issue with a new key, first add it to the ledger's signing keys",
        {}, "seatkey-keygen ledger add-key --ledger " + ledger.path() + " --key FILE");
}

std::string footer_for(const Signer& signer) {
  return "{\"kid\":\"" + signer.public_key().id() + "\"}";
}

void sign_license(const Signer& signer, LedgerEntry* e) {
  License l;
  l.issuer = e->issuer;
  l.serial = std::to_string(e->serial);
  l.issued_at = e->issued_at;
  l.kind = e->kind;
  l.appliance = e->appliance;
  l.edition = e->edition;
  l.users = e->users;
  l.customer = e->customer;
  l.order = e->order;
  l.updates_until = e->updates_until;
  l.expires = e->expires;
  l.primary = e->primary_appliance;
  l.code = e->code;
  auto valid = validate_license(std::move(l));
  if (!valid) raise_input("cannot build the license claims: " + valid.error().message);
  e->token = sign_within(signer, to_payload_json(*valid), TokenLimit::license, "the token", "");
}

std::string sign_within(const Signer& signer, const std::string& payload, TokenLimit limit,
                        const std::string& what, const std::string& note) {
  const std::string footer = footer_for(signer);
  const std::size_t size = v4_public_token_size(payload.size(), footer.size());
  if (size > max_token_bytes(limit)) {
    raise(Code::token_too_large,
          what + " would be " + std::to_string(size) + " bytes, over " + token_limit_text(limit) + note,
          {{"bytes", static_cast<std::int64_t>(size)},
           {"max_bytes", static_cast<std::int64_t>(max_token_bytes(limit))}});
  }
  auto token = signer.sign(payload, footer);
  if (!token) {
    // A signer in another process that is gone says so (io_error); what else fails is a bug.
    raise(token.error().code == Errc::io_error ? Code::signer_unavailable : Code::internal_error,
          "signing failed: " + token.error().message);
  }
  return std::move(*token);
}

}  // namespace detail

namespace {

// The new rows, and the void events of the standby licenses a `replace` took back.
void record(Ledger::Transaction& tx, const IssueResult& result, UnixTime now, const IssueOptions& options) {
  std::optional<std::string> who;
  for (const auto& o : result.orders) {
    for (const auto& old : o.voided) {
      if (!who) {
        who = take(check_text(
            "who", !options.who.empty() ? options.who : options.written_by.value_or(options.issuer)));
      }
      LedgerEvent ev;
      ev.kind = EventKind::voided;
      ev.serial = old.serial;
      ev.reason = "replaced by standby license " + std::to_string(o.entries.front().serial);
      ev.at = now;
      ev.who = *who;
      ev.written_by = options.written_by;
      take(tx.events().insert(ev));
    }
    for (const auto& e : o.entries) take(tx.licenses().insert(e));
  }
}

}  // namespace

std::vector<std::string> IssueResult::tokens() const {
  std::vector<std::string> out;
  for (const auto& o : orders) {
    for (const auto& e : o.entries) out.push_back(e.token);
  }
  return out;
}

Result<IssueResult> issue(Ledger& ledger, const SecretKey& key, const std::vector<Order>& orders,
                          const IssueOptions& options) {
  return issue(ledger, KeySigner(key), orders, options);
}

Result<IssueResult> issue(Ledger& ledger, const Signer& signer, const std::vector<Order>& orders,
                          const IssueOptions& options) {
  return detail::guarded([&] {
    if (orders.empty()) detail::raise_input("no orders to issue");
    detail::check_issuer(options.issuer);
    Ledger::Transaction tx = take(ledger.begin());
    IssueResult result = take(issue(ledger, tx, signer, orders, options));
    if (!options.dry_run) take(tx.commit());
    return result;
  });
}

Result<IssueResult> issue(Ledger& ledger, Ledger::Transaction& tx, const Signer& signer,
                          const std::vector<Order>& orders, const IssueOptions& options) {
  return detail::guarded([&] {
    if (orders.empty()) detail::raise_input("no orders to issue");
    detail::check_issuer(options.issuer);
    detail::require_signing_key(ledger, tx, signer);
    // The clock is read under the ledger's write lock, so later serials never get earlier times.
    const UnixTime now = options.now.value_or(unix_now());
    Run run(
        now, take(tx.licenses().next_serial()), signer, options,
        [&tx](const std::string& appliance) { return take(tx.licenses().of_appliance(appliance)); },
        [&tx](const std::string& primary) { return take(tx.licenses().standbys_of(primary)); });
    IssueResult result = run.run(orders);
    std::size_t placing = 0;
    for (const IssuedOrder& o : result.orders) placing += o.entries.size();
    // A dry run is refused as the order would be.
    detail::check_daily_quota(ledger, options.written_by, placing, now);
    if (!options.dry_run) record(tx, result, now, options);
    return result;
  });
}

}  // namespace seatkey::keygen
