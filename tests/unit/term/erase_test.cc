// Emulator erasing: ED, EL, ECH and background colour erase (spec §9.3).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;

Term Filled() {
  Term t(5, 3);
  t.Write("abcde\r\nfghij\r\nklmno");
  return t;
}

TEST(EraseTest, EraseInDisplay) {
  Term t = Filled();
  t.Write("\x1b[2;3H\x1b[J");
  EXPECT_THAT(t.Lines(), ElementsAre("abcde", "fg", ""));
  t = Filled();
  t.Write("\x1b[2;3H\x1b[1J");
  EXPECT_THAT(t.Lines(), ElementsAre("", "   ij", "klmno"));
  t = Filled();
  t.Write("\x1b[2;3H\x1b[2J");
  EXPECT_THAT(t.Lines(), ElementsAre("", "", ""));
  EXPECT_EQ(t.Cursor(), std::make_pair(1, 2));  // ED does not move the cursor
}

TEST(EraseTest, EraseInDisplay3KeepsTheScreen) {
  Term t = Filled();
  t.Write("\x1b[3J");
  EXPECT_THAT(t.Lines(), ElementsAre("abcde", "fghij", "klmno"));
}

TEST(EraseTest, EraseInLine) {
  Term t = Filled();
  t.Write("\x1b[2;3H\x1b[K");
  EXPECT_EQ(t.Line(1), "fg");
  t.Write("\x1b[1;3H\x1b[1K");
  EXPECT_EQ(t.Line(0), "   de");
  t.Write("\x1b[3;3H\x1b[2K");
  EXPECT_EQ(t.Line(2), "");
}

TEST(EraseTest, EraseCharacters) {
  Term t = Filled();
  t.Write("\x1b[1;2H\x1b[2X");
  EXPECT_EQ(t.Line(0), "a  de");
  t.Write("\x1b[2;4H\x1b[99X");
  EXPECT_EQ(t.Line(1), "fgh");
  t.Write("\x1b[3;1H\x1b[X");
  EXPECT_EQ(t.Line(2), " lmno");
}

TEST(EraseTest, ErasedCellsAreEmptyNotSpaces) {
  Term t(5, 2);
  t.Write("a b\x1b[1;3H\x1b[K");
  EXPECT_FALSE(t.CellAt(0, 1).empty());  // a printed space
  EXPECT_TRUE(t.CellAt(0, 2).empty());
}

TEST(EraseTest, ErasedCellsTakeOnlyTheBackgroundColour) {
  Term t(5, 2);
  t.Write("abcde\x1b[1;4;31;42m\x1b[1;2H\x1b[K");
  const Cell& c = t.CellAt(0, 3);
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.rend.bg, PaletteColor(2));
  EXPECT_EQ(c.rend.fg, kDefaultColor);
  EXPECT_EQ(c.rend.attrs, 0);
  EXPECT_EQ(t.CellAt(0, 0).rend.bg, kDefaultColor);
}

TEST(EraseTest, EraseDisplayUsesBackgroundForWholeRows) {
  Term t(4, 2);
  t.Write("\x1b[44m\x1b[2J");
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 4; ++c) EXPECT_EQ(t.CellAt(r, c).rend.bg, PaletteColor(4));
  }
}

TEST(EraseTest, ScreenAlignmentFillsWithE) {
  Term t(3, 2);
  t.Write("\x1b[2;2H\x1b#8");
  EXPECT_THAT(t.Lines(), ElementsAre("EEE", "EEE"));
  EXPECT_EQ(t.Cursor(), std::make_pair(1, 1));
}

}  // namespace
}  // namespace roam::term
