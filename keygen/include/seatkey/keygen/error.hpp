// The one exception type of seatkey::keygen. Every failure is either bad input (exit 2), a
// refusal by an issuing rule (exit 1, nothing written) or a ledger/storage failure (exit 2).
#pragma once

#include <stdexcept>
#include <string>

namespace seatkey::keygen {

enum class Failure {
  input,    // usage or input error: malformed ID, unknown edition, unreadable or unsafe file, ...
  refused,  // an issuing rule of spec section 4 says no; nothing was written
  ledger,   // the SQLite ledger failed (busy past all retries, corrupt, not a ledger, ...)
};

class Error : public std::runtime_error {
 public:
  Error(Failure kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Failure kind() const noexcept { return kind_; }
  // The command line's exit status: 1 for a refusal, 2 for everything else.
  int exit_code() const noexcept { return kind_ == Failure::refused ? 1 : 2; }

 private:
  Failure kind_;
};

[[noreturn]] void throw_input_error(const std::string& message);
[[noreturn]] void throw_refusal(const std::string& message);
[[noreturn]] void throw_ledger_error(const std::string& message);

}  // namespace seatkey::keygen
