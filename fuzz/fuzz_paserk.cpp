// PASERK parsing: k4.public, k4.secret and k4.secret-pw. Never crashes; accepted keys
// re-serialize to the same text. k4.secret-pw inputs that ask Argon2id for more than a
// small cost are still parsed up to the cost check (which must refuse absurd costs) but
// not run, so the fuzzer stays fast.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "seatkey/common/base64url.hpp"
#include "seatkey/signing/secret_key.hpp"

using namespace seatkey;

namespace {
bool cheap_enough(std::string_view paserk) {
  constexpr std::string_view kHeader = "k4.secret-pw.";
  if (paserk.substr(0, kHeader.size()) != kHeader) return true;
  auto body = base64url_decode(paserk.substr(kHeader.size()));
  if (!body || body->size() < 32) return true;
  std::uint64_t mem = 0, ops = 0;
  for (int i = 16; i < 24; ++i) mem = (mem << 8) | static_cast<std::uint8_t>((*body)[i]);
  for (int i = 24; i < 28; ++i) ops = (ops << 8) | static_cast<std::uint8_t>((*body)[i]);
  // Above these bounds only costs the parser must refuse (over 4 GiB / 64 passes) still run.
  return (mem <= 8 * 1024 * 1024 && ops <= 2) || mem > 4ull * 1024 * 1024 * 1024 || ops > 64;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto pub = PublicKey::from_paserk(text)) {
    if (pub->to_paserk() != text) std::abort();
  }
  if (auto sk = SecretKey::from_paserk(text)) {
    if (sk->to_paserk().view() != text) std::abort();
  }
  if (cheap_enough(text)) {
    auto sk = SecretKey::from_password_paserk(text, "correct horse battery staple");
    if (sk && sk->public_key().bytes() !=
                  PublicKey::from_bytes(
                      std::string_view(reinterpret_cast<const char*>(sk->bytes().data()) + 32, 32))
                      ->bytes()) {
      std::abort();
    }
  }
  return 0;
}
