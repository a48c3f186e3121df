// Time as a parameter: the monotonic TimePoint type and the Clock interface.
//
// Protocol, prediction and session code never read a clock themselves; they
// take `now` as an argument and return deadlines. Adapters (event loops) read
// a Clock; tests use FakeClock and advance it explicitly.

#ifndef ROAM_BASE_CLOCK_H_
#define ROAM_BASE_CLOCK_H_

#include <chrono>

namespace roam {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;
using Millis = std::chrono::milliseconds;

// A deadline that never arrives.
inline constexpr TimePoint kNever = TimePoint::max();

// Whole milliseconds since the clock's epoch (for 16-bit wire timestamps).
inline int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
// A TimePoint `ms` milliseconds after the clock's epoch (for tests and fuzzers).
inline TimePoint FromMillis(int64_t ms) { return TimePoint(Millis(ms)); }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The real monotonic clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to. Starts at an arbitrary fixed point
// well away from zero so that "time since epoch" arithmetic is exercised.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = FromMillis(1'000'000)) : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Advance(Duration d) { now_ += d; }
  void Set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

}  // namespace roam

#endif  // ROAM_BASE_CLOCK_H_
