#include "seatkey/keygen/io/input.hpp"

#include <algorithm>

#include "io/checks.hpp"
#include "raise.hpp"
#include "seatkey/common/appliance_id.hpp"
#include "seatkey/common/text.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using detail::guarded;
using detail::raise_input;

// Longer than any appliance ID a person types: not echoed in the message.
constexpr std::size_t kMaxIdBytes = 128;

std::string appliance_of(std::string_view typed) {
  if (typed.size() > kMaxIdBytes) {
    raise_input("invalid appliance ID: " + std::to_string(typed.size()) + " characters, over 64");
  }
  auto id = canonical_appliance_id(typed);
  if (!id) raise_input("invalid appliance ID " + detail::quoted(typed) + ": " + id.error().message);
  return std::move(*id);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The groups of a typed ID between ':' and '-' when there are at least 3 and all are hex
// digits; else none (the ID is no MAC address or UUID, whatever its shape).
std::vector<std::string_view> hex_groups(std::string_view typed, bool* colons) {
  std::vector<std::string_view> groups;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= typed.size(); ++i) {
    if (i < typed.size() && typed[i] != ':' && typed[i] != '-') continue;
    const std::string_view g = typed.substr(start, i - start);
    if (g.empty() || !std::all_of(g.begin(), g.end(), is_hex)) return {};
    groups.push_back(g);
    *colons = *colons || (i < typed.size() && typed[i] == ':');
    start = i + 1;
  }
  return groups.size() >= 3 ? groups : std::vector<std::string_view>{};
}

// A MAC address or a UUID with a digit or a group left out names an appliance nobody has.
void refuse_broken_hex_id(std::string_view typed) {
  bool colons = false;
  const std::vector<std::string_view> groups = hex_groups(typed, &colons);
  if (groups.empty()) return;
  std::string sizes;
  std::size_t longest = 0;
  for (std::string_view g : groups) {
    sizes += (sizes.empty() ? "" : "-") + std::to_string(g.size());
    longest = std::max(longest, g.size());
  }
  if (longest <= 2) {
    if (sizes == "2-2-2-2-2-2") return;
    detail::raise(Code::appliance_id_mistyped,
                  "appliance ID " + detail::quoted(typed) + " is written as a MAC address but has " +
                      std::to_string(groups.size()) + " groups of " + sizes +
                      " hex digits, where a MAC address has 6 bytes of two: check it against the appliance",
                  {{"form", std::string("mac")}, {"expected_bytes", std::int64_t{6}}});
  }
  if (colons || (groups.size() != 5 && groups[0].size() != 8) || sizes == "8-4-4-4-12") return;
  detail::raise(Code::appliance_id_mistyped,
                "appliance ID " + detail::quoted(typed) + " is written as a UUID but its groups have " +
                    sizes +
                    " hex digits, where a UUID has 8-4-4-4-12 (16 bytes): check it against the appliance",
                {{"form", std::string("uuid")}, {"expected_bytes", std::int64_t{16}}});
}

std::int64_t serial_of(std::string_view typed) {
  std::int64_t value = 0;
  bool digits = !typed.empty() && typed.size() <= 18;  // 18 digits never overflow
  for (char c : typed) {
    if (!digits || c < '0' || c > '9') {
      digits = false;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (!digits || value < 1) {
    raise_input("not a serial: " + detail::quoted(typed) +
                " (serials are numbers from 1, as ledger list shows them)");
  }
  return value;
}

UnixTime time_of(std::string_view what, std::string_view text) {
  auto t = parse_rfc3339(text);
  if (!t) {
    raise_input(std::string(what) + " " + detail::quoted(text) +
                " is not an RFC 3339 time in the years 0000-9999 (like 2027-12-31T23:59:59Z)");
  }
  return *t;
}

// A filter's bound: a date (YYYY-MM-DD) is the start of that day in UTC, as people mean "since
// the 1st"; anything longer is an RFC 3339 time.
UnixTime time_or_date_of(std::string_view what, std::string_view text) {
  if (text.size() == 10) {
    if (auto t = parse_rfc3339(std::string(text) + "T00:00:00Z")) return *t;
  }
  auto t = parse_rfc3339(text);
  if (!t) {
    raise_input(std::string(what) + " " + detail::quoted(text) +
                " is neither a date (like 2026-12-01: the start of that day, UTC) nor an RFC 3339 time in "
                "the years 0000-9999 (like 2026-12-01T08:00:00Z)");
  }
  return *t;
}

// What a terminal would have to escape (C1 controls, bidirectional overrides, isolates and
// marks: they can disguise the text around them) has no place in a license. (The message names
// it as U+0085: a "\x85" in it would be escaped again where it is printed.)
void refuse_disguising(std::string_view what, std::string_view text) {
  if (const auto c = find_disguising_character(text)) {
    raise_input(std::string(what) + " contains " +
                (c->control     ? "a control character ("
                 : c->invisible ? "an invisible character ("
                                : "a bidirectional formatting character (") +
                code_point_name(c->code_point) + "), which could disguise what a terminal shows");
  }
}

std::string text_of(std::string_view what, std::string_view text) {
  if (text.empty()) raise_input(std::string(what) + " is empty");
  if (text.size() > kMaxTextClaimBytes) {
    raise_input(std::string(what) + " is " + std::to_string(text.size()) + " bytes, over the limit of " +
                std::to_string(kMaxTextClaimBytes));
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) raise_input(std::string(what) + " contains a control character");
  }
  if (!is_valid_utf8(text)) raise_input(std::string(what) + " is not valid UTF-8");
  refuse_disguising(what, text);
  return std::string(text);
}

// The names of a table, for "(one of: ...)".
template <class Names>
std::string choices(const Names& names, std::string_view separator) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : std::string(separator)) + std::string(n);
  return out;
}

}  // namespace

