#include "session/echo_ack.h"

#include <gtest/gtest.h>

namespace roam::session {
namespace {

using namespace std::chrono_literals;

TEST(EchoAckTest, StartsAtZeroWithNothingPending) {
  EchoAckTracker t;
  EXPECT_EQ(t.echo_ack(), 0u);
  EXPECT_EQ(t.NextWakeup(), kNever);
  EXPECT_FALSE(t.Update(FromMillis(5000)));
}

TEST(EchoAckTest, AcksAfterFiftyMilliseconds) {
  FakeClock clock;
  EchoAckTracker t;
  t.RecordUserEvents(4, clock.Now());
  EXPECT_EQ(t.NextWakeup(), clock.Now() + 50ms);
  clock.Advance(49ms);
  EXPECT_FALSE(t.Update(clock.Now()));
  EXPECT_EQ(t.echo_ack(), 0u);
  clock.Advance(1ms);
  EXPECT_TRUE(t.Update(clock.Now()));
  EXPECT_EQ(t.echo_ack(), 4u);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_EQ(t.NextWakeup(), kNever);
}

TEST(EchoAckTest, HighestOldEnoughWins) {
  FakeClock clock;
  EchoAckTracker t;
  t.RecordUserEvents(2, clock.Now());
  clock.Advance(10ms);
  t.RecordUserEvents(3, clock.Now());
  clock.Advance(30ms);
  t.RecordUserEvents(7, clock.Now());
  clock.Advance(10ms);  // 2 is 50 ms old, 3 is 40, 7 is 10
  EXPECT_TRUE(t.Update(clock.Now()));
  EXPECT_EQ(t.echo_ack(), 2u);
  EXPECT_EQ(t.NextWakeup(), clock.Now() + 10ms);
  clock.Advance(40ms);  // all old enough
  EXPECT_TRUE(t.Update(clock.Now()));
  EXPECT_EQ(t.echo_ack(), 7u);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(EchoAckTest, NeverDecreasesAndIgnoresOldNumbers) {
  FakeClock clock;
  EchoAckTracker t;
  t.RecordUserEvents(9, clock.Now());
  clock.Advance(60ms);
  ASSERT_TRUE(t.Update(clock.Now()));
  t.RecordUserEvents(5, clock.Now());  // reordered/duplicate: ignored
  t.RecordUserEvents(9, clock.Now());
  EXPECT_EQ(t.pending(), 0u);
  clock.Advance(60ms);
  EXPECT_FALSE(t.Update(clock.Now()));
  EXPECT_EQ(t.echo_ack(), 9u);
}

}  // namespace
}  // namespace roam::session
