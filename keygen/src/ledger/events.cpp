// The events table: a license taken back (voided, or transferred to another appliance), once.
#include "ledger/context.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {
namespace detail {

std::string select_events(int version) {
  // The events table came with version 3; written_by with version 8 (NULL before).
  return select_sql(event_spec(), version, ", chain_hash");
}

int event_column(std::string_view name) {
  return event_spec().index_of(name);
}

int event_chain_hash_column() {
  return static_cast<int>(event_spec().size);
}

Result<LedgerEvent> read_event(const Statement& s) {
  LedgerEvent e;
  try {
    read_row(event_spec(), e, s);
  } catch (const Raised& r) {
    const std::int64_t seq = s.integer(event_column("chain_seq"));
    return Error(Code::ledger_corrupt, "event " + std::to_string(seq) + " is corrupt: " + r.error.message);
  }
  return e;
}

namespace {

std::vector<LedgerEvent> select(const LedgerContext& ledger, const std::optional<std::int64_t>& serial) {
  ledger.require_chain();
  Statement s(*ledger.db,
              select_events(ledger.version) + (serial ? " WHERE serial = ?1" : "") + " ORDER BY chain_seq");
  if (serial) s.bind(1, *serial);
  std::vector<LedgerEvent> out;
  while (s.step()) {
    auto e = read_event(s);
    if (!e) raise(Code::ledger_corrupt, "ledger " + ledger.path + ": " + e.error().message);
    out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace
}  // namespace detail

using detail::guarded;

Result<std::vector<LedgerEvent>> EventStore::all() const {
  return guarded([&] { return detail::select(*ledger_, std::nullopt); });
}

Result<std::vector<LedgerEvent>> EventStore::of_license(std::int64_t serial) const {
  return guarded([&] { return detail::select(*ledger_, serial); });
}

Result<EventStore::TakenBack> EventStore::taken_back(UnixTime list_issued_at) const {
  return guarded([&] {
    ledger_->require_chain();
    detail::Statement s(*ledger_->db,
                        "SELECT events.serial, licenses.expires FROM events LEFT JOIN licenses ON "
                        "licenses.serial = events.serial ORDER BY events.serial");
    TakenBack out;
    while (s.step()) {
      const std::int64_t serial = s.integer(0);
      std::optional<UnixTime> expires;
      if (!s.is_null(1)) {
        auto t = parse_rfc3339(s.text(1));
        if (!t) {
          detail::raise(Code::ledger_corrupt, "ledger " + ledger_->path + ": license " +
                                                  std::to_string(serial) +
                                                  " has an expiry that does not read: " + t.error().message);
        }
        expires = *t;
      }
      if (list_names(expires, list_issued_at)) {
        out.listed.push_back(serial);
      } else {
        ++out.expired;
      }
    }
    return out;
  });
}

Result<void> EventStore::insert(const LedgerEvent& event) {
  return guarded([&] {
    static const std::vector<std::string_view> kColumns = chain_columns(ChainLinkType::event);
    ChainHead& head = ledger_->transaction_head();
    ledger_->insert_link("events", ChainLinkType::event, kColumns, event_values(event, head.seq + 1), &head);
  });
}

}  // namespace seatkey::keygen
