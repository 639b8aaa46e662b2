// The claims of every token seatkey signs (docs/format.md): licenses (server licenses, user
// packs, standby licenses) and revocation lists, parsed into typed structs. Which claims each
// kind requires, allows or forbids is one table, kClaimUse; parsing and the issuer's checks
// both apply it. Writing claims is the vendor's alone: seatkey/signing/claims_writer.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "seatkey/common/packed_strings.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey {

inline constexpr std::size_t kMaxSerialLength = 64;
// The largest `seq` of a revocation list: 2^53 - 1, exact in every JSON reader.
inline constexpr std::int64_t kMaxRevocationSeq = 9007199254740991;
// The largest activation code number (`code`): the same bound, for the same reason.
inline constexpr std::int64_t kMaxCodeNumber = 9007199254740991;

// A server license, a user pack or a standby license.
struct License {
  std::string issuer;                      // iss
  std::string serial;                      // jti: non-empty, at most kMaxSerialLength bytes
  UnixTime issued_at = 0;                  // iat
  LicenseKind kind = LicenseKind::server;  // server, users or standby
  std::string appliance;                   // canonical appliance ID
  std::optional<Edition> edition;          // server only
  int users = 0;  // server: the edition's included users; users: 1 or 5; standby: 0 (no claim)
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> updates_until;  // server, never on free
  std::optional<UnixTime> not_before;     // nbf
  std::optional<UnixTime> expires;        // exp
  std::optional<std::string> primary;     // standby only: the primary's canonical appliance ID
  std::optional<std::int64_t>
      code;  // the activation code it was issued from: its number, 1 to kMaxCodeNumber
};

// A revocation list (kind "revocation"): the serials the vendor took back, bound to no
// appliance. Lists are cumulative: each names every serial ever voided, and its seq is one
// more than the previous list's, so the highest seq is the newest.
struct RevocationList {
  std::string issuer;      // iss
  std::string serial;      // jti: a serial like a license's
  UnixTime issued_at = 0;  // iat
  std::int64_t seq = 0;    // 1 to kMaxRevocationSeq
  PackedStrings revoked;   // serials, each once, in compare_serials() order
};

// Whether `serials`, in compare_serials() order (a revocation list's, which the claims parser
// refuses in any other), name `serial`: a binary search.
bool names_serial(const PackedStrings& serials, std::string_view serial) noexcept;

// The claims of any token.
using Claims = std::variant<License, RevocationList>;
LicenseKind kind_of(const Claims& claims) noexcept;

// ---- Which kind carries which claim ----------------------------------------------------------

enum class Claim {
  iss,
  jti,
  iat,
  kind,
  appliance,
  edition,
  users,
  customer,
  order,
  updates_until,
  nbf,
  exp,
  seq,
  revoked,
  primary,
  code,
};
inline constexpr std::array<std::string_view, 16> kClaimNames{{
    "iss",
    "jti",
    "iat",
    "kind",
    "appliance",
    "edition",
    "users",
    "customer",
    "order",
    "updates_until",
    "nbf",
    "exp",
    "seq",
    "revoked",
    "primary",
    "code",
}};
constexpr std::string_view claim_name(Claim c) {
  return kClaimNames[static_cast<std::size_t>(c)];
}

enum class ClaimUse { required, optional, forbidden };

// kClaimUse[kind][claim], kinds in LicenseKind order, claims in Claim order. Rules that depend
// on a claim's value (the users of an edition, no updates_until on free, the pack sizes, the
// order of `revoked`, a standby's primary other than its appliance) are checked after it.
inline constexpr std::array<std::array<ClaimUse, 16>, 4> kClaimUse = [] {
  constexpr ClaimUse R = ClaimUse::required, O = ClaimUse::optional, F = ClaimUse::forbidden;
  return std::array<std::array<ClaimUse, 16>, 4>{{
      //  iss jti iat kind appliance edition users customer order updates_until nbf exp seq revoked
      //  primary code
      {{R, R, R, R, R, R, R, O, O, O, O, O, F, F, F, O}},  // server
      {{R, R, R, R, R, F, R, O, O, F, O, O, F, F, F, O}},  // users
      {{R, R, R, R, F, F, F, F, F, F, F, F, R, R, F, F}},  // revocation
      {{R, R, R, R, R, F, F, O, O, F, O, O, F, F, R, F}},  // standby
  }};
}();
constexpr ClaimUse claim_use(LicenseKind kind, Claim claim) {
  return kClaimUse[static_cast<std::size_t>(kind)][static_cast<std::size_t>(claim)];
}
// "server license", "user pack", "revocation list", "standby license": what messages call a kind.
std::string_view kind_description(LicenseKind kind) noexcept;

// ---- Parsing ----------------------------------------------------------------------------------

// Parses a verified payload of any kind. Errc::invalid_claims (the message names the claim)
// when it is not a JSON object, has a duplicated key at any depth, nests deeper than
// kMaxJsonDepth, lacks a claim its kind requires, carries one its kind forbids, or has a known
// claim of the wrong type or value. Unknown claims are ignored.
Result<Claims> parse_token_claims(std::string_view payload);

// parse_token_claims() for a reader that wants a license: a revocation list is
// Errc::invalid_claims too.
Result<License> parse_claims(std::string_view payload);

// ---- The rules parsing and issuing share -------------------------------------------------------
// The parser applies them to what it read; the vendor's claims writer
// (seatkey/signing/claims_writer.hpp, not linked into the verifier) to what it is about to sign.

// The claims present, by Claim.
using ClaimsPresent = std::array<bool, kClaimNames.size()>;
// kClaimUse for `kind`: the first claim (in Claim order) that is required and missing, or
// forbidden and present, as Errc::invalid_claims.
std::optional<Error> check_claim_presence(LicenseKind kind, const ClaimsPresent& present);
// The values of a license's claims: issuer, serial, UTF-8 text, a canonical appliance ID, the
// edition's users and update option, a pack's size, a standby's primary.
std::optional<Error> check_license_values(const License& license);
// The values of a revocation list's claims: issuer, serial, seq, `revoked` in order.
std::optional<Error> check_revocation_list_values(const RevocationList& list);

}  // namespace seatkey
