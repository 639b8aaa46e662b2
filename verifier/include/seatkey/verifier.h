/* libseatkey-verifier's C API: the appliance's offline license check (docs/format.md, docs/firmware.md).
 *
 * Contract:
 *  - C99 (and C++), no C++ types, nothing thrown: every function returns a status, a value or
 *    a pointer and never lets an exception out; the library is the C++ API of
 *    <seatkey/verifier.hpp> underneath, with the same rules and the same results.
 *  - Ownership: a handle a function hands out through a `**out` parameter belongs to the
 *    caller, who frees it with the matching *_free function (which accepts NULL). Every
 *    `const char*` and `const seatkey_report*` a getter returns is borrowed from the handle
 *    it was read from: valid until that handle is freed, never to be freed by the caller.
 *    Strings are NUL-terminated UTF-8 as found in the inputs. Input pointers are only read
 *    during the call; nothing keeps them.
 *  - Errors: on failure a function leaves `*out` NULL, returns a seatkey_status other than
 *    SEATKEY_OK and, when `err` is not NULL and `err_size` > 0, writes a one-line message
 *    (NUL-terminated, truncated to fit) for the person who supplied the input. A NULL where
 *    a pointer is required is SEATKEY_INVALID_ARGUMENT. Getters given a NULL handle or an
 *    index out of range return 0, false, NULL or the *_NONE value; they never crash.
 *  - Thread safety: no global mutable state; handles are immutable once made (but for the
 *    setters of seatkey_options), so any number of threads may read the same handle; freeing
 *    or setting one must not race with reading it. Evaluations with the same state file, in
 *    any threads or processes, take turns on its lock file (FILE.lock, 0600, beside it).
 */
#ifndef SEATKEY_VERIFIER_H
#define SEATKEY_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seatkey/editions.h"

#ifndef SEATKEY_VERIFIER_API
#if defined(__GNUC__) || defined(__clang__)
#define SEATKEY_VERIFIER_API __attribute__((visibility("default")))
#else
#define SEATKEY_VERIFIER_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status ------------------------------------------------------------------------- */

/* What went wrong with the inputs as a whole. A single bad license is not an error: it is a
 * rejected report with a seatkey_reason. */
typedef enum seatkey_status {
  SEATKEY_OK = 0,
  SEATKEY_INVALID_ARGUMENT = 1,     /* a required pointer is NULL (a bug in the caller) */
  SEATKEY_INVALID_KEY = 2,          /* a trusted key is not a k4.public PASERK; bad keys file */
  SEATKEY_INVALID_APPLIANCE_ID = 3, /* outside the alphabet or 4-64 characters of an appliance ID */
  SEATKEY_INVALID_TIME = 4,         /* not an RFC 3339 time */
  SEATKEY_IO_ERROR = 5,             /* a path could not be read (the message names it) */
  SEATKEY_TOO_LARGE = 6,            /* a license set over 5 MiB or 10,000 tokens */
  SEATKEY_OUT_OF_MEMORY = 7,
  SEATKEY_INTERNAL_ERROR = 8,
  SEATKEY_INVALID_CODE = 9, /* an activation code with a typo (the message names the group to check) */
  SEATKEY_REFUSED = 10 /* seatkey_install_license_file() did not install the file (the refusal says why) */
} seatkey_status;

/* "ok", "invalid_argument", "invalid_key", "invalid_appliance_id", "invalid_time",
 * "io_error", "too_large", "out_of_memory", "internal_error", "invalid_code", "refused";
 * "unknown" for other values. A static string. */
SEATKEY_VERIFIER_API const char* seatkey_status_name(seatkey_status status);

/* The library's version, e.g. "0.1.0" (a static string). */
SEATKEY_VERIFIER_API const char* seatkey_verifier_version(void);

/* ---- Trust stores ------------------------------------------------------------------- */

/* The vendor public keys (k4.public) a license may be signed with. Evaluations take a
 * trust store, or NULL for the keys compiled into this build (CMake SEATKEY_TRUSTED_KEYS;
 * what firmware should use). */
