// Internal: how an Error travels inside keygen/src. A rule deep in a loop raises its Error
// (raise) rather than threading a Result through every caller; every public function runs its
// body under guarded(), which turns what was raised into the Result it returns. So an error is
// still decided where it happens, and nothing but a Result leaves the library: Raised is never
// seen outside keygen/src.
#pragma once

#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "seatkey/keygen/error.hpp"

namespace seatkey::keygen::detail {

struct Raised {
  Error error;
};

[[noreturn]] inline void raise(Error error) {
  throw Raised{std::move(error)};
}
[[noreturn]] inline void raise(Code code, std::string message, std::vector<Member> members = {},
                               std::string command_hint = {}) {
  throw Raised{Error(code, std::move(message), std::move(members), std::move(command_hint))};
}
[[noreturn]] inline void raise_input(std::string message, std::string command_hint = {}) {
  raise(Code::bad_input, std::move(message), {}, std::move(command_hint));
}
[[noreturn]] inline void raise_internal(std::string message, std::string command_hint = {}) {
  raise(Code::internal_error, std::move(message), {}, std::move(command_hint));
}

// The value of a Result, or its error raised.
template <class T>
T take(Result<T> result) {
  if (!result) raise(std::move(result).error());
  return std::move(result).value();
}
inline void take(Result<void> result) {
  if (!result) raise(std::move(result).error());
}

// The same Error with `prefix` before its message ("order 3 (...): ").
inline Error prefixed(Error e, const std::string& prefix) {
  e.message = prefix + e.message;
  return e;
}

// Runs `body` and returns what it returns, or what it raised, as a Result. Memory that runs out
// is unavailable (try again); any other exception of a library below (nlohmann, the standard
// library) is an internal error with its message.
template <class F>
auto guarded(F&& body) -> Result<std::invoke_result_t<F>> {
  using T = std::invoke_result_t<F>;
  try {
    if constexpr (std::is_void_v<T>) {
      body();
      return {};
    } else {
      return body();
    }
  } catch (Raised& r) {
    return std::move(r.error);
  } catch (const std::bad_alloc&) {
    return Error(Code::out_of_memory, "out of memory");
  } catch (const std::exception& e) {
    return Error(Code::internal_error, e.what());
  }
}

}  // namespace seatkey::keygen::detail
