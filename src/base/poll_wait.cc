// Sub-millisecond poll timeouts (see poll_wait.h).

#include "base/poll_wait.h"

#include <algorithm>
#include <chrono>

namespace roam {

struct timespec PollTimespec(Duration timeout) {
  constexpr Duration kLongest = std::chrono::hours(24);
  if (timeout < Duration::zero()) timeout = Duration::zero();
  if (timeout > kLongest) timeout = kLongest;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

int PollFor(pollfd* fds, size_t count, Duration timeout) {
  const struct timespec ts = PollTimespec(timeout);
  return ppoll(fds, static_cast<nfds_t>(count), &ts, nullptr);
}

Duration WaitUntil(TimePoint now, TimePoint wake, Duration cap) {
  if (wake == kNever) return cap;
  if (wake <= now) return Duration::zero();
  return std::min<Duration>(wake - now, cap);
}

}  // namespace roam