typedef struct seatkey_trust_store seatkey_trust_store;

/* The keys compiled into this build. */
SEATKEY_VERIFIER_API seatkey_status seatkey_trust_store_built_in(seatkey_trust_store** out, char* err,
                                                                 size_t err_size);
/* `count` strings, each one "k4.public." key; an empty list or any other string is
 * SEATKEY_INVALID_KEY. `keys` may be NULL only when count is 0 (which is then an error). */
SEATKEY_VERIFIER_API seatkey_status seatkey_trust_store_from_keys(const char* const* keys, size_t count,
                                                                  seatkey_trust_store** out, char* err,
                                                                  size_t err_size);
/* A trusted-keys file's text (`size` bytes): one k4.public key per line, blank lines, '#'
 * comments and a UTF-8 byte order mark at the very start ignored. `origin` (may be NULL)
 * names it in messages ("origin:line"). */
SEATKEY_VERIFIER_API seatkey_status seatkey_trust_store_parse(const char* text, size_t size,
                                                              const char* origin, seatkey_trust_store** out,
                                                              char* err, size_t err_size);
/* seatkey_trust_store_parse() of the file at `path` (at most 1 MiB). */
SEATKEY_VERIFIER_API seatkey_status seatkey_trust_store_load_file(const char* path, seatkey_trust_store** out,
                                                                  char* err, size_t err_size);
SEATKEY_VERIFIER_API void seatkey_trust_store_free(seatkey_trust_store* store);

SEATKEY_VERIFIER_API size_t seatkey_trust_store_size(const seatkey_trust_store* store);
/* Key i (in k4.pid order): its "k4.pid." ID and its "k4.public." key; NULL if i >= size. */
SEATKEY_VERIFIER_API const char* seatkey_trust_store_key_id(const seatkey_trust_store* store, size_t i);
SEATKEY_VERIFIER_API const char* seatkey_trust_store_public_key(const seatkey_trust_store* store, size_t i);

/* ---- Evaluation options -------------------------------------------------------------- */

/* What an evaluation needs besides the licenses, the appliance ID and the keys: the clock,
 * the state file, the grace and warning periods (docs/firmware.md, docs/format.md). A new
 * handle holds the defaults: the system clock when the evaluation runs, no state file, this
 * build's grace days (seatkey_default_grace_days()), 30 warning days. The setters return
 * SEATKEY_INVALID_ARGUMENT for a NULL handle or a value out of range, and leave the handle
 * as it was. A handle may be used for any number of evaluations. */
typedef struct seatkey_options seatkey_options;

SEATKEY_VERIFIER_API seatkey_status seatkey_options_new(seatkey_options** out, char* err, size_t err_size);
SEATKEY_VERIFIER_API void seatkey_options_free(seatkey_options* options);
/* The clock (Unix seconds) instead of the system clock. The rules apply at max(now, clock
 * floor): the clock floor is the latest of the issue time of every license whose signature
 * verified, this build's time (firmware builds: seatkey_build_time()), min_time and the
 * state file's high-water mark. */
SEATKEY_VERIFIER_API seatkey_status seatkey_options_set_now(seatkey_options* options, int64_t now);
/* Another lower bound of the true time for the clock floor (it can only raise the floor). */
SEATKEY_VERIFIER_API seatkey_status seatkey_options_set_min_time(seatkey_options* options, int64_t min_time);
/* The state file (high-water mark, last good entitlement, grace in progress), read before an
 * evaluation and rewritten atomically after it when it changed (or its high-water mark moved an
 * hour); NULL or "" for none (then no grace). Its folder must be writable, and must not be
 * writable by the PBX's administrators (docs/security.md). A missing, unreadable, damaged or
 * unwritable state file never fails an evaluation: it is a warning
 * (seatkey_entitlement_warning_*). With a state file, a license path that cannot be read, or a
 * set over the limits, is evaluated as no licenses (a warning) instead of an error, so that
 * grace can keep the last good entitlement. The path is copied. */