namespace detail {

std::string appliance_or_raise(std::string_view typed) {
  return appliance_of(typed);
}
std::string new_appliance_or_raise(std::string_view typed) {
  std::string id = appliance_of(typed);
  refuse_broken_hex_id(typed);
  return id;
}
std::string text_or_raise(std::string_view what, std::string_view text) {
  return text_of(what, text);
}
UnixTime time_or_raise(std::string_view what, std::string_view text) {
  return time_of(what, text);
}
Edition edition_or_raise(std::string_view name) {
  auto e = parse_edition(name);
  if (!e) raise_input("unknown edition " + quoted(name) + " (one of: " + edition_list() + ")");
  return *e;
}
int count_or_raise(long long count) {
  if (count < 1 || count > kMaxPacksPerOrder) {
    raise_input("count must be 1 to " + std::to_string(kMaxPacksPerOrder) + ", not " + std::to_string(count));
  }
  return static_cast<int>(count);
}

long long target_users_or_raise(std::string_view what, long long users) {
  if (users < 1 || users > kMaxTargetUsers) {
    raise_input(std::string(what) + " must be from 1 to " + std::to_string(kMaxTargetUsers) + ", not " +
                std::to_string(users));
  }
  return users;
}

UnixTime time_or_date_or_raise(std::string_view what, std::string_view text) {
  return time_or_date_of(what, text);
}

std::int64_t max_per_day_or_raise(std::string_view what, long long licenses) {
  if (licenses < 1 || licenses > kMaxTokenQuota) {
    raise_input(std::string(what) + " must be from 1 to " + std::to_string(kMaxTokenQuota) + ", not " +
                std::to_string(licenses));
  }
  return licenses;
}

}  // namespace detail

Result<std::string> parse_appliance(std::string_view typed) {
  return guarded([&] { return appliance_of(typed); });
}

Result<std::string> parse_new_appliance(std::string_view typed) {
  return guarded([&] { return detail::new_appliance_or_raise(typed); });
}

Result<Edition> parse_edition_name(std::string_view name) {
  return guarded([&] { return detail::edition_or_raise(name); });
}

Result<UnixTime> parse_time(std::string_view what, std::string_view text) {
  return guarded([&] { return time_of(what, text); });
}

Result<std::int64_t> parse_serial(std::string_view typed) {
  return guarded([&] { return serial_of(typed); });
}

Result<std::string> check_text(std::string_view what, std::string_view text) {
  return guarded([&] { return text_of(what, text); });
}

Result<long long> check_target_users(std::string_view what, long long users) {
  return guarded([&] { return detail::target_users_or_raise(what, users); });
}

Result<int> check_count(long long count) {
  return guarded([&] { return detail::count_or_raise(count); });
}

Result<UnixTime> parse_time_or_date(std::string_view what, std::string_view text) {
  return guarded([&] { return time_or_date_of(what, text); });
}

Result<std::int64_t> check_max_per_day(std::string_view what, long long licenses) {
  return guarded([&] { return detail::max_per_day_or_raise(what, licenses); });
}

Result<Role> parse_role_name(std::string_view name) {
  return guarded([&] {
    auto role = parse_role(name);
    if (!role) raise_input("unknown role " + detail::quoted(name) + " (one of: " + role_list() + ")");
    return *role;
  });
}

Result<std::string> check_token_name(std::string_view name) {
  return guarded([&] {
    std::string checked = text_of("the token name", name);
    // Rows name the token that wrote them: " desk" would read as "desk" there.
    if (checked.front() == ' ' || checked.back() == ' ') {
      raise_input("the token name " + detail::quoted(checked) + " begins or ends with a space");
    }
    if (checked.size() > kMaxTokenNameBytes) {
      raise_input("the token name is " + std::to_string(checked.size()) + " bytes, over the limit of " +
                  std::to_string(kMaxTokenNameBytes));
    }
    return checked;
  });
}

