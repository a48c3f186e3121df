// PollFor keeps sub-millisecond timeouts.

#include "base/poll_wait.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace roam {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(PollWaitTest, TimespecKeepsNanoseconds) {
  struct timespec ts = PollTimespec(microseconds(250));
  EXPECT_EQ(ts.tv_sec, 0);
  EXPECT_EQ(ts.tv_nsec, 250'000);
  ts = PollTimespec(milliseconds(1500));
  EXPECT_EQ(ts.tv_sec, 1);
  EXPECT_EQ(ts.tv_nsec, 500'000'000);
  ts = PollTimespec(microseconds(-5));
  EXPECT_EQ(ts.tv_sec, 0);
  EXPECT_EQ(ts.tv_nsec, 0);
  ts = PollTimespec(Duration::max());
  EXPECT_EQ(ts.tv_sec, 24 * 3600);
}

TEST(PollWaitTest, WaitUntilIsExactAndCapped) {
  const TimePoint now = FromMillis(1000);
  EXPECT_EQ(WaitUntil(now, now + microseconds(300), milliseconds(1000)), microseconds(300));
  EXPECT_EQ(WaitUntil(now, now - microseconds(1), milliseconds(1000)), Duration::zero());
  EXPECT_EQ(WaitUntil(now, kNever, milliseconds(1000)), milliseconds(1000));
  EXPECT_EQ(WaitUntil(now, now + milliseconds(5000), milliseconds(1000)), milliseconds(1000));
}

// A 300 µs wait with no events ends well before the millisecond that a
// rounded-up poll() timeout would take. The best of several tries is
// taken, so a busy machine does not make the test fail.
TEST(PollWaitTest, SubMillisecondWaitsAreNotRoundedUp) {
  Duration best = Duration::max();
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(PollFor(nullptr, 0, microseconds(300)), 0);
    best = std::min<Duration>(best, std::chrono::steady_clock::now() - start);
  }
  EXPECT_GE(best, microseconds(300));
  EXPECT_LT(best, microseconds(900));
}

}  // namespace
}  // namespace roam
