// The idempotent_requests table: seatkey-server's answers to POST requests with an
// Idempotency-Key, each recorded in the write transaction of what it reports.
#include "ledger/context.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen {

using detail::guarded;
using detail::Statement;

Result<std::optional<StoredAnswer>> AnswerStore::find(const std::string& token_name,
                                                      const std::string& key) const {
  return guarded([&]() -> std::optional<StoredAnswer> {
    Statement s(*ledger_->db,
                "SELECT request_hash, status, response FROM idempotent_requests "
                "WHERE token_name = ?1 AND idempotency_key = ?2");
    s.bind(1, std::string_view(token_name));
    s.bind(2, std::string_view(key));
    if (!s.step()) return std::nullopt;
    return StoredAnswer{s.bytes(0), static_cast<int>(s.integer(1)), s.text(2)};
  });
}

Result<void> AnswerStore::record(const std::string& token_name, const std::string& key,
                                 const StoredAnswer& answer) {
  return guarded([&] {
    if (!ledger_->writing)
      detail::raise_internal("an answer is recorded only in the write transaction it reports");
    Statement s(
        *ledger_->db,
        "INSERT INTO idempotent_requests (token_name, idempotency_key, request_hash, status, response, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    s.bind(1, std::string_view(token_name));
    s.bind(2, std::string_view(key));
    s.bind_blob(3, answer.request_hash.data(), answer.request_hash.size());
    s.bind(4, static_cast<std::int64_t>(answer.status));
    s.bind(5, std::string_view(answer.body));
    s.bind(6, std::string_view(format_rfc3339(unix_now())));
    s.step();
  });
}

}  // namespace seatkey::keygen
