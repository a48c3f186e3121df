#include "session/frame_pacer.h"

#include <gtest/gtest.h>

namespace roam::session {
namespace {

using namespace std::chrono_literals;

TEST(FrameIntervalTest, HalfSrttClamped) {
  EXPECT_EQ(FrameIntervalFromSrtt(0ms), Duration(20ms));
  EXPECT_EQ(FrameIntervalFromSrtt(39ms), Duration(20ms));
  EXPECT_EQ(FrameIntervalFromSrtt(41ms), Duration(21ms));  // ceil(20.5)
  EXPECT_EQ(FrameIntervalFromSrtt(100ms), Duration(50ms));
  EXPECT_EQ(FrameIntervalFromSrtt(std::chrono::microseconds(100100)), Duration(51ms));
  EXPECT_EQ(FrameIntervalFromSrtt(499ms), Duration(250ms));
  EXPECT_EQ(FrameIntervalFromSrtt(10s), Duration(250ms));
}

TEST(FramePacerTest, NothingToPushWhenClean) {
  FakeClock clock;
  FramePacer p;
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 50ms));
  EXPECT_EQ(p.NextWakeup(50ms), kNever);
}

TEST(FramePacerTest, SingleEchoIsPushedAfterSettle) {
  FakeClock clock;
  FramePacer p;
  p.OnOutput(clock.Now());
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 100ms));
  EXPECT_EQ(p.NextWakeup(100ms), clock.Now() + kSettle);
  clock.Advance(kSettle);
  EXPECT_TRUE(p.ShouldPush(clock.Now(), 100ms));
  p.OnPushed(clock.Now());
  EXPECT_FALSE(p.dirty());
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 100ms));
}

TEST(FramePacerTest, AnEchoOfTheUsersInputSettlesSooner) {
  FakeClock clock;
  FramePacer p;
  p.OnInput(clock.Now());
  clock.Advance(std::chrono::microseconds(300));  // the shell echoes one key
  p.OnOutput(clock.Now(), 1);
  EXPECT_EQ(p.NextWakeup(100ms), clock.Now() + kEchoSettle);
  clock.Advance(kEchoSettle - std::chrono::microseconds(1));
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 100ms));
  clock.Advance(std::chrono::microseconds(1));
  EXPECT_TRUE(p.ShouldPush(clock.Now(), 100ms));
  p.OnPushed(clock.Now());
  // A backspace echoed as "\b \b": still an echo.
  p.OnInput(clock.Now());
  p.OnOutput(clock.Now(), 3);
  clock.Advance(kEchoSettle);
  EXPECT_TRUE(p.ShouldPush(clock.Now(), 100ms));
}

TEST(FramePacerTest, OutputThatIsNoEchoKeepsTheNormalSettle) {
  FakeClock clock;
  FramePacer p;
  // Large output right after input (a command's result): the redraw may
  // still be going on.
  p.OnInput(clock.Now());
  p.OnOutput(clock.Now(), 20);
  p.OnOutput(clock.Now() + 10us, 400);
  clock.Advance(1ms);
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 100ms));
  EXPECT_EQ(p.NextWakeup(100ms), clock.Now() - 1ms + 10us + kSettle);
  p.OnPushed(clock.Now());
  // Small output long after the last input: an application's own update.
  clock.Advance(kEchoWindow + 1ms);
  p.OnOutput(clock.Now(), 1);
  clock.Advance(kEchoSettle);
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 100ms));
  clock.Advance(kSettle - kEchoSettle);
  EXPECT_TRUE(p.ShouldPush(clock.Now(), 100ms));
  p.OnPushed(clock.Now());
  // A resize is never an echo.
  p.OnInput(clock.Now());
  p.OnOutput(clock.Now());
  clock.Advance(kEchoSettle);
  EXPECT_FALSE(p.ShouldPush(clock.Now(), 100ms));
}

TEST(FramePacerTest, BurstIsHeldAtMostOneInterval) {
  FakeClock clock;
  FramePacer p;
  const Duration interval = 30ms;
  TimePoint start = clock.Now();
  int pushes = 0;
  // Output every 1 ms for 100 ms: never quiet long enough to settle.
  for (int ms = 0; ms < 100; ++ms) {
    p.OnOutput(clock.Now());
    if (p.ShouldPush(clock.Now(), interval)) {
      EXPECT_GE(clock.Now() - start, interval);
      p.OnPushed(clock.Now());
      ++pushes;
      start = clock.Now();
    }
    clock.Advance(1ms);
  }
  // One push per interval (at 30, 61 and 92 ms) rather than 100.
  EXPECT_EQ(pushes, 3);
}

TEST(FramePacerTest, WakeupIsEarlierOfSettleAndInterval) {
  FakeClock clock;
  FramePacer p;
  TimePoint first = clock.Now();
  p.OnOutput(clock.Now());
  clock.Advance(19ms);
  p.OnOutput(clock.Now());
  EXPECT_EQ(p.NextWakeup(20ms), first + 20ms);
  EXPECT_EQ(p.NextWakeup(250ms), clock.Now() + kSettle);
}

}  // namespace
}  // namespace roam::session