SEATKEY_VERIFIER_API seatkey_status seatkey_options_set_state_path(seatkey_options* options,
                                                                   const char* path);
/* Days of grace, 0 to 3650 (0: none). Firmware should keep the build's default. */
SEATKEY_VERIFIER_API seatkey_status seatkey_options_set_grace_days(seatkey_options* options, int days);
/* Accepted licenses expiring within this many days (0 to 3650) of the evaluation time are
 * listed by seatkey_entitlement_expiring(). */
SEATKEY_VERIFIER_API seatkey_status seatkey_options_set_warn_days(seatkey_options* options, int days);
/* A revocation token (`size` bytes: one `v4.public.` token, as `seatkey-keygen revocations
 * issue` prints it, surrounding whitespace ignored) that evaluations apply beside the list built
 * into this build: for firmware that keeps the newest list where the admin cannot delete it
 * (not in the license folder). Like the built-in list it is a floor: what it names stays
 * revoked whatever newer list the license set holds (docs/format.md, "Revocation lists"). It
 * is checked at each evaluation like any token, against that evaluation's trust store, and
 * reported after the set's tokens with the source `source_name` (NULL: "options"); one that
 * does not verify revokes nothing and is reported with its reason. NULL token (and size 0):
 * none, the default. The token is copied. SEATKEY_INVALID_ARGUMENT for a NULL options, a NULL
 * token with size > 0, or more than 1 MiB. */
SEATKEY_VERIFIER_API seatkey_status seatkey_options_set_revocation_list(seatkey_options* options,
                                                                        const char* token, size_t size,
                                                                        const char* source_name);

/* The build time compiled into a firmware build (the clock floor of every evaluation): true
 * and *out set in firmware builds (when out is not NULL), false in other builds. */
SEATKEY_VERIFIER_API bool seatkey_build_time(int64_t* out);
/* The days of grace of a new seatkey_options (CMake SEATKEY_GRACE_DAYS, 30 by default). */
SEATKEY_VERIFIER_API int seatkey_default_grace_days(void);
/* The key ID ("k4.pid.", a static string) of seatkey's public development key
 * (keys/development.public): a firmware build refuses to trust it. */
SEATKEY_VERIFIER_API const char* seatkey_development_key_id(void);

/* ---- Evaluation --------------------------------------------------------------------- */

typedef struct seatkey_entitlement seatkey_entitlement;
typedef struct seatkey_report seatkey_report; /* one license's outcome, owned by its entitlement */

/* Evaluates a license set for the appliance `appliance_id` (as typed or read from hardware;
 * canonicalized first) at `now` (Unix seconds, e.g. seatkey_current_time()), trusting the
 * keys of `trust` (NULL: the built-in keys).
 *  - _text: license text of `size` bytes (one token per line, '#' comments, a UTF-8 byte
 *    order mark at the very start skipped, as in each file _path reads), `source_name`
 *    (may be NULL: "licenses") names it in each report's source ("name:line"). `text` may be
 *    NULL only when size is 0.
 *  - _path: a license file, or a directory whose regular files are read in name order.
 * Errors: SEATKEY_INVALID_APPLIANCE_ID, SEATKEY_IO_ERROR (_path), SEATKEY_TOO_LARGE,
 * SEATKEY_INVALID_ARGUMENT, SEATKEY_OUT_OF_MEMORY. Rejected licenses are not errors. */
SEATKEY_VERIFIER_API seatkey_status seatkey_evaluate_text(const char* text, size_t size,
                                                          const char* source_name, const char* appliance_id,
                                                          const seatkey_trust_store* trust, int64_t now,
                                                          seatkey_entitlement** out, char* err,
                                                          size_t err_size);
SEATKEY_VERIFIER_API seatkey_status seatkey_evaluate_path(const char* path, const char* appliance_id,
                                                          const seatkey_trust_store* trust, int64_t now,
                                                          seatkey_entitlement** out, char* err,
                                                          size_t err_size);
