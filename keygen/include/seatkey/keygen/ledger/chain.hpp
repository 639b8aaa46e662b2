// The ledger's hash chain (docs/back-office.md, "The hash chain"). Every license row and every
// event is a link: chain_seq is its position (1, 2, ... over both tables, in the order they
// were written) and chain_hash = BLAKE2b-256(previous chain_hash || canonical bytes), the first
// link's previous hash 32 zero bytes. The newest hash, the head, stands for every link before
// it. Canonical bytes are PAE (PASETO's pre-authentication encoding) of the link's type
// ("license" or "event") and its columns as text in the fixed order below, each column "N"
// (NULL) or "T" followed by its text: any edit of any column changes them. No SQL here: every
// ledger backend computes the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seatkey::keygen {

struct LedgerEntry;
struct LedgerEvent;
struct CodeRow;
struct CodeEvent;
struct TokenEvent;

using ChainHash = std::array<unsigned char, 32>;

// The newest link: its position (0 for an empty chain) and its hash (32 zero bytes then).
struct ChainHead {
  std::int64_t seq = 0;
  ChainHash hash{};
};

enum class ChainLinkType { license, event, code, code_event, token_event };
// "license", "event", "code", "code_event", "token_event"
std::string_view link_type_name(ChainLinkType type) noexcept;

// The columns of each link type in canonical order (they are also the ledger's column names;
// keygen/src/ledger/schema.cpp describes each column once). Integer columns are written as
// decimal text, times as RFC 3339 text. The last license columns, written_by (schema version 4:
// the API token that wrote the row) and code (version 6: the activation code it was issued
// from), are part of the canonical bytes only up to the last of them that is set, so that the
// links written before them (and by seatkey-keygen, which sets no written_by) keep their
// bytes, while setting or clearing one by hand still changes them.
std::vector<std::string_view> chain_columns(ChainLinkType type);

// A link's columns as text (nullopt: NULL), in its type's column order.
using ChainValues = std::vector<std::optional<std::string>>;

std::string canonical_bytes(ChainLinkType type, const ChainValues& values);
ChainHash next_chain_hash(const ChainHash& previous, std::string_view canonical);

// The columns of a row as the ledger stores them.
ChainValues license_values(const LedgerEntry& entry, std::int64_t chain_seq);
ChainValues event_values(const LedgerEvent& event, std::int64_t chain_seq);
ChainValues code_values(const CodeRow& code, std::int64_t chain_seq);
ChainValues code_event_values(const CodeEvent& event, std::int64_t chain_seq);
ChainValues token_event_values(const TokenEvent& event, std::int64_t chain_seq);

// Lower-case hex, 64 characters; and back (nullopt unless exactly 64 hex digits).
std::string to_hex(const ChainHash& hash);
std::optional<ChainHash> chain_hash_from_hex(std::string_view hex);

}  // namespace seatkey::keygen
