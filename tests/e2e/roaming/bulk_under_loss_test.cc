// Bulk output over a bad link, end to end: roam-client in a tmux pane talks
// to roam-server through an in-process netsim UDP relay running one of the
// named profiles, and the shell prints a few megabytes (`seq`) followed by a
// marker. The final screen must reach the client within a bound, and the
// session must stay interactive afterwards.
//
// This is the case a state-synchronising protocol can get wrong in ways a
// keystroke test never shows: large frames that need many fragments, each of
// which may be lost (29 % per datagram on `lossy`), while the server keeps
// producing newer states. The client must converge on the newest screen,
// not stall behind a frame it can never complete.
//
// Local echo is off (MOSH_PREDICTION_DISPLAY=never): what the pane shows
// came from the server.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "e2e/common/process_probe.h"
#include "e2e/common/relayed_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr int kCols = 80;
constexpr int kRows = 24;
constexpr const char* kPrompt = "bulk$ ";
constexpr const char* kPromptMark = "bulk$";
constexpr milliseconds kConnectTimeout(30000);
// seq 1 1000000 is 6.9 MB of output. On a quiet link roam shows the end in
// about a second; on `lossy` a few RTTs more. The bound is generous for a
// loaded 2-core CI machine, far below the "stalled" symptom (minutes).
constexpr int kSeqEnd = 1000000;
constexpr milliseconds kFinalScreenTimeout(30000);
constexpr milliseconds kEchoTimeout(20000);

class BulkUnderLossTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto profile = netsim::ProfileByName(GetParam());
    ASSERT_TRUE(profile.ok()) << profile.status().ToString();
    RelayedSessionOptions options;
    options.prompt = kPrompt;
    options.cols = kCols;
    options.rows = kRows;
    options.profile = profile.value();
    options.seed = 7;
    options.connect_timeout = kConnectTimeout;
    const std::string error = session_.Start(options);
    ASSERT_EQ(error, "");
    relay_ = &session_.relay();
    pane_ = &session_.pane();
  }

  std::string Context() { return session_.Context(); }

  RelayedSession session_;
  RelayThread* relay_ = nullptr;
  TmuxSession* pane_ = nullptr;
};

TEST_P(BulkUnderLossTest, FinalScreenArrivesAndSessionStaysInteractive) {
  const std::string last = std::to_string(kSeqEnd);
  // The marker is computed by the shell, so the typed command line never
  // contains it.
  pane_->Type("seq 1 " + last + "; echo END-$((6*7))");
  const auto typed = SteadyClock::now();
  pane_->Keys({"Enter"});
  const bool done = pane_->WaitForScreen(
      [&](const std::string& s) {
        return s.find("\n" + last + "\nEND-42\n" + kPromptMark) != std::string::npos;
      },
      kFinalScreenTimeout);
  const auto took = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - typed);
  std::printf("[bulk] %s: seq 1 %d final screen after %lld ms\n", GetParam(), kSeqEnd,
              static_cast<long long>(took.count()));
  ASSERT_TRUE(done) << Context();
  EXPECT_TRUE(ProcessAlive(session_.server().pid()));
  // The screen holds the last lines of the output in order, nothing else.
  const std::string screen = pane_->CaptureText();
  const std::string before = std::to_string(kSeqEnd - 1) + "\n" + last + "\n";
  EXPECT_NE(screen.find(before), std::string::npos) << screen;
  EXPECT_EQ(screen.find("roam:"), std::string::npos) << "a notification is showing:\n" << screen;

  // The session goes on: a command typed now is answered.
  pane_->Type("echo after-$((7*6))x");
  pane_->Keys({"Enter"});
  EXPECT_TRUE(pane_->WaitForText("after-42x", kEchoTimeout)) << Context();
  // What the link did, for the log: the loss counters of both directions.
  const auto s = relay_->Stats();
  std::printf(
      "[bulk] %s: datagrams client->server %llu (lost %llu), server->client %llu (lost %llu)\n",
      GetParam(), static_cast<unsigned long long>(s.from_client),
      static_cast<unsigned long long>(s.up.lost_random + s.up.lost_burst),
      static_cast<unsigned long long>(s.from_server),
      static_cast<unsigned long long>(s.down.lost_random + s.down.lost_burst));
}

INSTANTIATE_TEST_SUITE_P(Profiles, BulkUnderLossTest,
                         ::testing::Values("lossy", "wifi", "intercontinental"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                           return std::string(param_info.param);
                         });

}  // namespace
}  // namespace roam::testing
