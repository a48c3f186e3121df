// PathSelector: UDP or a stream, decided on the fake clock.

#include "client/path_selector.h"

#include <gtest/gtest.h>

namespace roam::client {
namespace {

using namespace std::chrono_literals;
using Path = PathSelector::Path;

class PathSelectorTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  TimePoint Now() const { return clock_.Now(); }
  void Advance(Duration d) { clock_.Advance(d); }
};

TEST_F(PathSelectorTest, AutoStaysOnUdpWhileItAnswers) {
  PathSelector s(TransportMode::kAuto, Now());
  s.OnStreamUp(Now());  // the bootstrap ssh
  for (int i = 0; i < 20; ++i) {
    Advance(500ms);
    s.OnReceived(Path::kUdp, Now());
    EXPECT_EQ(s.SendPath(Now()), Path::kUdp);
    EXPECT_FALSE(s.WantStream(Now()));
    EXPECT_FALSE(s.TakeUdpProbe(Now()));
  }
  EXPECT_EQ(s.Describe(Now()), "UDP");
}

TEST_F(PathSelectorTest, NothingOverUdpAtTheStartMeansTheStreamWithinTheFallbackTime) {
  PathSelector s(TransportMode::kAuto, Now());
  s.OnStreamUp(Now());
  Advance(PathSelector::kFallbackAfter - 1ms);
  EXPECT_EQ(s.SendPath(Now()), Path::kUdp);
  EXPECT_EQ(s.NextWakeup(Now()), Now() + 1ms);
  Advance(1ms);
  EXPECT_EQ(s.SendPath(Now()), Path::kStream);
  EXPECT_TRUE(s.WantStream(Now()));
  EXPECT_EQ(s.Describe(Now()), "ssh");
}

TEST_F(PathSelectorTest, WithoutAStreamUpDatagramsStayOnUdpButOneIsWanted) {
  PathSelector s(TransportMode::kAuto, Now());
  Advance(PathSelector::kFallbackAfter);
  EXPECT_TRUE(s.WantStream(Now()));
  EXPECT_EQ(s.SendPath(Now()), Path::kUdp);
  s.OnStreamUp(Now());
  EXPECT_EQ(s.SendPath(Now()), Path::kStream);
  s.OnStreamDown(Now());
  EXPECT_EQ(s.SendPath(Now()), Path::kUdp);
}

TEST_F(PathSelectorTest, OnTheStreamUdpIsProbedEveryIntervalAndAnAnswerBringsItBack) {
  PathSelector s(TransportMode::kAuto, Now());
  s.OnReceived(Path::kUdp, Now());
  s.OnStreamUp(Now());
  Advance(PathSelector::kUdpSilence);  // UDP went quiet: blocked mid-session
  ASSERT_EQ(s.SendPath(Now()), Path::kStream);
  int probes = 0;
  for (int i = 0; i < 100; ++i) {
    Advance(100ms);
    if (s.TakeUdpProbe(Now())) ++probes;
  }
  EXPECT_EQ(probes, 10000 / 2000);  // one per kProbeInterval over 10 s
  s.OnReceived(Path::kUdp, Now());  // a probe was answered over UDP
  EXPECT_EQ(s.SendPath(Now()), Path::kUdp);
  EXPECT_FALSE(s.TakeUdpProbe(Now() + 1s));  // UDP works: no probing
}

// An outage longer than the silence: UDP counts as blocked and stays so
// until something arrives, so the selector has nothing to wake up for (it
// used to ask for a wake-up at once, every time: a busy loop for as long as
// the outage lasted). On a stream, only the next probe is due.
TEST_F(PathSelectorTest, ALongSilenceAsksForNoWakeUpButTheNextProbe) {
  PathSelector s(TransportMode::kAuto, Now());
  s.OnReceived(Path::kUdp, Now());
  EXPECT_EQ(s.NextWakeup(Now()), Now() + PathSelector::kUdpSilence);
  Advance(PathSelector::kUdpSilence + 5s);
  ASSERT_TRUE(s.WantStream(Now()));
  EXPECT_EQ(s.NextWakeup(Now()), kNever);  // no stream up yet: nothing to decide
  s.OnStreamUp(Now());
  EXPECT_EQ(s.NextWakeup(Now()), Now() + PathSelector::kProbeInterval);
  Advance(PathSelector::kProbeInterval);
  EXPECT_TRUE(s.TakeUdpProbe(Now()));
  EXPECT_EQ(s.NextWakeup(Now()), Now() + PathSelector::kProbeInterval);

  PathSelector never_heard(TransportMode::kAuto, Now());
  Advance(PathSelector::kFallbackAfter + 1s);
  EXPECT_EQ(never_heard.NextWakeup(Now()), kNever);
}

TEST_F(PathSelectorTest, FixedModesNeverSwitch) {
  PathSelector udp(TransportMode::kUdp, Now());
  PathSelector tcp(TransportMode::kTcp, Now());
  PathSelector ssh(TransportMode::kSsh, Now());
  Advance(1h);
  EXPECT_EQ(udp.SendPath(Now()), Path::kUdp);
  EXPECT_FALSE(udp.WantStream(Now()));
  EXPECT_EQ(tcp.SendPath(Now()), Path::kStream);
  EXPECT_TRUE(tcp.WantStream(Now()));
  EXPECT_EQ(tcp.Describe(Now()), "TCP");
  EXPECT_EQ(ssh.SendPath(Now()), Path::kStream);
  EXPECT_FALSE(ssh.TakeUdpProbe(Now()));
  EXPECT_EQ(udp.NextWakeup(Now()), kNever);
}

TEST_F(PathSelectorTest, ModesParseAndName) {
  for (const char* name : {"auto", "udp", "tcp", "ssh"}) {
    Result<TransportMode> m = ParseTransportMode(name);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(TransportModeName(*m), name);
  }
  EXPECT_FALSE(ParseTransportMode("quic").ok());
}

}  // namespace
}  // namespace roam::client
