// Making activation codes (docs/format.md, "Activation codes"): the vendor's side only. Reading
// and checking them is seatkey/common/activation_code.hpp, which the verifier has too.
#pragma once

#include "seatkey/common/activation_code.hpp"
#include "seatkey/common/result.hpp"

namespace seatkey {

// A new code of 80 bits from libsodium's randombytes (the system's CSPRNG); the bits are wiped
// once the code is made. Errc::out_of_memory only when libsodium cannot initialize.
Result<ActivationCode> generate_activation_code();

}  // namespace seatkey
