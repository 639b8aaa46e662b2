#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen {

void throw_input_error(const std::string& message) {
  throw Error(Failure::input, message);
}
void throw_refusal(const std::string& message) {
  throw Error(Failure::refused, message);
}
void throw_ledger_error(const std::string& message) {
  throw Error(Failure::ledger, message);
}

}  // namespace seatkey::keygen