namespace {

// One filter value as the syntax shows it in a message.
std::string shown(const FilterSyntax& syntax, std::string_view value) {
  // The CLI prints its messages through terminal_safe(): escaped here, they would be twice.
  return syntax.quote_values ? detail::quoted(value) : std::string(value);
}

// The query's serials for pages: a positive decimal number without leading zeros.
std::optional<std::int64_t> page_number(std::string_view text) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

class FilterReader {
 public:
  FilterReader(const FilterSyntax& syntax, std::vector<const char*> names)
      : syntax_(syntax), names_(std::move(names)) {}

  // The value's name, refused when unknown or given twice.
  void admit(const std::string& name) {
    bool known = false;
    for (const char* n : names_) known = known || name == n;
    if (!known) {
      std::string list;
      for (const char* n : names_) list += (list.empty() ? "" : ", ") + std::string(n);
      raise_input("unknown query parameter " + detail::quoted(name) + " (one of: " + list + ")");
    }
    if (!seen_.emplace(name, true).second) {
      raise_input("query parameter " + detail::quoted(name) + " is given twice");
    }
  }
  std::string what(const std::string& name) const { return std::string(syntax_.prefix) + name; }

 private:
  const FilterSyntax& syntax_;
  std::vector<const char*> names_;
  std::map<std::string, bool> seen_;
};

void read_filter_value(LedgerFilter& f, const FilterReader& r, const FilterSyntax& syntax,
                       const std::string& name, const std::string& value) {
  if (name == "appliance") {
    f.appliance = appliance_of(value);
  } else if (name == "customer" || name == "order") {
    (name == "customer" ? f.customer : f.order) = text_of(r.what(name), value);
  } else if (name == "since" || name == "until") {
    (name == "since" ? f.since : f.until) = time_or_date_of(r.what(name), value);
  } else if (name == "kind") {
    f.kind = parse_kind(value);
    if (!f.kind) {
      raise_input("unknown kind " + shown(syntax, value) +
                  " (one of: " + choices(kKindNames, syntax.choice_separator) + ")");
    }
  } else if (name == "status") {
    f.status = parse_status(value);
    if (!f.status) {
      raise_input("unknown status " + shown(syntax, value) +
                  " (one of: " + choices(kStatusNames, syntax.choice_separator) + ")");
    }
  } else if (name == "after") {
    f.after = page_number(value);
    if (!f.after) raise_input("after " + detail::quoted(value) + " is not a serial");
  } else {
    const auto limit = page_number(value);
    if (!limit || *limit > static_cast<std::int64_t>(kMaxListLimit)) {
      raise_input("limit " + detail::quoted(value) + " is not a number from 1 to " +
                  std::to_string(kMaxListLimit));
    }
    f.limit = static_cast<std::size_t>(*limit);
  }
}

}  // namespace

Result<LedgerFilter> parse_filter(const std::vector<std::pair<std::string, std::string>>& values,
                                  const FilterSyntax& syntax) {
  return guarded([&] {
    LedgerFilter f;
    std::vector<const char*> names{"appliance", "customer", "order", "since", "until", "kind", "status"};
    if (syntax.pages) names.insert(names.end(), {"after", "limit"});
    FilterReader reader(syntax, std::move(names));
    if (syntax.pages) f.limit = kDefaultListLimit;
    for (const auto& [name, value] : values) {
      reader.admit(name);
      read_filter_value(f, reader, syntax, name, value);
    }
    return f;
  });
}

Result<FeedPage> parse_feed_page(const std::vector<std::pair<std::string, std::string>>& values) {
  return guarded([&] {
    FeedPage page;
    FilterReader reader(kQueryFilter, {"after", "limit"});
    for (const auto& [name, value] : values) {
      reader.admit(name);
      const auto n = value == "0" && name == "after" ? std::optional<std::int64_t>(0) : page_number(value);
      if (name == "after") {
        if (!n)
          raise_input("after " + detail::quoted(value) + " is not a position in the chain (0, 1, 2, ...)");
        page.after = *n;
      } else {
        if (!n || *n > static_cast<std::int64_t>(kMaxFeedLimit))
          raise_input("limit " + detail::quoted(value) + " is not a number from 1 to " +
                      std::to_string(kMaxFeedLimit));
        page.limit = static_cast<std::size_t>(*n);
      }
    }
    return page;
  });
}

Result<Period> parse_period(const std::vector<std::pair<std::string, std::string>>& values,
                            const FilterSyntax& syntax) {
  return guarded([&] {
    Period p;
    FilterReader reader(syntax, {"since", "until"});
    for (const auto& [name, value] : values) {
      reader.admit(name);
      (name == "since" ? p.since : p.until) = time_or_date_of(reader.what(name), value);
    }
    if (p.since && p.until && *p.since >= *p.until) {
      raise_input(reader.what("since") + " " + format_rfc3339(*p.since) + " is not before " +
                  reader.what("until") + " " + format_rfc3339(*p.until));
    }
    return p;
  });
}

}  // namespace seatkey::keygen
