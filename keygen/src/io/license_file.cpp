#include "seatkey/keygen/io/license_file.hpp"

#include "issuing/revocation_claims.hpp"
#include "raise.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/text.hpp"
#include "text.hpp"

namespace seatkey::keygen {
namespace {

using detail::guarded;
using detail::raise;

// The most bytes the header comment lines may take (part of the file size budget).
constexpr std::size_t kHeaderBudget = 1024;

// The bytes one entry takes in the file: its comment line and its token line.
std::size_t entry_bytes(const LedgerEntry& e) {
  return 2 + describe(e).size() + 1 + e.token.size() + 1;
}

}  // namespace

std::string quoted(std::string_view text) {
  return detail::quoted(text);
}

std::string describe(const LedgerEntry& e) {
  std::string out;
  if (e.kind == LicenseKind::server) {
    const EditionRules& rules = rules_of(*e.edition);
    out = "server license " + std::to_string(e.serial) + ": " + std::string(rules.name) + ", " +
          users_text(e.users) + " included";
    if (e.updates_until) out += ", updates until " + format_rfc3339(*e.updates_until);
    if (!rules.updates) out += ", no updates";
  } else if (e.kind == LicenseKind::standby) {
    out = "standby license " + std::to_string(e.serial) + ": the standby of " + *e.primary_appliance;
  } else {
    out = "user pack " + std::to_string(e.serial) + ": " + users_text(e.users);
  }
  if (e.expires) out += ", expires " + format_rfc3339(*e.expires);
  out += describe_customer_and_order(e);
  out += ", issued " + format_rfc3339(e.issued_at);
  return out;
}

std::string describe_customer_and_order(const LedgerEntry& e) {
  std::string out;
  if (e.customer) out += ", customer " + detail::quoted(*e.customer);
  if (e.order) out += ", order " + detail::quoted(*e.order);
  return out;
}

std::string describe_users(const std::optional<Edition>& edition, const UserCount& users) {
  if (!edition) return "no active server license";
  const EditionRules& rules = rules_of(*edition);
  std::string out = std::string(rules.name) + ", " + users_text(users.licensed_users);
  if (!rules.accepts_packs)
    return out + " (the " + std::string(rules.name) + " edition: no packs, no updates)";
  out += " (" + std::to_string(users.included_users) + " included + " + std::to_string(users.pack_users) +
         " in packs, ";
  out += rules.max_users ? "max " + std::to_string(*rules.max_users) + ")" : "no maximum)";
  return out;
}

std::string describe_users(const ApplianceState& state) {
  if (const LedgerEntry* standby = state.active_standby()) {
    return "the standby of " + *standby->primary_appliance + " (standby license " +
           std::to_string(standby->serial) + "), counting its licenses";
  }
  const LedgerEntry* server = state.active_server();
  return describe_users(server ? server->edition : std::nullopt, state.users());
}

namespace {

// "exported <now>", or for a file that must read the same whenever it is asked for again (a
// code's answer), "as of <the newest change>".
std::string stamp_text(const ApplianceState& state, const std::optional<UnixTime>& as_of) {
  return as_of ? "as of " + format_rfc3339(*as_of) : "exported " + format_rfc3339(state.now());
}

std::string server_file(const ApplianceState& state, const std::optional<UnixTime>& as_of = std::nullopt) {
  const LedgerEntry* server = state.active_server();
  if (server == nullptr) {
    std::string why = "appliance " + state.appliance() + " has no active server license on record";
    if (const LedgerEntry* old = state.expired_server()) {
      why += " (server license " + std::to_string(old->serial) + " expired at " +
             format_rfc3339(*old->expires) + ")";
    }
    raise(Code::no_active_server_license, why + ": nothing to export", {{"appliance", state.appliance()}});
  }
  std::string out;
  out += "# seatkey license file for appliance " + state.appliance() + "\n";
  out += "# " + describe_users(state) + "; " + stamp_text(state, as_of) + "\n";
  out += "# One PASETO v4.public token per line; lines starting with '#' are comments.\n";
  const auto add = [&out](const LedgerEntry& e) {
    out += "# " + describe(e) + "\n";
    out += e.token + "\n";
  };
  add(*server);
  for (const LedgerEntry* pack : state.counted_packs()) add(*pack);
  return out;
}

std::string standby_file(const ApplianceState& standby, const ApplianceState& primary,
                         const std::optional<UnixTime>& as_of = std::nullopt) {
  const LedgerEntry* license = standby.active_standby();
  if (license == nullptr || *license->primary_appliance != primary.appliance()) {
    raise(Code::no_active_standby_license,
          "appliance " + standby.appliance() + " has no active standby license for " + primary.appliance() +
              " on record: nothing to export",
          {{"appliance", standby.appliance()}});
  }
  auto body = guarded([&] { return server_file(primary, as_of); });
  if (!body) {
    Error e = std::move(body).error();
    if (e.kind != Kind::refused) detail::raise(std::move(e));
    e.message = "appliance " + standby.appliance() + " is the standby of " + primary.appliance() +
                " (standby license " + std::to_string(license->serial) + "), but " + e.message;
    detail::raise(std::move(e));
  }
  std::string out;
  out += "# seatkey license file for appliance " + standby.appliance() + ", the standby of " +
         primary.appliance() + "\n";
  out += "# It counts the licenses of its primary " + primary.appliance() + " that follow.\n";
  out += "# " + describe(*license) + "\n";
  out += license->token + "\n";
  return out + *body;
}

// What a standby license adds to its primary's file in the standby's: its header and its entry.
constexpr std::size_t kStandbyPartBudget = kHeaderBudget + 2 * kMaxLicenseTokenBytes;

void refuse_over_limits(const std::string& whose, const std::string& appliance, std::size_t tokens,
                        std::size_t bytes) {
  const std::vector<Member> members{{"appliance", appliance},
                                    {"tokens", static_cast<std::int64_t>(tokens)},
                                    {"bytes", static_cast<std::int64_t>(bytes)}};
  if (tokens > kMaxLicenseSetTokens) {
    raise(Code::license_file_too_large,
          whose + " would hold " + std::to_string(tokens) + " tokens, over the " +
              std::to_string(kMaxLicenseSetTokens) + " the verifier reads: it would refuse the whole file",
          members);
  }
  if (bytes > kMaxLicensesBytes) {
    raise(Code::license_file_too_large,
          whose + " would be about " + std::to_string(bytes) + " bytes, over the " +
              std::to_string(kMaxLicensesBytes) +
              " the verifier reads beside a revocation list: it would refuse the whole file",
          members);
  }
}

// The appliance's file, and when it has a standby the standby's, which holds the same licenses
// after its own standby license. The standby is looked up only when its file could be over.
void file_limits(const ApplianceState& state, const StandbyLookup& standby_of) {
  const LedgerEntry* server = state.active_server();
  const std::vector<const LedgerEntry*> packs = state.counted_packs();
  const std::size_t tokens = (server ? 1 : 0) + packs.size();
  std::size_t bytes = kHeaderBudget + (server ? entry_bytes(*server) : 0);
  for (const LedgerEntry* pack : packs) bytes += entry_bytes(*pack);
  refuse_over_limits("appliance " + state.appliance() + "'s license file", state.appliance(), tokens, bytes);
  if (!standby_of || (tokens < kMaxLicenseSetTokens && bytes + kStandbyPartBudget <= kMaxLicensesBytes))
    return;
  if (const LedgerEntry* standby = standby_of()) {
    refuse_over_limits("the license file of " + state.appliance() + "'s standby " + standby->appliance +
                           " (standby license " + std::to_string(standby->serial) + ")",
                       state.appliance(), tokens + 1, bytes + kHeaderBudget + entry_bytes(*standby));
  }
}

}  // namespace

Result<std::string> license_file_text(const ApplianceState& state) {
  return guarded([&] { return server_file(state); });
}

Result<std::string> standby_license_file_text(const ApplianceState& standby, const ApplianceState& primary) {
  return guarded([&] { return standby_file(standby, primary); });
}

Result<void> check_license_file_limits(const ApplianceState& state, const StandbyLookup& standby_of) {
  return guarded([&] { file_limits(state, standby_of); });
}

namespace {

// The newest revocation list, when it names a license of one of `states` taken back: an older
// file the appliance keeps may hold that license (it got its licenses back after a transfer).
std::optional<LedgerEntry> list_to_carry(const Ledger& ledger,
                                         std::initializer_list<const ApplianceState*> states) {
  std::vector<std::int64_t> taken_back;
  for (const ApplianceState* state : states) {
    for (const LedgerEntry& e : state->history()) {
      if (e.voided) taken_back.push_back(e.serial);
    }
  }
  if (taken_back.empty()) return std::nullopt;
  auto newest = detail::take(ledger.licenses().newest_revocation_list());
  if (!newest) return std::nullopt;
  const RevocationList claims = detail::claims_of_list(ledger, *newest, false);
  for (std::int64_t serial : taken_back) {
    if (names_serial(claims.revoked, std::to_string(serial))) return newest;
  }
  return std::nullopt;
}

std::size_t token_lines(const std::string& file) {
  std::size_t n = 0;
  for (std::size_t at = 0; at < file.size();) {
    if (file[at] != '#') ++n;
    const std::size_t end = file.find('\n', at);
    at = end == std::string::npos ? file.size() : end + 1;
  }
  return n;
}

// The file with `list` after its licenses, when the verifier reads the whole of it (a set of up
// to kMaxLicenseSetTokens tokens and kMaxLicenseSetBytes): a file it refused whole would leave
// the appliance nothing, while without the list it counts right unless an older file lies beside.
void carry(const LedgerEntry& list, ExportedLicenseFile* out) {
  const std::string lines = "# revocation list " + std::to_string(*list.revocation_seq) + " (serial " +
                            std::to_string(list.serial) + ", issued " + format_rfc3339(list.issued_at) +
                            "): the licenses of this appliance taken back\n" + list.token + "\n";
  if (out->tokens + 1 > kMaxLicenseSetTokens || out->text.size() + lines.size() > kMaxLicenseSetBytes) return;
  out->text += lines;
  out->tokens += 1;
  out->revocation_list = list;
}

}  // namespace

Result<ExportedLicenseFile> export_license(const Ledger& ledger, const ApplianceState& state, UnixTime now,
                                           const std::optional<UnixTime>& as_of) {
  return guarded([&] {
    ExportedLicenseFile out;
    std::optional<LedgerEntry> list;
    if (const LedgerEntry* standby = state.active_standby()) {
      const std::string& p = *standby->primary_appliance;
      const ApplianceState primary(p, detail::take(ledger.licenses().of_appliance(p)), now);
      list = list_to_carry(ledger, {&state, &primary});
      // A file that reads the same while nothing changed says the time of its newest part.
      const auto stamp = as_of && list ? std::max(*as_of, list->issued_at) : as_of;
      out.text = standby_file(state, primary, stamp);
    } else {
      list = list_to_carry(ledger, {&state});
      const auto stamp = as_of && list ? std::max(*as_of, list->issued_at) : as_of;
      out.text = server_file(state, stamp);
    }
    out.tokens = token_lines(out.text);
    if (list) carry(*list, &out);
    return out;
  });
}

Result<std::string> export_license_file(const Ledger& ledger, const ApplianceState& state, UnixTime now,
                                        const std::optional<UnixTime>& as_of) {
  auto file = export_license(ledger, state, now, as_of);
  if (!file) return std::move(file).error();
  return std::move(file->text);
}

}  // namespace seatkey::keygen
