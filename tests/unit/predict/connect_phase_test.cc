#include "predict/connect_phase.h"

#include <gtest/gtest.h>

namespace roam::predict {
namespace {

using namespace std::chrono_literals;

TEST(ConnectPhaseTest, QuietForTheFirstQuarterSecond) {
  FakeClock clock;
  ConnectPhase phase(clock.Now(), 60001);
  ConnectPhase::Step s = phase.Check(clock.Now());
  EXPECT_FALSE(s.message.has_value());
  EXPECT_FALSE(s.give_up);
  EXPECT_EQ(s.next_wakeup, clock.Now() + 250ms);
}

TEST(ConnectPhaseTest, NothingReceivedAfter250ms) {
  FakeClock clock;
  TimePoint start = clock.Now();
  ConnectPhase phase(start, 60001);
  clock.Advance(250ms);
  ConnectPhase::Step s = phase.Check(clock.Now());
  EXPECT_EQ(s.message, "Nothing received from server on UDP port 60001.");
  EXPECT_FALSE(s.give_up);
  EXPECT_EQ(s.next_wakeup, clock.Now() + 250ms);
  clock.Advance(14s + 600ms);  // 14.85 s: next wakeup is the timeout itself
  s = phase.Check(clock.Now());
  EXPECT_FALSE(s.give_up);
  EXPECT_EQ(s.next_wakeup, start + 15s);
}

TEST(ConnectPhaseTest, GivesUpAtFifteenSeconds) {
  FakeClock clock;
  ConnectPhase phase(clock.Now(), 60001);
  clock.Advance(15s);
  ConnectPhase::Step s = phase.Check(clock.Now());
  EXPECT_EQ(s.message, "Timed out waiting for server...");
  EXPECT_TRUE(s.give_up);
}

TEST(ConnectPhaseTest, FailureTexts) {
  EXPECT_EQ(ConnectFailureText("roam", "127.0.0.1", 60001),
            "roam did not make a successful connection to 127.0.0.1:60001.\n"
            "Please verify that UDP port 60001 is not firewalled and can reach the server.\n\n"
            "(By default, roam uses a UDP port between 60001 and 60999. The -p option\n"
            "selects a specific UDP port number.)\n");
  EXPECT_NE(ConnectFailureText("roam", "::1", 5).find("to [::1]:5."), std::string::npos);
  EXPECT_EQ(UncleanShutdownText("roam", "roam-server"),
            "roam did not shut down cleanly. Please note that the roam-server process may still "
            "be running on the server.\n");
}

}  // namespace
}  // namespace roam::predict