/* The same with `options` (required; seatkey_options_new()) instead of `now`: the clock, the
 * state file and grace, the warning days. Errors as above, and SEATKEY_INVALID_ARGUMENT for a
 * NULL options; with a state file, an unreadable path or a set over the limits is not an error
 * (see seatkey_options_set_state_path). */
SEATKEY_VERIFIER_API seatkey_status seatkey_evaluate_text_with_options(
    const char* text, size_t size, const char* source_name, const char* appliance_id,
    const seatkey_trust_store* trust, const seatkey_options* options, seatkey_entitlement** out, char* err,
    size_t err_size);
SEATKEY_VERIFIER_API seatkey_status seatkey_evaluate_path_with_options(
    const char* path, const char* appliance_id, const seatkey_trust_store* trust,
    const seatkey_options* options, seatkey_entitlement** out, char* err, size_t err_size);
SEATKEY_VERIFIER_API void seatkey_entitlement_free(seatkey_entitlement* entitlement);

/* SEATKEY_EDITION_FREE = 1, SEATKEY_EDITION_COMPACT = 2, SEATKEY_EDITION_APPLIANCE = 3,
 * SEATKEY_EDITION_VM = 4: from the list in seatkey/editions.h. */
#define SEATKEY_EDITION_CONSTANT(name, NAME, value) SEATKEY_EDITION_##NAME = value,
typedef enum seatkey_edition {
  SEATKEY_EDITION_NONE = 0, /* not licensed */
  SEATKEY_EDITIONS(SEATKEY_EDITION_CONSTANT)
} seatkey_edition;
#undef SEATKEY_EDITION_CONSTANT
/* "none", "free", "compact", "appliance", "vm" (the names of docs/format.md); "unknown" otherwise. */
SEATKEY_VERIFIER_API const char* seatkey_edition_name(seatkey_edition edition);

/* max_users of an edition without an upper limit (appliance, vm). */
#define SEATKEY_UNLIMITED_USERS (-1)

