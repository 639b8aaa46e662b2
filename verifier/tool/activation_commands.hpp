// seatkey-verify's subcommands for activation codes (docs/firmware.md, "Activating an
// appliance"):
//
//   seatkey-verify request (--appliance ID | --appliance-file F) [--code CODE]... [--now TIME]
//       prints the offline activation request: one line, SKR1-..., to paste into the vendor's
//       activation page or read out on the phone.
//   seatkey-verify install FILE --licenses DIR (--appliance ID | --appliance-file F) [--force]
//       [--trusted-keys FILE] [--now TIME] [--json]
//       installs a license file into the licenses folder, atomically, and prints the new
//       entitlement; refuses a file for another appliance, or one that would license less.
//
// Exit status: 0 done, 1 install refused, 2 usage or input error (message on stderr).
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "seatkey/verifier.hpp"

namespace seatkey::verify_tool {

// --appliance ID or --appliance-file F, as the boot check takes them.
struct ApplianceOptions {
  std::optional<std::string> appliance;
  std::string appliance_file;
};

struct RequestOptions {
  ApplianceOptions id;
  std::vector<std::string> codes;
  std::string now;
};

struct InstallOptions {
  std::string file;
  std::string licenses;
  ApplianceOptions id;
  bool force = false;
  std::string trusted_keys;
  std::string now;
  bool json = false;
};

// Adds the subcommand to the boot check's `app`. Its options are its own: the boot check's
// options before it are a usage error, and the boot check's required --licenses is not required
// when a subcommand runs.
CLI::App* setup_request(CLI::App& app, RequestOptions& o);
CLI::App* setup_install(CLI::App& app, InstallOptions& o);

int run_request(const RequestOptions& o, std::ostream& out, std::ostream& err);

// Prints an entitlement as the boot check does (its summary, or --json with `extra`'s members
// after the entitlement's), `licenses` naming the folder.
using PrintEntitlement =
    std::function<void(const verifier::Entitlement& e, const std::string& licenses,
                       const nlohmann::ordered_json& extra, bool json, std::ostream& out)>;
int run_install(const InstallOptions& o, const PrintEntitlement& print, std::ostream& out, std::ostream& err);

// "activated with code no. 1234 (server license 1001, user pack 1002); code no. 1240 (user pack
// 1007)": the codes the accepted licenses were issued from; empty when none was.
std::string activated_with(const verifier::Entitlement& e);

}  // namespace seatkey::verify_tool
