// Tests of the oracle machinery itself: the pty runner records what a real
// program writes and answers its queries, screens render and compare as
// intended, roam's Framebuffer renders as text, and tmux replay shows the
// same screen as libvterm for plain streams.

#include <gtest/gtest.h>

#include <chrono>

#include "oracle/common/framebuffer_grid.h"
#include "oracle/common/grid_compare.h"
#include "oracle/common/pty_runner.h"
#include "oracle/common/tmux_replay.h"
#include "oracle/common/vterm_model.h"

namespace roam::oracle {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout(10000);

TEST(PtyRunnerTest, RecordsOutputThroughTheTerminalLineDiscipline) {
  PtyRunner run({"sh", "-c", "printf 'one\\ntwo %s\\n' \"$TERM\""}, PtyOptions{});
  ASSERT_EQ(run.WaitExit(kTimeout), 0);
  // The pty's output processing turns LF into CR LF: the recording holds the
  // bytes a terminal would really receive.
  EXPECT_EQ(run.output(), "one\r\ntwo xterm-256color\r\n");
}

TEST(PtyRunnerTest, RunsAtTheRequestedSize) {
  PtyOptions options;
  options.cols = 132;
  options.rows = 43;
  PtyRunner run({"stty", "size"}, options);
  ASSERT_EQ(run.WaitExit(kTimeout), 0);
  EXPECT_EQ(run.output(), "43 132\r\n");
}

TEST(PtyRunnerTest, TypedInputReachesTheProgramAndCheckpointsCutTheRecording) {
  PtyRunner run({"sh", "-c", "stty -echo; echo ready; read line; echo \"got $line\""});
  ASSERT_TRUE(run.WaitFor("ready", 0, kTimeout));
  run.Checkpoint();
  size_t mark = run.output().size();
  ASSERT_TRUE(run.Send("hello\r"));
  ASSERT_TRUE(run.WaitFor("got hello", mark, kTimeout));
  EXPECT_TRUE(run.WaitQuiet(milliseconds(100), kTimeout));
  run.Checkpoint();
  std::vector<std::string> segments = run.Segments();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0], "ready\r\n");
  EXPECT_EQ(segments[1], "got hello\r\n");
}

TEST(PtyRunnerTest, ResponderAnswersTerminalQueries) {
  // The program asks for the cursor position (CSI 6 n) and prints what the
  // terminal answered; the answer comes from libvterm fed the same output.
  VtermModel term(80, 24);
  PtyRunner run({"bash", "-c",
                 "stty -echo; printf 'ab\\033[6n'; IFS= read -r -s -d R reply; "
                 "printf '\\ngot:%s\\n' \"${reply#?}\""});
  run.set_responder([&](std::string_view chunk) {
    term.Write(chunk);
    return term.TakeReplies();
  });
  ASSERT_TRUE(run.WaitFor("got:", 0, kTimeout));
  ASSERT_TRUE(run.WaitExit(kTimeout).has_value());
  EXPECT_NE(run.output().find("got:[1;3\r\n"), std::string::npos) << Printable(run.output());
}

TEST(PtyRunnerTest, CheckpointsNeverSplitAnEscapeSequence) {
  PtyRunner run({"sh", "-c",
                 "stty -echo; printf 'ab\\033[3'; read x; printf '8;5Hc\\033]2;t'; read x; "
                 "printf '\\007\\342\\224'; read x; printf '\\200'"});
  ASSERT_TRUE(run.WaitFor("\x1b[3", 0, kTimeout));
  EXPECT_EQ(run.Checkpoint(), 2u);
  ASSERT_TRUE(run.Send("\r"));
  ASSERT_TRUE(run.WaitFor("\x1b]2;t", 0, kTimeout));
  run.Checkpoint();
  ASSERT_TRUE(run.Send("\r"));
  ASSERT_TRUE(run.WaitFor("\x07\xe2\x94", 0, kTimeout));
  run.Checkpoint();
  ASSERT_TRUE(run.Send("\r"));
  ASSERT_TRUE(run.WaitExit(kTimeout).has_value());
  run.Checkpoint();
  EXPECT_EQ(run.Segments(),
            (std::vector<std::string>{"ab", "\x1b[38;5Hc", "\x1b]2;t\x07", "\xe2\x94\x80"}));
}

TEST(CompletePrefixTest, KeepsCompleteSequencesAndCutsUnfinishedOnes) {
  EXPECT_EQ(CompletePrefix("abc"), 3u);
  EXPECT_EQ(CompletePrefix("a\x1b"), 1u);
  EXPECT_EQ(CompletePrefix("a\x1b[1;2"), 1u);
  EXPECT_EQ(CompletePrefix("a\x1b[1;2H"), 7u);
  EXPECT_EQ(CompletePrefix("a\x1b[?25"), 1u);
  EXPECT_EQ(CompletePrefix("a\x1b("), 1u);
  EXPECT_EQ(CompletePrefix("a\x1b(0"), 4u);
  EXPECT_EQ(CompletePrefix("a\x1b]0;title"), 1u);
  EXPECT_EQ(CompletePrefix("a\x1b]0;title\x07"), 11u);
  EXPECT_EQ(CompletePrefix("a\x1b]0;title\x1b\\"), 12u);
  EXPECT_EQ(CompletePrefix("a\x1b"
                           "7"),
            3u);
  EXPECT_EQ(CompletePrefix("x\xe4\xb8"), 1u);
  EXPECT_EQ(CompletePrefix("x\xe4\xb8\xad"), 4u);
  EXPECT_EQ(CompletePrefix("x\xc3"), 1u);
}

