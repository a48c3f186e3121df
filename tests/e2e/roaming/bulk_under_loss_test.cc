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

#include "e2e/common/detached_server.h"
#include "e2e/common/process_probe.h"
#include "e2e/common/relay_thread.h"
#include "netsim/profile.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

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
    ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
    ASSERT_TRUE(server_.Start({RoamProgram("roam-server"), "new", "-i", "127.0.0.1", "-p", "0",
                               "--", "env", std::string("PS1=") + kPrompt, "/bin/sh"},
                              {"LANG=C.UTF-8"}))
        << server_.output();
    auto profile = netsim::ProfileByName(GetParam());
    ASSERT_TRUE(profile.ok()) << profile.status().ToString();
    relay_ = std::make_unique<RelayThread>(server_.port(), profile.value(), /*seed=*/7);
    ASSERT_TRUE(relay_->ok()) << relay_->error();
    command_ = "MOSH_KEY=" + server_.key() + " '" + RoamProgram("roam-client") + "' 127.0.0.1 " +
               std::to_string(relay_->listen_port()) + "; echo EXIT=$?; exec sleep 3600";
    pane_ = std::make_unique<TmuxSession>(
        command_, kCols, kRows,
        std::vector<std::string>{"LANG=C.UTF-8", "TERM=xterm-256color",
                                 "MOSH_PREDICTION_DISPLAY=never"});
    ASSERT_TRUE(pane_->started());
    ASSERT_TRUE(pane_->WaitForText(kPromptMark, kConnectTimeout)) << Context();
  }

  std::string Context() {
    auto s = relay_ ? relay_->Stats() : netsim::UdpRelayStats{};
    return "profile: " + std::string(GetParam()) + "\npane:\n" + pane_->CaptureText() +
           "\nrelay: from_client=" + std::to_string(s.from_client) +
           " from_server=" + std::to_string(s.from_server) +
           " lost_random(down)=" + std::to_string(s.down.lost_random) +
           " lost_random(up)=" + std::to_string(s.up.lost_random) + "\n";
  }

  DetachedServer server_;
  std::unique_ptr<RelayThread> relay_;
  std::unique_ptr<TmuxSession> pane_;
  std::string command_;
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
  EXPECT_TRUE(ProcessAlive(server_.pid()));
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
