// Passphrases for k4.secret-pw keys, only ever in SecureBuffer memory, never printed.
#pragma once

#include <string>

#include "seatkey/keygen/error.hpp"
#include "seatkey/signing/secure_buffer.hpp"

namespace seatkey::keygen {

inline constexpr std::size_t kMinNewPassphraseBytes = 8;

// From --passphrase-file (if `file` is not empty), else SEATKEY_PASSPHRASE, else an echo-free
// prompt when standard input is a terminal (asked twice when `confirm`), else an input error
// saying how to give one. `purpose` completes the prompt: "Passphrase for <purpose>: ". A
// passphrase shorter than `min_bytes` is refused as soon as it is read, before the confirmation.
Result<SecureBuffer> obtain_passphrase(const std::string& file, const std::string& purpose, bool confirm,
                                       std::size_t min_bytes = 0);

}  // namespace seatkey::keygen
