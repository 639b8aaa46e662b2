// libseatkey-verifier: the appliance's offline license check (docs/format.md, docs/firmware.md).
//
// Contract:
//  - evaluate() turns a license set, the appliance's own ID, a trust store of vendor public
//    keys and the current time into an Entitlement. Every token ends up accepted or rejected
//    with exactly one Reason, by the rules of docs/format.md, in order.
//  - A token's signature is checked (with the key its footer `kid` names) before anything in
//    its payload is read; nothing from a token that did not verify is reported.
//  - No function throws: failures come back as an Error in an Expected. No global mutable
//    state; the same inputs always give the same Entitlement, lists in input order.
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

enum class Edition { free, compact, appliance, vm };
SEATKEY_VERIFIER_API const char* edition_name(Edition edition) noexcept;  // "free", "compact", ...

// What a token is: a license (server, users) or a revocation list.
enum class LicenseKind { server, users, revocation };
SEATKEY_VERIFIER_API const char* kind_name(LicenseKind kind) noexcept;  // "server", "users", "revocation"

// Why a token was rejected; the names are the reason codes of docs/format.md.
enum class Reason {
  malformed,          // not a v4.public token, bad base64url, over 4 KiB, bad footer/kid
  unknown_key,        // footer kid names no trusted key
  bad_signature,      // signature does not verify
  invalid_claims,     // payload not a valid license claims object
  wrong_appliance,    // bound to another appliance
  revoked,            // its serial is on the revocation list that applies
  not_yet_valid,      // now < nbf
  expired,            // now >= exp
  duplicate,          // its serial was already accepted earlier in the set
  superseded,         // a server license that lost to another (rule 2)
  no_server_license,  // a pack, with no valid server license
  free_edition,       // a pack, while the active server license is free
};
SEATKEY_VERIFIER_API const char* reason_name(Reason reason) noexcept;  // "malformed", ...

// One token's outcome. serial, kind and users are set only for tokens whose signature
// verified and whose claims parsed (never for malformed/unknown_key/bad_signature/
// invalid_claims).
struct LicenseReport {
  std::optional<std::string> serial;
  std::optional<LicenseKind> kind;
  std::optional<int> users;
  std::string source;            // "file:line"
  std::optional<Reason> reason;  // nullopt: accepted
  std::string message;           // a sentence for an admin
  // source (a file name) and message (which may quote another report's source) are exact
  // data and may hold any bytes: escape control and bidi characters before showing them on a
  // terminal.
};

// Exported: its member functions live in the library.
struct SEATKEY_VERIFIER_API Entitlement {
  std::string appliance;  // canonical appliance ID
  bool licensed = false;  // a valid server license is active
  std::optional<Edition> edition;
  std::optional<std::string> server_license;  // serial of the active server license
  int included_users = 0;                     // the edition's included users
  int pack_users = 0;                         // sum of the accepted packs' users (before the cap)
  int licensed_users = 0;                     // min(included + pack, max); 0 when not licensed
  std::optional<int> max_users;               // nullopt: unlimited; 0 when not licensed
  int excess_users = 0;                       // what the max_users cap cut off
  std::optional<UnixTime> updates_until;      // the active server license's update option
  UnixTime evaluated_at = 0;                  // the `now` of the evaluation
  std::vector<LicenseReport> accepted;        // in set order
  std::vector<LicenseReport> rejected;        // in set order

  // A firmware released at release_time may be installed: licensed, not free, and
  // release_time <= updates_until when there is one.
  bool updates_allowed(UnixTime release_time) const noexcept;
  // The same for a release made at evaluated_at (the entitlement's `updates_allowed` field).
  bool updates_allowed() const noexcept { return updates_allowed(evaluated_at); }
  // One more user may be created: licensed and 0 <= current_users < licensed_users.
  bool may_add_user(std::int64_t current_users) const noexcept;
};

// Evaluates `set` for the appliance `appliance_id` (canonicalized first; an invalid one is
// ErrorCode::invalid_appliance_id) at time `now`, trusting the keys of `trust`. A set over
// the limits is ErrorCode::too_large. Rejections of single tokens are never errors.
SEATKEY_VERIFIER_API Expected<Entitlement> evaluate(const LicenseSet& set, std::string_view appliance_id,
                                                    const TrustStore& trust, UnixTime now) noexcept;

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
