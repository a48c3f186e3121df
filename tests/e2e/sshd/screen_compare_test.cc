// Screen comparison helpers: normalization, the row-by-row diff, typing into
// a pane, and two direct panes (same size, same printf script) that must
// compare equal, while a pane that printed something else must not.

#include "support/screen_compare.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/direct_pane.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kCols = 80;
constexpr int kRows = 24;
constexpr milliseconds kDrawTimeout(10000);

// Text, a tab, colour, UTF-8, absolute cursor motion and an erase: the kinds
// of output later comparisons will see. It ends by printing "DONE" at row 20.
std::string PrintfScript(const std::string& word) {
  return "printf 'first line\\n\\tafter a tab\\n\\033[31mred\\033[0m plain caf\\303\\251\\n"
         "\\033[6;10H" +
         word +
         " at row 6 col 10\\n"
         "erase me\\r\\033[Kkept\\n"
         "\\033[21;1HDONE'";
}

bool HasDone(TmuxSession& pane) { return pane.WaitForText("DONE", kDrawTimeout); }

TEST(NormalizeScreenTest, DropsTrailingBlanksAndBlankRows) {
  EXPECT_EQ(NormalizeScreen({"abc   ", "  x", "   ", "", ""}),
            (std::vector<std::string>{"abc", "  x"}));
  EXPECT_EQ(NormalizeScreen({"a\r", " ", "b"}), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_TRUE(NormalizeScreen({"", "  "}).empty());
}

TEST(CompareScreensTest, EqualAfterNormalization) {
  const ScreenComparison r = CompareScreens({"hello   ", "world"}, {"hello", "world  ", "", " "});
  EXPECT_TRUE(r) << r.diff;
  EXPECT_TRUE(r.diff.empty());
}

TEST(CompareScreensTest, DiffNamesTheRowAndColumn) {
  const ScreenComparison r = CompareScreens({"same", "abcdef", "tail"},
                                            {"same", "abcXef", "tail", "extra"}, "roam", "direct");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.diff,
            "screens differ in 2 row(s); - roam, + direct\n"
            "row 1 (first difference at column 3):\n"
            "  - abcdef\n"
            "  + abcXef\n"
            "       ^\n"
            "row 3 (first difference at column 0):\n"
            "  - \n"
            "  + extra\n"
            "    ^\n");
}

TEST(DirectPaneTest, SamePrintfScriptGivesTheSameScreen) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  std::unique_ptr<TmuxSession> a = OpenDirectPane(PrintfScript("word"), kCols, kRows);
  std::unique_ptr<TmuxSession> b = OpenDirectPane(PrintfScript("word"), kCols, kRows);
  ASSERT_TRUE(a->started() && b->started());
  ASSERT_TRUE(HasDone(*a)) << a->CaptureText();
  ASSERT_TRUE(HasDone(*b)) << b->CaptureText();

  const ScreenComparison r = WaitForScreensToMatch(*a, *b, kDrawTimeout);
  EXPECT_TRUE(r) << r.diff;
  // The screen really holds the script's output (so "equal" is not "both empty").
  const std::vector<std::string> rows = NormalizeScreen(a->Capture());
  ASSERT_EQ(rows.size(), 21u) << a->CaptureText();
  EXPECT_EQ(rows[0], "first line");
  EXPECT_EQ(rows[1], "        after a tab");
  EXPECT_EQ(rows[2], "red plain caf\xc3\xa9");
  EXPECT_EQ(rows[5], "         word at row 6 col 10");
  EXPECT_EQ(rows[6], "kept");
  EXPECT_EQ(rows[20], "DONE");
  // The pane is still alive (idle after the command), so nothing else is drawn.
  EXPECT_TRUE(a->PaneAlive());
}

TEST(TmuxSessionTest, TypesTextThatStartsWithADash) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  // cat echoes each line back: the typed text appears twice.
  TmuxSession pane("cat", kCols, kRows);
  ASSERT_TRUE(pane.started());
  pane.Type("-l --x -");
  pane.Keys({"Enter"});
  EXPECT_TRUE(pane.WaitForScreen(
      [](const std::string& s) { return s.find("-l --x -\n-l --x -") != std::string::npos; },
      kDrawTimeout))
      << pane.CaptureText();
}

TEST(DirectPaneTest, DifferentOutputIsReportedWithTheRow) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  std::unique_ptr<TmuxSession> a = OpenDirectPane(PrintfScript("word"), kCols, kRows);
  std::unique_ptr<TmuxSession> b = OpenDirectPane(PrintfScript("WORD"), kCols, kRows);
  ASSERT_TRUE(a->started() && b->started());
  ASSERT_TRUE(HasDone(*a)) << a->CaptureText();
  ASSERT_TRUE(HasDone(*b)) << b->CaptureText();

  const ScreenComparison r = ScreenMatches(*a, *b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.diff.find("screens differ in 1 row(s)"), std::string::npos) << r.diff;
  EXPECT_NE(r.diff.find("row 5 (first difference at column 9):"), std::string::npos) << r.diff;
}

TEST(DirectPaneTest, PanesOfDifferentSizesWrapDifferently) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  const std::string long_line = "printf '%s\\nDONE' \"$(printf 'x%.0s' $(seq 1 100))\"";
  std::unique_ptr<TmuxSession> wide = OpenDirectPane(long_line, 120, kRows);
  std::unique_ptr<TmuxSession> narrow = OpenDirectPane(long_line, kCols, kRows);
  ASSERT_TRUE(HasDone(*wide)) << wide->CaptureText();
  ASSERT_TRUE(HasDone(*narrow)) << narrow->CaptureText();
  const ScreenComparison r = ScreenMatches(*wide, *narrow);
  EXPECT_FALSE(r);
  EXPECT_EQ(NormalizeScreen(narrow->Capture()).size(), 3u) << narrow->CaptureText();
}

}  // namespace
}  // namespace roam::testing
