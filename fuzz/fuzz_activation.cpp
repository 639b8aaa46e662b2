// What people type or paste for activation (docs/format.md, "Activation codes", "Activation
// requests"): a code and a request. Never crashes; a refusal always says why; a code that reads
// back is written back the same, and a request that reads back is written back (within the
// length bound) to one that reads back the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "seatkey/common/activation_request.hpp"

using namespace seatkey;

namespace {

void check_code(std::string_view text) {
  auto code = parse_activation_code(text);
  if (!code) {
    if (code.error().message.empty()) std::abort();
    return;
  }
  auto again = parse_activation_code(code->text());
  if (!again || *again != *code || ActivationCode::from_bits(code->bits()) != *code) std::abort();
  if (code->symbols().size() != kCodeLength || code->hash_hex().size() != 2 * kCodeHashBytes) std::abort();
}

void check_request(std::string_view text) {
  auto request = parse_activation_request(text);
  if (!request) {
    if (request.error().message.empty()) std::abort();
    return;
  }
  auto written = format_activation_request(*request);
  if (!written || written->size() > kMaxRequestLength) std::abort();
  auto back = parse_activation_request(*written);
  if (!back || back->appliance != request->appliance || back->codes != request->codes ||
      back->time != request->time || back->nonce != request->nonce) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_code(text);
  check_request(text);
  return 0;
}
