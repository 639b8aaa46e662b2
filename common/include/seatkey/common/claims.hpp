// The license claims (docs/format.md), parsed into a typed struct and written back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "seatkey/common/policy.hpp"
#include "seatkey/common/result.hpp"
#include "seatkey/common/time.hpp"

namespace seatkey {

inline constexpr std::size_t kMaxSerialLength = 64;

struct License {
  std::string issuer;      // iss
  std::string serial;      // jti: non-empty, at most kMaxSerialLength bytes
  UnixTime issued_at = 0;  // iat
  LicenseKind kind = LicenseKind::server;
  std::string appliance;           // canonical appliance ID
  std::optional<Edition> edition;  // server only
  int users = 0;                   // server: the edition's included users; users: 1 or 5
  std::optional<std::string> customer;
  std::optional<std::string> order;
  std::optional<UnixTime> updates_until;  // server, never on free
  std::optional<UnixTime> not_before;     // nbf
  std::optional<UnixTime> expires;        // exp
};

// Parses a verified payload. Errc::invalid_claims (message names the claim) when it is not
// a JSON object, has a duplicated key at any depth, nests deeper than kMaxJsonDepth, lacks a
// required claim, or has a known claim of the wrong type or value. Unknown claims are ignored.
Result<License> parse_claims(std::string_view payload);

// Checks the same rules on a License built in code (the issuer's side).
Result<License> validate_license(License license);

// Compact JSON, claims in a fixed order; round-trips through parse_claims.
std::string to_payload_json(const License& license);

}  // namespace seatkey
