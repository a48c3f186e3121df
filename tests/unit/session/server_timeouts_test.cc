#include "session/server_timeouts.h"

#include <gtest/gtest.h>

namespace roam::session {
namespace {

using namespace std::chrono_literals;

constexpr Duration kNone = Duration::max();

TEST(ServerTimeoutsParseTest, Values) {
  ServerTimeoutConfig unset = ParseServerTimeouts(std::nullopt, std::nullopt);
  EXPECT_FALSE(unset.network_timeout);
  EXPECT_FALSE(unset.signal_timeout);
  EXPECT_TRUE(unset.warnings.empty());

  ServerTimeoutConfig set = ParseServerTimeouts("600", "30");
  EXPECT_EQ(set.network_timeout, Duration(600s));
  EXPECT_EQ(set.signal_timeout, Duration(30s));

  ServerTimeoutConfig zero = ParseServerTimeouts("0", "0");
  EXPECT_FALSE(zero.network_timeout);  // 0 = never
  EXPECT_EQ(zero.signal_timeout, Duration(0s));
  EXPECT_TRUE(zero.warnings.empty());

  ServerTimeoutConfig bad = ParseServerTimeouts("ten", "-5");
  EXPECT_FALSE(bad.network_timeout);
  EXPECT_FALSE(bad.signal_timeout);
  ASSERT_EQ(bad.warnings.size(), 2u);
  EXPECT_NE(bad.warnings[0].find("MOSH_SERVER_NETWORK_TMOUT=\"ten\""), std::string::npos);
  EXPECT_NE(bad.warnings[1].find("MOSH_SERVER_SIGNAL_TMOUT=\"-5\""), std::string::npos);
}

TEST(ServerTimeoutsTest, NoClientWithinSixtySeconds) {
  FakeClock clock;
  ServerTimeouts t({}, clock.Now());
  clock.Advance(59999ms);
  EXPECT_FALSE(t.NoClientExpired(clock.Now()));
  clock.Advance(1ms);
  EXPECT_TRUE(t.NoClientExpired(clock.Now()));
}

TEST(ServerTimeoutsTest, ClientStateCancelsNoClientExit) {
  FakeClock clock;
  ServerTimeouts t({}, clock.Now());
  clock.Advance(10s);
  t.OnClientState(clock.Now());
  clock.Advance(100s);
  EXPECT_FALSE(t.NoClientExpired(clock.Now()));
}

TEST(ServerTimeoutsTest, NetworkTimeout) {
  FakeClock clock;
  ServerTimeouts t(ParseServerTimeouts("20", std::nullopt), clock.Now());
  t.OnClientState(clock.Now());
  clock.Advance(19s);
  EXPECT_FALSE(t.NetworkTimedOut(clock.Now()));
  t.OnClientState(clock.Now());
  clock.Advance(19s);
  EXPECT_FALSE(t.NetworkTimedOut(clock.Now()));
  clock.Advance(1s);
  EXPECT_TRUE(t.NetworkTimedOut(clock.Now()));

  ServerTimeouts never({}, clock.Now());
  clock.Advance(1000h);
  EXPECT_FALSE(never.NetworkTimedOut(clock.Now()));
}

TEST(ServerTimeoutsTest, Sigusr1Rule) {
  FakeClock clock;
  ServerTimeouts always({}, clock.Now());
  EXPECT_TRUE(always.Sigusr1Ends(clock.Now()));

  ServerTimeouts t(ParseServerTimeouts(std::nullopt, "30"), clock.Now());
  t.OnClientState(clock.Now());
  clock.Advance(29s);
  EXPECT_FALSE(t.Sigusr1Ends(clock.Now()));
  clock.Advance(1s);
  EXPECT_TRUE(t.Sigusr1Ends(clock.Now()));
  t.OnClientState(clock.Now());
  EXPECT_FALSE(t.Sigusr1Ends(clock.Now()));
}

TEST(ServerTimeoutsTest, UtmpAttachment) {
  FakeClock clock;
  ServerTimeouts t({}, clock.Now());
  EXPECT_FALSE(t.ClientAttached(clock.Now()));
  t.OnClientState(clock.Now());
  EXPECT_TRUE(t.ClientAttached(clock.Now()));
  clock.Advance(29999ms);
  EXPECT_TRUE(t.ClientAttached(clock.Now()));
  clock.Advance(1ms);
  EXPECT_FALSE(t.ClientAttached(clock.Now()));
}

TEST(ServerTimeoutsTest, PollTimeoutCappedUntilFirstClientState) {
  FakeClock clock;
  ServerTimeouts t({}, clock.Now());
  EXPECT_EQ(t.PollTimeout(clock.Now(), kNone, kNone, false), Duration(5000ms));
  EXPECT_EQ(t.PollTimeout(clock.Now(), 300ms, kNone, false), Duration(300ms));
  t.OnClientState(clock.Now());
  EXPECT_EQ(t.PollTimeout(clock.Now(), kNone, kNone, false), kNone);
  EXPECT_EQ(t.PollTimeout(clock.Now(), 7000ms, 40ms, false), Duration(40ms));
  EXPECT_EQ(t.PollTimeout(clock.Now(), 7000ms, kNone, true), Duration(5000ms));
}

TEST(ServerTimeoutsTest, PollTimeoutBoundedByNetworkDeadline) {
  FakeClock clock;
  ServerTimeouts t(ParseServerTimeouts("10", std::nullopt), clock.Now());
  t.OnClientState(clock.Now());
  clock.Advance(8s);
  EXPECT_EQ(t.PollTimeout(clock.Now(), kNone, kNone, false), Duration(2s));
  clock.Advance(5s);
  EXPECT_EQ(t.PollTimeout(clock.Now(), kNone, kNone, false), Duration::zero());
}

}  // namespace
}  // namespace roam::session
