// Each link type's values in canonical order (chain.hpp), from the tables' specs (schema.cpp).
#include "ledger/schema.hpp"

namespace seatkey::keygen {

std::vector<std::string_view> chain_columns(ChainLinkType type) {
  std::vector<std::string_view> out;
  const auto add = [&out](const auto& spec) {
    for (const auto* c : spec.in_chain_order()) out.push_back(c->name);
  };
  switch (type) {
    case ChainLinkType::license: add(detail::license_spec()); break;
    case ChainLinkType::event: add(detail::event_spec()); break;
    case ChainLinkType::code: add(detail::code_spec()); break;
    case ChainLinkType::code_event: add(detail::code_event_spec()); break;
    case ChainLinkType::token_event: add(detail::token_event_spec()); break;
  }
  return out;
}

ChainValues license_values(const LedgerEntry& entry, std::int64_t chain_seq) {
  LedgerEntry at = entry;
  at.chain_seq = chain_seq;
  return detail::chain_values(detail::license_spec(), at);
}

ChainValues event_values(const LedgerEvent& event, std::int64_t chain_seq) {
  LedgerEvent at = event;
  at.chain_seq = chain_seq;
  return detail::chain_values(detail::event_spec(), at);
}

ChainValues code_values(const CodeRow& code, std::int64_t chain_seq) {
  CodeRow at = code;
  at.chain_seq = chain_seq;
  return detail::chain_values(detail::code_spec(), at);
}

ChainValues code_event_values(const CodeEvent& event, std::int64_t chain_seq) {
  CodeEvent at = event;
  at.chain_seq = chain_seq;
  return detail::chain_values(detail::code_event_spec(), at);
}

ChainValues token_event_values(const TokenEvent& event, std::int64_t chain_seq) {
  TokenEvent at = event;
  at.chain_seq = chain_seq;
  return detail::chain_values(detail::token_event_spec(), at);
}

LedgerEntry reissued(const LedgerEntry& old, std::int64_t serial, const std::string& appliance) {
  LedgerEntry e = old;
  e.serial = serial;
  e.appliance = appliance;
  e.issued_at = 0;
  e.issuer.clear();
  e.key_id.clear();
  e.replaces.reset();
  e.transferred_from = old.serial;
  e.written_by.reset();
  e.token.clear();
  e.chain_seq = 0;
  e.chain_hash.reset();
  e.voided.reset();
  return e;
}

}  // namespace seatkey::keygen
