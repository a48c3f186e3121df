// Emulator tab stops: defaults every 8 columns, HTS/TBC, CHT/CBT, and
// extension on resize unless cleared (docs/protocol.md §12.2, §12.3).

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;
using P = std::pair<int, int>;

TEST(TabsTest, DefaultStopsEveryEightColumns) {
  Term t(20, 2);
  t.Write("\t");
  EXPECT_EQ(t.Cursor(), P(0, 8));
  t.Write("\t");
  EXPECT_EQ(t.Cursor(), P(0, 16));
  t.Write("\t");
  EXPECT_EQ(t.Cursor(), P(0, 19));  // no stop left: last column
}

TEST(TabsTest, SetAndClearStops) {
  Term t(20, 2);
  t.Write("\x1b[4G\x1bH\x1b[1G\t");
  EXPECT_EQ(t.Cursor(), P(0, 3));
  t.Write("\x1b[g\x1b[1G\t");
  EXPECT_EQ(t.Cursor(), P(0, 8));
  t.Write("\x1b[3g\x1b[1G\t");
  EXPECT_EQ(t.Cursor(), P(0, 19));
}

TEST(TabsTest, ForwardAndBackwardTabulation) {
  Term t(40, 2);
  t.Write("\x1b[2I");
  EXPECT_EQ(t.Cursor(), P(0, 16));
  t.Write("\x1b[Z");
  EXPECT_EQ(t.Cursor(), P(0, 8));
  t.Write("\x1b[5Z");
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(TabsTest, TabDoesNotWrite) {
  Term t(20, 1);
  t.Write("ab\tc");
  EXPECT_EQ(t.Line(0), "ab      c");
  EXPECT_TRUE(t.CellAt(0, 4).empty());
}

TEST(TabsTest, ResizeExtendsDefaultStops) {
  Term t(10, 2);
  t.emu().Resize(30, 2);
  t.Write("\t\t\t");
  EXPECT_EQ(t.Cursor(), P(0, 24));
}

TEST(TabsTest, ResizeDoesNotRestoreClearedStops) {
  Term t(10, 2);
  t.Write("\x1b[3g");
  t.emu().Resize(30, 2);
  t.Write("\t");
  EXPECT_EQ(t.Cursor(), P(0, 29));
}

}  // namespace
}  // namespace roam::term
