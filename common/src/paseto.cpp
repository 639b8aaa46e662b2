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

}  // namespace

std::string pae(std::initializer_list<std::string_view> pieces) {
  std::size_t total = 8;
  for (auto p : pieces) total += 8 + p.size();
  std::string out;
  out.reserve(total);
  append_le64(&out, pieces.size());
  for (auto p : pieces) {
    append_le64(&out, p.size());
    out.append(p);
  }
  return out;
}

Result<UnverifiedToken> decode_v4_public(std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return malformed("token is " + std::to_string(token.size()) + " bytes, over the 4096-byte limit");
  }
  if (token.substr(0, kV4PublicHeader.size()) != kV4PublicHeader) {
    return malformed("not a v4.public token");
  }
  std::string_view rest = token.substr(kV4PublicHeader.size());
  std::string_view body = rest;
  std::string_view footer;
  const auto dot = rest.find('.');
  if (dot != std::string_view::npos) {
    body = rest.substr(0, dot);
    footer = rest.substr(dot + 1);
    if (footer.empty()) return malformed("token ends with an empty footer");
    if (footer.find('.') != std::string_view::npos) return malformed("token has too many parts");
  }
  auto decoded = base64url_decode(body);
  if (!decoded) return malformed("token body is not valid base64url");
  if (decoded->size() < kEd25519SignatureSize) return malformed("token body is shorter than a signature");
  UnverifiedToken out;
  if (!footer.empty()) {
    auto f = base64url_decode(footer);
    if (!f) return malformed("token footer is not valid base64url");
    out.footer = std::move(*f);
  }
  const std::size_t payload_size = decoded->size() - kEd25519SignatureSize;
  out.signature = decoded->substr(payload_size);
  decoded->resize(payload_size);
  out.payload = std::move(*decoded);
  return out;
}

Result<std::string> footer_kid(std::string_view footer) {
  if (footer.empty()) return malformed("token has no footer naming its key");
  std::vector<detail::JsonMember> members;
  std::string why;
  if (!detail::scan_json_object(footer, &members, &why)) return malformed("token footer: " + why);
  for (auto& m : members) {
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
  const std::string m2 = pae({kV4PublicHeader, token.payload, token.footer, implicit_assertion});
  return ed25519_verify(key, m2, token.signature);
}

Result<VerifiedToken> verify_v4_public(const PublicKey& key, std::string_view token,
                                       std::string_view implicit_assertion) {
  auto decoded = decode_v4_public(token);
  if (!decoded) return decoded.error();
  if (!signature_valid(key, *decoded, implicit_assertion)) {
    return make_error(Errc::bad_signature, "signature does not verify");
  }
  return VerifiedToken{std::move(decoded->payload), std::move(decoded->footer)};
}

}  // namespace seatkey
