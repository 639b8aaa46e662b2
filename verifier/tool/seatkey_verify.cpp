// seatkey-verify: the appliance's boot check (docs/firmware.md).
//
//   seatkey-verify --appliance ID|--appliance-file F --licenses PATH
//       [--trusted-keys FILE] [--state FILE] [--grace-days N] [--warn-days N] [--now TIME]
//       [--users N] [--json]
//   seatkey-verify request ... | install ...   (activation_commands.hpp)
//
// "-" as F or PATH reads standard input (one of them at most), within the same limits as a
// file. Everything printed for people goes through terminal_safe(): file names, sources and
// messages may hold any bytes, and a file named "a\nUsers: 500\e[1;32m" must not forge
// lines or colours. --json prints the exact text, JSON-escaped.
//
// --now stands in for the system clock; like it, it cannot take the evaluation before the
// clock floor (the newest verified license's issue time, a firmware build's time, the state
// file's high-water mark). --state keeps that high-water mark and the last good entitlement
// for grace; its problems, and licenses it lets be unreadable, are warnings on stderr, never
// a failed boot check.
//
// Exit status: 0 licensed (a valid server license is active, or grace keeps the last good
// entitlement), 1 not licensed, 2 usage or input error (message on stderr). --users N reports whether N users
// fit the license and whether one more may be added; it does not change the exit status: a PBX with more
// users than licensed still has a valid license (it boots, it may not add users), and a boot script that must
// know reads the "users_fit" field of --json.
//
// --json prints the entitlement with the field names and order of docs/format.md; with
// --users N it adds "current_users", "users_fit" (N <= licensed_users) and "may_add_user"
// (N < licensed_users). "updates_allowed" answers for firmware released at --now (false on
// Free, and once an update option has ended); "max_users" is null for unlimited editions and
// 0 when not licensed. Entries whose token did not verify have null serial, kind and users.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "activation_commands.hpp"
#include "cli.hpp"
#include "entitlement_json.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/verifier.hpp"

namespace sv = seatkey::verifier;

