#include "rate_limit.hpp"

#include <algorithm>
#include <vector>

namespace seatkey::server::detail {

FailureLimiter::FailureLimiter(std::size_t max_failures, std::chrono::seconds window,
                               std::size_t max_addresses)
    : max_failures_(std::max<std::size_t>(1, max_failures)),
      window_(window),
      max_addresses_(std::max<std::size_t>(1, max_addresses)) {}

std::optional<long> FailureLimiter::blocked(const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = failures_.find(address);
  if (it == failures_.end()) return std::nullopt;
  auto& times = it->second;
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return std::nullopt;
  }
  if (times.size() < max_failures_) return std::nullopt;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(times.front() + window_ - now).count();
  return std::max<long>(1, static_cast<long>(wait));
}

void FailureLimiter::record_failure(const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = failures_.find(address);
  if (it == failures_.end()) {
    if (failures_.size() >= max_addresses_) forget_old(now);
    it = failures_.emplace(address, std::deque<Clock::time_point>()).first;
  }
  it->second.push_back(now);
  while (it->second.size() > max_failures_) it->second.pop_front();
}

std::size_t FailureLimiter::addresses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_.size();
}

void FailureLimiter::forget_old(Clock::time_point now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || now - it->second.back() >= window_) {
      it = failures_.erase(it);
    } else {
      ++it;
    }
  }
  if (failures_.size() < max_addresses_) return;
  // Still full: drop the half whose last failure is oldest.
  std::vector<std::pair<Clock::time_point, std::string>> by_last;
  by_last.reserve(failures_.size());
  for (const auto& [address, times] : failures_) by_last.emplace_back(times.back(), address);
  std::sort(by_last.begin(), by_last.end());
  for (std::size_t i = 0; i < by_last.size() / 2 + 1 && i < by_last.size(); ++i)
    failures_.erase(by_last[i].second);
}

// The failures a minute /healthz counts at most: a flood is reported as this many.
constexpr std::size_t kMaxRecent = 1 << 16;

GrowingThrottle::GrowingThrottle(std::size_t free_failures, std::chrono::seconds max_delay,
                                 std::size_t max_addresses)
    : free_failures_(free_failures),
      max_delay_(std::max(max_delay, std::chrono::seconds(1))),
      max_addresses_(std::max<std::size_t>(1, max_addresses)) {}

GrowingThrottle::Clock::duration GrowingThrottle::delay(std::size_t failures) const {
  if (failures <= free_failures_) return Clock::duration::zero();
  const std::size_t doublings = std::min<std::size_t>(failures - free_failures_ - 1, 20);
  const auto wait = std::chrono::seconds(std::int64_t{1} << doublings);
  return std::min<Clock::duration>(wait, max_delay_);
}

std::optional<long> GrowingThrottle::blocked(const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(address);
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.last >= max_delay_) {
    entries_.erase(it);
    return std::nullopt;
  }
  const auto until = it->second.last + delay(it->second.failures);
  if (until <= now) return std::nullopt;
  return std::max<long>(1, static_cast<long>(std::chrono::ceil<std::chrono::seconds>(until - now).count()));
}

void GrowingThrottle::record_failure(const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  recent_.push_back(now);
  while (!recent_.empty() &&
         (now - recent_.front() >= std::chrono::minutes(1) || recent_.size() > kMaxRecent))
    recent_.pop_front();
  auto it = entries_.find(address);
  if (it != entries_.end() && now - it->second.last >= max_delay_) it->second.failures = 0;
  if (it == entries_.end()) {
    if (entries_.size() >= max_addresses_) {
      std::vector<std::pair<Clock::time_point, std::string>> by_last;
      by_last.reserve(entries_.size());
      for (const auto& [a, e] : entries_) by_last.emplace_back(e.last, a);
      std::sort(by_last.begin(), by_last.end());
      for (std::size_t i = 0; i < by_last.size() / 2 + 1 && i < by_last.size(); ++i)
        entries_.erase(by_last[i].second);
    }
    it = entries_.emplace(address, Entry{}).first;
  }
  it->second.failures += 1;
  it->second.last = now;
}

std::size_t GrowingThrottle::failures_last_minute(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!recent_.empty() && now - recent_.front() >= std::chrono::minutes(1)) recent_.pop_front();
  return recent_.size();
}

}  // namespace seatkey::server::detail
