// PASETO v4.public verification. Nothing from the token is trusted before verify() succeeds.
#pragma once

#include <string>
#include <string_view>

#include "seatkey/common/paserk.hpp"
#include "seatkey/common/result.hpp"

namespace seatkey {

inline constexpr std::string_view kV4PublicHeader = "v4.public.";
inline constexpr std::size_t kEd25519SignatureSize = 64;

// Pre-Authentication Encoding (PASETO Common.md): LE64(n) || (LE64(len) || piece)*.
std::string pae(std::initializer_list<std::string_view> pieces);

// A v4.public token split and decoded, not yet verified.
struct UnverifiedToken {
  std::string payload;    // message bytes (untrusted until verified)
  std::string signature;  // 64 bytes
  std::string footer;     // decoded footer bytes, possibly empty (untrusted)
};

// Splits and decodes; Errc::malformed for a wrong header, bad base64url, a body shorter
// than a signature, extra dots, or a token over kMaxTokenBytes.
Result<UnverifiedToken> decode_v4_public(std::string_view token);

// The `kid` of a footer that is the JSON object {"kid":"k4.pid...."} (other members
// ignored); Errc::malformed otherwise. Untrusted: only used to choose a key.
Result<std::string> footer_kid(std::string_view footer);

// Checks the signature over PAE(header, payload, footer, implicit).
bool signature_valid(const PublicKey& key, const UnverifiedToken& token,
                     std::string_view implicit_assertion = {});

// decode + signature check; returns the verified payload and footer.
struct VerifiedToken {
  std::string payload;
  std::string footer;
};
Result<VerifiedToken> verify_v4_public(const PublicKey& key, std::string_view token,
                                       std::string_view implicit_assertion = {});

// A bare Ed25519 detached-signature check (the project's one wrapper of libsodium's).
bool ed25519_verify(const PublicKey& key, std::string_view message, std::string_view signature);

}  // namespace seatkey