namespace {

using namespace seatkey::verify_tool;  // NOLINT: the commands' shared helpers (cli.hpp)

struct Options {
  std::optional<std::string> appliance;
  std::string appliance_file;
  std::string licenses;
  std::string trusted_keys;
  std::string now;
  std::string state;
  bool state_given = false;
  std::optional<int> grace_days;
  int warn_days = 30;
  std::optional<std::int64_t> users;
  bool json = false;
};

// --version: the program, a firmware build's clock floor and grace, and whom it trusts: a
// development build says so; any other names its keys and its built-in revocation list, so
// that a firmware image can be checked before it ships.
std::string version_text() {
  std::string text = std::string(kProgram) + " " + SEATKEY_VERSION;
  if (const auto built = sv::build_time()) {  // a firmware build: what it enforces
    text += " (firmware build of " + sv::format_time(*built) + ", the clock floor; " +
            std::to_string(sv::default_grace_days()) + " days of grace)";
  }
  auto trust = sv::TrustStore::built_in();
  if (!trust) return text + "\n" + trust.error().message;
  if (trust->trusts(sv::development_key_id())) {
    text += "\ndevelopment build: trusts the public development key (" +
            std::string(sv::development_key_id()) + "), whose secret key is public: never ship it";
  }
  text += trust->size() == 1 ? "\ntrusted key:" : "\ntrusted keys:";
  for (std::size_t i = 0; i < trust->size(); ++i) text += " " + std::string(trust->key_id(i));
  // The built-in list is checked like at boot: evaluated (against the built-in keys) with no
  // licenses, for an appliance ID of no importance.
  auto e = sv::evaluate(sv::LicenseSet{}, "0000", *trust, sv::build_time().value_or(0));
  text += "\nbuilt-in revocation list: ";
  if (e && e->revocation_seq) return text + "seq " + std::to_string(*e->revocation_seq);
  return text + (sv::built_in_revocation_list() ? "does not verify against the built-in keys" : "none");
}

// What to check: the appliance, its licenses, the keys (in a development build).
void setup_inputs(CLI::App& app, Options& o) {
  auto* id = app.add_option_function<std::string>(
                    "--appliance", [&o](const std::string& v) { o.appliance = v; },
                    "This appliance's ID (e.g. 00:1a:2b:3c:4d:5e)")
                 ->type_name("ID");
  auto* id_file = app.add_option("--appliance-file", o.appliance_file,
                                 "Read the appliance ID from file F, - for standard input\n"
                                 "(trailing whitespace ignored)")
                      ->type_name("F");
  id->excludes(id_file);
  id_file->excludes(id);
  app.add_option("--licenses", o.licenses,
                 "License file, - for standard input, or a directory whose regular files are\n"
                 "read in name order (hidden files and subdirectories are skipped)")
      ->type_name("PATH")
      ->required();
#if SEATKEY_VERIFY_TRUSTED_KEYS_OPTION
  app.add_option("--trusted-keys", o.trusted_keys,
                 "Trust the k4.public keys in FILE instead of the keys built into this program")
      ->type_name("FILE");
#endif
}

// How to check it: the state file, grace, warnings, the time, the users in use.
void setup_evaluation(CLI::App& app, Options& o) {
  app.add_option_function<std::string>(
         "--state",
         [&o](const std::string& path) {
           o.state = path;
           o.state_given = true;
         },
         "Keep the clock's high-water mark and the last good entitlement in FILE (created\n"
         "0600; its folder must be writable), for the clock floor and grace")
      ->type_name("FILE");
#if SEATKEY_VERIFY_GRACE_DAYS_OPTION
  app.add_option_function<int>(
         "--grace-days", [&o](const int& n) { o.grace_days = n; },
         "With --state: days the last good entitlement is kept after it was lost other than by\n"
         "expiry (default " +
             std::to_string(sv::default_grace_days()) + ", 0: no grace)")
      ->type_name("N")
      ->check(CLI::Range(0, 3650));
#endif
  app.add_option("--warn-days", o.warn_days, "Name the licenses that expire within N days (default 30)")
      ->type_name("N")
      ->check(CLI::Range(0, 3650));
  app.add_option("--now", o.now,
                 "Evaluate at this RFC 3339 time instead of the system clock (never before the\n"
                 "clock floor)")
      ->type_name("TIME");
  app.add_option_function<std::int64_t>(
         "--users", [&o](const std::int64_t& n) { o.users = n; },
         "Report whether N users fit the license (does not change the exit status)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
}

void setup(CLI::App& app, Options& o) {
  app.description(
      "Checks the licenses of this PBX appliance offline: which edition is licensed, for how many\n"
      "users, whether firmware updates are included, and which licenses were not accepted and why.");
  setup_inputs(app, o);
  setup_evaluation(app, o);
  app.add_flag("--json", o.json, "Print the entitlement as JSON");
  app.set_version_flag("--version", version_text);
  app.footer(
      "Example:\n"
      "  seatkey-verify --appliance-file /etc/machine-id --licenses /etc/seatkey/licenses --users 12\n"
      "  seatkey-verify --appliance-file /etc/machine-id --licenses /etc/seatkey/licenses "
      "--state /var/lib/seatkey/state\n"
      "\n"
      "Exit status: 0 licensed (also in grace), 1 not licensed, 2 usage or input error.");
  // CLI11 quotes what was typed (an option's value may hold any bytes).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string(kProgram) + ": " + seatkey::terminal_safe(e.what()) +
           "\nRun with --help for more information.\n";
  });
}

// The license set at o.licenses; kStdin reads standard input, bounded like a file (an endless
// input such as /dev/zero is too_large at 5 MiB), its sources "stdin:LINE".
sv::Expected<sv::LicenseSet> load_license_set(const std::string& path) {
  if (path != kStdin) return sv::load_licenses(path);
  auto text = seatkey::read_fd_bounded(STDIN_FILENO, seatkey::kMaxLicenseSetBytes, "stdin");
  if (!text) return sv::Error{sv::ErrorCode::io_error, "cannot read licenses from " + text.error().message};
  return sv::parse_licenses(*text, "stdin");
}

// "Compact": the name for people from the editions' rules (the API's Edition and the rules'
// are one list, seatkey/editions.h, in one order).
std::string display_edition(sv::Edition e) {
  const auto i = static_cast<std::size_t>(e);
  return i < seatkey::kEditions.size() ? std::string(seatkey::kEditions[i].display_name) : "?";
}

