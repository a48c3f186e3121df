// Emulator scrolling: LF/RI at the margins, scroll regions, SU/SD, new
// lines taking the background colour (docs/protocol.md §12.2).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;
using P = std::pair<int, int>;

Term Numbered(int rows) {
  Term t(4, rows);
  for (int i = 0; i < rows; ++i) {
    if (i > 0) t.Write("\r\n");
    t.Write(std::to_string(i));
  }
  return t;
}

TEST(ScrollTest, LineFeedAtBottomScrollsWholeScreen) {
  Term t = Numbered(3);
  t.Write("\n");
  EXPECT_THAT(t.Lines(), ElementsAre("1", "2", ""));
  EXPECT_EQ(t.Cursor(), P(2, 1));
}

TEST(ScrollTest, ReverseIndexAtTopScrollsDown) {
  Term t = Numbered(3);
  t.Write("\x1b[H\x1bM");
  EXPECT_THAT(t.Lines(), ElementsAre("", "0", "1"));
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(ScrollTest, RegionScrollsOnlyInside) {
  Term t = Numbered(5);
  t.Write("\x1b[2;4r");  // rows 1..3
  EXPECT_EQ(t.Cursor(), P(0, 0));
  t.Write("\x1b[4;1H\n");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "2", "3", "", "4"));
  t.Write("\x1b[2;1H\x1bM");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "", "2", "3", "4"));
}

TEST(ScrollTest, OutsideTheRegionLineFeedOnlyMoves) {
  Term t = Numbered(5);
  t.Write("\x1b[2;3r\x1b[5;1H\n\n");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "1", "2", "3", "4"));
  EXPECT_EQ(t.Cursor(), P(4, 0));
  t.Write("\x1b[1;1H\x1bM");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "1", "2", "3", "4"));
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(ScrollTest, ScrollUpAndDownDoNotMoveTheCursor) {
  Term t = Numbered(4);
  t.Write("\x1b[2;2H\x1b[2S");
  EXPECT_THAT(t.Lines(), ElementsAre("2", "3", "", ""));
  EXPECT_EQ(t.Cursor(), P(1, 1));
  t.Write("\x1b[T");
  EXPECT_THAT(t.Lines(), ElementsAre("", "2", "3", ""));
  EXPECT_EQ(t.Cursor(), P(1, 1));
}

TEST(ScrollTest, ScrollInsideRegion) {
  Term t = Numbered(5);
  t.Write("\x1b[2;4r\x1b[S");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "2", "3", "", "4"));
  t.Write("\x1b[2T");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "", "", "2", "4"));
}

TEST(ScrollTest, NewLinesTakeTheBackgroundColour) {
  Term t = Numbered(2);
  t.Write("\x1b[45m\n");
  EXPECT_EQ(t.CellAt(1, 3).rend.bg, PaletteColor(5));
}

TEST(ScrollTest, InvalidRegionsAreIgnored) {
  Term t(4, 5);
  t.Write("\x1b[2;4r\x1b[3;3r");
  EXPECT_EQ(t.ds().scroll_top, 1);
  EXPECT_EQ(t.ds().scroll_bottom, 3);
  t.Write("\x1b[4;2r");
  EXPECT_EQ(t.ds().scroll_top, 1);
  t.Write("\x1b[7;9r");  // top beyond the screen
  EXPECT_EQ(t.ds().scroll_top, 1);
  t.Write("\x1b[2;99r");  // bottom is clamped
  EXPECT_EQ(t.ds().scroll_bottom, 4);
  t.Write("\x1b[r");
  EXPECT_EQ(t.ds().scroll_top, 0);
  EXPECT_EQ(t.ds().scroll_bottom, 4);
}

TEST(ScrollTest, ScrollingHundredsOfLinesKeepsOrder) {
  Term t(6, 3);
  for (int i = 0; i < 500; ++i) t.Write(std::to_string(i) + "\r\n");
  EXPECT_THAT(t.Lines(), ElementsAre("498", "499", ""));
}

}  // namespace
}  // namespace roam::term
