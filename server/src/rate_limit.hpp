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

}  // namespace seatkey::server::detail
