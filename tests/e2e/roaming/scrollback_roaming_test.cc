// Native scrollback across a bad network, end to end: roam-client in a tmux
// pane talks to roam-server through an in-process netsim UDP relay
// (RelayedSession), and every line of `seq 1 20000` must reach the pane's
// own history once, in order (docs/protocol.md §8.5):
//
//  * OutageAndAddressChange (lossy profile): after the first 10,000 lines
//    the link goes away for 20 s, during which the client's address
//    changes (the relay rebinds to 127.0.0.2) and the shell prints the
//    other 10,000; afterwards the client fetches what it missed.
//  * Intercontinental: the same output over a long link with no outage,
//    where the server skips frames.
//  * A tmux pane that runs the same commands directly is the oracle: after
//    `seq`, 2,000 coloured lines, `less`, `vim` and `man`, and after `clear`, the
//    roam pane's history plus screen equal the direct pane's, attributes
//    included, on the lossy and the intercontinental profiles (80x24 and 132x43).
//
// Both sides keep 50,000 lines (ROAM_SCROLLBACK), so no marker may appear.

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "e2e/common/history_lines.h"
#include "e2e/common/relayed_session.h"
#include "netsim/profile.h"
#include "support/direct_pane.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kPrompt = "e2e$ ";
constexpr milliseconds kStepTimeout(60000);
constexpr auto kOutage = std::chrono::seconds(20);
// The end of the typed command line, which the numbers follow.
constexpr const char* kCommandEnd = "echo ok-$((1+0))";

class ScrollbackRoamingTest : public ::testing::Test {
 protected:
  void Start(const std::string& profile_name, int cols = 80, int rows = 24) {
    Result<netsim::Profile> profile = netsim::ProfileByName(profile_name);
    ASSERT_TRUE(profile.ok()) << profile.status().message();
    RelayedSessionOptions options;
    options.prompt = kPrompt;
    options.profile = *profile;
    options.cols = cols;
    options.rows = rows;
    options.env = {"ROAM_SCROLLBACK=50000"};
    options.history_limit = 60000;
    const std::string error = session_.Start(options);
    ASSERT_EQ(error, "");
  }

  // Waits until the history holds 1..20000 after the command line, once
  // each and in order, with no marker.
  void ExpectEveryLineOnceInOrder() {
    TmuxSession& pane = session_.pane();
    ASSERT_TRUE(pane.WaitForText("ok-1\ne2e$", kStepTimeout)) << session_.Context();
    long skipped = 0;
    long after = 0;
    std::vector<std::string> lines;
    const bool ok = PollUntil(
        [&] {
          lines = Lines(pane.CaptureHistory());
          return bool(NumbersOnceInOrder(lines, kCommandEnd, 20000, &skipped, &after));
        },
        kStepTimeout, milliseconds(250));
    EXPECT_TRUE(ok) << NumbersOnceInOrder(lines, kCommandEnd, 20000, &skipped, &after).message()
                    << "\n"
                    << session_.Context();
    EXPECT_EQ(skipped, 0);
  }

  // The direct-pane comparison (e2e/common/history_lines.h) over `profile`.
  void CompareWithADirectPane(const std::string& profile, int cols = 80, int rows = 24) {
    ASSERT_TRUE(HaveProgram("less") && HaveProgram("vim"));
    ASSERT_NO_FATAL_FAILURE(Start(profile, cols, rows));
    char tmpl[] = "/tmp/roam-e2e-scrollback-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    std::unique_ptr<TmuxSession> direct =
        OpenDirectPane(std::string("env 'PS1=") + kPrompt + "' /bin/sh", cols, rows,
                       {"TERM=xterm-256color"}, 60000);
    EXPECT_TRUE(direct->started());
    if (direct->started() && direct->WaitForText("e2e$", kStepTimeout)) {
      EXPECT_NO_FATAL_FAILURE(CompareScrollbackSession(session_.pane(), *direct, dir, kStepTimeout))
          << session_.Context();
    }
    std::filesystem::remove_all(dir);
  }

  RelayedSession session_;
};

TEST_F(ScrollbackRoamingTest, HistoryEqualsADirectPaneOnALossyLink) {
  CompareWithADirectPane("lossy");
}

TEST_F(ScrollbackRoamingTest, HistoryEqualsADirectPaneOnALongLink) {
  CompareWithADirectPane("intercontinental");
}

TEST_F(ScrollbackRoamingTest, HistoryEqualsADirectPaneOnALossyLinkAt132x43) {
  CompareWithADirectPane("lossy", 132, 43);
}

TEST_F(ScrollbackRoamingTest, HistoryEqualsADirectPaneOnALongLinkAt132x43) {
  CompareWithADirectPane("intercontinental", 132, 43);
}

TEST_F(ScrollbackRoamingTest, AnOutageAndAnAddressChangeMidOutputLoseNoLine) {
  ASSERT_NO_FATAL_FAILURE(Start("lossy"));
  TmuxSession& pane = session_.pane();
  pane.Type(std::string("seq 1 10000; sleep 3; seq 10001 20000; ") + kCommandEnd);
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("\n10000\n", kStepTimeout)) << session_.Context();
  const SteadyClock::time_point start = session_.relay().StartOutage(kOutage);
  ASSERT_TRUE(session_.relay().Rebind("127.0.0.2").ok());
  // The link is down: wait until it is back (bounded by the outage itself).
  while (SteadyClock::now() < start + kOutage + milliseconds(20)) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_GT(session_.relay().Stats().up.lost_outage, 0u);
  ASSERT_NO_FATAL_FAILURE(ExpectEveryLineOnceInOrder());
  EXPECT_EQ(session_.relay().UpstreamAddress().rfind("127.0.0.2:", 0), 0u);
}

TEST_F(ScrollbackRoamingTest, ALongLinkLosesNoLine) {
  ASSERT_NO_FATAL_FAILURE(Start("intercontinental"));
  TmuxSession& pane = session_.pane();
  pane.Type(std::string("seq 1 20000; ") + kCommandEnd);
  pane.Keys({"Enter"});
  ASSERT_NO_FATAL_FAILURE(ExpectEveryLineOnceInOrder());
}

}  // namespace
}  // namespace roam::testing