/* The entitlement's fields (docs/format.md; the names of seatkey-verify --json). */
SEATKEY_VERIFIER_API const char* seatkey_entitlement_appliance(const seatkey_entitlement* e); /* canonical */
SEATKEY_VERIFIER_API bool seatkey_entitlement_licensed(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API seatkey_edition seatkey_entitlement_edition(const seatkey_entitlement* e);
/* The active server license's serial; NULL when not licensed. */
SEATKEY_VERIFIER_API const char* seatkey_entitlement_server_license(const seatkey_entitlement* e);
/* The primary's canonical appliance ID while a standby license applies (this appliance is that
 * primary's standby and counts its licenses: docs/format.md, "Standby"); NULL otherwise. */
SEATKEY_VERIFIER_API const char* seatkey_entitlement_standby_for(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API int seatkey_entitlement_included_users(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API int seatkey_entitlement_pack_users(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API int seatkey_entitlement_licensed_users(const seatkey_entitlement* e);
/* SEATKEY_UNLIMITED_USERS for appliance and vm; 0 when not licensed. */
SEATKEY_VERIFIER_API int seatkey_entitlement_max_users(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API int seatkey_entitlement_excess_users(const seatkey_entitlement* e);
/* true and *until set when the active server license has an update option. */
SEATKEY_VERIFIER_API bool seatkey_entitlement_updates_until(const seatkey_entitlement* e, int64_t* until);
/* A firmware released at release_time may be installed: licensed, not free, and
 * release_time <= updates_until when there is one. */
SEATKEY_VERIFIER_API bool seatkey_entitlement_updates_allowed(const seatkey_entitlement* e,
                                                              int64_t release_time);
/* The time the rules were applied at: max(clock, clock floor). */
SEATKEY_VERIFIER_API int64_t seatkey_entitlement_evaluated_at(const seatkey_entitlement* e);
/* The clock the evaluation was given (the `now` argument or option, or the system clock). */
SEATKEY_VERIFIER_API int64_t seatkey_entitlement_clock(const seatkey_entitlement* e);
/* true and *floor set (when floor is not NULL) when a clock floor is known: the latest time
 * known to have passed (licenses' issue times, the build time, the state file). */
SEATKEY_VERIFIER_API bool seatkey_entitlement_clock_floor(const seatkey_entitlement* e, int64_t* floor);
/* The clock is behind the clock floor: the system clock is wrong (or was set back). */
SEATKEY_VERIFIER_API bool seatkey_entitlement_clock_behind(const seatkey_entitlement* e);
/* true and *seq set (when seq is not NULL) when a revocation list applies: the seq of the one
 * with the highest seq among the list built into this build (CMake SEATKEY_REVOCATIONS), the one
 * of seatkey_options_set_revocation_list() and the revocation tokens of the license set
 * (docs/format.md, "Revocation lists"). Its report is the first accepted one of kind
 * SEATKEY_KIND_REVOCATION; the licenses it names are rejected SEATKEY_REASON_REVOKED. The
 * built-in list (and the one of the options) is a floor: the licenses it names are revoked too,
 * and its report is accepted as well when the applicable list leaves some of them out; the
 * other lists are rejected SEATKEY_REASON_SUPERSEDED. */
SEATKEY_VERIFIER_API bool seatkey_entitlement_revocation_seq(const seatkey_entitlement* e, int64_t* seq);
/* true when an accepted license was signed with seatkey's public development key
 * (seatkey_development_key_id()), whose secret key is public too: anyone can make such a
 * license. A development build's licenses; a production firmware never trusts that key. */
SEATKEY_VERIFIER_API bool seatkey_entitlement_development_key(const seatkey_entitlement* e);

/* Why an evaluation is in grace (docs/format.md, "Grace"). */
typedef enum seatkey_grace_reason {
  SEATKEY_GRACE_NONE = 0,                /* not in grace */
  SEATKEY_GRACE_APPLIANCE_CHANGED = 1,   /* the appliance ID is not the last good one's */
  SEATKEY_GRACE_LICENSES_UNREADABLE = 2, /* the license set could not be read */
  SEATKEY_GRACE_LICENSES_DAMAGED = 3     /* licenses that counted before no longer do */
} seatkey_grace_reason;
/* "none", "appliance_changed", "licenses_unreadable", "licenses_damaged"; "unknown" otherwise. */
SEATKEY_VERIFIER_API const char* seatkey_grace_reason_name(seatkey_grace_reason reason);
/* true while the state file's last good entitlement is kept (then licensed, the edition, the
 * server license and the users are the last good ones, less the packs that expired since);
 * *since (the first worse evaluation) and *until (the end of the grace) are set when not
 * NULL. */
SEATKEY_VERIFIER_API bool seatkey_entitlement_grace(const seatkey_entitlement* e, int64_t* since,
                                                    int64_t* until);
/* Today's cause (it changes while the grace lasts when the problem does); SEATKEY_GRACE_NONE
 * when not in grace. */
SEATKEY_VERIFIER_API seatkey_grace_reason seatkey_entitlement_grace_reason(const seatkey_entitlement* e);
/* A sentence for the admin; NULL when not in grace. */
SEATKEY_VERIFIER_API const char* seatkey_entitlement_grace_message(const seatkey_entitlement* e);

/* The accepted licenses that expire within the warning days of the evaluation time, soonest
 * first: each is the same pointer seatkey_entitlement_accepted() gives for it
 * (seatkey_report_expires() gives the time). */
SEATKEY_VERIFIER_API size_t seatkey_entitlement_expiring_count(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API const seatkey_report* seatkey_entitlement_expiring(const seatkey_entitlement* e,
                                                                        size_t i);

/* What the admin should know that did not stop the evaluation (about the state file, or a
 * license set that could not be read). */
typedef enum seatkey_warning {
  SEATKEY_WARNING_NONE = 0,
  SEATKEY_WARNING_STATE_MISSING = 1,      /* no state file yet: a new one is written */
  SEATKEY_WARNING_STATE_UNREADABLE = 2,   /* the state file could not be read */
  SEATKEY_WARNING_STATE_DAMAGED = 3,      /* the state file is not a valid state: ignored, rewritten */
  SEATKEY_WARNING_STATE_NOT_SAVED = 4,    /* the state file could not be written */
  SEATKEY_WARNING_LICENSES_UNREADABLE = 5 /* the license set could not be read: evaluated as none */
} seatkey_warning;
/* "none", "state_missing", "state_unreadable", "state_damaged", "state_not_saved",
 * "licenses_unreadable"; "unknown" otherwise. */
SEATKEY_VERIFIER_API const char* seatkey_warning_name(seatkey_warning warning);
SEATKEY_VERIFIER_API size_t seatkey_entitlement_warning_count(const seatkey_entitlement* e);
/* SEATKEY_WARNING_NONE and NULL when i >= count. The message names paths: escape control and
 * bidi characters before showing it on a terminal. */
SEATKEY_VERIFIER_API seatkey_warning seatkey_entitlement_warning_code(const seatkey_entitlement* e, size_t i);
SEATKEY_VERIFIER_API const char* seatkey_entitlement_warning_message(const seatkey_entitlement* e, size_t i);
/* One more user may be created: licensed and 0 <= current_users < licensed_users. */
SEATKEY_VERIFIER_API bool seatkey_entitlement_may_add_user(const seatkey_entitlement* e,
                                                           int64_t current_users);

/* Accepted and rejected licenses, in set order. The reports belong to `e`. */
SEATKEY_VERIFIER_API size_t seatkey_entitlement_accepted_count(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API const seatkey_report* seatkey_entitlement_accepted(const seatkey_entitlement* e,
                                                                        size_t i);
SEATKEY_VERIFIER_API size_t seatkey_entitlement_rejected_count(const seatkey_entitlement* e);
SEATKEY_VERIFIER_API const seatkey_report* seatkey_entitlement_rejected(const seatkey_entitlement* e,
                                                                        size_t i);

typedef enum seatkey_kind {
  SEATKEY_KIND_NONE = 0, /* unknown: the token did not verify or its claims did not parse */
  SEATKEY_KIND_SERVER = 1,
  SEATKEY_KIND_USERS = 2,
  SEATKEY_KIND_REVOCATION = 3, /* a revocation list; values never change: a later kind is added at the end */
  SEATKEY_KIND_STANDBY = 4     /* a standby license: this appliance is the standby of a primary */
} seatkey_kind;
/* "none", "server", "users", "revocation", "standby"; "unknown" otherwise. */
SEATKEY_VERIFIER_API const char* seatkey_kind_name(seatkey_kind kind);

/* Why a license was rejected (the reason codes of docs/format.md); SEATKEY_REASON_NONE: accepted. */
typedef enum seatkey_reason {
  SEATKEY_REASON_NONE = 0,
  SEATKEY_REASON_MALFORMED = 1,
  SEATKEY_REASON_UNKNOWN_KEY = 2,
  SEATKEY_REASON_BAD_SIGNATURE = 3,
  SEATKEY_REASON_INVALID_CLAIMS = 4,
  SEATKEY_REASON_WRONG_APPLIANCE = 5,
  SEATKEY_REASON_NOT_YET_VALID = 6,
  SEATKEY_REASON_EXPIRED = 7,
  SEATKEY_REASON_DUPLICATE = 8,
  SEATKEY_REASON_SUPERSEDED = 9,
  SEATKEY_REASON_NO_SERVER_LICENSE = 10,
  SEATKEY_REASON_FREE_EDITION = 11,
  SEATKEY_REASON_REVOKED = 12 /* values never change: a later reason is added at the end */
} seatkey_reason;
/* "none", then the reason codes: "malformed", "unknown_key", ..., "free_edition", "revoked";
 * "unknown" otherwise. A static string. */
SEATKEY_VERIFIER_API const char* seatkey_reason_name(seatkey_reason reason);

/* A report's fields. serial, kind and users are known only for licenses whose signature
 * verified and whose claims parsed: otherwise NULL, SEATKEY_KIND_NONE and 0 (users is 0 on a
 * standby license too). source (a file
 * name) and message (which may quote another report's source) are exact data and may hold
 * any bytes: escape control and bidi characters before showing them on a terminal. */
SEATKEY_VERIFIER_API const char* seatkey_report_serial(const seatkey_report* r);
SEATKEY_VERIFIER_API seatkey_kind seatkey_report_kind(const seatkey_report* r);
SEATKEY_VERIFIER_API int seatkey_report_users(const seatkey_report* r);
SEATKEY_VERIFIER_API const char* seatkey_report_source(const seatkey_report* r); /* "file:line" */
SEATKEY_VERIFIER_API seatkey_reason seatkey_report_reason(const seatkey_report* r);
SEATKEY_VERIFIER_API const char* seatkey_report_message(const seatkey_report* r); /* for the admin */
/* true and *expires set (when not NULL) when the license has an `exp` (and verified). */
SEATKEY_VERIFIER_API bool seatkey_report_expires(const seatkey_report* r, int64_t* expires);
/* true when the license's signature verified with seatkey's public development key. */
SEATKEY_VERIFIER_API bool seatkey_report_development_key(const seatkey_report* r);
/* true and *code set (when not NULL) when the license was issued from an activation code (its
 * `code` claim: the code's number, for "activated with code no. N") and verified. */
SEATKEY_VERIFIER_API bool seatkey_report_code(const seatkey_report* r, int64_t* code);

/* ---- Activation --------------------------------------------------------------------- */

/* docs/firmware.md, "Activating an appliance"; the formats are in docs/format.md. */

/* Bytes that always hold a normalized activation code ("7KQ2M-0ZP4C-...") and its NUL. */
#define SEATKEY_ACTIVATION_CODE_SIZE 24
/* Bytes that always hold an activation request and its NUL (the longest: a 64-character
 * appliance ID and 8 codes). */
#define SEATKEY_ACTIVATION_REQUEST_SIZE 279

/* An activation code as the admin typed it (either case, spaces and hyphens anywhere, O for 0,
 * I and L for 1), checked offline before it is sent anywhere: its normalized form into
 * out[out_size], or SEATKEY_INVALID_CODE with a message naming the group with the typo ("group 3
 * (7KQ2M) has a typo: ..."); SEATKEY_INVALID_ARGUMENT when out is too small (out is then ""). */
SEATKEY_VERIFIER_API seatkey_status seatkey_check_activation_code(const char* typed, char* out,
                                                                  size_t out_size, char* err,
                                                                  size_t err_size);
/* The offline activation request of this appliance for `code_count` codes (0 to 8, each checked
 * like seatkey_check_activation_code(), none twice; `codes` may be NULL when code_count is 0),
 * stamped with `time` (the appliance's clock, Unix seconds) and a random nonce: one line of
 * 0-9, A-Z and '-' ("SKR1-..."), into out[out_size] (SEATKEY_ACTIVATION_REQUEST_SIZE always
 * suffices). It carries no secret. Errors: SEATKEY_INVALID_APPLIANCE_ID, SEATKEY_INVALID_CODE
 * ("code 2: group 3 ..."), SEATKEY_INVALID_TIME (before 1970 or after 4147),
 * SEATKEY_INVALID_ARGUMENT (over 8 codes, a code twice, out too small). */
SEATKEY_VERIFIER_API seatkey_status seatkey_activation_request(const char* appliance_id,
                                                               const char* const* codes, size_t code_count,
                                                               int64_t time, char* out, size_t out_size,
                                                               char* err, size_t err_size);

/* Why seatkey_install_license_file() did not install a file. NO_LICENSE, DAMAGED and
 * WRONG_APPLIANCE are about the file itself and always refuse; the others compare the licenses
 * folder with the file against the folder now, and `force` installs despite them. */
typedef enum seatkey_refusal {
  SEATKEY_REFUSAL_NONE = 0,
  SEATKEY_REFUSAL_NO_LICENSE = 1,      /* the file holds no token */
  SEATKEY_REFUSAL_DAMAGED = 2,         /* a token is not a license of a trusted key */
  SEATKEY_REFUSAL_WRONG_APPLIANCE = 3, /* a license is bound to another appliance */
  SEATKEY_REFUSAL_NOT_LICENSED = 4,    /* with it the appliance would have no valid server license */
  SEATKEY_REFUSAL_FEWER_USERS = 5,     /* with it fewer users would be licensed */
  SEATKEY_REFUSAL_LOWER_EDITION = 6,   /* with it the edition would be lower (to free, or a lower maximum) */
  SEATKEY_REFUSAL_EARLIER_UPDATES = 7  /* with it the update option would end earlier */
} seatkey_refusal;
/* "none", "no_license", "damaged", "wrong_appliance", "not_licensed", "fewer_users",
 * "lower_edition", "earlier_updates"; "unknown" otherwise. A static string. */
SEATKEY_VERIFIER_API const char* seatkey_refusal_name(seatkey_refusal refusal);

/* The PBX's "upload license": installs the license file `file` into the licenses folder
 * `licenses_dir` as license.lic for the appliance `appliance_id`, after judging it as the boot
 * check would judge the folder with it (`trust`: NULL for the built-in keys; `options`: NULL for
 * the system clock; a state path in them is SEATKEY_INVALID_ARGUMENT: an install reads no state
 * file). Atomic: the folder boots the old licenses or the new ones at every moment; the
 * license.lic it replaces is kept as the hidden .license.lic.previous, which the boot check does
 * not read. On SEATKEY_OK, *out is the folder's entitlement after the install and *refusal (when
 * refusal is not NULL) SEATKEY_REFUSAL_NONE, or with `force` the first refusal it overrode (err
 * then names them all). SEATKEY_REFUSED: nothing changed, *refusal is the first reason and err
 * names them all ("it would license fewer users: 8, against 13 now"). Other errors, nothing
 * changed: SEATKEY_IO_ERROR (the file or folder cannot be read or written, the file is not a
 * regular file or is one the boot check reads in the folder), SEATKEY_TOO_LARGE,
 * SEATKEY_INVALID_APPLIANCE_ID. */
SEATKEY_VERIFIER_API seatkey_status
seatkey_install_license_file(const char* file, const char* licenses_dir, const char* appliance_id,
                             const seatkey_trust_store* trust, const seatkey_options* options, bool force,
                             seatkey_refusal* refusal, seatkey_entitlement** out, char* err, size_t err_size);

/* ---- Helpers ------------------------------------------------------------------------ */

/* "00:1a:2b:3c:4d:5e" -> "001A2B3C4D5E" into out[out_size] (65 bytes always suffice).
 * SEATKEY_INVALID_APPLIANCE_ID, or SEATKEY_INVALID_ARGUMENT when out is too small (out is
 * then the empty string). */
SEATKEY_VERIFIER_API seatkey_status seatkey_canonical_appliance_id(const char* typed, char* out,
                                                                   size_t out_size, char* err,
                                                                   size_t err_size);
/* RFC 3339 ("2026-11-28T10:00:00Z", offsets allowed) to Unix seconds; SEATKEY_INVALID_TIME,
 * also for a time outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z in UTC, so that
 * seatkey_format_time() writes every time parsed in 21 bytes. */
SEATKEY_VERIFIER_API seatkey_status seatkey_parse_time(const char* rfc3339, int64_t* out, char* err,
                                                       size_t err_size);
/* "YYYY-MM-DDTHH:MM:SSZ" into out[out_size] (21 bytes suffice for years 0-9999); false (out
 * empty when out_size > 0) if it does not fit. */
SEATKEY_VERIFIER_API bool seatkey_format_time(int64_t t, char* out, size_t out_size);
/* The system clock, Unix seconds. */
SEATKEY_VERIFIER_API int64_t seatkey_current_time(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEATKEY_VERIFIER_H */
