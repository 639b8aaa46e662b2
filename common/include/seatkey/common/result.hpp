// Result<T, E>: a value or an error, never an exception. The format's errors are Error (an Errc
// and a message); a layer with errors of its own names its own E (the back office's
// seatkey::keygen::Error) and keeps this one template.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace seatkey {

enum class Errc {
  malformed,             // not a v4.public token, bad base64url, oversized, bad footer
  unknown_key,           // footer kid names no trusted key
  bad_signature,         // Ed25519 signature does not verify
  invalid_claims,        // payload is not a valid license claims object
  invalid_key,           // a PASERK string or key material is not acceptable
  wrong_passphrase,      // k4.secret-pw did not authenticate under this passphrase
  invalid_appliance_id,  // appliance ID outside the alphabet or 4-64 characters of docs/format.md
  invalid_time,          // not an RFC 3339 date-time
  too_large,             // input over the limits of docs/format.md
  io_error,              // a file could not be read or written
  out_of_memory,         // sodium_malloc failed
};

const char* errc_name(Errc code) noexcept;

struct Error {
  Errc code;
  std::string message;
};

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  std::optional<T> value_;
  E error_{};
};

// What succeeds with nothing to return, or fails with an E.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  const E& error() const& { return *error_; }
  E&& error() && { return std::move(*error_); }

 private:
  std::optional<E> error_;
};

inline Error make_error(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace seatkey
