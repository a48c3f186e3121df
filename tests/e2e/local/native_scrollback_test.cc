// Native scrollback in a real terminal: `roam --local -- <shell>` in a tmux
// pane whose own history must end up as a tmux pane's that ran the same
// commands directly (docs/protocol.md §8.5).
//
// * The same session — `seq 1 5000`, 2,000 coloured lines, `less`, `vim` and
//   `man` (the alternate screen) with output in between — leaves the pane's
//   history plus screen equal, colours and attributes included
//   (capture-pane -e), to the direct pane's; then `clear` (which erases the
//   history with CSI 3 J) and a few more lines, equal again.
// * `seq 1 3000000` with the default bound of 10,000 lines: one marker
//   line, then the newest lines, with nothing lost or doubled around it.
// * Shrinking and growing the window between outputs: the same history as
//   a direct pane that was resized alike.
// * The client stopped (SIGSTOP) in the middle of `seq 1 20000` until the
//   shell has written everything: afterwards the history holds every
//   number once, in order.
//
// Local echo is off (MOSH_PREDICTION_DISPLAY=never) so the panes hold only
// what the server sent.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/common/history_lines.h"
#include "e2e/common/process_probe.h"
#include "support/direct_pane.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kPrompt = "e2e$ ";
constexpr milliseconds kConnectTimeout(20000);
constexpr milliseconds kStepTimeout(30000);
constexpr int kPaneHistory = 60000;

// The process whose argv[0] ends in `program` and that has `arg` as an
// argument.
std::optional<pid_t> FindProcess(const std::string& program, const std::string& arg) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string s = ReadFileBytes((e.path() / "cmdline").string());
    const std::string argv0 = s.substr(0, s.find('\0'));
    if (argv0.size() < program.size() ||
        argv0.compare(argv0.size() - program.size(), program.size(), program) != 0) {
      continue;
    }
    if (s.find(std::string(1, '\0') + arg + std::string(1, '\0')) == std::string::npos) continue;
    return static_cast<pid_t>(std::stol(e.path().filename().string()));
  }
  return std::nullopt;
}

class NativeScrollbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("less") && HaveProgram("vim"));
    char tmpl[] = "/tmp/roam-e2e-scrollback-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    marker_ = "ROAM_E2E_SCROLLBACK=" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    shell_ = std::string("env 'PS1=") + kPrompt + "' " + marker_ + " /bin/sh";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<TmuxSession> OpenRoam(int cols, int rows, const std::string& scrollback) {
    const std::string command = "exec '" + RoamProgram("roam") + "' --local -- " + shell_;
    return std::make_unique<TmuxSession>(
        command, cols, rows,
        std::vector<std::string>{"LANG=C.UTF-8", "TERM=xterm-256color",
                                 "MOSH_PREDICTION_DISPLAY=never", "ROAM_SCROLLBACK=" + scrollback},
        kPaneHistory);
  }

  void SessionMatchesADirectPane(int cols, int rows);

  std::string dir_;
  std::string marker_;
  std::string shell_;
};

void NativeScrollbackTest::SessionMatchesADirectPane(int cols, int rows) {
  std::unique_ptr<TmuxSession> roam = OpenRoam(cols, rows, "10000");
  ASSERT_TRUE(roam->started());
  std::unique_ptr<TmuxSession> direct =
      OpenDirectPane(shell_, cols, rows, {"TERM=xterm-256color"}, kPaneHistory);
  ASSERT_TRUE(direct->started());
  ASSERT_TRUE(roam->WaitForText("e2e$", kConnectTimeout)) << roam->CaptureText();
  ASSERT_TRUE(direct->WaitForText("e2e$", kConnectTimeout)) << direct->CaptureText();
  ASSERT_NO_FATAL_FAILURE(CompareScrollbackSession(*roam, *direct, dir_, kStepTimeout));
}

TEST_F(NativeScrollbackTest, HistoryEqualsADirectPaneAt80x24) { SessionMatchesADirectPane(80, 24); }

TEST_F(NativeScrollbackTest, HistoryEqualsADirectPaneAt132x43) {
  SessionMatchesADirectPane(132, 43);
}

TEST_F(NativeScrollbackTest, AFloodBeyondTheBoundLeavesOneMarkerThenTheNewestLines) {
  std::unique_ptr<TmuxSession> roam = OpenRoam(80, 24, "10000");
  ASSERT_TRUE(roam->started());
  ASSERT_TRUE(roam->WaitForText("e2e$", kConnectTimeout)) << roam->CaptureText();
  const std::string command = "seq 1 3000000; echo ok-$((1+0))";
  ASSERT_TRUE(RunStep(*roam, "seq 1 3000000", 1, kStepTimeout)) << roam->CaptureText();
  long skipped = 0;
  long after = 0;
  std::vector<std::string> lines;
  const bool ok = PollUntil(
      [&] {
        lines = Lines(roam->CaptureHistory());
        return bool(NumbersOnceInOrder(lines, command, 3000000, &skipped, &after));
      },
      kStepTimeout, milliseconds(250));
  ASSERT_TRUE(ok) << NumbersOnceInOrder(lines, command, 3000000, &skipped, &after).message();
  EXPECT_GT(skipped, 2980000);
  // The bound: at most 10,000 history lines caught up on, plus the screen.
  EXPECT_GE(after, 10000);
  EXPECT_LE(after, 10000 + 2 * 24);
}

