#include "activation_commands.hpp"

#include <algorithm>
#include <utility>

#include "cli.hpp"

namespace sv = seatkey::verifier;

namespace seatkey::verify_tool {
namespace {

void add_appliance_options(CLI::App& cmd, ApplianceOptions& o) {
  auto* id = cmd.add_option_function<std::string>(
                    "--appliance", [&o](const std::string& v) { o.appliance = v; },
                    "This appliance's ID (e.g. 00:1a:2b:3c:4d:5e)")
                 ->type_name("ID");
  auto* id_file = cmd.add_option("--appliance-file", o.appliance_file,
                                 "Read the appliance ID from file F, - for standard input\n"
                                 "(trailing whitespace ignored)")
                      ->type_name("F");
  id->excludes(id_file);
  id_file->excludes(id);
}

void add_now_option(CLI::App& cmd, std::string& now, const char* what) {
  cmd.add_option("--now", now, std::string(what) + " at this RFC 3339 time instead of the system clock's")
      ->type_name("TIME");
}

// A subcommand's options are its own. The boot check's, given before it, would be ignored
// without a word ("seatkey-verify --json install ..."): a usage error instead. The boot check's
// --licenses is required only when no subcommand runs.
void prepare_subcommand(CLI::App& app, CLI::App& cmd) {
  cmd.preparse_callback([&app, &cmd](std::size_t) {
    if (CLI::Option* licenses = app.get_option_no_throw("--licenses")) licenses->required(false);
    for (const CLI::Option* opt : app.get_options()) {
      if (opt->count() == 0 || opt == app.get_help_ptr()) continue;
      throw CLI::ValidationError(opt->get_name(), "an option of the boot check, not of " + cmd.get_name() +
                                                      ": give the options after \"" + cmd.get_name() + "\"");
    }
  });
}

// The canonical appliance ID the options give; false (the error printed) otherwise.
bool appliance_id(const ApplianceOptions& o, std::string* id, std::ostream& err) {
  std::string typed = o.appliance.value_or("");
  std::string origin = "--appliance";
  if (!o.appliance_file.empty()) {
    auto read = read_appliance_file(o.appliance_file);
    if (!read) {
      input_error(err, read.error().message);
      return false;
    }
    typed = std::move(*read);
    origin = o.appliance_file == kStdin ? "stdin (--appliance-file -)" : "appliance file " + o.appliance_file;
  } else if (!o.appliance) {
    input_error(err, "give this appliance's ID with --appliance ID or --appliance-file F");
    print_line(err, "Run with --help for more information.");
    return false;
  }
  auto canonical = sv::canonical_appliance_id(typed);
  if (!canonical) {
    input_error(err, origin + ": " + canonical.error().message);
    return false;
  }
  *id = std::move(*canonical);
  return true;
}

// --now, or the system clock; false (the error printed) for a time that is none.
bool clock_of(const std::string& now, sv::UnixTime* t, std::ostream& err) {
  *t = sv::current_time();
  if (now.empty()) return true;
  auto parsed = sv::parse_time(now);
  if (!parsed) {
    input_error(err, "--now: " + parsed.error().message);
    return false;
  }
  *t = *parsed;
  return true;
}

int finish(std::ostream& out, std::ostream& err) {
  out.flush();
  if (!out) return input_error(err, "cannot write the result to standard output");
  return kLicensed;
}

// The install's outcome, after the entitlement's members in --json.
nlohmann::ordered_json outcome_json(const sv::InstallResult& r) {
  nlohmann::ordered_json j;
  j["installed"] = r.installed;
  j["installed_file"] = r.installed ? nlohmann::ordered_json(r.path) : nullptr;
  j["previous_file"] = r.previous ? nlohmann::ordered_json(*r.previous) : nullptr;
  j["refusals"] = nlohmann::ordered_json::array();
  for (sv::InstallRefusal why : r.refusals) j["refusals"].push_back(sv::install_refusal_name(why));
  j["refusal_message"] =
      r.message.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.message);
  return j;
}

std::string license_text(const sv::LicenseReport& r) {
  switch (*r.kind) {
    case sv::LicenseKind::server: return "server license " + *r.serial;
    case sv::LicenseKind::users: return "user pack " + *r.serial;
    case sv::LicenseKind::standby: return "standby license " + *r.serial;
    case sv::LicenseKind::revocation: break;
  }
  return "revocation list " + *r.serial;
}

}  // namespace

