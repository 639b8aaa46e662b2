// PASERK k4 keys: k4.public, k4.pid (verify side). Secret keys live in signing.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seatkey/common/result.hpp"

namespace seatkey {

class PublicKey {
 public:
  static constexpr std::size_t kSize = 32;

  static Result<PublicKey> from_bytes(std::string_view bytes);
  // "k4.public." + base64url(32 bytes); anything else is Errc::invalid_key.
  static Result<PublicKey> from_paserk(std::string_view paserk);

  std::string to_paserk() const;
  // "k4.pid." + base64url(BLAKE2b-264("k4.pid." || to_paserk())).
  const std::string& id() const noexcept { return id_; }
  const std::array<std::uint8_t, kSize>& bytes() const noexcept { return bytes_; }

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.bytes_ == b.bytes_; }

 private:
  PublicKey() = default;
  std::array<std::uint8_t, kSize> bytes_{};
  std::string id_;
};

// One line of a public key file: a "k4.public." key. Errc::invalid_key otherwise, the message
// starting with `where` ("keys.txt:3: "); a secret key is named as such and never echoed.
Result<PublicKey> parse_public_key_line(std::string_view line, std::string_view where);

// A public key file (trusted keys, `inspect --public`): one k4.public key per line; blank
// lines, '#' comments and a leading UTF-8 byte order mark are allowed. Any other line is
// Errc::invalid_key naming "origin:line"; a file without a key is "origin: holds no k4.public
// key". The keys in file order, repeats included.
Result<std::vector<PublicKey>> parse_public_key_file(std::string_view text, std::string_view origin);

// The PASERK ID ("k4.pid." / "k4.sid." style) of a serialized PASERK key.
std::string paserk_id(std::string_view id_header, std::string_view paserk);

}  // namespace seatkey
