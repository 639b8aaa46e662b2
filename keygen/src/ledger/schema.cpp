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

struct CodeEventTypeField {
  static std::optional<std::string> text(const CodeEvent& e) {
    return std::string(code_event_kind_name(e.kind));
  }
  static void read(CodeEvent& e, const Statement& s, int i) {
    const std::string stored = s.text(i);
    const auto kind = code_event_kind_named(stored);
    if (!kind) raise_internal("type \"" + stored + "\"");
    e.kind = *kind;
  }
  static ordered_json json(const CodeEvent& e) { return std::string(code_event_kind_name(e.kind)); }
};

struct TokenEventTypeField {
  static std::optional<std::string> text(const TokenEvent& e) {
    return std::string(token_event_kind_name(e.kind));
  }
  static void read(TokenEvent& e, const Statement& s, int i) {
    const std::string stored = s.text(i);
    const auto kind = token_event_kind_named(stored);
    if (!kind) raise_internal("type \"" + stored + "\"");
    e.kind = *kind;
  }
  static ordered_json json(const TokenEvent& e) { return std::string(token_event_kind_name(e.kind)); }
};

struct RoleField {
  static std::optional<std::string> text(const TokenEvent& e) { return std::string(role_name(e.role)); }
  static void read(TokenEvent& e, const Statement& s, int i) {
    const std::string stored = s.text(i);
    const auto role = parse_role(stored);
    if (!role) raise_internal("role \"" + stored + "\"");
    e.role = *role;
  }
  static ordered_json json(const TokenEvent& e) { return std::string(role_name(e.role)); }
};

constexpr char kIssuedAt[] = "issued_at", kUpdatesUntil[] = "updates_until", kExpires[] = "expires",
               kAt[] = "at", kValidUntil[] = "valid_until", kCreatedAt[] = "created_at",
               kExpiresAt[] = "expires_at";

using E = LedgerEntry;
constexpr SqlType kInt = SqlType::integer, kText = SqlType::text;

// The licenses table: every issued token. In JSON order; the canonical bytes take the chain
// positions (0 to 17, then written_by and code up to the last of them that is set: versions 4
// and 6 added them so that the links written before them keep their bytes).
constexpr std::array<Column<E>, 20> kLicenseColumns{{
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
    column<OptionalNumber<&E::code>, E>("code", kInt, 6, 19, "code", true),
    column<Text<&E::token>, E>("token", kText, 1, 17, "token"),
}};

using V = LedgerEvent;
// The events table: a license taken back. In JSON order; the canonical bytes take the chain
// positions 0 to 6, then written_by when it is set (version 8 added it: older links keep their
// bytes).
constexpr std::array<Column<V>, 8> kEventColumns{{
    column<EventTypeField, V>("type", kText, 3, 1, "type"),
    column<Number<&V::serial>, V>("serial", kInt, 3, 2, "serial"),
    column<OptionalText<&V::reason>, V>("reason", kText, 3, 3, "reason"),
    column<Time<&V::at, kAt>, V>("at", kText, 3, 4, "at"),
    column<Text<&V::who>, V>("who", kText, 3, 5, "who"),
    column<OptionalText<&V::transfer_to>, V>("transfer_to", kText, 3, 6, "transfer_to"),
    column<ChainSeqField<&V::chain_seq>, V>("chain_seq", kInt, 3, 0, "chain_seq"),
    column<OptionalText<&V::written_by>, V>("written_by", kText, 8, 7, "written_by", true),
}};

using C = CodeRow;
// The codes table (version 6): a code and what it issues, never the code itself. In JSON order.
constexpr std::array<Column<C>, 10> kCodeColumns{{
    column<Number<&C::number>, C>("number", kInt, 6, 1, "number"),
    column<Text<&C::code_hash>, C>("code_hash", kText, 6, 2, ""),
    column<Text<&C::items>, C>("items", kText, 6, 3, "items"),
    column<OptionalText<&C::reseller>, C>("reseller", kText, 6, 4, "reseller"),
    column<OptionalText<&C::customer>, C>("customer", kText, 6, 5, "customer"),
    column<OptionalText<&C::order>, C>("order_ref", kText, 6, 6, "order"),
    column<OptionalTime<&C::valid_until, kValidUntil>, C>("valid_until", kText, 6, 7, "valid_until"),
    column<Time<&C::created_at, kCreatedAt>, C>("created_at", kText, 6, 8, "created_at"),
    column<Text<&C::who>, C>("who", kText, 6, 9, "created_by"),
    column<ChainSeqField<&C::chain_seq>, C>("chain_seq", kInt, 6, 0, "chain_seq"),
}};

