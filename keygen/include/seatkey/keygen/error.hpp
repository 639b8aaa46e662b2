// The back office's one error vocabulary. Every function of seatkey::keygen that can fail
// returns Result<T>: a value, or an Error whose code is decided where the failure happens. The
// code's row below gives its kind; the kind alone decides what a caller does with it (the
// command line's exit status here, seatkey-server's HTTP status in server/src/problems.cpp), and
// nobody reads an error's message to find out what it was: the message is for people.
//
// A refusal (an issuing rule, a take-back the ledger does not allow) has a code of its own and
// carries its numbers as members, so that a program can act on it without parsing sentences.
// Adding a code is one row of SEATKEY_KEYGEN_ERROR_CODES: the server gives it its own problem
// type and /v1/openapi.json lists it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "seatkey/common/result.hpp"

namespace seatkey::keygen {

// What kind of failure an error is: what its caller may do about it.
enum class Kind {
  input,         // the request or a file is not what it must be: fix it and try again
  refused,       // a rule says no; nothing was written
  not_found,     // what was asked for is not there
  busy,          // another writer holds the ledger: try again in a moment
  unavailable,   // a resource is gone for now (the database connection, the signer, memory)
  internal,      // the ledger or the program is broken: a person must look
  unauthorized,  // the credential is no longer valid (an expired API token): get another
  forbidden,     // the credential may not do this now (over its quota): nothing was written
};

struct KindInfo {
  Kind kind;
  std::string_view name;
  int exit_status;  // seatkey-keygen's and seatkey-server's exit status at the command line
};
// The command line's table: 1 for "no, and nothing was written" (refused, not found,
// forbidden), 2 for everything else (docs/back-office.md, "Exit status").
inline constexpr std::array<KindInfo, 8> kKinds{{
    {Kind::input, "input", 2},
    {Kind::refused, "refused", 1},
    {Kind::not_found, "not_found", 1},
    {Kind::busy, "busy", 2},
    {Kind::unavailable, "unavailable", 2},
    {Kind::internal, "internal", 2},
    {Kind::unauthorized, "unauthorized", 2},
    {Kind::forbidden, "forbidden", 1},
}};
constexpr const KindInfo& kind_info(Kind k) {
  return kKinds[static_cast<std::size_t>(k)];
}

// X(code, kind, title, members): every error code, its kind, a title for people and the names
// of the members it carries. The code's name is stable (a client's program may test it); the
// server's problem type is urn:seatkey:problem:<the name with '-' for '_'>.
#define SEATKEY_KEYGEN_ERROR_CODES(X)                                                                        \
  X(bad_input, input, "Bad input", "")                                                                       \
  X(not_found, not_found, "Not found", "")                                                                   \
  X(ledger_busy, busy, "The ledger is busy", "")                                                             \
  X(database_unavailable, unavailable, "The database connection was lost", "")                               \
  X(signer_unavailable, unavailable, "The signer process is gone", "")                                       \
  X(out_of_memory, unavailable, "Out of memory", "")                                                         \
  X(internal_error, internal, "Internal error", "")                                                          \
  X(ledger_corrupt, internal, "A row of the ledger does not read", "serial")                                 \
  X(development_key, refused, "The development key is refused", "")                                          \
  X(unknown_signing_key, refused, "The key is not a signing key of the ledger", "")                          \
  X(token_too_large, refused, "The token would be over its size limit", "bytes max_bytes")                   \
  X(expires_in_past, refused, "The expiry is not in the future", "")                                         \
  X(appliance_is_standby, refused, "The appliance is a standby", "appliance primary standby_serial")         \
  X(edition_not_updated, refused, "The edition is never updated", "edition")                                 \
  X(nothing_to_replace, refused, "Nothing to replace", "appliance")                                          \
  X(second_server_license, refused, "The appliance has a server license already", "appliance serial")        \
  X(free_replaces_commercial, refused, "A free license cannot replace a commercial one", "appliance serial") \
  X(clock_behind, refused, "A license on record was issued after this clock", "serial")                      \
  X(pack_size, refused, "A user pack holds 1 or 5 users", "users")                                           \
  X(no_server_license, refused, "The appliance has no server license on record", "appliance")                \
  X(free_takes_no_packs, refused, "The edition takes no user packs", "appliance edition serial")             \
  X(not_active, refused, "The new server license would not be the active one", "appliance")                  \
  X(compact_max_users, refused, "Over the edition's maximum of users",                                       \
    "appliance edition max_users current_users users_after")                                                 \
  X(standby_of_itself, refused, "A standby license pairs two appliances", "appliance")                       \
  X(primary_is_standby, refused, "The primary is itself a standby", "primary")                               \
  X(primary_not_commercial, refused, "The primary has no commercial server license", "primary")              \
  X(standby_exists, refused, "The primary has a standby already", "primary serial")                          \
  X(already_standby, refused, "The appliance is the standby of another primary", "appliance serial")         \
  X(standby_has_licenses, refused, "The appliance has licenses of its own", "appliance")                     \
  X(unknown_serial, refused, "The ledger has no such license", "serial")                                     \
  X(not_a_license, refused, "The serial is a revocation list", "serial")                                     \
  X(already_voided, refused, "The license was taken back already", "serial")                                 \
  X(same_appliance, refused, "The two appliances are the same", "appliance")                                 \
  X(target_has_licenses, refused, "The appliance has licenses on record", "appliance")                       \
  X(counts_differently, refused, "The new appliance would count differently", "appliance")                   \
  X(nothing_revoked, refused, "No license was ever taken back", "")                                          \
  X(nothing_new_to_revoke, refused, "The newest revocation list names every license taken back",             \
    "seq serial")                                                                                            \
  X(no_active_server_license, refused, "The appliance has no active server license", "appliance")            \
  X(no_active_standby_license, refused, "The appliance has no active standby license", "appliance")          \
  X(license_file_too_large, refused, "The license file would be over the verifier's limits",                 \
    "appliance tokens bytes")                                                                                \
  X(token_name_taken, refused, "An API token of that name exists", "")                                       \
  X(no_such_token, refused, "The ledger has no API token of that name", "")                                  \
  X(token_revoked, refused, "The API token was revoked already", "")                                         \
  X(token_expires_in_past, refused, "The API token's expiry is not in the future", "expires_at")             \
  X(token_expired, unauthorized, "The API token has expired", "expired_at")                                  \
  X(token_quota_exceeded, forbidden, "Over the API token's licenses per day",                                \
    "max_per_day issued_today left_today licenses resets_at")                                                \
  X(code_mistyped, input, "The activation code is mistyped", "problem groups")                               \
  X(request_mistyped, input, "The activation request is mistyped", "problem")                                \
  X(appliance_id_mistyped, input, "The appliance ID is mistyped", "form expected_bytes")                     \
  X(code_unknown, not_found, "No such activation code", "")                                                  \
  X(appliance_unknown, not_found, "No licenses on record for the appliance", "appliance")                    \
  X(code_void, refused, "The activation code was voided", "number")                                          \
  X(code_expired, refused, "The activation code is past its last day", "number valid_until")                 \
  X(code_redeemed_elsewhere, refused, "The activation code is activated on another appliance", "number")     \
  X(updates_unlimited, refused, "The server license's updates are not limited", "appliance serial")          \
  X(target_reached, refused, "The appliance has that many users already",                                    \
    "appliance licensed_users target_users")                                                                 \
  X(target_below_included, refused, "The server license includes more users",                                \
    "edition included_users target_users")

enum class Code {
#define SEATKEY_CODE_ENUM(code, kind, title, members) code,
  SEATKEY_KEYGEN_ERROR_CODES(SEATKEY_CODE_ENUM)
#undef SEATKEY_CODE_ENUM
};

struct CodeInfo {
  Code code;
  std::string_view name;  // "compact_max_users"
  Kind kind;
  std::string_view title;
  std::string_view members;  // the names of its members, separated by spaces
};
inline constexpr CodeInfo kCodes[] = {
#define SEATKEY_CODE_ROW(code, kind, title, members) {Code::code, #code, Kind::kind, title, members},
    SEATKEY_KEYGEN_ERROR_CODES(SEATKEY_CODE_ROW)
#undef SEATKEY_CODE_ROW
};
constexpr const CodeInfo& code_info(Code c) {
  return kCodes[static_cast<std::size_t>(c)];
}

// One machine-readable fact of an error: a number (max_users: 20) or a text (appliance).
struct Member {
  std::string name;
  std::variant<std::int64_t, std::string> value;
};

struct Error {
  Error() = default;
  Error(Code c, std::string text, std::vector<Member> facts = {}, std::string hint = {})
      : kind(code_info(c).kind),
        code(c),
        message(std::move(text)),
        members(std::move(facts)),
        command_hint(std::move(hint)) {}

  Kind kind = Kind::internal;  // always the code's kind
  Code code = Code::internal_error;
  // For people at the license desk as much as at a terminal: what is wrong and what to do, in
  // the desk's words (appliances, serials, editions), never a command line or an option.
  std::string message;
  std::vector<Member> members;
  // The seatkey-keygen command that does what the message says to do, or "": decided by the rule
  // that refuses, beside the message rather than in it, because only a command-line user can run
  // it. seatkey-keygen prints it on a line of its own; seatkey-server never shows it to the desk.
  std::string command_hint;
};

template <class T>
using Result = seatkey::Result<T, Error>;

}  // namespace seatkey::keygen
