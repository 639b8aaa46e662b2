#include "seatkey/common/paseto.hpp"

#include <sodium.h>

#include "json_scan.hpp"
#include "seatkey/common/base64url.hpp"
#include "seatkey/common/limits.hpp"

namespace seatkey {
namespace {

void append_le64(std::string* out, std::uint64_t n) {
  for (int i = 0; i < 8; ++i) {
    std::uint8_t byte = static_cast<std::uint8_t>(n & 0xff);
    if (i == 7) byte &= 0x7f;  // PASETO clears the top bit
    out->push_back(static_cast<char>(byte));
    n >>= 8;
  }
}

Error malformed(std::string why) {
  return make_error(Errc::malformed, std::move(why));
}

Error oversized(std::size_t size, TokenLimit limit) {
  return malformed("token is " + std::to_string(size) + " bytes, over " + token_limit_text(limit));
}

template <class Pieces>
void pae_of(std::string* out, const Pieces& pieces) {
  std::size_t total = 8;
  for (auto p : pieces) total += 8 + p.size();
  out->clear();
  out->reserve(total);
  append_le64(out, pieces.size());
  for (auto p : pieces) {
    append_le64(out, p.size());
    out->append(p);
  }
}

}  // namespace

void pae_into(std::string* out, std::initializer_list<std::string_view> pieces) {
  pae_of(out, pieces);
}

void pae_into(std::string* out, const std::vector<std::string_view>& pieces) {
  pae_of(out, pieces);
}

std::string pae(std::initializer_list<std::string_view> pieces) {
  std::string out;
  pae_into(&out, pieces);
  return out;
}

void V4PublicDecoder::clear() noexcept {
  payload_ = signature_ = footer_text_ = {};
  footer_.clear();
}

const char* V4PublicDecoder::decode(std::string_view token, TokenLimit limit) {
  clear();
  if (token.size() > max_token_bytes(limit)) {
    return limit == TokenLimit::license ? "token is over the 4096-byte limit of a license"
                                        : "token is over the 1048576-byte limit of a revocation list";
  }
  if (token.substr(0, kV4PublicHeader.size()) != kV4PublicHeader) return "not a v4.public token";
  std::string_view body_text = token.substr(kV4PublicHeader.size());
  std::string_view footer_text;
  if (const auto dot = body_text.find('.'); dot != std::string_view::npos) {
    footer_text = body_text.substr(dot + 1);
    body_text = body_text.substr(0, dot);
    if (footer_text.empty()) return "token ends with an empty footer";
    if (footer_text.find('.') != std::string_view::npos) return "token has too many parts";
  }
  body_.clear();
  if (!base64url_decode_append(body_text, &body_)) return "token body is not valid base64url";
  if (body_.size() < kEd25519SignatureSize) return "token body is shorter than a signature";
  if (!footer_text.empty() && !base64url_decode_append(footer_text, &footer_)) {
    footer_.clear();
    return "token footer is not valid base64url";
  }
  const std::string_view all(body_);
  payload_ = all.substr(0, all.size() - kEd25519SignatureSize);
  signature_ = all.substr(all.size() - kEd25519SignatureSize);
  footer_text_ = footer_text;
  return nullptr;
}

bool V4PublicDecoder::signature_valid(const PublicKey& key, std::string_view implicit_assertion) {
  if (signature_.size() != kEd25519SignatureSize) return false;  // nothing decoded
  pae_into(&pae_, {kV4PublicHeader, payload_, footer_, implicit_assertion});
  return ed25519_verify(key, pae_, signature_);
}

std::size_t v4_public_token_size(std::size_t payload_size, std::size_t footer_size) noexcept {
  // base64url without padding: 4 characters per 3 bytes, 2 or 3 for the 1 or 2 left over.
  const auto encoded = [](std::size_t n) { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); };
  return kV4PublicHeader.size() + encoded(payload_size + kEd25519SignatureSize) +
         (footer_size == 0 ? 0 : 1 + encoded(footer_size));
}

Result<UnverifiedToken> decode_v4_public(std::string_view token, TokenLimit limit) {
  if (token.size() > max_token_bytes(limit)) return oversized(token.size(), limit);
  V4PublicDecoder decoder;
  if (const char* why = decoder.decode(token, limit)) return malformed(why);
  return UnverifiedToken{std::string(decoder.payload()), std::string(decoder.signature()),
                         std::string(decoder.footer())};
}

Result<std::string> footer_kid(std::string_view footer) {
  if (footer.empty()) return malformed("token has no footer naming its key");
  auto members = detail::scan_json_object(footer);
  if (!members) return malformed("token footer: " + members.error().message);
  for (auto& m : *members) {
    if (m.key != "kid") continue;
    if (m.type != detail::JsonMember::Type::string || m.string.rfind("k4.pid.", 0) != 0) {
      return malformed("token footer kid is not a k4.pid key ID");
    }
    return std::move(m.string);
  }
  return malformed("token footer has no kid");
}

bool ed25519_verify(const PublicKey& key, std::string_view message, std::string_view signature) {
  if (signature.size() != kEd25519SignatureSize) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     key.bytes().data()) == 0;
}

bool signature_valid(const PublicKey& key, const UnverifiedToken& token,
                     std::string_view implicit_assertion) {
  return ed25519_verify(key, pae({kV4PublicHeader, token.payload, token.footer, implicit_assertion}),
                        token.signature);
}

Result<VerifiedToken> verify_v4_public(const PublicKey& key, std::string_view token,
                                       std::string_view implicit_assertion, TokenLimit limit) {
  if (token.size() > max_token_bytes(limit)) return oversized(token.size(), limit);
  V4PublicDecoder decoder;
  if (const char* why = decoder.decode(token, limit)) return malformed(why);
  if (!decoder.signature_valid(key, implicit_assertion)) {
    return make_error(Errc::bad_signature, "signature does not verify");
  }
  return VerifiedToken{std::string(decoder.payload()), std::string(decoder.footer())};
}

}  // namespace seatkey