using D = CodeEvent;
// The code_events table (version 6): a code redeemed or voided, once each. In JSON order.
constexpr std::array<Column<D>, 7> kCodeEventColumns{{
    column<CodeEventTypeField, D>("type", kText, 6, 1, "type"),
    column<Number<&D::number>, D>("number", kInt, 6, 2, "number"),
    column<OptionalText<&D::appliance>, D>("appliance", kText, 6, 3, "appliance"),
    column<OptionalText<&D::reason>, D>("reason", kText, 6, 4, "reason"),
    column<Time<&D::at, kAt>, D>("at", kText, 6, 5, "at"),
    column<Text<&D::who>, D>("who", kText, 6, 6, "who"),
    column<ChainSeqField<&D::chain_seq>, D>("chain_seq", kInt, 6, 0, "chain_seq"),
}};

using T = TokenEvent;
// The token_events table (version 7): an API token created or revoked, once each. In JSON order.
// A creation's limits came with version 8, at the end of the canonical order up to the last of
// them that is set, so that the links written before them keep their bytes.
constexpr std::array<Column<T>, 10> kTokenEventColumns{{
    column<TokenEventTypeField, T>("type", kText, 7, 1, "type"),
    column<Text<&T::name>, T>("name", kText, 7, 2, "name"),
    column<RoleField, T>("role", kText, 7, 3, "role"),
    column<Text<&T::lookup_id>, T>("lookup_id", kText, 7, 4, ""),
    column<Time<&T::at, kAt>, T>("at", kText, 7, 5, "at"),
    column<Text<&T::who>, T>("who", kText, 7, 6, "who"),
    column<OptionalTime<&T::expires_at, kExpiresAt>, T>("expires_at", kText, 8, 7, "expires_at", true),
    column<OptionalNumber<&T::max_per_day>, T>("max_per_day", kInt, 8, 8, "max_per_day", true),
    column<OptionalText<&T::token_hash>, T>("token_hash", kText, 8, 9, "", true),
    column<ChainSeqField<&T::chain_seq>, T>("chain_seq", kInt, 7, 0, "chain_seq"),
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
static_assert(chain_positions_complete(kCodeColumns), "every code column has its own chain position");
static_assert(chain_positions_complete(kCodeEventColumns),
              "every code event column has its own chain position");
static_assert(chain_positions_complete(kTokenEventColumns),
              "every token event column has its own chain position");

const TableSpec<E> kLicenses{"licenses", kLicenseColumns.data(), kLicenseColumns.size()};
const TableSpec<V> kEvents{"events", kEventColumns.data(), kEventColumns.size()};
const TableSpec<C> kCodes{"codes", kCodeColumns.data(), kCodeColumns.size()};
const TableSpec<D> kCodeEvents{"code_events", kCodeEventColumns.data(), kCodeEventColumns.size()};
const TableSpec<T> kTokenEvents{"token_events", kTokenEventColumns.data(), kTokenEventColumns.size()};

// The optional columns at the end of the canonical order (chain_when_set) count up to the last
// of them that is set: a row that sets none has the bytes it had before they existed, and no
// value can move from one of them to another without changing the bytes.
void trim_unset_tail(ChainValues& values, std::size_t optional_tail) {
  while (optional_tail > 0 && !values.empty() && !values.back()) {
    values.pop_back();
    --optional_tail;
  }
}

template <class Row>
std::size_t optional_tail(const TableSpec<Row>& spec) {
  std::size_t n = 0;
  for (const Column<Row>& c : spec) n += c.chain_when_set ? 1 : 0;
  return n;
}

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
const TableSpec<CodeRow>& code_spec() {
  return kCodes;
}
const TableSpec<CodeEvent>& code_event_spec() {
  return kCodeEvents;
}
const TableSpec<TokenEvent>& token_event_spec() {
  return kTokenEvents;
}

bool is_integer_link_column(ChainLinkType type, std::string_view name) {
  switch (type) {
    case ChainLinkType::license: return is_integer_column(license_spec(), name);
    case ChainLinkType::event: return is_integer_column(event_spec(), name);
    case ChainLinkType::code: return is_integer_column(code_spec(), name);
    case ChainLinkType::code_event: return is_integer_column(code_event_spec(), name);
    case ChainLinkType::token_event: return is_integer_column(token_event_spec(), name);
  }
  return false;
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
  for (const Column<Row>* c : spec.in_chain_order()) values.push_back(c->text(row));
  trim_unset_tail(values, optional_tail(spec));
  return values;
}

template <class Row>
ChainValues stored_chain_values(const TableSpec<Row>& spec, const Statement& s) {
  ChainValues values;
  values.reserve(spec.size);
  for (const Column<Row>* c : spec.in_chain_order()) {
    values.push_back(s.optional_text(static_cast<int>(c - spec.columns)));
  }
  trim_unset_tail(values, optional_tail(spec));
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
SEATKEY_SPEC_FUNCTIONS(CodeRow)
SEATKEY_SPEC_FUNCTIONS(CodeEvent)
SEATKEY_SPEC_FUNCTIONS(TokenEvent)
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
        {"revoked_at", kText},
        {"expires_at", kText},
        {"max_per_day", kInt}},
       ""},
      {"tokens_before_chain", {{"name", kText}, {"revoked_at", kText}}, "name"},
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
