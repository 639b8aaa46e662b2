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

}  // namespace seatkey::server::detail