TEST(ScreenGridTest, LinesTrimTrailingBlanksAndShowWideCharactersOnce) {
  VtermModel term(10, 3);
  term.Write(
      "a\xe4\xb8\xad"
      "b  \r\n\r\n  x");
  ScreenGrid g = term.Grid();
  EXPECT_EQ(g.Lines(), (std::vector<std::string>{"a\xe4\xb8\xad"
                                                 "b",
                                                 "", "  x"}));
  EXPECT_EQ(g.cells[0][1].width, 2);
  EXPECT_EQ(g.cells[0][2].width, 0);
  EXPECT_EQ(g.cursor_row, 2);
  EXPECT_EQ(g.cursor_col, 3);
}

TEST(GridCompareTest, EqualScreensGiveNoReport) {
  VtermModel a(20, 4), b(20, 4);
  a.Write("\x1b[1mhi\x1b[m there");
  b.Write("\x1b[1mhi\x1b[0m there");
  EXPECT_EQ(CompareGrids(a.Grid(), "a", b.Grid(), "b"), "");
}

TEST(GridCompareTest, ReportsDifferingCellsAttributesAndCursorSideBySide) {
  VtermModel a(20, 4), b(20, 4);
  a.Write("hello\r\nworld");
  b.Write("hello\r\nw\x1b[1morld\r\n");
  std::string report = CompareGrids(a.Grid(), "left", b.Grid(), "right");
  EXPECT_NE(report.find("cell (row 1, col 1)"), std::string::npos) << report;
  EXPECT_NE(report.find("cursor differs"), std::string::npos) << report;
  EXPECT_NE(report.find("*  1 world"), std::string::npos) << report;
  EXPECT_NE(report.find("   0 hello"), std::string::npos) << report;
  CompareOptions text_only;
  text_only.attrs = false;
  text_only.cursor = false;
  EXPECT_EQ(CompareGrids(a.Grid(), "left", b.Grid(), "right", text_only), "");
}

TEST(GridCompareTest, ExcuseAcceptsOnlyTheCellsItNames) {
  VtermModel a(10, 2), b(10, 2);
  a.Write("abc");
  b.Write("abd");
  CompareOptions options;
  options.excuse = [](int row, int col, const GridCell&, const GridCell&) {
    return row == 0 && col == 2;
  };
  EXPECT_EQ(CompareGrids(a.Grid(), "a", b.Grid(), "b", options), "");
  options.excuse = [](int, int col, const GridCell&, const GridCell&) { return col == 1; };
  EXPECT_NE(CompareGrids(a.Grid(), "a", b.Grid(), "b", options), "");
}

TEST(FramebufferGridTest, RendersCellsWideFlagsAttributesAndCursor) {
  term::Framebuffer fb(8, 3);
  term::Row* row = fb.MutableRow(1);
  row->SetCellText(0, "x");
  row->SetCellText(1, "\xe4\xb8\xad");
  row->mutable_cell(1).set_wide(true);
  row->SetCellText(3, "e\xcc\x81");
  row->mutable_cell(3).rend.Set(term::kBold, true);
  row->mutable_cell(3).rend.fg = term::PaletteColor(3);
  fb.mutable_ds()->cursor_row = 2;
  fb.mutable_ds()->cursor_col = 5;
  ScreenGrid g = GridFromFramebuffer(fb);
  EXPECT_EQ(FramebufferLines(fb), (std::vector<std::string>{"",
                                                            "x\xe4\xb8\xad"
                                                            "e\xcc\x81",
                                                            ""}));
  EXPECT_EQ(g.cells[1][1].width, 2);
  EXPECT_EQ(g.cells[1][2].width, 0);
  EXPECT_EQ(g.cells[1][3].attrs, kGridBold);
  EXPECT_EQ(g.cells[1][3].fg, 3);
  EXPECT_EQ(g.cursor_row, 2);
  EXPECT_EQ(g.cursor_col, 5);
}

TEST(TmuxReplayTest, ShowsEachSegmentAsLibvtermDoes) {
  std::vector<std::string> segments = {
      "hello\r\nworld",
      "\x1b[2J\x1b[3;5Hmoved\x1b[1;1H\x1b[7mtop",
      "\x1b[?1049h\x1b[Halt screen",
      "\x1b[?1049l",
  };
  TmuxReplayResult tmux = ReplayInTmux(segments, 40, 6);
  ASSERT_TRUE(tmux.ok) << tmux.error;
  ASSERT_EQ(tmux.screens.size(), segments.size());
  VtermModel term(40, 6);
  for (size_t i = 0; i < segments.size(); ++i) {
    term.Write(segments[i]);
    EXPECT_EQ(CompareText(ToTextScreen(term.Grid()), "libvterm", tmux.screens[i], "tmux", true), "")
        << "after segment " << i;
  }
  EXPECT_EQ(tmux.screens[0].lines[1], "world");
  EXPECT_EQ(tmux.screens[2].lines[0], "alt screen");
  EXPECT_EQ(tmux.screens[3].lines[0], "top");
}

}  // namespace
}  // namespace roam::oracle
