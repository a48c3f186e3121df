#include "base/clock.h"

#include <gtest/gtest.h>

namespace roam {
namespace {

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock;
  TimePoint t0 = clock.Now();
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(Millis(250));
  EXPECT_EQ(clock.Now() - t0, Millis(250));
  EXPECT_EQ(ToMillis(FromMillis(123456)), 123456);
}

TEST(ClockTest, NeverIsAfterEverything) {
  FakeClock clock;
  clock.Advance(std::chrono::hours(24 * 365));
  EXPECT_LT(clock.Now(), kNever);
}

}  // namespace
}  // namespace roam
