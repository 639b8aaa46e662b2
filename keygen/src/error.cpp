#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen {

void throw_input_error(const std::string& message) {
  throw Failure(Failure::Kind::input, message);
}
void throw_refusal(const std::string& message) {
  throw Failure(Failure::Kind::refused, message);
}
void throw_ledger_error(const std::string& message) {
  throw Failure(Failure::Kind::ledger, message);
}

}  // namespace seatkey::keygen
