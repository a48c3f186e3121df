// Writing into the terminal's own scrollback: rows reach a terminal's
// history in order with their renditions, the screen moves up as the remote
// one did, and nothing else (the bar, junk on an unknown screen) gets in.
// The terminal is roam's emulator in history mode (tmux's rules).

#include "client/scrollback_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "term/emulator.h"
#include "term/scrollback.h"

namespace roam::client {
namespace {

using Lines = std::vector<std::string>;

term::Display NormalDisplay() {
  term::DisplayCapabilities caps = term::DisplayCapabilities::Client(true, true, true, "");
  caps.normal_screen = true;
  return term::Display(caps);
}

std::string RowText(const term::Row& row) {
  std::string out;
  for (int c = 0; c < row.width(); ++c) {
    if (row.cell(c).empty()) {
      if (c > 0 && row.cell(c - 1).wide()) continue;
      out.push_back(' ');
    } else {
      row.AppendCellText(c, &out);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

term::Row TextRow(const std::string& text, int width) {
  term::Emulator e(width, 1);
  e.Write(text);
  return e.fb().row(0);
}

Lines History(const term::Emulator& e) {
  Lines out;
  for (size_t i = 0; i < e.scrollback().size(); ++i) out.push_back(RowText(e.scrollback().Line(i)));
  return out;
}

Lines Screen(const term::Framebuffer& fb) {
  Lines out;
  for (int r = 0; r < fb.height(); ++r) out.push_back(RowText(fb.row(r)));
  return out;
}

// A terminal showing rows "a".."e" that the writer knows about.
class ScrollbackWriterTest : public ::testing::Test {
 protected:
  ScrollbackWriterTest() : terminal_(20, 5, HistoryMode()), screen_(20, 5) {
    term::Emulator remote(20, 5);
    remote.Write("a\r\nb\r\nc\r\nd\r\ne");
    screen_ = remote.fb();
    terminal_.Write(display_.NewFrame(false, term::Framebuffer(20, 5), screen_));
  }
  static term::EmulatorOptions HistoryMode() {
    term::EmulatorOptions options;
    options.history_mode = true;
    return options;
  }
  void Push(const Lines& lines) {
    std::vector<term::Row> rows;
    for (const std::string& l : lines) rows.push_back(TextRow(l, 20));
    std::string out;
    PushToScrollback(rows, display_, &screen_, &known_, &out);
    terminal_.Write(out);
  }

  term::Display display_ = NormalDisplay();
  term::Emulator terminal_;
  term::Framebuffer screen_;
  bool known_ = true;
};

TEST_F(ScrollbackWriterTest, RowsReachTheHistoryAndTheScreenMovesUp) {
  Push({"L1", "L2"});
  EXPECT_EQ(History(terminal_), (Lines{"L1", "L2"}));
  EXPECT_EQ(Screen(terminal_.fb()), (Lines{"c", "d", "e", "", ""}));
  EXPECT_EQ(Screen(screen_), Screen(terminal_.fb()));
  EXPECT_FALSE(terminal_.fb().ds().cursor_visible);
}

TEST_F(ScrollbackWriterTest, MoreRowsThanTheScreenGoInScreenfuls) {
  Lines many;
  for (int i = 0; i < 12; ++i) many.push_back("L" + std::to_string(i));
  Push(many);
  EXPECT_EQ(History(terminal_), many);
  EXPECT_EQ(Screen(screen_), Screen(terminal_.fb()));
}

TEST_F(ScrollbackWriterTest, AnUnknownScreenIsRewrittenFirst) {
  terminal_.Write("\x1b[1;1Hjunk\x1b[3;1Hmore junk");
  known_ = false;
  Push({"L1"});
  EXPECT_EQ(History(terminal_), (Lines{"L1"}));
  EXPECT_EQ(Screen(terminal_.fb()), Screen(screen_));
  EXPECT_TRUE(known_);
}

TEST_F(ScrollbackWriterTest, TheBarOnTheTopRowNeverReachesTheHistory) {
  term::Framebuffer with_bar = screen_;
  *with_bar.MutableRow(0) = TextRow("roam: Last contact 5 seconds ago.", 20);
  terminal_.Write(display_.NewFrame(true, screen_, with_bar));
  screen_ = with_bar;
  Push({"L1"});
  EXPECT_EQ(History(terminal_), (Lines{"L1"}));
}

TEST_F(ScrollbackWriterTest, RenditionsAreKept) {
  std::vector<term::Row> rows{TextRow("\x1b[1;31mred\x1b[0m plain \x1b[4:3mcurly", 20)};
  std::string out;
  PushToScrollback(rows, display_, &screen_, &known_, &out);
  terminal_.Write(out);
  ASSERT_EQ(terminal_.scrollback().size(), 1u);
  const term::Row got = terminal_.scrollback().Line(0);
  for (int c = 0; c < 20; ++c) {
    EXPECT_EQ(got.cell(c).rend, rows[0].cell(c).rend) << c;
    EXPECT_EQ(got.CellText(c), rows[0].CellText(c)) << c;
  }
}

TEST(FitHistoryLineTest, ALineThatFitsIsPaddedOrCutToBlankCells) {
  std::vector<term::Row> rows = FitHistoryLine(TextRow("hello", 80), 20);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].width(), 20);
  EXPECT_EQ(RowText(rows[0]), "hello");
  rows = FitHistoryLine(TextRow("hi", 5), 20);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].width(), 20);
}

TEST(FitHistoryLineTest, AWiderLineSoftWrapsAndWideCharactersAreNotCut) {
  // 9 columns: "abcd" then wide "中" at columns 4-5, then "efg".
  std::vector<term::Row> rows = FitHistoryLine(TextRow("abcd\xe4\xb8\xad"
                                                       "efg",
                                                       9),
                                               5);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(RowText(rows[0]), "abcd");
  EXPECT_TRUE(rows[0].wrap());
  EXPECT_EQ(RowText(rows[1]),
            "\xe4\xb8\xad"
            "efg");
  EXPECT_FALSE(rows[1].wrap());
}

TEST(SkippedLinesRowTest, SaysHowManyLinesWentBy) {
  term::Row row = SkippedLinesRow(2990000, 80);
  EXPECT_EQ(RowText(row), "[roam: 2,990,000 lines not shown]");
  EXPECT_TRUE(row.cell(0).rend.Has(term::kInverse));
  EXPECT_EQ(RowText(SkippedLinesRow(1, 80)), "[roam: 1 line not shown]");
  EXPECT_EQ(RowText(SkippedLinesRow(12, 10)), "[roam: 12");  // cut, trailing blank trimmed
}

}  // namespace
}  // namespace roam::client
