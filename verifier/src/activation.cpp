// The appliance's side of activation codes: checking a typed code and writing the offline
// activation request (the formats are seatkey::common's, docs/format.md).
#include <sodium.h>

#include <new>

#include "internal.hpp"
#include "seatkey/common/activation_code.hpp"
#include "seatkey/common/activation_request.hpp"

namespace seatkey::verifier {
namespace {

Error invalid_code(const std::string& message) {
  return Error{ErrorCode::invalid_code, message};
}

}  // namespace

Expected<std::string> check_activation_code(std::string_view typed) noexcept {
  try {
    auto code = seatkey::parse_activation_code(typed);
    if (!code) return invalid_code(code.error().message);
    return code->text();
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  }
}

Expected<std::string> activation_request(std::string_view appliance_id, const std::vector<std::string>& codes,
                                         UnixTime time) noexcept {
  try {
    auto id = seatkey::canonical_appliance_id(appliance_id);
    if (!id) return detail::from_common(id.error());
    if (codes.size() > seatkey::kMaxRequestCodes) {
      return Error{ErrorCode::invalid_argument, "an activation request carries at most " +
                                                    std::to_string(seatkey::kMaxRequestCodes) +
                                                    " codes, not " + std::to_string(codes.size())};
    }
    seatkey::ActivationRequest request;
    request.appliance = std::move(*id);
    request.time = time;
    for (std::size_t i = 0; i < codes.size(); ++i) {
      auto code = seatkey::parse_activation_code(codes[i]);
      if (!code) return invalid_code("code " + std::to_string(i + 1) + ": " + code.error().message);
      for (std::size_t j = 0; j < request.codes.size(); ++j) {
        if (request.codes[j] == *code) {
          return Error{ErrorCode::invalid_argument,
                       "code " + std::to_string(i + 1) + " is code " + std::to_string(j + 1) + " again"};
        }
      }
      request.codes.push_back(*code);
    }
    if (sodium_init() < 0) return Error{ErrorCode::internal_error, "libsodium failed to initialize"};
    unsigned char nonce[5];
    randombytes_buf(nonce, sizeof nonce);
    for (unsigned char byte : nonce) request.nonce = (request.nonce << 8) | byte;
    auto text = seatkey::format_activation_request(request);
    if (!text) return detail::from_common(text.error());
    return std::move(*text);
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::out_of_memory, "out of memory"};
  }
}

std::size_t max_activation_request_length() noexcept {
  return seatkey::kMaxRequestLength;
}

}  // namespace seatkey::verifier
