#include "seatkey/signing/activation_codes.hpp"

#include <sodium.h>

namespace seatkey {

Result<ActivationCode> generate_activation_code() {
  if (sodium_init() < 0) return make_error(Errc::out_of_memory, "libsodium failed to initialize");
  ActivationCode::Bits bits{};
  randombytes_buf(bits.data(), bits.size());
  ActivationCode code = ActivationCode::from_bits(bits);
  sodium_memzero(bits.data(), bits.size());
  return code;
}

}  // namespace seatkey
