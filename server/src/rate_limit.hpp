// Internal: failed authentication attempts, counted per client address. An address that made
// `max_failures` failed attempts within `window` is refused (429) until the oldest of them is
// `window` old: online guessing of tokens is slowed to max_failures per window and address,
// and the table of addresses is bounded (the addresses whose last failure is oldest go first).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace seatkey::server::detail {

class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  FailureLimiter(std::size_t max_failures, std::chrono::seconds window, std::size_t max_addresses);

  // Seconds until `address` may try again (at least 1), or nullopt when it may now.
  std::optional<long> blocked(const std::string& address, Clock::time_point now);
  void record_failure(const std::string& address, Clock::time_point now);
  std::size_t addresses() const;

 private:
  void forget_old(Clock::time_point now);

  const std::size_t max_failures_;
  const std::chrono::seconds window_;
  const std::size_t max_addresses_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;
};

// Failed look-ups of activation codes, per client address, with growing delays: after
// `free_failures` failures an address waits 1 s after its last failure, then 2 s, 4 s, ... up to
// `max_delay`, each failure (also one made while waiting) doubling the wait. Only failures
// count: the caller serves a valid code whatever its address did before, so nothing is ever
// locked per code or appliance. An address is forgotten once it made no failure for
// `max_delay`; the table of addresses is bounded (the quietest go first).
class GrowingThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  GrowingThrottle(std::size_t free_failures, std::chrono::seconds max_delay, std::size_t max_addresses);

  // Seconds until a failed look-up from `address` is answered again (at least 1), or nullopt.
  std::optional<long> blocked(const std::string& address, Clock::time_point now);
  void record_failure(const std::string& address, Clock::time_point now);
  // Failures recorded within the last minute, of every address (for /healthz).
  std::size_t failures_last_minute(Clock::time_point now);

 private:
  struct Entry {
    std::size_t failures = 0;
    Clock::time_point last;
  };
  Clock::duration delay(std::size_t failures) const;

  const std::size_t free_failures_;
  const std::chrono::seconds max_delay_;
  const std::size_t max_addresses_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<Clock::time_point> recent_;  // every failure of the last minute
};

}  // namespace seatkey::server::detail