// "about 56 years", "3 days", "1 hour", "12 seconds": a span of time in words.
std::string duration_text(std::int64_t seconds) {
  const auto count = [](std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  constexpr std::int64_t kDay = 86400;
  constexpr std::int64_t kYear = 31556952;  // 365.2425 days
  if (seconds >= 2 * kYear) return "about " + count(seconds / kYear, "year");
  if (seconds >= kDay) return count(seconds / kDay, "day");
  if (seconds >= 3600) return count(seconds / 3600, "hour");
  if (seconds >= 60) return count(seconds / 60, "minute");
  return count(seconds, "second");
}

// Paths in `source` may be any bytes: invalid UTF-8 is shown as U+FFFD, never an error.
std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// The reports one by one, as dump() would print them inside the object (no tree of 10,000
// reports in memory): each one's own dump, indented by 4 more spaces.
void print_reports(const std::vector<sv::LicenseReport>& reports, std::ostream& out) {
  out << "[\n";
  for (std::size_t i = 0; i < reports.size(); ++i) {
    std::string text = dump(sv::report_json(reports[i]));
    out << "    ";
    for (char c : text) {
      out.put(c);
      if (c == '\n') out << "    ";
    }
    out << (i + 1 < reports.size() ? ",\n" : "\n  ]");
  }
}

// `extra`'s members go after the entitlement's (seatkey-verify install's outcome).
void print_json(const sv::Entitlement& e, const Options& o, std::ostream& out,
                const nlohmann::ordered_json& extra = nlohmann::ordered_json::object()) {
  nlohmann::ordered_json j = sv::entitlement_json(e, false);  // the report lists: print_reports
  if (o.users) {
    j["current_users"] = *o.users;
    j["users_fit"] = e.licensed && *o.users <= e.licensed_users;
    j["may_add_user"] = e.may_add_user(*o.users);
  }
  for (const auto& [key, value] : extra.items()) j[key] = value;
  // The object printed member by member (the report lists one report at a time) is exactly
  // dump()'s output.
  out << "{\n";
  bool first = true;
  for (const auto& [key, value] : j.items()) {
    out << (first ? "" : ",\n") << "  " << dump(nlohmann::ordered_json(key)) << ": ";
    first = false;
    const std::vector<sv::LicenseReport>* reports = key == "accepted"   ? &e.accepted
                                                    : key == "rejected" ? &e.rejected
                                                                        : nullptr;
    if (reports != nullptr && !reports->empty()) {
      print_reports(*reports, out);
    } else {
      // A nested object or list, as dump() indents it one level down.
      for (char c : dump(value)) {
        out.put(c);
        if (c == '\n') out << "  ";
      }
    }
  }
  out << "\n}\n";
}

// "user pack 1007 (5 users): ", "server license 1001: ", "standby license 1009: ", or nothing
// for a token that did not verify (nothing in it can be believed).
std::string describe(const sv::LicenseReport& r) {
  if (!r.serial || !r.kind) return "";
  if (*r.kind == sv::LicenseKind::server) return "server license " + *r.serial + ": ";
  if (*r.kind == sv::LicenseKind::revocation) return "revocation list " + *r.serial + ": ";
  if (*r.kind == sv::LicenseKind::standby) return "standby license " + *r.serial + ": ";
  return "user pack " + *r.serial + " (" + seatkey::users_text(r.users.value_or(0)) + "): ";
}

// A line naming the accepted licenses signed with the public development key (up to five
// serials), when there are any: such licenses are worth nothing outside a development build.
void print_development_key(const sv::Entitlement& e, std::ostream& out) {
  if (!e.development_key) return;
  std::vector<std::string> serials;
  for (const auto& r : e.accepted) {
    if (r.development_key) serials.push_back(*r.serial);
  }
  constexpr std::size_t kNamed = 5;
  std::ostringstream line;
  line << "Dev key:  " << (serials.size() == 1 ? "license " : "licenses ");
  for (std::size_t i = 0; i < serials.size() && i < kNamed; ++i) line << (i > 0 ? ", " : "") << serials[i];
  if (serials.size() > kNamed) line << " and " << serials.size() - kNamed << " more";
  line << (serials.size() == 1 ? " is" : " are")
       << " signed with the public DEVELOPMENT key, which anyone can sign with: a production firmware "
          "does not accept "
       << (serials.size() == 1 ? "it." : "them.");
  print_line(out, line);
}

// The users line of a licensed appliance: included, from packs, and the edition's cap.
void print_users(const sv::Entitlement& e, const std::string& edition, std::ostream& out) {
  std::ostringstream line;
  line << "Users:    " << e.licensed_users << " (" << e.included_users << " included";
  if (e.pack_users > 0) line << " + " << e.pack_users << " from user packs";
  if (e.excess_users > 0) {
    line << ", capped at the " << edition << " edition's maximum of " << *e.max_users << "; "
         << seatkey::users_text(e.excess_users) << " from user packs not counted).";
  } else if (e.max_users) {
    line << "; the " << edition << " edition allows up to " << *e.max_users << ").";
  } else {
    line << "; no upper limit).";
  }
  print_line(out, line);
}

void print_updates(const sv::Entitlement& e, std::ostream& out) {
  std::ostringstream line;
  if (*e.edition == sv::Edition::free) {
    line << "Updates:  not included in the Free edition.";
  } else if (!e.updates_until) {
    line << "Updates:  included.";
  } else if (e.updates_allowed()) {
    line << "Updates:  included for firmware released until " << sv::format_time(*e.updates_until) << ".";
  } else {
    line << "Updates:  the update option ended at " << sv::format_time(*e.updates_until)
         << "; firmware released after that may not be installed.";
  }
  print_line(out, line);
}

// The first lines: licensed or not, and for a licensed appliance its grace, users, updates and
// activation codes.
void print_licensed(const sv::Entitlement& e, std::ostream& out) {
  std::ostringstream line;
  if (!e.licensed) {
    line << "Appliance " << e.appliance << " is NOT licensed: no valid server license was found";
    if (e.standby_for) line << " (standby for " << *e.standby_for << ": only its licenses count here)";
    line << ".";
    print_line(out, line);
    return;
  }
  const std::string edition = display_edition(*e.edition);
  line << "Appliance " << e.appliance << " is licensed" << (e.grace ? " IN GRACE" : "") << ": " << edition
       << " edition, " << seatkey::users_text(e.licensed_users) << " (server license " << *e.server_license;
  if (e.standby_for) line << "; standby for " << *e.standby_for;
  line << ").";
  print_line(out, line);
  if (e.grace) {
    line << "Grace:    " << duration_text(e.grace->until - e.evaluated_at) << " left, until "
         << sv::format_time(e.grace->until) << " (since " << sv::format_time(e.grace->since) << ", "
         << sv::grace_reason_name(e.grace->reason) << "): " << e.grace->message
         << "; after that it is not licensed.";
    print_line(out, line);
  }
  print_users(e, edition, out);
  print_updates(e, out);
  if (const std::string codes = activated_with(e); !codes.empty())
    print_line(out, "Codes:    " + codes + ".");
}

void print_clock(const sv::Entitlement& e, std::ostream& out) {
  if (!e.clock_behind) return;
  std::ostringstream line;
  line << "Clock:    the system clock (" << sv::format_time(e.clock) << ") is behind by "
       << duration_text(*e.clock_floor - e.clock) << ": evaluated at " << sv::format_time(e.evaluated_at)
       << ", the latest time this appliance knows has passed.";
  print_line(out, line);
}

void print_revoked(const sv::Entitlement& e, std::ostream& out) {
  if (!e.revocation_seq) return;
  // The accepted lists: the one that applies (the built-in list comes after the set's), then
  // the built-in one when it is a floor under it.
  std::vector<const sv::LicenseReport*> lists;
  for (const sv::LicenseReport& r : e.accepted) {
    if (r.kind == sv::LicenseKind::revocation) lists.push_back(&r);
  }
  const auto revoked = std::count_if(e.rejected.begin(), e.rejected.end(), [](const sv::LicenseReport& r) {
    return r.reason == sv::Reason::revoked;
  });
  std::ostringstream line;
  line << "Revoked:  " << revoked << (revoked == 1 ? " license" : " licenses")
       << " revoked by the vendor's revocation list " << *lists[0]->serial << " (seq " << *e.revocation_seq
       << ", " << lists[0]->source << ")";
  for (std::size_t i = 1; i < lists.size(); ++i) {
    line << (i == 1 ? " and the floor under it, list " : ", ") << *lists[i]->serial << " ("
         << lists[i]->source << ")";
  }
  line << ".";
  print_line(out, line);
}

void print_expiring(const sv::Entitlement& e, std::ostream& out) {
  std::ostringstream line;
  for (std::size_t i : e.expiring) {
    const sv::LicenseReport& r = e.accepted[i];
    std::string what = describe(r);
    what.resize(what.size() - 2);  // without its ": "
    line << "Expiring: " << what << " expires " << sv::format_time(*r.expires) << ", in "
         << duration_text(*r.expires - e.evaluated_at) << " (" << r.source << ").";
    print_line(out, line);
  }
}

// --users N: whether the users in use fit.
void print_in_use(const sv::Entitlement& e, std::int64_t n, std::ostream& out) {
  std::ostringstream line;
  line << "In use:   " << seatkey::users_text(n);
  if (!e.licensed) {
    line << ": not licensed.";
  } else if (n > e.licensed_users) {
    line << ", " << (n - e.licensed_users) << " more than licensed; no user may be added.";
  } else if (n == e.licensed_users) {
    line << ": fits; no more users may be added.";
  } else {
    line << ": fits; " << (e.licensed_users - n) << " more may be added.";
  }
  print_line(out, line);
}

void print_licenses(const sv::Entitlement& e, const Options& o, std::ostream& out) {
  std::ostringstream line;
  if (e.accepted.empty() && e.rejected.empty()) {
    line << "Licenses: none found in " << (o.licenses == kStdin ? "stdin" : o.licenses) << ".";
    print_line(out, line);
    return;
  }
  line << "Licenses: " << e.accepted.size() << " accepted, " << e.rejected.size() << " not accepted"
       << (e.rejected.empty() ? "." : ":");
  print_line(out, line);
  for (const auto& r : e.rejected) {
    line << "  " << r.source << ": " << describe(r) << r.message << ".";
    print_line(out, line);
  }
}

// The summary for people, each line through print_line().
void print_summary(const sv::Entitlement& e, const Options& o, std::ostream& out) {
  print_licensed(e, out);
  print_clock(e, out);
  print_development_key(e, out);
  print_revoked(e, out);
  print_expiring(e, out);
  if (o.users) print_in_use(e, *o.users, out);
  print_licenses(e, o, out);
}

int run(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.state_given && o.state.empty()) return input_error(err, "--state: give the state file's path");
  if (o.state == kStdin) {
    input_error(err, "--state -: the state file is a file that is read and rewritten, not standard input");
    print_line(err, "Run with --help for more information.");
    return kInputError;
  }
  if (o.appliance_file == kStdin && o.licenses == kStdin) {
    input_error(err, "--appliance-file - and --licenses - cannot both read standard input");
    print_line(err, "Run with --help for more information.");
    return kInputError;
  }
  std::string typed_id = o.appliance.value_or("");
  std::string id_origin = "--appliance";
  if (!o.appliance_file.empty()) {
    auto read = read_appliance_file(o.appliance_file);
    if (!read) return input_error(err, read.error().message);
    typed_id = std::move(*read);
    id_origin =
        o.appliance_file == kStdin ? "stdin (--appliance-file -)" : "appliance file " + o.appliance_file;
  } else if (!o.appliance) {
    input_error(err, "give this appliance's ID with --appliance ID or --appliance-file F");
    print_line(err, "Run with --help for more information.");
    return kInputError;
  }
  auto id = sv::canonical_appliance_id(typed_id);
  if (!id) return input_error(err, id_origin + ": " + id.error().message);

  sv::EvaluationContext context;
  context.now = sv::current_time();
  if (!o.now.empty()) {
    auto t = sv::parse_time(o.now);
    if (!t) return input_error(err, "--now: " + t.error().message);
    context.now = *t;
  }
  context.state_path = o.state;
  context.grace_days = o.grace_days;
  context.warn_days = o.warn_days;

  auto trust =
      o.trusted_keys.empty() ? sv::TrustStore::built_in() : sv::TrustStore::load_file(o.trusted_keys);
  if (!trust) return input_error(err, trust.error().message);

  // With --state an unreadable license set is a warning (grace may carry the appliance).
  auto set = load_license_set(o.licenses);
  auto entitlement = sv::evaluate(set, *id, *trust, context);
  if (!entitlement) return input_error(err, entitlement.error().message);
  if (set) *set = sv::LicenseSet{};  // the tokens are no longer needed: less memory while printing
  for (const sv::Warning& w : entitlement->warnings)
    print_line(err, std::string(kProgram) + ": warning: " + w.message);

  if (o.json) {
    print_json(*entitlement, o, out);
  } else {
    print_summary(*entitlement, o, out);
  }
  out.flush();
  if (!out) return input_error(err, "cannot write the result to standard output");
  return entitlement->licensed ? kLicensed : kNotLicensed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"", kProgram};
    Options options;
    setup(app, options);
    RequestOptions request;
    InstallOptions install;
    const CLI::App* request_command = setup_request(app, request);
    const CLI::App* install_command = setup_install(app, install);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? kLicensed : kInputError;
    }
    if (request_command->parsed()) return run_request(request, std::cout, std::cerr);
    if (install_command->parsed()) {
      // The installed licenses, shown as the boot check shows them.
      const auto print = [](const sv::Entitlement& e, const std::string& licenses,
                            const nlohmann::ordered_json& extra, bool json, std::ostream& out) {
        Options shown;
        shown.licenses = licenses;
        json ? print_json(e, shown, out, extra) : print_summary(e, shown, out);
      };
      return run_install(install, print, std::cout, std::cerr);
    }
    return run(options, std::cout, std::cerr);
  } catch (const std::bad_alloc&) {
    std::cerr << kProgram << ": out of memory\n";
  } catch (const std::exception& e) {
    input_error(std::cerr, std::string("internal error: ") + e.what());
  }
  return kInputError;
}
