// The codes and code_events tables: activation codes (their numbers and hashes, never the codes)
// and what happened to each, redeemed and voided once at most.
#include "ledger/context.hpp"
#include "ledger/records.hpp"
#include "ledger/schema.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {
namespace detail {

std::string select_codes() {
  return select_sql(code_spec(), kCodesVersion, ", chain_hash");
}

std::string select_code_events() {
  return select_sql(code_event_spec(), kCodesVersion, ", chain_hash");
}

Result<CodeRow> read_code(const Statement& s) {
  CodeRow c;
  try {
    read_row(code_spec(), c, s);
  } catch (const Raised& r) {
    const std::int64_t number = s.integer(code_spec().index_of("number"));
    return Error(Code::ledger_corrupt, "code " + std::to_string(number) + " is corrupt: " + r.error.message);
  }
  return c;
}

Result<CodeEvent> read_code_event(const Statement& s) {
  CodeEvent e;
  try {
    read_row(code_event_spec(), e, s);
  } catch (const Raised& r) {
    const std::int64_t seq = s.integer(code_event_spec().index_of("chain_seq"));
    return Error(Code::ledger_corrupt,
                 "code event " + std::to_string(seq) + " is corrupt: " + r.error.message);
  }
  return e;
}

namespace {

template <class T>
T need_row(Result<T> row, const LedgerContext& ledger) {
  if (!row) raise(Code::ledger_corrupt, "ledger " + ledger.path + ": " + row.error().message);
  return std::move(*row);
}

// The events of the codes `records` holds (one query over their numbers' range).
void add_events(const LedgerContext& ledger, std::vector<CodeRecord>& records) {
  if (records.empty()) return;
  Statement s(*ledger.db, select_code_events() + " WHERE number BETWEEN ?1 AND ?2 ORDER BY chain_seq");
  s.bind(1, records.front().row.number).bind(2, records.back().row.number);
  while (s.step()) {
    CodeEvent e = need_row(read_code_event(s), ledger);
    for (CodeRecord& r : records) {
      if (r.row.number != e.number) continue;
      (e.kind == CodeEventKind::redeem ? r.redeemed : r.voided) = e;
      break;
    }
  }
}

std::string state_clause(CodeState state) {
  switch (state) {
    case CodeState::issued: return "NOT EXISTS (SELECT 1 FROM code_events e WHERE e.number = codes.number)";
    case CodeState::redeemed:
      return "EXISTS (SELECT 1 FROM code_events e WHERE e.number = codes.number AND e.type = 'redeem') AND "
             "NOT EXISTS (SELECT 1 FROM code_events e WHERE e.number = codes.number AND e.type = 'void')";
    case CodeState::voided:
      return "EXISTS (SELECT 1 FROM code_events e WHERE e.number = codes.number AND e.type = 'void')";
  }
  return "1 = 1";
}

std::vector<CodeRecord> select(const LedgerContext& ledger, const CodeQuery& q,
                               const std::optional<std::int64_t>& number,
                               const std::optional<std::string>& hash) {
  if (ledger.version < kCodesVersion) return {};
  // Parameters numbered as they are used (PostgreSQL types each one from where it stands).
  std::vector<std::string> texts;
  std::string where = "number > ?1 AND (?2 = 0 OR number = ?2)";
  const auto text_param = [&](const char* column, const std::string& value) {
    texts.push_back(value);
    where += std::string(" AND ") + column + " = ?" + std::to_string(texts.size() + 2);
  };
  if (hash) text_param("code_hash", *hash);
  if (q.reseller) text_param("reseller", *q.reseller);
  if (q.order) text_param("order_ref", *q.order);
  if (q.state) where += " AND " + state_clause(*q.state);
  std::string sql = select_codes() + " WHERE " + where + " ORDER BY number";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
  Statement s(*ledger.db, sql);
  s.bind(1, q.after);
  s.bind(2, number.value_or(0));
  for (std::size_t i = 0; i < texts.size(); ++i) s.bind(static_cast<int>(i) + 3, std::string_view(texts[i]));
  std::vector<CodeRecord> out;
  while (s.step()) out.push_back({need_row(read_code(s), ledger), std::nullopt, std::nullopt});
  add_events(ledger, out);
  return out;
}

std::optional<CodeRecord> first(std::vector<CodeRecord> records) {
  if (records.empty()) return std::nullopt;
  return std::move(records.front());
}

}  // namespace
}  // namespace detail

using detail::guarded;

Result<std::optional<CodeRecord>> CodeStore::find(std::int64_t number) const {
  return guarded([&] { return detail::first(detail::select(*ledger_, {}, number, std::nullopt)); });
}

Result<std::optional<CodeRecord>> CodeStore::find_by_hash(const std::string& code_hash) const {
  return guarded([&] { return detail::first(detail::select(*ledger_, {}, std::nullopt, code_hash)); });
}

Result<std::vector<CodeRecord>> CodeStore::find_all(const CodeQuery& query) const {
  return guarded([&] { return detail::select(*ledger_, query, std::nullopt, std::nullopt); });
}

Result<std::vector<CodeCounts>> CodeStore::counts(const std::optional<UnixTime>& since,
                                                  const std::optional<UnixTime>& until) const {
  return guarded([&] {
    std::vector<CodeCounts> out;
    if (ledger_->version < detail::kCodesVersion) return out;
    detail::Statement s(*ledger_->db,
                        "SELECT reseller, COUNT(*), "
                        "SUM(CASE WHEN r.number IS NULL THEN 0 ELSE 1 END), "
                        "SUM(CASE WHEN v.number IS NULL THEN 0 ELSE 1 END), "
                        "SUM(CASE WHEN r.number IS NULL AND v.number IS NULL THEN 1 ELSE 0 END) "
                        "FROM codes "
                        "LEFT JOIN code_events r ON r.number = codes.number AND r.type = 'redeem' "
                        "LEFT JOIN code_events v ON v.number = codes.number AND v.type = 'void' "
                        "WHERE created_at >= ?1 AND created_at < ?2 "
                        "GROUP BY reseller ORDER BY reseller");
    detail::bind_period(s, since, until);
    while (s.step())
      out.push_back({s.optional_text(0), s.integer(1), s.integer(2), s.integer(3), s.integer(4)});
    return out;
  });
}

Result<std::int64_t> CodeStore::next_number() {
  return guarded([&] {
    if (!ledger_->writing) detail::raise_internal("code numbers are allocated only in a write transaction");
    detail::Statement s(*ledger_->db, "SELECT COALESCE(MAX(number), 0) + 1 FROM codes");
    s.step();
    return s.integer(0);
  });
}

Result<void> CodeStore::insert(const CodeRow& code) {
  return guarded([&] {
    static const std::vector<std::string_view> kColumns = chain_columns(ChainLinkType::code);
    ChainHead& head = ledger_->transaction_head();
    ledger_->insert_link("codes", ChainLinkType::code, kColumns, code_values(code, head.seq + 1), &head);
  });
}

Result<void> CodeStore::insert_event(const CodeEvent& event) {
  return guarded([&] {
    static const std::vector<std::string_view> kColumns = chain_columns(ChainLinkType::code_event);
    ChainHead& head = ledger_->transaction_head();
    ledger_->insert_link("code_events", ChainLinkType::code_event, kColumns,
                         code_event_values(event, head.seq + 1), &head);
  });
}

}  // namespace seatkey::keygen
