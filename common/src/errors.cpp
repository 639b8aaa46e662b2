#include "seatkey/common/result.hpp"

namespace seatkey {

const char* errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::malformed: return "malformed";
    case Errc::unknown_key: return "unknown_key";
    case Errc::bad_signature: return "bad_signature";
    case Errc::invalid_claims: return "invalid_claims";
    case Errc::invalid_key: return "invalid_key";
    case Errc::wrong_passphrase: return "wrong_passphrase";
    case Errc::invalid_appliance_id: return "invalid_appliance_id";
    case Errc::invalid_time: return "invalid_time";
    case Errc::too_large: return "too_large";
    case Errc::io_error: return "io_error";
    case Errc::out_of_memory: return "out_of_memory";
  }
  return "unknown";
}

}  // namespace seatkey
