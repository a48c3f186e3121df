// Roaming, end to end: roam-client in a tmux pane talks to roam-server
// through an in-process netsim UDP relay (RelayThread), which plays the NAT
// between them.
//
//  * NewSourcePort / NewSourceIp: a long known string is typed in chunks, and
//    half-way the relay rebinds its upstream socket (a new source port, or a
//    move from 127.0.0.1 to 127.0.0.2). The server must follow the client
//    (the relay sees the server's replies on the NEW socket) and the shell
//    must echo the whole string: no keystroke lost.
//  * OutageOfTenSeconds: the relay drops everything both ways for 10 s. The
//    session survives; after the network returns, one keystroke must be
//    echoed by the server within 2 RTT plus a bounded slack (below).
//
// Local echo is off (MOSH_PREDICTION_DISPLAY=never): a character on screen
// is the server's echo, never a prediction.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "e2e/common/process_probe.h"
#include "e2e/common/relayed_session.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr int kCols = 100;
constexpr int kRows = 24;
constexpr const char* kPrompt = "e2e$ ";
constexpr milliseconds kConnectTimeout(20000);
constexpr milliseconds kEchoTimeout(15000);
// One-way delay both ways on the relay: RTT 100 ms, long enough to be
// measured against tmux polling, short enough to keep the test quick.
constexpr milliseconds kOneWayDelay(50);
constexpr milliseconds kRtt = 2 * kOneWayDelay;
constexpr auto kOutage = std::chrono::seconds(10);
// Slack on top of 2 RTT for the echo after the outage: the capture polling
// interval (10 ms) plus one `tmux capture-pane` round (tens of ms, more on a
// loaded 2-core CI machine), the server's frame pacing (up to its 20 ms
// minimum send interval) and the client's display frame. Bounded, documented.
constexpr milliseconds kEchoSlack(400);

netsim::Profile DelayProfile() {
  netsim::Profile p;
  p.name = "e2e-delay";
  p.up.delay = kOneWayDelay;
  p.down.delay = kOneWayDelay;
  return p;
}

class RoamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RelayedSessionOptions options;
    options.prompt = kPrompt;
    options.cols = kCols;
    options.rows = kRows;
    options.profile = DelayProfile();
    options.connect_timeout = kConnectTimeout;
    const std::string error = session_.Start(options);
    ASSERT_EQ(error, "");
    relay_ = &session_.relay();
    pane_ = &session_.pane();
  }

  std::string Context() { return session_.Context(); }

  // Types `text` in chunks; calls `midway` after half of the chunks.
  void TypeInChunks(const std::string& text, size_t chunk, const std::function<void()>& midway) {
    const size_t chunks = (text.size() + chunk - 1) / chunk;
    for (size_t i = 0; i < chunks; ++i) {
      if (i == chunks / 2) midway();
      pane_->Type(text.substr(i * chunk, chunk));
    }
  }

  // The rebind scenario: `ip` empty = same IP, new port.
  void TypeAcrossRebind(const std::string& ip) {
    std::string payload;
    for (int i = 0; i < 8; ++i) {  // 88 characters: no wrap at 100 columns
      char word[16];
      std::snprintf(word, sizeof word, "w%02d_abcdefg", i);
      payload += word;
    }
    const std::string before = relay_->UpstreamAddress();
    uint64_t from_server_at_rebind = 0;
    TypeInChunks("echo " + payload, 7, [&] {
      ASSERT_TRUE(relay_->Rebind(ip).ok());
      from_server_at_rebind = relay_->Stats().from_server;
    });
    pane_->Keys({"Enter"});
    const std::string after = relay_->UpstreamAddress();
    EXPECT_NE(before, after);
    if (!ip.empty()) {
      EXPECT_EQ(after.rfind(ip + ":", 0), 0u) << after;
    }
    // The output line is the payload alone at the start of a row.
    EXPECT_TRUE(pane_->WaitForScreen(
        [&](const std::string& s) { return s.find("\n" + payload) != std::string::npos; },
        kEchoTimeout))
        << Context();
    // The server replied to the new address: the relay received it on the
    // new upstream socket.
    EXPECT_GT(relay_->Stats().from_server, from_server_at_rebind) << Context();
    EXPECT_EQ(relay_->Stats().rebinds, 1u);
    // And the session goes on.
    pane_->Type("echo next-$((6*7))");
    pane_->Keys({"Enter"});
    EXPECT_TRUE(pane_->WaitForText("next-42", kEchoTimeout)) << Context();
  }

  RelayedSession session_;
  RelayThread* relay_ = nullptr;
  TmuxSession* pane_ = nullptr;
};

TEST_F(RoamingTest, NewSourcePortLosesNoKeystroke) { TypeAcrossRebind(""); }

TEST_F(RoamingTest, NewSourceIpLosesNoKeystroke) { TypeAcrossRebind("127.0.0.2"); }

TEST_F(RoamingTest, OutageOfTenSecondsIsSurvivedAndEchoReturnsWithinTwoRtt) {
  // Something typed and echoed before, so the RTT estimate is settled.
  pane_->Type("echo pre-$((1+1))");
  pane_->Keys({"Enter"});
  ASSERT_TRUE(pane_->WaitForText("pre-2", kEchoTimeout)) << Context();
  ASSERT_TRUE(pane_->WaitForScreen(
      [](const std::string& s) { return s.find("pre-2\ne2e$") != std::string::npos; },
      kEchoTimeout));

  const SteadyClock::time_point outage_start = relay_->StartOutage(kOutage);
  const SteadyClock::time_point outage_end = outage_start + kOutage;
  // The link is down: wait until it is back (bounded by the outage itself).
  while (SteadyClock::now() < outage_end + milliseconds(20)) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_GT(relay_->Stats().up.lost_outage, 0u) << "the client kept sending during the outage";
  EXPECT_TRUE(session_.server().pid() > 0 && ProcessAlive(session_.server().pid()));

  const SteadyClock::time_point typed = SteadyClock::now();
  pane_->Type("Z");
  std::string screen;
  const bool echoed = PollUntil(
      [&] {
        screen = pane_->CaptureText();
        return screen.find("e2e$ Z") != std::string::npos;
      },
      milliseconds(10000), milliseconds(10));
  const auto latency = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - typed);
  std::printf("[roaming] first echo after a %lld s outage: %lld ms (RTT %lld ms, bound %lld ms)\n",
              static_cast<long long>(kOutage.count()), static_cast<long long>(latency.count()),
              static_cast<long long>(kRtt.count()),
              static_cast<long long>((2 * kRtt + kEchoSlack).count()));
  ASSERT_TRUE(echoed) << Context();
  EXPECT_LE(latency, 2 * kRtt + kEchoSlack) << Context();

  pane_->Keys({"BSpace"});
  pane_->Type("echo post-$((6*7))");
  pane_->Keys({"Enter"});
  EXPECT_TRUE(pane_->WaitForText("post-42", kEchoTimeout)) << Context();
}

}  // namespace
}  // namespace roam::testing
