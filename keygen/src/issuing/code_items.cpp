// What an activation code issues: its items as typed, as the ledger records them, and for
// people.
#include <charconv>

#include "raise.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/keygen/issuing/orders.hpp"

namespace seatkey::keygen {
namespace {

using detail::raise;
using detail::raise_input;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t at = text.find(separator);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

int number_or_raise(std::string_view item, std::string_view text, int low, int high, const char* what) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    raise_input("item \"" + std::string(item) + "\": " + what + " must be a whole number from " +
                std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

CodeItem server_item(std::string_view item, const std::vector<std::string_view>& parts) {
  CodeItem out;
  out.type = CodeItem::Type::server;
  const auto edition = parse_edition(parts[0].substr(parts[0].find(':') + 1));
  if (!edition) {
    raise_input("item \"" + std::string(item) + "\": the edition is one of " + edition_list(", "));
  }
  out.edition = *edition;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string_view option = parts[i].substr(0, parts[i].find(':'));
    const std::string_view value = parts[i].find(':') == std::string_view::npos
                                       ? std::string_view()
                                       : parts[i].substr(option.size() + 1);
    int* months = option == "updates"   ? &out.update_months
                  : option == "expires" ? &out.expires_months
                                        : nullptr;
    if (months == nullptr || *months != 0) {
      raise_input("item \"" + std::string(item) +
                  "\": a server item takes updates:MONTHS and expires:MONTHS, each once");
    }
    *months = number_or_raise(item, value, 1, kMaxCodeMonths, "the months");
  }
  if (out.update_months > 0 && !rules_of(out.edition).updates) {
    raise(Code::edition_not_updated,
          "item \"" + std::string(item) + "\": the " + std::string(edition_name(out.edition)) +
              " edition is never updated: it takes no update option",
          {{"edition", std::string(edition_name(out.edition))}});
  }
  return out;
}

CodeItem pack_item(std::string_view item, std::string_view value) {
  CodeItem out;
  out.type = CodeItem::Type::users;
  const std::size_t x = value.find('x');
  const std::string sizes = pack_size_list(" or ");
  out.users = number_or_raise(item, value.substr(0, x), 1, 1000000, "the pack size");
  if (!is_valid_pack_size(out.users)) {
    raise(Code::pack_size, "item \"" + std::string(item) + "\": a user pack holds " + sizes + " users",
          {{"users", static_cast<std::int64_t>(out.users)}});
  }
  if (x != std::string_view::npos)
    out.count = number_or_raise(item, value.substr(x + 1), 1, kMaxPacksPerOrder, "the count");
  return out;
}

CodeItem item_or_raise(std::string_view item) {
  const std::vector<std::string_view> parts = split(item, ',');
  const std::string_view head = parts[0].substr(0, parts[0].find(':'));
  const bool has_value = parts[0].find(':') != std::string_view::npos;
  if (head == "server" && has_value) return server_item(item, parts);
  if (parts.size() == 1 && has_value) {
    const std::string_view value = parts[0].substr(head.size() + 1);
    if (head == "users") return pack_item(item, value);
    if (head == "updates") {
      CodeItem out;
      out.type = CodeItem::Type::updates;
      out.update_months = number_or_raise(item, value, 1, kMaxCodeMonths, "the months");
      return out;
    }
  }
  raise_input("item \"" + std::string(item) +
              "\" is none of server:EDITION[,updates:MONTHS][,expires:MONTHS], users:" +
              pack_size_list("|", "|") + "[xCOUNT], updates:MONTHS");
}

std::string item_text(const CodeItem& i) {
  switch (i.type) {
    case CodeItem::Type::server: {
      std::string out = "server:" + std::string(edition_name(i.edition));
      if (i.update_months > 0) out += ",updates:" + std::to_string(i.update_months);
      if (i.expires_months > 0) out += ",expires:" + std::to_string(i.expires_months);
      return out;
    }
    case CodeItem::Type::users:
      return "users:" + std::to_string(i.users) + (i.count > 1 ? "x" + std::to_string(i.count) : "");
    case CodeItem::Type::updates: return "updates:" + std::to_string(i.update_months);
  }
  return "";
}

// The items merged (packs of one size added up) and checked as a whole.
std::vector<CodeItem> merged_or_raise(const std::vector<CodeItem>& items) {
  if (items.empty()) raise_input("a code needs at least one item");
  const CodeItem* server = nullptr;
  const CodeItem* updates = nullptr;
  std::vector<CodeItem> packs;
  long long users = 0;
  for (const CodeItem& i : items) {
    if (i.type == CodeItem::Type::users) {
      users += static_cast<long long>(i.users) * i.count;
      bool added = false;
      for (CodeItem& p : packs) {
        if (p.users != i.users) continue;
        p.count += i.count;
        added = true;
      }
      if (!added) packs.push_back(i);
      continue;
    }
    const CodeItem*& slot = i.type == CodeItem::Type::server ? server : updates;
    if (slot != nullptr)
      raise_input("a code carries one " + item_text(i).substr(0, item_text(i).find(':')) + " item");
    slot = &i;
  }
  if (server != nullptr && updates != nullptr) {
    raise_input(
        "a code with a server item gives its update option as server:EDITION,updates:MONTHS, not as "
        "a separate updates item");
  }
  for (const CodeItem& p : packs) {
    if (p.count > kMaxPacksPerOrder)
      raise_input("a code carries at most " + std::to_string(kMaxPacksPerOrder) + " packs of a size");
  }
  if (server != nullptr && !packs.empty()) {
    const EditionRules& rules = rules_of(server->edition);
    if (!rules.accepts_packs) {
      raise(Code::free_takes_no_packs,
            "the " + std::string(rules.name) + " edition takes no user packs: a code cannot carry both",
            {{"edition", std::string(rules.name)}});
    }
    if (rules.max_users && rules.included_users + users > *rules.max_users) {
      raise(Code::compact_max_users,
            "the items come to " + std::to_string(rules.included_users + users) + " users, over the " +
                std::string(rules.name) + " edition's maximum of " + std::to_string(*rules.max_users),
            {{"edition", std::string(rules.name)},
             {"max_users", static_cast<std::int64_t>(*rules.max_users)},
             {"users_after", static_cast<std::int64_t>(rules.included_users + users)}});
    }
  }
  std::vector<CodeItem> out;
  if (server != nullptr) out.push_back(*server);
  if (updates != nullptr) out.push_back(*updates);
  out.insert(out.end(), packs.begin(), packs.end());
  return out;
}

std::string describe_item(const CodeItem& i) {
  switch (i.type) {
    case CodeItem::Type::server: {
      std::string out = std::string(edition_name(i.edition)) + " server license";
      if (i.update_months > 0) out += " with " + std::to_string(i.update_months) + " months of updates";
      if (i.expires_months > 0)
        out += (i.update_months > 0 ? ", " : " ") + std::string("for ") + std::to_string(i.expires_months) +
               " months";
      return out;
    }
    case CodeItem::Type::users:
      return std::to_string(i.count) + (i.count == 1 ? " pack of " : " packs of ") + std::to_string(i.users) +
             (i.users == 1 ? " user" : " users");
    case CodeItem::Type::updates: return std::to_string(i.update_months) + " more months of updates";
  }
  return "";
}

}  // namespace

Result<CodeItem> parse_code_item(std::string_view text) {
  return detail::guarded([&] { return item_or_raise(text); });
}

Result<std::string> code_items_text(const std::vector<CodeItem>& items) {
  return detail::guarded([&] {
    std::string out;
    for (const CodeItem& i : merged_or_raise(items)) out += (out.empty() ? "" : " ") + item_text(i);
    return out;
  });
}

Result<std::vector<CodeItem>> parse_code_items(std::string_view text) {
  return detail::guarded([&] {
    std::vector<CodeItem> items;
    for (std::string_view part : split(text, ' ')) items.push_back(item_or_raise(part));
    return merged_or_raise(items);
  });
}

std::string describe_code_items(std::string_view items_text) {
  auto items = parse_code_items(items_text);
  if (!items) return std::string(items_text);
  std::string out;
  for (const CodeItem& i : *items) out += (out.empty() ? "" : " + ") + describe_item(i);
  return out;
}

UnixTime add_months(UnixTime t, int months) {
  // Howard Hinnant's civil-from-days and days-from-civil, for the proleptic Gregorian calendar.
  const std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  const std::int64_t seconds = t - days * 86400;
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const std::int64_t total = y * 12 + (m - 1) + months;
  y = total >= 0 ? total / 12 : (total - 11) / 12;
  m = total - y * 12 + 1;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const std::int64_t last = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  const std::int64_t day = d < last ? d : last;
  const std::int64_t yy = m <= 2 ? y - 1 : y;
  const std::int64_t era2 = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe2 = yy - era2 * 400;
  const std::int64_t doy2 = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
  const std::int64_t doe2 = yoe2 * 365 + yoe2 / 4 - yoe2 / 100 + doy2;
  return (era2 * 146097 + doe2 - 719468) * 86400 + seconds;
}

}  // namespace seatkey::keygen
