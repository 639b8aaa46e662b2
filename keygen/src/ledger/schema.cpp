#include "ledger/schema.hpp"

#include <algorithm>
#include <array>

#include "raise.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey::keygen::detail {
namespace {

using nlohmann::ordered_json;

template <class T>
struct MemberOf;
template <class R, class T>
struct MemberOf<T R::*> {
  using Row = R;
  using Type = T;
};

// How each shape of field is stored, read and shown. M is the field (&LedgerEntry::serial).
template <auto M>
struct Shape {
  using Row = typename MemberOf<decltype(M)>::Row;
  using Type = typename MemberOf<decltype(M)>::Type;
};

// A whole number that is never NULL (serial, users).
template <auto M>
struct Number : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) { return std::to_string(r.*M); }
  static void read(Row& r, const Statement& s, int i) {
    r.*M = static_cast<typename Shape<M>::Type>(s.integer(i));
  }
  static ordered_json json(const Row& r) { return r.*M; }
};

// A whole number that may be NULL (replaces, revocation_seq).
template <auto M>
struct OptionalNumber : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) {
    if (!(r.*M)) return std::nullopt;
    return std::to_string(*(r.*M));
  }
  static void read(Row& r, const Statement& s, int i) {
    if (!s.is_null(i)) r.*M = s.integer(i);
  }
  static ordered_json json(const Row& r) { return r.*M ? ordered_json(*(r.*M)) : ordered_json(nullptr); }
};

// Text that is never NULL (issuer, token).
template <auto M>
struct Text : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) { return r.*M; }
  static void read(Row& r, const Statement& s, int i) { r.*M = s.text(i); }
  static ordered_json json(const Row& r) { return r.*M; }
};

// Text that may be NULL (customer, reason).
template <auto M>
struct OptionalText : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) { return r.*M; }
  static void read(Row& r, const Statement& s, int i) { r.*M = s.optional_text(i); }
  static ordered_json json(const Row& r) { return r.*M ? ordered_json(*(r.*M)) : ordered_json(nullptr); }
};

[[noreturn]] void not_a_time(std::string_view column, const std::string& text) {
  raise_internal(std::string(column) + " \"" + text + "\" is not an RFC 3339 time in the years 0000-9999");
}

// A time, stored as RFC 3339 text; `Column` names it in the message when it does not read.
template <auto M, const char* Name>
struct Time : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) { return format_rfc3339(r.*M); }
  static void read(Row& r, const Statement& s, int i) {
    if (s.is_null(i)) return;
    const std::string stored = s.text(i);
    const auto t = parse_rfc3339(stored);
    if (!t) not_a_time(Name, stored);
    r.*M = *t;
  }
  static ordered_json json(const Row& r) { return format_rfc3339(r.*M); }
};

template <auto M, const char* Name>
struct OptionalTime : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) {
    if (!(r.*M)) return std::nullopt;
    return format_rfc3339(*(r.*M));
  }
  static void read(Row& r, const Statement& s, int i) {
    if (s.is_null(i)) return;
    const std::string stored = s.text(i);
    const auto t = parse_rfc3339(stored);
    if (!t) not_a_time(Name, stored);
    r.*M = *t;
  }
  static ordered_json json(const Row& r) {
    return r.*M ? ordered_json(format_rfc3339(*(r.*M))) : ordered_json(nullptr);
  }
};

// The fields of a license row that are more than their shape.
struct LicenseKindField {
  static std::optional<std::string> text(const LedgerEntry& e) { return std::string(kind_name(e.kind)); }
  static void read(LedgerEntry& e, const Statement& s, int i) {
    const std::string stored = s.text(i);
    const auto kind = parse_kind(stored);
    if (!kind) raise_internal("kind \"" + stored + "\"");
    e.kind = *kind;
  }
  static ordered_json json(const LedgerEntry& e) { return std::string(kind_name(e.kind)); }
};

struct EditionField {
  static std::optional<std::string> text(const LedgerEntry& e) {
    if (!e.edition) return std::nullopt;
    return std::string(edition_name(*e.edition));
  }
  static void read(LedgerEntry& e, const Statement& s, int i) {
    if (s.is_null(i)) return;
    const std::string stored = s.text(i);
    e.edition = parse_edition(stored);
    if (!e.edition) raise_internal("edition \"" + stored + "\"");
  }
  static ordered_json json(const LedgerEntry& e) {
    return e.edition ? ordered_json(std::string(edition_name(*e.edition))) : ordered_json(nullptr);
  }
};

// A revocation list is bound to no appliance: NULL in the ledger, empty in the row.
struct ApplianceField {
  static std::optional<std::string> text(const LedgerEntry& e) {
    if (e.kind == LicenseKind::revocation) return std::nullopt;
    return e.appliance;
  }
  static void read(LedgerEntry& e, const Statement& s, int i) { e.appliance = s.text(i); }
  static ordered_json json(const LedgerEntry& e) { return e.appliance; }
};

