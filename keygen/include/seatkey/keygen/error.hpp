// The one exception of seatkey::keygen: why a command could not do what it was asked. Every
// failure is bad input (exit 2), a refusal by an issuing rule (exit 1, nothing written) or a
// ledger/storage failure (exit 2).
#pragma once

#include <stdexcept>
#include <string>

namespace seatkey::keygen {

class Failure : public std::runtime_error {
 public:
  enum class Kind {
    input,    // usage or input error: malformed ID, unknown edition, unreadable or unsafe file, ...
    refused,  // an issuing rule says no; nothing was written
    ledger,   // the ledger failed (busy past all retries, corrupt, not a ledger, ...)
  };

  Failure(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }
  // The command line's exit status: 1 for a refusal, 2 for everything else.
  int exit_code() const noexcept { return kind_ == Kind::refused ? 1 : 2; }

 private:
  Kind kind_;
};

[[noreturn]] void throw_input_error(const std::string& message);
[[noreturn]] void throw_refusal(const std::string& message);
[[noreturn]] void throw_ledger_error(const std::string& message);

}  // namespace seatkey::keygen
