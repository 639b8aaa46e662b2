#include "token.hpp"

#include "seatkey/common/base64url.hpp"
#include "seatkey/common/paseto.hpp"

namespace seatkey::verifier::detail {

bool split_v4_public(std::string_view token, std::string* body, TokenView* out, const char** why) {
  if (token.substr(0, kV4PublicHeader.size()) != kV4PublicHeader) {
    *why = "not a v4.public token";
    return false;
  }
  std::string_view rest = token.substr(kV4PublicHeader.size());
  std::string_view body_text = rest;
  std::string_view footer_text;
  const auto dot = rest.find('.');
  if (dot != std::string_view::npos) {
    body_text = rest.substr(0, dot);
    footer_text = rest.substr(dot + 1);
    if (footer_text.empty()) {
      *why = "token ends with an empty footer";
      return false;
    }
    if (footer_text.find('.') != std::string_view::npos) {
      *why = "token has too many parts";
      return false;
    }
  }
  body->clear();
  if (!seatkey::base64url_decode_append(body_text, body)) {
    *why = "token body is not valid base64url";
    return false;
  }
  if (body->size() < kEd25519SignatureSize) {
    *why = "token body is shorter than a signature";
    return false;
  }
  const std::string_view all(*body);
  const std::size_t payload_size = all.size() - kEd25519SignatureSize;
  out->payload = all.substr(0, payload_size);
  out->signature = all.substr(payload_size);
  out->footer_text = footer_text;
  return true;
}

}  // namespace seatkey::verifier::detail