// The window shrinks and grows between outputs: the terminal's own resize
// rule (tmux scrolls rows off the top into its history when it shrinks,
// and brings them back when it grows) and roam's must leave the same
// history as a direct pane, with nothing doubled or lost.
TEST_F(NativeScrollbackTest, ResizingNeitherDuplicatesNorLosesHistory) {
  std::unique_ptr<TmuxSession> roam = OpenRoam(80, 24, "10000");
  ASSERT_TRUE(roam->started());
  std::unique_ptr<TmuxSession> direct =
      OpenDirectPane(shell_, 80, 24, {"TERM=xterm-256color"}, kPaneHistory);
  ASSERT_TRUE(direct->started());
  ASSERT_TRUE(roam->WaitForText("e2e$", kConnectTimeout)) << roam->CaptureText();
  ASSERT_TRUE(direct->WaitForText("e2e$", kConnectTimeout)) << direct->CaptureText();
  int step = 0;
  auto both = [&](const std::string& command) {
    ++step;
    for (TmuxSession* p : {roam.get(), direct.get()}) {
      ASSERT_TRUE(RunStep(*p, command, step, kStepTimeout)) << command << "\n" << p->CaptureText();
    }
  };
  auto resize = [&](int cols, int rows) {
    for (TmuxSession* p : {roam.get(), direct.get()}) p->Resize(cols, rows);
    // The shell sees the new size through roam too.
    ASSERT_NO_FATAL_FAILURE(both("stty size"));
    ASSERT_TRUE(roam->WaitForText(std::to_string(rows) + " " + std::to_string(cols), kStepTimeout));
  };
  ASSERT_NO_FATAL_FAILURE(both("seq 1 100"));
  ASSERT_NO_FATAL_FAILURE(resize(80, 15));
  ASSERT_NO_FATAL_FAILURE(both("seq 101 130"));
  ASSERT_NO_FATAL_FAILURE(resize(100, 30));
  ASSERT_NO_FATAL_FAILURE(both("seq 131 200"));
  ::testing::AssertionResult same = HistoriesMatch(*roam, *direct, kStepTimeout);
  EXPECT_TRUE(same) << "after shrinking and growing";
}

TEST_F(NativeScrollbackTest, AStoppedClientCatchesUpOnEveryLineOnceInOrder) {
  std::unique_ptr<TmuxSession> roam = OpenRoam(80, 24, "50000");
  ASSERT_TRUE(roam->started());
  ASSERT_TRUE(roam->WaitForText("e2e$", kConnectTimeout)) << roam->CaptureText();
  // Half the numbers, a pause, the rest: the client is stopped during the
  // pause, and stays stopped until the shell has written everything.
  const std::string done = dir_ + "/done";
  const std::string command = "seq 1 10000; sleep 2; seq 10001 20000; touch " + done;
  roam->Type(command + "; echo ok-$((1+0))");
  roam->Keys({"Enter"});
  ASSERT_TRUE(roam->WaitForText("\n10000\n", kStepTimeout)) << roam->CaptureText();
  std::optional<pid_t> client = FindProcess("/roam", marker_);
  ASSERT_TRUE(client.has_value());
  ASSERT_EQ(kill(*client, SIGSTOP), 0);
  const bool finished =
      PollUntil([&] { return std::filesystem::exists(done); }, kStepTimeout, milliseconds(200));
  kill(*client, SIGCONT);
  ASSERT_TRUE(finished);
  ASSERT_TRUE(roam->WaitForText("ok-1\ne2e$", kStepTimeout)) << roam->CaptureText();
  long skipped = 0;
  long after = 0;
  std::vector<std::string> lines;
  const bool ok = PollUntil(
      [&] {
        lines = Lines(roam->CaptureHistory());
        return bool(NumbersOnceInOrder(lines, "echo ok-$((1+0))", 20000, &skipped, &after));
      },
      kStepTimeout, milliseconds(250));
  EXPECT_TRUE(ok)
      << NumbersOnceInOrder(lines, "echo ok-$((1+0))", 20000, &skipped, &after).message();
  EXPECT_EQ(skipped, 0);
}

}  // namespace
}  // namespace roam::testing
