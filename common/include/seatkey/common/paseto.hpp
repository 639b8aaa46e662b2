// PASETO v4.public: one decoder for every token seatkey reads. Nothing from a token is
// trusted before its signature has been checked.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/limits.hpp"
#include "seatkey/common/paserk.hpp"
#include "seatkey/common/result.hpp"

namespace seatkey {

inline constexpr std::string_view kV4PublicHeader = "v4.public.";
inline constexpr std::size_t kEd25519SignatureSize = 64;

// Pre-Authentication Encoding (PASETO Common.md): LE64(n) || (LE64(len) || piece)*, into *out
// (its previous content is dropped; its capacity is reused).
void pae_into(std::string* out, std::initializer_list<std::string_view> pieces);
void pae_into(std::string* out, const std::vector<std::string_view>& pieces);
std::string pae(std::initializer_list<std::string_view> pieces);

// Decodes v4.public tokens into buffers it keeps from one token to the next, so that decoding
// and verifying a set of tokens allocates nothing after the first few. The views it returns
// point into those buffers (or into the token) and are valid until the next decode().
class V4PublicDecoder {
 public:
  // Splits "v4.public." body ["." footer] and decodes body and footer (strict base64url).
  // nullptr on success; otherwise a fixed description of what is malformed ("not a v4.public
  // token", "token body is not valid base64url", ...) and the views are empty. A token over
  // max_token_bytes(limit) is not decoded.
  const char* decode(std::string_view token, TokenLimit limit = TokenLimit::license);

  std::string_view payload() const noexcept { return payload_; }          // untrusted until verified
  std::string_view signature() const noexcept { return signature_; }      // 64 bytes
  std::string_view footer() const noexcept { return footer_; }            // decoded; may be empty
  std::string_view footer_text() const noexcept { return footer_text_; }  // as in the token

  // Ed25519 over PAE("v4.public.", payload, footer, implicit_assertion) with `key`.
  bool signature_valid(const PublicKey& key, std::string_view implicit_assertion = {});

 private:
  void clear() noexcept;
  std::string body_;    // payload || signature
  std::string footer_;  // decoded footer
  std::string pae_;
  std::string_view payload_, signature_, footer_text_;
};

// The length of the v4.public token of a payload and a footer of these sizes (the footer
// omitted when empty): what a signer checks against a TokenLimit before signing.
std::size_t v4_public_token_size(std::size_t payload_size, std::size_t footer_size) noexcept;

// A v4.public token decoded into its own strings, not yet verified.
struct UnverifiedToken {
  std::string payload;    // message bytes (untrusted until verified)
  std::string signature;  // 64 bytes
  std::string footer;     // decoded footer bytes, possibly empty (untrusted)
};

// V4PublicDecoder::decode() for one token; Errc::malformed with its description, and for a
// token over max_token_bytes(limit) its size and the limit.
Result<UnverifiedToken> decode_v4_public(std::string_view token, TokenLimit limit = TokenLimit::license);

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
                                       std::string_view implicit_assertion = {},
                                       TokenLimit limit = TokenLimit::license);

// A bare Ed25519 detached-signature check (the project's one wrapper of libsodium's).
bool ed25519_verify(const PublicKey& key, std::string_view message, std::string_view signature);

}  // namespace seatkey
