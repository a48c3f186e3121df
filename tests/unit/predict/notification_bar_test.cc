#include "predict/notification_bar.h"

#include <gtest/gtest.h>

namespace roam::predict {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHint = " [To quit: Ctrl-^ .]";

class NotificationBarTest : public ::testing::Test {
 protected:
  NotificationBarTest() : bar_(clock_.Now(), "mosh: ") { bar_.SetQuitHint(std::string(kHint)); }
  std::optional<std::string> Text() { return bar_.Render(clock_.Now()).text; }

  FakeClock clock_;
  NotificationBar bar_;
};

TEST(FormatElapsedTest, Forms) {
  EXPECT_EQ(FormatElapsed(0s), "0 seconds");
  EXPECT_EQ(FormatElapsed(9999ms), "9 seconds");
  EXPECT_EQ(FormatElapsed(59s), "59 seconds");
  EXPECT_EQ(FormatElapsed(60s), "1:00");
  EXPECT_EQ(FormatElapsed(3599s), "59:59");
  EXPECT_EQ(FormatElapsed(3600s), "1:00:00");
  EXPECT_EQ(FormatElapsed(100h + 2min + 3s), "100:02:03");
  EXPECT_EQ(FormatElapsed(-5s), "0 seconds");
  EXPECT_EQ(FormatElapsedShort(7s), "7 s");
  EXPECT_EQ(FormatElapsedShort(61s), "1:01");
}

TEST_F(NotificationBarTest, FreshConnectionHasNoBar) {
  BarRender r = bar_.Render(clock_.Now());
  EXPECT_FALSE(r.text.has_value());
  // It wakes just after the server-late threshold.
  EXPECT_EQ(r.next_update, clock_.Now() + kServerLate + 1ms);
}

TEST_F(NotificationBarTest, LastContactAfterServerLate) {
  clock_.Advance(6500ms);
  EXPECT_FALSE(Text().has_value());  // "more than" 6500 ms
  clock_.Advance(2500ms);
  EXPECT_EQ(Text(), "mosh: Last contact 9 seconds ago. [To quit: Ctrl-^ .]");
  EXPECT_EQ(bar_.Render(clock_.Now()).next_update, clock_.Now() + 1s);
}

TEST_F(NotificationBarTest, LastReplyWhenOnlyReplyLate) {
  TimePoint start = clock_.Now();
  clock_.Advance(14s);
  bar_.ServerHeard(clock_.Now() - 1s);  // heartbeats arrive, but acks are old
  bar_.ServerAcked(start);
  EXPECT_EQ(Text(), "mosh: Last reply 14 seconds ago. [To quit: Ctrl-^ .]");
}

TEST_F(NotificationBarTest, ContactWinsOverReply) {
  clock_.Advance(20s);
  EXPECT_EQ(Text(), "mosh: Last contact 20 seconds ago. [To quit: Ctrl-^ .]");
}

TEST_F(NotificationBarTest, LongOutageUsesClockFormAndSlowRefresh) {
  clock_.Advance(61s);
  EXPECT_EQ(Text(), "mosh: Last contact 1:01 ago. [To quit: Ctrl-^ .]");
  EXPECT_EQ(bar_.Render(clock_.Now()).next_update, clock_.Now() + 3s);
  clock_.Advance(2h);
  EXPECT_EQ(Text(), "mosh: Last contact 2:01:01 ago. [To quit: Ctrl-^ .]");
}

TEST_F(NotificationBarTest, MessageExpiresAfterOneSecond) {
  bar_.SetMessage("Exiting on user request...", clock_.Now());
  EXPECT_EQ(Text(), "mosh: Exiting on user request... [To quit: Ctrl-^ .]");
  EXPECT_EQ(bar_.Render(clock_.Now()).next_update, clock_.Now() + 1s);
  clock_.Advance(999ms);
  EXPECT_TRUE(Text().has_value());
  clock_.Advance(1ms);
  EXPECT_FALSE(Text().has_value());
}

TEST_F(NotificationBarTest, PermanentMessageWithoutHint) {
  bar_.SetMessage("Commands: Ctrl-Z suspends, \".\" quits, \"^\" gives literal Ctrl-^",
                  clock_.Now(), /*permanent=*/true, /*with_quit_hint=*/false);
  clock_.Advance(5s);
  EXPECT_EQ(Text(), "mosh: Commands: Ctrl-Z suspends, \".\" quits, \"^\" gives literal Ctrl-^");
  bar_.ClearMessage();
  EXPECT_FALSE(Text().has_value());
}

TEST_F(NotificationBarTest, MessageWhileStaleShowsShortTime) {
  clock_.Advance(8s);
  bar_.SetMessage("Nothing received from server on UDP port 60001.", clock_.Now());
  EXPECT_EQ(Text(),
            "mosh: Nothing received from server on UDP port 60001. (8 s without contact.) [To "
            "quit: Ctrl-^ .]");
  bar_.ServerHeard(clock_.Now());
  clock_.Advance(4s);  // heard 4 s ago; nothing acked since the start, 12 s ago
  bar_.SetMessage("Nothing received from server on UDP port 60001.", clock_.Now());
  EXPECT_EQ(Text(),
            "mosh: Nothing received from server on UDP port 60001. (12 s without reply.) [To "
            "quit: Ctrl-^ .]");
}

TEST_F(NotificationBarTest, NetworkErrorLastsLongerAndClearsAfterSuccess) {
  bar_.SetNetworkError("sendto: Network is unreachable", clock_.Now());
  clock_.Advance(3s);
  EXPECT_EQ(Text(), "mosh: sendto: Network is unreachable [To quit: Ctrl-^ .]");
  clock_.Advance(100ms);
  EXPECT_FALSE(Text().has_value());

  bar_.ServerHeard(clock_.Now());
  bar_.ServerAcked(clock_.Now());
  bar_.SetNetworkError("sendto: Network is unreachable", clock_.Now());
  clock_.Advance(500ms);
  bar_.NoteSendSucceeded(clock_.Now());
  EXPECT_EQ(bar_.Render(clock_.Now()).next_update, clock_.Now() + 1s);
  clock_.Advance(1s);
  EXPECT_FALSE(Text().has_value());
}

TEST_F(NotificationBarTest, SuccessDoesNotShortenOrdinaryMessages) {
  bar_.SetMessage("hello", clock_.Now(), /*permanent=*/true);
  bar_.NoteSendSucceeded(clock_.Now());
  clock_.Advance(10s);
  bar_.ServerHeard(clock_.Now());
  bar_.ServerAcked(clock_.Now());
  EXPECT_EQ(Text(), "mosh: hello [To quit: Ctrl-^ .]");
}

TEST_F(NotificationBarTest, HeardTimesNeverGoBackwards) {
  clock_.Advance(5s);
  bar_.ServerHeard(clock_.Now());
  bar_.ServerAcked(clock_.Now());
  bar_.ServerHeard(clock_.Now() - 4s);
  bar_.ServerAcked(clock_.Now() - 4s);
  clock_.Advance(6s);
  EXPECT_FALSE(Text().has_value());  // 6 s since the newest, not 10
}

TEST(NotificationBarPrefixTest, DefaultPrefixIsRoam) {
  FakeClock clock;
  NotificationBar bar(clock.Now());
  clock.Advance(7s);
  EXPECT_EQ(bar.Render(clock.Now()).text, "roam: Last contact 7 seconds ago.");
}

TEST(BarColorsTest, WhiteOnBlueBoldText) {
  EXPECT_EQ(kBarColors.foreground, 7);
  EXPECT_EQ(kBarColors.background, 4);
  EXPECT_TRUE(kBarColors.text_bold);
  EXPECT_EQ(kBarColors.row, 0);
}

}  // namespace
}  // namespace roam::predict
