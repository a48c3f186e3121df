// Emulator insert/delete of cells and lines, and insert mode (docs/protocol.md §12.2):
// IL/DL act inside the region and move the cursor to column 0.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;
using P = std::pair<int, int>;

TEST(InsertDeleteTest, InsertAndDeleteCharacters) {
  Term t(6, 2);
  t.Write("abcdef\x1b[1;2H\x1b[2@");
  EXPECT_EQ(t.Line(0), "a  bcd");
  EXPECT_EQ(t.Cursor(), P(0, 1));
  t.Write("\x1b[3P");
  EXPECT_EQ(t.Line(0), "acd");
  t.Write("\x1b[99P");
  EXPECT_EQ(t.Line(0), "a");
  t.Write("\x1b[1;1H\x1b[99@");
  EXPECT_EQ(t.Line(0), "");
}

TEST(InsertDeleteTest, InsertedCellsTakeBackground) {
  Term t(4, 1);
  t.Write("ab\x1b[41m\x1b[1;1H\x1b[@");
  EXPECT_EQ(t.CellAt(0, 0).rend.bg, PaletteColor(1));
  t.Write("\x1b[P");
  EXPECT_EQ(t.CellAt(0, 3).rend.bg, PaletteColor(1));
}

TEST(InsertDeleteTest, InsertAndDeleteCellsClearTheWrapMark) {
  Term t(3, 3);
  t.Write("abcd\x1b[1;1H\x1b[@");
  EXPECT_FALSE(t.fb().row(0).wrap());
  t.Write("\x1b[2;1Habcd\x1b[2;2H\x1b[P");
  EXPECT_FALSE(t.fb().row(1).wrap());
}

TEST(InsertDeleteTest, InsertLinesMovesCursorToColumnZero) {
  Term t(4, 4);
  t.Write("0\r\n1\r\n2\r\n3\x1b[2;3H\x1b[L");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "", "1", "2"));
  EXPECT_EQ(t.Cursor(), P(1, 0));
  t.Write("\x1b[2;3H\x1b[2M");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "2", "", ""));
  EXPECT_EQ(t.Cursor(), P(1, 0));
}

TEST(InsertDeleteTest, LinesOutsideRegionAreUntouchedButCursorStillMoves) {
  Term t(4, 5);
  t.Write("0\r\n1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[5;3H\x1b[L");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "1", "2", "3", "4"));
  EXPECT_EQ(t.Cursor(), P(4, 0));
  t.Write("\x1b[2;2H\x1b[5L");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "", "", "3", "4"));
  t.Write("\x1b[3;1Hx\x1b[2;1H\x1b[M");
  EXPECT_THAT(t.Lines(), ElementsAre("0", "x", "", "3", "4"));
}

TEST(InsertDeleteTest, InsertModeShiftsCells) {
  Term t(6, 1);
  t.Write("abcd\x1b[1;2H\x1b[4hXY\x1b[4l");
  EXPECT_EQ(t.Line(0), "aXYbcd");
  t.Write("\x1b[1;1HZ");
  EXPECT_EQ(t.Line(0), "ZXYbcd");
}

TEST(InsertDeleteTest, InsertModeWideCharacterShiftsTwoCells) {
  Term t(6, 1);
  t.Write("abcd\x1b[1;2H\x1b[4h\xE4\xB8\x80");
  EXPECT_EQ(t.Line(0),
            "a\xE4\xB8\x80"
            "bcd");
  EXPECT_EQ(t.Cursor(), P(0, 3));
}

}  // namespace
}  // namespace roam::term