// A row's place in the chain: 0 until it is a link (a ledger from before the chain).
template <auto M>
struct ChainSeqField : Shape<M> {
  using typename Shape<M>::Row;
  static std::optional<std::string> text(const Row& r) { return std::to_string(r.*M); }
  static void read(Row& r, const Statement& s, int i) { r.*M = s.is_null(i) ? 0 : s.integer(i); }
  static ordered_json json(const Row& r) { return r.*M > 0 ? ordered_json(r.*M) : ordered_json(nullptr); }
};

struct EventTypeField {
  static std::optional<std::string> text(const LedgerEvent& e) {
    return std::string(event_kind_name(e.kind));
  }
  static void read(LedgerEvent& e, const Statement& s, int i) {
    const std::string stored = s.text(i);
    const auto kind = event_kind_named(stored);
    if (!kind) raise_internal("type \"" + stored + "\"");
    e.kind = *kind;
  }
  static ordered_json json(const LedgerEvent& e) { return std::string(event_kind_name(e.kind)); }
};

template <class Field, class Row>
constexpr Column<Row> column(std::string_view name, SqlType type, int since, int chain, std::string_view json,
                             bool chain_when_set = false) {
  return Column<Row>{name, type,         since,        chain,       chain_when_set,
                     json, &Field::text, &Field::read, &Field::json};
}

constexpr char kIssuedAt[] = "issued_at", kUpdatesUntil[] = "updates_until", kExpires[] = "expires",
               kAt[] = "at";

using E = LedgerEntry;
constexpr SqlType kInt = SqlType::integer, kText = SqlType::text;

// The licenses table: every issued token. In JSON order; the canonical bytes take the chain
// positions (0 to 17, then written_by when it is set: schema version 4 added it so that the
// links written before it keep their bytes).
constexpr std::array<Column<E>, 19> kLicenseColumns{{
    column<Number<&E::serial>, E>("serial", kInt, 1, 1, "serial"),
    column<LicenseKindField, E>("kind", kText, 1, 2, "kind"),
    column<ApplianceField, E>("appliance", kText, 1, 3, "appliance"),
    column<EditionField, E>("edition", kText, 1, 4, "edition"),
    column<Number<&E::users>, E>("users", kInt, 1, 5, "users"),
    column<OptionalText<&E::customer>, E>("customer", kText, 1, 6, "customer"),
    column<OptionalText<&E::order>, E>("order_ref", kText, 1, 7, "order"),
    column<Time<&E::issued_at, kIssuedAt>, E>("issued_at", kText, 1, 8, "issued_at"),
    column<OptionalTime<&E::updates_until, kUpdatesUntil>, E>("updates_until", kText, 1, 9, "updates_until"),
    column<OptionalTime<&E::expires, kExpires>, E>("expires", kText, 1, 10, "expires"),
    column<OptionalNumber<&E::replaces>, E>("replaces", kInt, 1, 13, "replaces"),
    column<OptionalNumber<&E::transferred_from>, E>("transferred_from", kInt, 3, 14, "transferred_from"),
    column<OptionalNumber<&E::revocation_seq>, E>("revocation_seq", kInt, 3, 16, "revocation_seq"),
    column<OptionalText<&E::primary_appliance>, E>("primary_appliance", kText, 3, 15, "primary"),
    column<Text<&E::issuer>, E>("issuer", kText, 1, 11, "issuer"),
    column<Text<&E::key_id>, E>("key_id", kText, 1, 12, "key_id"),
    column<ChainSeqField<&E::chain_seq>, E>("chain_seq", kInt, 3, 0, "chain_seq"),
    column<OptionalText<&E::written_by>, E>("written_by", kText, 4, 18, "written_by", true),
    column<Text<&E::token>, E>("token", kText, 1, 17, "token"),
}};

using V = LedgerEvent;
// The events table: a license taken back. In JSON order.
constexpr std::array<Column<V>, 7> kEventColumns{{
    column<EventTypeField, V>("type", kText, 3, 1, "type"),
    column<Number<&V::serial>, V>("serial", kInt, 3, 2, "serial"),
    column<OptionalText<&V::reason>, V>("reason", kText, 3, 3, "reason"),
    column<Time<&V::at, kAt>, V>("at", kText, 3, 4, "at"),
    column<Text<&V::who>, V>("who", kText, 3, 5, "who"),
    column<OptionalText<&V::transfer_to>, V>("transfer_to", kText, 3, 6, "transfer_to"),
    column<ChainSeqField<&V::chain_seq>, V>("chain_seq", kInt, 3, 0, "chain_seq"),
}};

// Each position 0 to n-1 taken by exactly one column.
template <class Row, std::size_t N>
constexpr bool chain_positions_complete(const std::array<Column<Row>, N>& columns) {
  for (std::size_t p = 0; p < N; ++p) {
    int found = 0;
    for (const auto& c : columns) found += c.chain == static_cast<int>(p);
    if (found != 1) return false;
  }
  return true;
}
static_assert(chain_positions_complete(kLicenseColumns), "every license column has its own chain position");
static_assert(chain_positions_complete(kEventColumns), "every event column has its own chain position");

const TableSpec<E> kLicenses{"licenses", kLicenseColumns.data(), kLicenseColumns.size()};
const TableSpec<V> kEvents{"events", kEventColumns.data(), kEventColumns.size()};

}  // namespace

