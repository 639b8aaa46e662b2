// Shared pieces of the command line: option helpers and what the license desk reads.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <iosfwd>
#include <string>

#include "seatkey/keygen/issuer.hpp"

namespace seatkey::keygen::tool {

// The program's exit status, set by the subcommand that ran.
struct Status {
  int exit_code = 0;
};

// --key FILE (default $SEATKEY_KEY), required.
CLI::Option* add_key_option(CLI::App* cmd, std::string* key);
// --ledger DB (default $SEATKEY_LEDGER), required.
CLI::Option* add_ledger_option(CLI::App* cmd, std::string* ledger);
// --passphrase-file F (else $SEATKEY_PASSPHRASE, else a terminal prompt).
CLI::Option* add_passphrase_file_option(CLI::App* cmd, std::string* file);

// "Example:\n  seatkey-keygen ...\n" for --help footers.
std::string examples(std::initializer_list<const char*> lines);

// The desk's summary of what was issued (on stderr; stdout carries the tokens).
void print_issue_summary(std::ostream& out, const IssueResult& result, const std::string& ledger);

// The ledger's warnings (files group or others may read, ...) on stderr.
void print_warnings(const Ledger& ledger);
// "DEVELOPMENT LEDGER licenses.db: it issues with the development key ...": what every
// `ledger list` of such a ledger says.
std::string development_notice(const std::string& ledger);

// Who runs the command, as events record it: the login name of the effective user.
std::string login_name();

// "compact, 3 users (3 included + 0 in packs, max 20)" for an ApplianceSummary.
std::string describe(const ApplianceSummary& summary);

}  // namespace seatkey::keygen::tool