CLI::App* setup_request(CLI::App& app, RequestOptions& o) {
  CLI::App* cmd =
      app.add_subcommand("request", "Print this appliance's offline activation request (SKR1-...)");
  add_appliance_options(*cmd, o.id);
  cmd->add_option("--code", o.codes,
                  "An activation code to redeem (--code again for another, at most 8), checked here\n"
                  "first: a typo is named by its group")
      ->type_name("CODE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_now_option(*cmd, o.now, "Stamp the request");
  cmd->footer(
      "One line to paste into the vendor's activation page or read out on the phone: the appliance\n"
      "ID, the codes, the time and a random nonce, with check symbols. It carries no secret.\n"
      "\n"
      "Example:\n"
      "  seatkey-verify request --appliance-file /etc/machine-id --code NN47G-3VN9Z-F5J9P-YFBEM\n"
      "\n"
      "Exit status: 0 printed, 2 usage or input error (a code with a typo: the message names its group).");
  prepare_subcommand(app, *cmd);
  return cmd;
}

CLI::App* setup_install(CLI::App& app, InstallOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "install", "Install a license file into the licenses folder and print the new entitlement");
  cmd->add_option("file", o.file,
                  "The license file (from the vendor, its activation page or POST /v1/activations)")
      ->type_name("FILE")
      ->required();
  cmd->add_option("--licenses", o.licenses,
                  "The licenses folder the boot check reads: the file becomes DIR/license.lic, the\n"
                  "one it replaces is kept as DIR/.license.lic.previous (hidden: not read)")
      ->type_name("DIR")
      ->required();
  add_appliance_options(*cmd, o.id);
  cmd->add_flag("--force", o.force,
                "Install even a file that would license fewer users, a lower edition or an earlier\n"
                "end of the update option (never one for another appliance, nor a damaged one)");
#if SEATKEY_VERIFY_TRUSTED_KEYS_OPTION
  cmd->add_option("--trusted-keys", o.trusted_keys,
                  "Trust the k4.public keys in FILE instead of the keys built into this program")
      ->type_name("FILE");
#endif
  add_now_option(*cmd, o.now, "Judge the licenses");
  cmd->add_flag("--json", o.json, "Print the new entitlement as JSON, followed by the install's outcome");
  cmd->footer(
      "Installed atomically: the folder boots the old licenses or the new ones at every moment.\n"
      "Refused: a damaged file or one for another appliance, and unless --force one that would\n"
      "license fewer users, a lower edition or an earlier end of the update option.\n"
      "\n"
      "Example:\n"
      "  seatkey-verify install acme.lic --licenses /etc/seatkey/licenses --appliance-file /etc/machine-id\n"
      "\n"
      "Exit status: 0 installed, 1 refused (nothing changed), 2 usage or input error.");
  prepare_subcommand(app, *cmd);
  return cmd;
}

int run_request(const RequestOptions& o, std::ostream& out, std::ostream& err) {
  std::string id;
  sv::UnixTime now = 0;
  if (!appliance_id(o.id, &id, err) || !clock_of(o.now, &now, err)) return kInputError;
  auto request = sv::activation_request(id, o.codes, now);
  if (!request) return input_error(err, request.error().message);
  out << *request << '\n';
  return finish(out, err);
}

int run_install(const InstallOptions& o, const PrintEntitlement& print, std::ostream& out,
                std::ostream& err) {
  std::string id;
  sv::EvaluationContext context;
  sv::UnixTime now = 0;
  if (!appliance_id(o.id, &id, err) || !clock_of(o.now, &now, err)) return kInputError;
  context.now = now;
  auto trust =
      o.trusted_keys.empty() ? sv::TrustStore::built_in() : sv::TrustStore::load_file(o.trusted_keys);
  if (!trust) return input_error(err, trust.error().message);
  auto r = sv::install_license_file(o.file, o.licenses, id, *trust, context, o.force);
  if (!r) return input_error(err, r.error().message);
  if (!r->installed) {
    const bool forceable =
        std::all_of(r->refusals.begin(), r->refusals.end(), sv::install_refusal_overridable);
    input_error(err, o.file + " was not installed: " + r->message +
                         (forceable ? " (--force installs it anyway)" : ""));
    if (o.json) print(r->entitlement, o.licenses, outcome_json(*r), true, out);
    out.flush();
    return kNotLicensed;
  }
  if (!o.json) {
    print_line(out, "Installed " + o.file + " as " + r->path +
                        (r->previous ? "; the file it replaced is kept as " + *r->previous : std::string()) +
                        ".");
    if (!r->refusals.empty()) print_line(out, "Forced:   " + r->message + ".");
  }
  print(r->entitlement, o.licenses, outcome_json(*r), o.json, out);
  return finish(out, err);
}

std::string activated_with(const sv::Entitlement& e) {
  std::vector<std::pair<std::int64_t, std::string>> codes;  // each code once, with its licenses
  for (const sv::LicenseReport& r : e.accepted) {
    if (!r.code || !r.kind || !r.serial) continue;
    auto it = std::find_if(codes.begin(), codes.end(), [&](const auto& c) { return c.first == *r.code; });
    if (it == codes.end()) {
      codes.emplace_back(*r.code, license_text(r));
    } else {
      it->second += ", " + license_text(r);
    }
  }
  std::string out;
  for (const auto& [code, licenses] : codes) {
    out += (out.empty() ? "activated with code no. " : "; code no. ") + std::to_string(code) + " (" +
           licenses + ")";
  }
  return out;
}

}  // namespace seatkey::verify_tool
