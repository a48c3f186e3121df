#include "e2e/ssh/shell_steps.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>

#include "e2e/ssh/process_view.h"
#include "support/direct_pane.h"
#include "support/screen_compare.h"
#include "support/subprocess.h"

namespace roam::testing {

namespace {

using std::chrono::milliseconds;

// Whether the screen shows nothing but the prompt on its first row.
bool OnlyPrompt(const std::vector<std::string>& rows) {
  const std::vector<std::string> screen = NormalizeScreen(rows);
  return screen.size() == 1 && screen[0] == kPromptMark;
}

// Compares the two panes (bounded wait for them to settle) and records a
// failure naming `step`.
bool Compare(TmuxSession& through, TmuxSession& direct, const std::string& step) {
  const ScreenComparison r =
      WaitForScreensToMatch(through, direct, kStepTimeout, "through", "direct");
  EXPECT_TRUE(r) << "screens differ after " << step << "\n" << r.diff;
  return r.match;
}

}  // namespace

void TypeLine(TmuxSession& pane, const std::string& line) {
  pane.Type(line);
  pane.Keys({"Enter"});
}

bool ClearScreen(TmuxSession& pane, const Context& context) {
  TypeLine(pane, "clear");
  const bool cleared =
      PollUntil([&] { return OnlyPrompt(pane.Capture()); }, kStepTimeout, milliseconds(100));
  EXPECT_TRUE(cleared) << "`clear` did not leave just the prompt\n" << context();
  return cleared;
}

bool CommandShowsOutput(TmuxSession& pane, const Context& context) {
  TypeLine(pane, "echo typed-$((6*7))");
  // "typed-42" appears only as the shell's output, never in the typed line.
  const bool shown = pane.WaitForText("typed-42", kStepTimeout);
  EXPECT_TRUE(shown) << "no output of a typed command\n" << context();
  return shown;
}

bool ShellFollowsResize(TmuxSession& pane, int cols, int rows, int back_cols, int back_rows,
                        const Context& context) {
  pane.Resize(cols, rows);
  const std::string expected = std::to_string(rows) + " " + std::to_string(cols);
  // The new size travels to the server asynchronously; ask again (bounded)
  // until the shell's terminal has it.
  bool followed = false;
  for (int i = 0; i < 5 && !followed; ++i) {
    TypeLine(pane, "stty size");
    followed = pane.WaitForText(expected, milliseconds(3000));
  }
  EXPECT_TRUE(followed) << "`stty size` never said " << expected << "\n" << context();
  pane.Resize(back_cols, back_rows);
  return ClearScreen(pane, context) && followed;
}

bool CtrlCInterruptsSleep(TmuxSession& pane, const SshdFixture& sshd, const Context& context) {
  const std::string sleep_argv = CmdlineFrom({"sleep", "100"});
  TypeLine(pane, "sleep 100");
  const bool started =
      PollUntil([&] { return AnyHasCmdline(sshd.RemoteProcesses(), sleep_argv); }, kStepTimeout);
  EXPECT_TRUE(started) << "`sleep 100` never ran in the session\n" << context();
  if (!started) return false;
  pane.Keys({"C-c"});
  const bool gone =
      PollUntil([&] { return !AnyHasCmdline(sshd.RemoteProcesses(), sleep_argv); }, kStepTimeout);
  EXPECT_TRUE(gone) << "Ctrl-C did not end sleep\n"
                    << DescribeProcesses(sshd.RemoteProcesses()) << context();
  // The shell is back and takes the next command (sleep would have held it
  // for 100 s).
  if (!ClearScreen(pane, context)) return false;
  TypeLine(pane, "echo back-$((6*7))");
  const bool back = pane.WaitForText("back-42", kStepTimeout);
  EXPECT_TRUE(back) << "the shell did not come back after Ctrl-C\n" << context();
  return ClearScreen(pane, context) && gone && back;
}

bool WriteKnownFile(const std::string& path) {
  std::ofstream out(path);
  for (int i = 1; i <= 120; ++i) {
    out << "line " << i << ": pack my box with five dozen liquor jugs"
        << (i % 9 == 0 ? " (ninth)" : "") << "\n";
  }
  return static_cast<bool>(out);
}

bool LessMatchesDirectPane(TmuxSession& pane, const std::string& path, int cols, int rows,
                           AlternateScreen alternate, const Context& context) {
  std::unique_ptr<TmuxSession> direct = OpenDirectPane(kShellCommand, cols, rows, {kTermEntry});
  EXPECT_TRUE(direct->started());
  if (!direct->started()) return false;
  const bool direct_ready = direct->WaitForText(kPromptMark, kStepTimeout);
  EXPECT_TRUE(direct_ready) << "direct pane:\n" << direct->CaptureText();
  if (!direct_ready) return false;
  // Both start from the prompt alone on a cleared screen.
  if (!ClearScreen(*direct, [&] { return direct->CaptureText(); })) return false;
  bool ok = Compare(pane, *direct, "clear");

  auto both = [&](const std::function<void(TmuxSession&)>& keys) {
    keys(pane);
    keys(*direct);
  };
  both([&](TmuxSession& t) { TypeLine(t, "less " + path); });
  if (!pane.WaitForText("line 23:", kStepTimeout)) {
    ADD_FAILURE() << "less did not open\n" << context();
    return false;
  }
  ok = Compare(pane, *direct, "opening less") && ok;

  both([](TmuxSession& t) { t.Keys({"Space"}); });
  if (!pane.WaitForText("line 46:", kStepTimeout)) {
    ADD_FAILURE() << "less did not page down\n" << context();
    return false;
  }
  both([](TmuxSession& t) { t.Keys({"j", "j", "j"}); });
  if (!pane.WaitForText("line 49:", kStepTimeout)) {
    ADD_FAILURE() << "less did not scroll\n" << context();
    return false;
  }
  ok = Compare(pane, *direct, "paging in less") && ok;

  both([](TmuxSession& t) { t.Keys({"q"}); });
  if (alternate == AlternateScreen::kYes) {
    if (!pane.WaitForScreen(
            [](const std::string& s) { return s.find("line 49:") == std::string::npos; },
            kStepTimeout)) {
      ADD_FAILURE() << "less did not quit\n" << context();
      return false;
    }
    ok = Compare(pane, *direct, "quitting less") && ok;
  } else {
    // The page stays; the prompt follows on the bottom row.
    const bool page_stays = PollUntil(
        [&] {
          const std::vector<std::string> shown = NormalizeScreen(pane.Capture());
          return static_cast<int>(shown.size()) == rows && shown.back() == kPromptMark &&
                 shown[rows - 2].rfind("line 49:", 0) == 0;
        },
        kStepTimeout, milliseconds(100));
    EXPECT_TRUE(page_stays) << "less did not quit, or the page did not stay with the prompt "
                               "below it\n"
                            << context();
    if (!page_stays) return false;
  }
  return ClearScreen(pane, context) && ok;
}

}  // namespace roam::testing
