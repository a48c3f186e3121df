// `roam --local -- <shell>` in a tmux pane, one session walked through what a
// user does: type and see a command's output, resize the window (the shell's
// `stty size` follows), interrupt `sleep` with Ctrl-C, run a full-screen
// program (`less` on a known file: open, page, search, quit) whose screen
// must match the same keys in a direct pane, and `exit`, which ends roam with
// status 0 and leaves no server behind.
//
// Local echo is off (MOSH_PREDICTION_DISPLAY=never) so compared screens hold
// only what the server sent. The direct pane runs the same shell with the
// same prompt and TERM, at the same size.

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "e2e/common/process_probe.h"
#include "support/direct_pane.h"
#include "support/screen_compare.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kPrompt = "e2e$ ";
// What a capture shows of the prompt (tmux drops the trailing blank).
constexpr const char* kPromptMark = "e2e$";
constexpr milliseconds kConnectTimeout(20000);
constexpr milliseconds kStepTimeout(10000);

class RoamLocalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("less"));
    char tmpl[] = "/tmp/roam-e2e-local-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // A known file, longer than a screen, for `less`.
    std::ofstream out(dir_ + "/known.txt");
    for (int i = 1; i <= 120; ++i) {
      out << "line " << i << ": the quick brown fox " << (i % 7 == 0 ? "MARK " : "") << "jumps\n";
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

void TypeLine(TmuxSession& t, const std::string& line) {
  t.Type(line);
  t.Keys({"Enter"});
}

// Whether a process runs whose argv is exactly `argv` (NUL-separated as in
// /proc/<pid>/cmdline).
bool ProcessWithCmdline(const std::string& cmdline) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string s = ReadFileBytes((e.path() / "cmdline").string());
    if (s == cmdline) return true;
  }
  return false;
}

// Whether any process has `arg` as one of its arguments.
bool ProcessWithArgument(const std::string& arg) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string s = ReadFileBytes((e.path() / "cmdline").string());
    if (s.find(std::string(1, '\0') + arg + std::string(1, '\0')) != std::string::npos) return true;
  }
  return false;
}

TEST_F(RoamLocalTest, ShellSessionFromTypingToExit) {
  // The marker variable makes this test's server findable in /proc.
  const std::string marker = "ROAM_E2E_LOCAL=" + std::to_string(getpid());
  const std::string shell = std::string("env 'PS1=") + kPrompt + "' " + marker + " /bin/sh";
  const std::string command =
      "'" + RoamProgram("roam") + "' --local -- " + shell + "; echo EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, 80, 24,
                   {"LANG=C.UTF-8", "TERM=xterm-256color", "MOSH_PREDICTION_DISPLAY=never"});
  ASSERT_TRUE(pane.started());
  auto context = [&] { return "command: " + command + "\npane:\n" + pane.CaptureText(); };
  ASSERT_TRUE(pane.WaitForText(kPromptMark, kConnectTimeout)) << context();
  EXPECT_TRUE(ProcessWithArgument(marker)) << "the server is not where the exit check looks";

  // Typing and a command's output.
  TypeLine(pane, "echo typed-$((6*7))");
  EXPECT_TRUE(pane.WaitForText("typed-42", kStepTimeout)) << context();

  // Resize: the shell sees the new size.
  pane.Resize(90, 30);
  bool resized = false;
  for (int i = 0; i < 5 && !resized; ++i) {
    TypeLine(pane, "stty size");
    resized = pane.WaitForText("30 90", milliseconds(3000));
  }
  EXPECT_TRUE(resized) << context();
  pane.Resize(80, 24);
  TypeLine(pane, "clear");
  ASSERT_TRUE(pane.WaitForScreen(
      [](const std::string& s) { return s.find("stty") == std::string::npos; }, kStepTimeout))
      << context();

  // Ctrl-C interrupts a long sleep (97 s: a value no other test uses).
  // An interactive sh drops the rest of the line on SIGINT, so the proof is
  // the sleep gone, the ^C echoed and a new prompt under it.
  TypeLine(pane, "sleep 97");
  ASSERT_TRUE(PollUntil(
      [] {
        return ProcessWithCmdline(
            std::string("sleep\0"
                        "97\0",
                        9));
      },
      kStepTimeout))
      << "sleep never started\n"
      << context();
  pane.Keys({"C-c"});
  EXPECT_TRUE(PollUntil(
      [] {
        return !ProcessWithCmdline(
            std::string("sleep\0"
                        "97\0",
                        9));
      },
      kStepTimeout))
      << "Ctrl-C did not end sleep\n"
      << context();
  EXPECT_TRUE(pane.WaitForText("e2e$ sleep 97\n^C\ne2e$", kStepTimeout)) << context();
  TypeLine(pane, "clear");
  ASSERT_TRUE(pane.WaitForScreen(
      [](const std::string& s) { return s.find("^C") == std::string::npos; }, kStepTimeout))
      << context();

  // A full-screen program, compared with the same keys in a direct pane.
  std::unique_ptr<TmuxSession> direct = OpenDirectPane(shell, 80, 24, {"TERM=xterm-256color"});
  ASSERT_TRUE(direct->started());
  ASSERT_TRUE(direct->WaitForText(kPromptMark, kStepTimeout));
  auto both = [&](const std::function<void(TmuxSession&)>& fn) {
    fn(pane);
    fn(*direct);
  };
  // The server starts the shell in $HOME (as mosh does): give less the full path.
  both([&](TmuxSession& t) { TypeLine(t, "less " + dir_ + "/known.txt"); });
  ASSERT_TRUE(pane.WaitForText("line 23:", kStepTimeout)) << context();
  {
    auto cmp = WaitForScreensToMatch(pane, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "less opened\n" << cmp.diff;
  }
  both([](TmuxSession& t) { t.Keys({"Space"}); });
  ASSERT_TRUE(pane.WaitForText("line 46:", kStepTimeout)) << context();
  both([](TmuxSession& t) { t.Keys({"j", "j", "j"}); });
  ASSERT_TRUE(pane.WaitForText("line 49:", kStepTimeout)) << context();
  {
    auto cmp = WaitForScreensToMatch(pane, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "less paged\n" << cmp.diff;
  }
  both([](TmuxSession& t) {
    t.Type("/MARK");
    t.Keys({"Enter"});
  });
  // The search starts below the top row (line 27): the match at line 28
  // becomes the top row.
  ASSERT_TRUE(pane.WaitForScreen([](const std::string& s) { return s.rfind("line 28:", 0) == 0; },
                                 kStepTimeout))
      << context();
  {
    auto cmp = WaitForScreensToMatch(pane, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "less searched\n" << cmp.diff;
  }
  both([](TmuxSession& t) { t.Keys({"q"}); });
  ASSERT_TRUE(pane.WaitForScreen(
      [](const std::string& s) { return s.find("line 28:") == std::string::npos; }, kStepTimeout))
      << context();
  {
    auto cmp = WaitForScreensToMatch(pane, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "less quit\n" << cmp.diff;
  }

  // `exit` ends roam with status 0.
  TypeLine(pane, "exit");
  EXPECT_TRUE(pane.WaitForText("EXIT=", kStepTimeout)) << context();
  EXPECT_TRUE(pane.WaitForText("EXIT=0", milliseconds(1000))) << context();
  EXPECT_TRUE(PollUntil([&] { return !ProcessWithArgument(marker); }, kStepTimeout))
      << "the server started by roam --local outlived the session";
}

}  // namespace
}  // namespace roam::testing
