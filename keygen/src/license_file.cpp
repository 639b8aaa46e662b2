#include "seatkey/keygen/license_file.hpp"

#include "seatkey/keygen/error.hpp"
#include "text.hpp"

namespace seatkey::keygen {

std::string describe(const LedgerEntry& e) {
  std::string out;
  if (e.kind == LicenseKind::server) {
    const EditionRules& rules = rules_of(*e.edition);
    out = "server license " + std::to_string(e.serial) + ": " + std::string(rules.name) + ", " +
          std::to_string(e.users) + (e.users == 1 ? " user" : " users") + " included";
    if (e.updates_until) out += ", updates until " + format_rfc3339(*e.updates_until);
    if (!rules.updates) out += ", no updates";
  } else {
    out = "user pack " + std::to_string(e.serial) + ": " + std::to_string(e.users) +
          (e.users == 1 ? " user" : " users");
  }
  if (e.expires) out += ", expires " + format_rfc3339(*e.expires);
  if (e.customer) out += ", customer " + detail::quoted(*e.customer);
  if (e.order) out += ", order " + detail::quoted(*e.order);
  out += ", issued " + format_rfc3339(e.issued_at);
  return out;
}

std::size_t license_file_entry_bytes(const LedgerEntry& e) {
  return 2 + describe(e).size() + 1 + e.token.size() + 1;
}

std::string describe_users(const ApplianceState& state) {
  const LedgerEntry* server = state.active_server();
  if (server == nullptr) return "no active server license";
  const EditionRules& rules = rules_of(*server->edition);
  std::string out = std::string(rules.name) + ", " + std::to_string(state.total_users()) +
                    (state.total_users() == 1 ? " user" : " users");
  if (!rules.accepts_packs) return out + " (the free edition; no packs, no updates)";
  out += " (" + std::to_string(rules.included_users) + " included + " + std::to_string(state.pack_users()) +
         " in packs, ";
  out += rules.max_users ? "max " + std::to_string(*rules.max_users) + ")" : "no maximum)";
  return out;
}

std::string license_file_text(const ApplianceState& state, UnixTime now) {
  const LedgerEntry* server = state.active_server();
  if (server == nullptr) {
    std::string why = "appliance " + state.appliance() + " has no active server license on record";
    if (const LedgerEntry* old = state.expired_server()) {
      why += " (server license " + std::to_string(old->serial) + " expired at " +
             format_rfc3339(*old->expires) + ")";
    }
    throw_refusal(why + ": nothing to export");
  }
  std::string out;
  out += "# seatkey license file for appliance " + state.appliance() + "\n";
  out += "# " + describe_users(state) + "; exported " + format_rfc3339(now) + "\n";
  out += "# One PASETO v4.public token per line; lines starting with '#' are comments.\n";
  const auto add = [&out](const LedgerEntry& e) {
    out += "# " + describe(e) + "\n";
    out += e.token + "\n";
  };
  add(*server);
  for (const LedgerEntry& pack : state.packs()) add(pack);
  return out;
}

}  // namespace seatkey::keygen