template <class Row>
int TableSpec<Row>::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < size; ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  raise_internal("no column " + std::string(name) + " in " + std::string(table));
}

template <class Row>
std::vector<const Column<Row>*> TableSpec<Row>::in_chain_order() const {
  std::vector<const Column<Row>*> out(size, nullptr);
  for (const Column<Row>& c : *this) out[static_cast<std::size_t>(c.chain)] = &c;
  return out;
}

const TableSpec<LedgerEntry>& license_spec() {
  return kLicenses;
}
const TableSpec<LedgerEvent>& event_spec() {
  return kEvents;
}

template <class Row>
std::string select_sql(const TableSpec<Row>& spec, int version, std::string_view extra) {
  std::string sql = "SELECT ";
  for (const Column<Row>& c : spec) {
    sql += std::string(c.since <= version ? c.name : std::string_view("NULL")) + ", ";
  }
  sql.resize(sql.size() - 2);
  return sql + std::string(extra) + " FROM " + std::string(spec.table);
}

std::string insert_sql(std::string_view table, const std::vector<std::string_view>& names) {
  std::string columns, params;
  for (std::size_t i = 0; i < names.size(); ++i) {
    columns += std::string(names[i]) + ", ";
    params += "?" + std::to_string(i + 1) + ", ";
  }
  return "INSERT INTO " + std::string(table) + " (" + columns + "chain_hash) VALUES (" + params + "?" +
         std::to_string(names.size() + 1) + ")";
}

template <class Row>
void read_row(const TableSpec<Row>& spec, Row& row, const Statement& s) {
  for (std::size_t i = 0; i < spec.size; ++i) spec.columns[i].read(row, s, static_cast<int>(i));
}

template <class Row>
ChainValues chain_values(const TableSpec<Row>& spec, const Row& row) {
  ChainValues values;
  values.reserve(spec.size);
  for (const Column<Row>* c : spec.in_chain_order()) {
    auto text = c->text(row);
    if (c->chain_when_set && !text) continue;
    values.push_back(std::move(text));
  }
  return values;
}

template <class Row>
ChainValues stored_chain_values(const TableSpec<Row>& spec, const Statement& s) {
  ChainValues values;
  values.reserve(spec.size);
  for (const Column<Row>* c : spec.in_chain_order()) {
    const int index = static_cast<int>(c - spec.columns);
    if (c->chain_when_set && s.is_null(index)) continue;
    values.push_back(s.optional_text(index));
  }
  return values;
}

template <class Row>
void add_json(const TableSpec<Row>& spec, const Row& row, nlohmann::ordered_json& out) {
  for (const Column<Row>& c : spec) {
    if (!c.json.empty()) out[std::string(c.json)] = c.json_value(row);
  }
}

template <class Row>
bool is_integer_column(const TableSpec<Row>& spec, std::string_view name) {
  for (const Column<Row>& c : spec) {
    if (c.name == name) return c.type == SqlType::integer;
  }
  return false;
}

#define SEATKEY_SPEC_FUNCTIONS(Row)                                                   \
  template struct TableSpec<Row>;                                                     \
  template std::string select_sql(const TableSpec<Row>&, int, std::string_view);      \
  template void read_row(const TableSpec<Row>&, Row&, const Statement&);              \
  template ChainValues chain_values(const TableSpec<Row>&, const Row&);               \
  template ChainValues stored_chain_values(const TableSpec<Row>&, const Statement&);  \
  template void add_json(const TableSpec<Row>&, const Row&, nlohmann::ordered_json&); \
  template bool is_integer_column(const TableSpec<Row>&, std::string_view);
SEATKEY_SPEC_FUNCTIONS(LedgerEntry)
SEATKEY_SPEC_FUNCTIONS(LedgerEvent)
#undef SEATKEY_SPEC_FUNCTIONS

const std::vector<PlainTable>& plain_tables() {
  static const std::vector<PlainTable> kTables = {
      {"signing_keys",
       {{"key_id", kText}, {"public_key", kText}, {"added_at", kText}, {"origin", kText}},
       ""},
      {"api_tokens",
       {{"name", kText},
        {"role", kText},
        {"lookup_id", kText},
        {"token_hash", SqlType::blob},
        {"created_at", kText},
        {"revoked_at", kText}},
       ""},
      {"idempotent_requests",
       {{"token_name", kText},
        {"idempotency_key", kText},
        {"request_hash", SqlType::blob},
        {"status", kInt},
        {"response", kText},
        {"created_at", kText}},
       "created_at, token_name, idempotency_key"},
  };
  return kTables;
}

}  // namespace seatkey::keygen::detail

namespace seatkey::keygen {

std::vector<std::string_view> chain_columns(ChainLinkType type) {
  std::vector<std::string_view> out;
  const auto add = [&out](const auto& spec) {
    for (const auto* c : spec.in_chain_order()) out.push_back(c->name);
  };
  if (type == ChainLinkType::license) {
    add(detail::license_spec());
  } else {
    add(detail::event_spec());
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
