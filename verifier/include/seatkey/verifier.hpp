// libseatkey-verifier: the appliance's offline license check (docs/format.md, docs/firmware.md).
//
// Contract:
//  - evaluate() turns a license set, the appliance's own ID, a trust store of vendor public
//    keys and an EvaluationContext (the clock, the state file, grace and warning periods) into
//    an Entitlement. Every token ends up accepted or rejected with exactly one Reason, by the
//    rules of docs/format.md, in order, at max(clock, clock floor).
//  - A token's signature is checked (with the key its footer `kid` names) before anything in
//    its payload is read; nothing from a token that did not verify is reported.
//  - No function throws: failures come back as an Error in an Expected. No global mutable
//    state. Without a state file the same inputs always give the same Entitlement, lists in
//    input order; with one, the state file is an input too, and evaluate() rewrites it.
//  - Self-contained C++17: this header uses the standard library only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "seatkey/editions.h"

#if defined(__GNUC__) || defined(__clang__)
#define SEATKEY_VERIFIER_API __attribute__((visibility("default")))
#else
#define SEATKEY_VERIFIER_API
#endif

namespace seatkey::verifier {

// Seconds since the Unix epoch (UTC).
using UnixTime = std::int64_t;

// ---------------------------------------------------------------------------------------
// Errors: what went wrong with the *inputs* as a whole (a single bad token is not an error,
// it is a rejected license with a Reason).

enum class ErrorCode {
  invalid_key,           // a trusted key is not a k4.public PASERK, or a keys file is malformed
  invalid_appliance_id,  // the appliance ID is outside the alphabet or 4-64 characters of docs/format.md
  invalid_time,          // not an RFC 3339 time
  io_error,              // a path could not be read (the message names it)
  too_large,             // a license set over 4 MiB or 10,000 tokens
  out_of_memory,
  internal_error,
  invalid_argument,  // an EvaluationContext value out of range (the message names it)
  invalid_code,      // an activation code with a typo (the message names the group to check)
};
SEATKEY_VERIFIER_API const char* error_code_name(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::internal_error;
  std::string message;  // one line, for the person who supplied the input
};

// A value or an Error. value() and error() require ok() and !ok() respectively.
template <class T>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Expected(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

namespace detail {
struct TrustStoreAccess;  // the library's internals
}

// ---------------------------------------------------------------------------------------
// Trust store: the vendor public keys (k4.public) a token may be signed with, selected by
// their PASERK ID (k4.pid) from the token's footer. Several keys allow key rotation.

class SEATKEY_VERIFIER_API TrustStore {
 public:
  TrustStore() noexcept;  // trusts no key
  ~TrustStore();
  TrustStore(const TrustStore&) noexcept;
  TrustStore& operator=(const TrustStore&) noexcept;
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;

  // Each string one "k4.public." key; ErrorCode::invalid_key for anything else or an empty
  // list. The same key given twice is kept once.
  static Expected<TrustStore> from_keys(const std::vector<std::string>& k4_public_keys) noexcept;
  // A trusted-keys file's text: one "k4.public." key per line; blank lines and lines
  // starting with '#' are ignored, surrounding spaces/tabs and a trailing '\r' stripped, a
  // UTF-8 byte order mark at the very start skipped.
  // Any other line, or no key at all, is ErrorCode::invalid_key naming `origin:line`.
  static Expected<TrustStore> parse(std::string_view text, std::string_view origin) noexcept;
  // parse() of a file's contents (at most 1 MiB); ErrorCode::io_error naming the file.
  static Expected<TrustStore> load_file(const std::string& path) noexcept;
  // The keys compiled into this build (CMake SEATKEY_TRUSTED_KEYS).
  static Expected<TrustStore> built_in() noexcept;

  std::size_t size() const noexcept;
  // Keys in k4.pid order; i < size().
  std::string_view key_id(std::size_t i) const noexcept;      // "k4.pid...."
  std::string_view public_key(std::size_t i) const noexcept;  // "k4.public...."
  bool trusts(std::string_view key_id) const noexcept;

 private:
  friend struct detail::TrustStoreAccess;
  struct Impl;
  std::shared_ptr<const Impl> impl_;  // immutable once built, shared by copies
};

// ---------------------------------------------------------------------------------------
// License sets: the tokens to evaluate, each with where it came from.

struct LicenseToken {
  std::string token;   // one line, trimmed
  std::string source;  // "file:line", line 1-based
};

struct LicenseSet {
  std::vector<LicenseToken> tokens;
};

// Splits license text into tokens: one per line; a UTF-8 byte order mark at the very start
// is skipped, a trailing '\r' stripped, surrounding spaces and tabs trimmed; blank lines and
// lines starting with '#' are skipped.
// ErrorCode::too_large when the text is over 4 MiB or holds over 10,000 tokens.
SEATKEY_VERIFIER_API Expected<LicenseSet> parse_licenses(std::string_view text,
                                                         std::string_view source_name) noexcept;

// Reads a license set from `path`, symbolic links followed:
//  - a regular file: its lines, as parse_licenses() splits them;
//  - a directory: every regular file directly in it, in byte-wise name order (each one's
//    source is "path/name:line"). Names starting with '.' are skipped (hidden files, editor
//    swap files); so are subdirectories (no recursion) and entries that are neither regular
//    files nor directories (FIFOs, sockets, devices are never opened). An entry that cannot
//    be read (permission denied, a dangling symbolic link) is ErrorCode::io_error naming it:
//    a license the admin put there must not silently vanish.
//  - anything else, or a path that does not exist: ErrorCode::io_error.
// The 4 MiB / 10,000-token limits apply to the whole set (all files together): over either,
// ErrorCode::too_large; files are not read past the limit.
SEATKEY_VERIFIER_API Expected<LicenseSet> load_licenses(const std::string& path) noexcept;

// ---------------------------------------------------------------------------------------
// Evaluation (docs/format.md).

// The editions of seatkey/editions.h, in its order.
#define SEATKEY_EDITION_ENUMERATOR(name, NAME, value) name,
enum class Edition { SEATKEY_EDITIONS(SEATKEY_EDITION_ENUMERATOR) };
#undef SEATKEY_EDITION_ENUMERATOR
SEATKEY_VERIFIER_API const char* edition_name(Edition edition) noexcept;  // "free", "compact", ...

// What a token is: a license (server, users, standby) or a revocation list.
enum class LicenseKind { server, users, revocation, standby };
SEATKEY_VERIFIER_API const char* kind_name(LicenseKind kind) noexcept;  // "server", "users", ...

// Why a token was rejected; the names are the reason codes of docs/format.md.
enum class Reason {
  malformed,          // not a v4.public token, bad base64url, over 4 KiB (a revocation list:
                      // 1 MiB), bad footer/kid
  unknown_key,        // footer kid names no trusted key
  bad_signature,      // signature does not verify
  invalid_claims,     // payload not a valid license claims object
  wrong_appliance,    // bound to another appliance
  revoked,            // its serial is on the revocation list that applies
  not_yet_valid,      // now < nbf
  expired,            // now >= exp
  duplicate,          // its serial was already accepted earlier in the set
  superseded,         // a server license that lost to another (rule 2), or a revocation list
                      // that is not the one that applies
  no_server_license,  // a pack, with no valid server license
  free_edition,       // a pack, while the active server license is free
};
SEATKEY_VERIFIER_API const char* reason_name(Reason reason) noexcept;  // "malformed", ...

// One token's outcome. serial, kind, users, expires and code are set only for tokens whose
// signature verified and whose claims parsed (never for malformed/unknown_key/bad_signature/
// invalid_claims); users and expires never for a revocation list, users never for a standby
// license, which carries none.
struct LicenseReport {
  std::optional<std::string> serial;
  std::optional<LicenseKind> kind;
  std::optional<int> users;
  std::optional<UnixTime> expires;  // the license's `exp`; nullopt: none (or not verified)
  // The number of the activation code the license was issued from (its `code`); nullopt: none
  // (sold for a known appliance, or not verified).
  std::optional<std::int64_t> code;
  std::string source;            // "file:line"
  std::optional<Reason> reason;  // nullopt: accepted
  std::string message;           // a sentence for an admin
  // source (a file name) and message (which may quote another report's source) are exact
  // data and may hold any bytes: escape control and bidi characters before showing them on a
  // terminal.
  // Its signature verified with seatkey's public development key (development_key_id()), whose
  // secret key is public too: anyone can make such a token. Set for every token whose
  // signature verified with it, accepted or not.
  bool development_key = false;
};

// Why an evaluation keeps the last good entitlement of the state file (docs/format.md, "Grace").
enum class GraceReason {
  appliance_changed,    // the appliance ID is not the last good one's (a moved VM, a replaced board)
  licenses_unreadable,  // the license set could not be read (missing, unreadable, over the limits)
  licenses_damaged,     // licenses that counted at the last good evaluation no longer do
};
SEATKEY_VERIFIER_API const char* grace_reason_name(GraceReason reason) noexcept;  // "appliance_changed", ...

// A grace period in progress: the entitlement is the state file's last good one until `until`,
// less the packs of it that have expired since (each drops out at its own exp).
struct Grace {
  UnixTime since = 0;  // the first worse evaluation
  UnixTime until = 0;  // the grace ends here: since + grace days, never past the expiry of the
                       // last good entitlement's server (or standby) license
  GraceReason reason = GraceReason::licenses_damaged;  // today's cause
  std::string message;  // a sentence for an admin (may quote a file name: escape before printing)
};

// Something the admin should know that did not stop the evaluation.
enum class WarningCode {
  state_missing,        // no state file yet: evaluated without one, a new one written
  state_unreadable,     // the state file could not be read (not a regular file, permissions)
  state_damaged,        // the state file is not a valid state: evaluated as without one
  state_not_saved,      // the state file could not be written (the message says why)
  licenses_unreadable,  // the license set could not be read: evaluated as an empty set
};
SEATKEY_VERIFIER_API const char* warning_name(WarningCode code) noexcept;  // "state_missing", ...

struct Warning {
  WarningCode code = WarningCode::state_damaged;
  std::string message;  // one line for an admin (names paths: escape before printing)
};

// Exported: its member functions live in the library.
struct SEATKEY_VERIFIER_API Entitlement {
  std::string appliance;  // canonical appliance ID
  bool licensed = false;  // a valid server license is active
  std::optional<Edition> edition;
  std::optional<std::string> server_license;  // serial of the active server license
  // While a standby license applies: the primary's canonical appliance ID. This appliance is
  // then that primary's standby, and the licenses that count (the edition, the users) are the
  // primary's; its own do not (docs/format.md, "Standby").
  std::optional<std::string> standby_for;
  int included_users = 0;                 // the edition's included users
  int pack_users = 0;                     // sum of the accepted packs' users (before the cap)
  int licensed_users = 0;                 // min(included + pack, max); 0 when not licensed
  std::optional<int> max_users;           // nullopt: unlimited; 0 when not licensed
  int excess_users = 0;                   // what the max_users cap cut off
  std::optional<UnixTime> updates_until;  // the active server license's update option
  UnixTime evaluated_at = 0;              // the rules' time: max(clock, clock_floor)
  UnixTime clock = 0;                     // the clock given (EvaluationContext::now)
  std::optional<UnixTime> clock_floor;    // the latest time known to have passed; nullopt: none
  bool clock_behind = false;              // clock < clock_floor
  // The seq of the revocation list that applies (the accepted report of kind revocation);
  // nullopt: none.
  std::optional<std::int64_t> revocation_seq;
  // Set while the state file's last good entitlement is kept: then licensed, edition,
  // server_license and the users fields are the last good ones, the reports are today's.
  std::optional<Grace> grace;
  std::vector<std::size_t> expiring;    // indices into accepted: expiring within the warning days,
                                        // soonest first
  std::vector<Warning> warnings;        // in the order they arose
  std::vector<LicenseReport> accepted;  // in set order
  std::vector<LicenseReport> rejected;  // in set order
  // An accepted report has development_key: this entitlement rests on a license anyone could
  // have made (a development build's test license). A production firmware trusts no such key.
  bool development_key = false;

  // A firmware released at release_time may be installed: licensed, not free, and
  // release_time <= updates_until when there is one.
  bool updates_allowed(UnixTime release_time) const noexcept;
  // The same for a release made at evaluated_at (the entitlement's `updates_allowed` field).
  bool updates_allowed() const noexcept { return updates_allowed(evaluated_at); }
  // One more user may be created: licensed and 0 <= current_users < licensed_users.
  bool may_add_user(std::int64_t current_users) const noexcept;
};

// What an evaluation needs besides the licenses, the appliance ID and the keys
// (docs/firmware.md, docs/format.md "Clock floor", "The state file", "Grace").
struct EvaluationContext {
  // The clock: nullopt reads current_time() when evaluate() runs. The rules are applied at
  // max(now, clock floor); the clock floor is the latest of: the `iat` of every token whose
  // signature verified and whose claims parsed, this library's build time (firmware builds,
  // see build_time()), min_time, and the state file's high-water mark.
  std::optional<UnixTime> now;
  // Another lower bound of the true time for the clock floor (it can only raise the floor).
  std::optional<UnixTime> min_time;
  // The state file (high-water mark, last good entitlement, grace in progress): read before
  // the evaluation and rewritten atomically after it when it changed (or its high-water mark
  // moved an hour), under a lock on its lock file (path + ".lock", 0600). Empty: none
  // (then no grace). A missing, unreadable or damaged one counts as empty, with a Warning;
  // one that cannot be written is a Warning too: a state file never fails an evaluation.
  // With a state file, a license set that could not be read or is over the limits is
  // evaluated as an empty set (a Warning), so that grace can keep the last good entitlement.
  std::string state_path;
  // Days of grace, 0 to 3650 (0: none); nullopt: default_grace_days().
  std::optional<int> grace_days;
  // Accepted licenses whose `exp` is at most this many days after the evaluation time are
  // listed in Entitlement::expiring; 0 to 3650.
  int warn_days = 30;
  // Revocation lists besides those in the set (docs/format.md, "Revocation lists"): checked
  // like the set's tokens (against `trust`) and reported after them with their source; only
  // revocation tokens belong here. Like the built-in list they are floors: what they name stays
  // revoked whatever newer list the set holds. nullopt: the list built into this library
  // (built_in_revocation_list(), source "built-in"), if it has one; a vector replaces it (put
  // the built-in list in it too to keep it).
  std::optional<std::vector<LicenseToken>> revocation_lists;
};

// Evaluates `set` for the appliance `appliance_id` (canonicalized first; an invalid one is
// ErrorCode::invalid_appliance_id), trusting the keys of `trust`, in `context`. A set over
// the limits is ErrorCode::too_large (without a state file); a context value out of range is
// ErrorCode::invalid_argument. Rejections of single tokens are never errors.
SEATKEY_VERIFIER_API Expected<Entitlement> evaluate(const LicenseSet& set, std::string_view appliance_id,
                                                    const TrustStore& trust,
                                                    const EvaluationContext& context) noexcept;
// The same for what load_licenses() (or the caller's own reader) returned: an error is
// returned as it is without a state file; with one, it becomes a Warning and the set is
// evaluated as empty (grace reason licenses_unreadable).
SEATKEY_VERIFIER_API Expected<Entitlement> evaluate(const Expected<LicenseSet>& set,
                                                    std::string_view appliance_id, const TrustStore& trust,
                                                    const EvaluationContext& context) noexcept;
// evaluate() at `now`, without a state file, with the default warning days.
SEATKEY_VERIFIER_API Expected<Entitlement> evaluate(const LicenseSet& set, std::string_view appliance_id,
                                                    const TrustStore& trust, UnixTime now) noexcept;

// This build's time, the clock floor of every evaluation: set in firmware builds
// (SEATKEY_FIRMWARE=ON: SEATKEY_BUILD_TIME, else SOURCE_DATE_EPOCH, else the configure time),
// nullopt in other builds.
SEATKEY_VERIFIER_API std::optional<UnixTime> build_time() noexcept;
// The grace days of an EvaluationContext that sets none (CMake SEATKEY_GRACE_DAYS, 30 by default).
SEATKEY_VERIFIER_API int default_grace_days() noexcept;
// The revocation token built into this build (CMake SEATKEY_REVOCATIONS, checked against the
// built-in keys when it was built); nullopt when it has none.
SEATKEY_VERIFIER_API std::optional<std::string_view> built_in_revocation_list() noexcept;

// The key ID (k4.pid) of seatkey's public development key (keys/development.public), whose
// secret key is public too: a firmware build refuses to trust it (docs/firmware.md), and
// LicenseReport::development_key and Entitlement::development_key flag what it signed.
SEATKEY_VERIFIER_API std::string_view development_key_id() noexcept;

// ---------------------------------------------------------------------------------------
// Activation (docs/firmware.md, "Activating an appliance"; the formats: docs/format.md).

// An activation code as the admin typed it (either case, spaces and hyphens anywhere, O for 0, I
// and L for 1), checked offline: its normalized form "7KQ2M-0ZP4C-..." to send to the vendor, or
// ErrorCode::invalid_code with a message naming the group with the typo ("group 3 (7KQ2M) has a
// typo: ...").
SEATKEY_VERIFIER_API Expected<std::string> check_activation_code(std::string_view typed) noexcept;

// The offline activation request for this appliance and these codes (each checked like
// check_activation_code(); at most 8, none twice), stamped with `time` (the appliance's clock,
// 1970 to 4147) and a random nonce: one line such as "SKR1-0CA8J-...", at most
// max_activation_request_length() characters, of 0-9, A-Z and '-' only (a QR code's
// alphanumeric mode). Errors: invalid_appliance_id, invalid_code ("code 2: group 3 ..."),
// invalid_argument (over 8 codes, a code twice), invalid_time.
SEATKEY_VERIFIER_API Expected<std::string> activation_request(std::string_view appliance_id,
                                                              const std::vector<std::string>& codes,
                                                              UnixTime time) noexcept;
SEATKEY_VERIFIER_API std::size_t max_activation_request_length() noexcept;

// Why install_license_file() did not install a file. The first three are about the file itself
// and always refuse; the others compare the licenses folder after the install with before it
// and give way to `force`.
enum class InstallRefusal {
  no_license,       // the file holds no token
  damaged,          // a token in it is not a license of a trusted key (malformed, unknown_key,
                    // bad_signature, invalid_claims)
  wrong_appliance,  // a license in it is bound to another appliance
  not_licensed,     // with it, the appliance would have no valid server license
  fewer_users,      // with it, fewer users would be licensed than now
  lower_edition,    // with it, the edition would be lower (seatkey::is_lower_edition: commercial to
                    // free, or a lower maximum of users)
  earlier_updates,  // with it, the update option would end earlier (or end, where it has no end now)
};
SEATKEY_VERIFIER_API const char* install_refusal_name(InstallRefusal refusal) noexcept;  // "no_license", ...
// Whether `force` installs a file refused for this.
SEATKEY_VERIFIER_API bool install_refusal_overridable(InstallRefusal refusal) noexcept;

// The file install_license_file() writes in the licenses folder, and the hidden names it uses
// there, which the boot check skips like every name starting with '.'.
inline constexpr const char* kInstalledLicenseName = "license.lic";
inline constexpr const char* kPreviousLicenseName = ".license.lic.previous";

struct InstallResult {
  bool installed = false;
  // Why it was not installed; when installed with `force`, what force overrode (else empty).
  std::vector<InstallRefusal> refusals;
  std::string message;  // the refusals for people, naming what is lower and by how much; or empty
  std::string path;     // licenses_dir/license.lic
  std::optional<std::string> previous;  // installed: the copy of the file it replaced, if there was one
  // The licenses folder's entitlement as the boot check reads it now (without a state file):
  // after the install, or as it was when refused.
  Entitlement entitlement;
};

// Installs the license file `file` (a regular file of at most 5 MiB, read whole) into the
// licenses folder `licenses_dir` for the appliance `appliance_id`, trusting `trust`, evaluating
// like the boot check at context.now (the clock floor, the built-in revocation list and
// context.revocation_lists apply; the state file is neither read nor written: set none).
// Refused (installed false, nothing changed) for the InstallRefusal reasons, comparing the
// folder's entitlement with the file in place of licenses_dir/license.lic against the one now;
// `force` installs despite the ones install_refusal_overridable() names. Installed atomically:
// the file is written to a hidden temporary file in the folder, fsynced and renamed over
// license.lic, and the folder fsynced; the license.lic it replaces is kept as
// .license.lic.previous (written the same way before). A kill or power loss at any moment leaves
// the folder booting the old licenses or the new ones; a hidden temporary file a kill left is
// removed by the next install. Installs into one folder take turns (a lock on the folder).
// Errors (nothing changed): invalid_appliance_id, io_error (the file or folder cannot be read,
// is not a regular file or a directory, is a file of the folder the boot check reads, the write
// failed), too_large,
// invalid_argument (a state_path in the context).
SEATKEY_VERIFIER_API Expected<InstallResult> install_license_file(
    const std::string& file, const std::string& licenses_dir, std::string_view appliance_id,
    const TrustStore& trust, const EvaluationContext& context, bool force) noexcept;

// ---------------------------------------------------------------------------------------
// Helpers for callers (the CLI uses them).

// "00:1a:2b:3c:4d:5e" -> "001A2B3C4D5E"; ErrorCode::invalid_appliance_id otherwise.
SEATKEY_VERIFIER_API Expected<std::string> canonical_appliance_id(std::string_view typed) noexcept;
// RFC 3339 ("2026-11-28T10:00:00Z", offsets allowed, fractions truncated), within
// 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z in UTC; ErrorCode::invalid_time otherwise.
SEATKEY_VERIFIER_API Expected<UnixTime> parse_time(std::string_view rfc3339) noexcept;
// "YYYY-MM-DDTHH:MM:SSZ" (empty only when out of memory); four year digits for every time
// parse_time() accepts.
SEATKEY_VERIFIER_API std::string format_time(UnixTime t) noexcept;
// The current time of the system clock.
SEATKEY_VERIFIER_API UnixTime current_time() noexcept;

}  // namespace seatkey::verifier
