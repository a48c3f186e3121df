// Emulator resize (docs/protocol.md §12.3): truncate/pad at bottom and right with the
// background colour, wrap marks cleared on width change, region reset,
// cursor clamped, combining cell invalidated; bad sizes rejected.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;
using P = std::pair<int, int>;

TEST(ResizeTest, ShrinkTruncatesBottomAndRight) {
  Term t(5, 3);
  t.Write("abcde\r\nfghij\r\nklmno");
  t.emu().Resize(3, 2);
  EXPECT_THAT(t.Lines(), ElementsAre("abc", "fgh"));
  EXPECT_EQ(t.Cursor(), P(1, 2));
}

TEST(ResizeTest, GrowPadsWithBackground) {
  Term t(2, 1);
  t.Write("ab\x1b[44m");
  t.emu().Resize(4, 2);
  EXPECT_THAT(t.Lines(), ElementsAre("ab", ""));
  EXPECT_EQ(t.CellAt(0, 3).rend.bg, PaletteColor(4));
  EXPECT_EQ(t.CellAt(1, 0).rend.bg, PaletteColor(4));
}

TEST(ResizeTest, WidthChangeClearsWrapMarksHeightChangeDoesNot) {
  Term t(3, 3);
  t.Write("abcd");
  ASSERT_TRUE(t.fb().row(0).wrap());
  t.emu().Resize(3, 4);
  EXPECT_TRUE(t.fb().row(0).wrap());
  t.emu().Resize(4, 4);
  EXPECT_FALSE(t.fb().row(0).wrap());
}

TEST(ResizeTest, ScrollRegionResetOnlyWhenSizeChanges) {
  Term t(5, 5);
  t.Write("\x1b[2;3r");
  t.emu().Resize(5, 5);
  EXPECT_EQ(t.ds().scroll_bottom, 2);
  t.emu().Resize(5, 6);
  EXPECT_EQ(t.ds().scroll_top, 0);
  EXPECT_EQ(t.ds().scroll_bottom, 5);
}

TEST(ResizeTest, CombiningCellOutsideIsForgotten) {
  Term t(5, 3);
  t.Write("\x1b[3;5Hx");
  t.emu().Resize(3, 3);
  EXPECT_EQ(t.ds().combining_col, -1);
  t.Write("\xCC\x81");  // combining acute with no cell: dropped
  EXPECT_THAT(t.Lines(), ElementsAre("", "", ""));
}

TEST(ResizeTest, BadSizesAreRejected) {
  Term t(5, 3);
  EXPECT_FALSE(t.emu().Resize(0, 3));
  EXPECT_FALSE(t.emu().Resize(5, -1));
  EXPECT_FALSE(t.emu().Resize(Emulator::kMaxDimension + 1, 3));
  EXPECT_EQ(t.fb().width(), 5);
  EXPECT_TRUE(t.emu().Resize(1, 1));
  t.Write("abc\xE4\xB8\x80");
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(ResizeTest, ScrollbackUntouched) {
  Term t(3, 2);
  t.Write("a\r\nb\r\nc\r\n");
  size_t before = t.emu().scrollback().size();
  t.emu().Resize(2, 1);
  EXPECT_EQ(t.emu().scrollback().size(), before);
}

TEST(ResizeTest, SizesFromOutsideAreClampedIntoTheEmulatorsRange) {
  EXPECT_EQ(Emulator::ClampDimension(5000), Emulator::kMaxDimension);
  EXPECT_EQ(Emulator::ClampDimension(int64_t{1} << 40), Emulator::kMaxDimension);
  EXPECT_EQ(Emulator::ClampDimension(4096), 4096);
  EXPECT_EQ(Emulator::ClampDimension(80), 80);
  EXPECT_EQ(Emulator::ClampDimension(1), 1);
  EXPECT_EQ(Emulator::ClampDimension(0), 1);
  EXPECT_EQ(Emulator::ClampDimension(-7), 1);
  // What a 5000x50 window becomes: a valid emulator, not an abort.
  Emulator e(Emulator::ClampDimension(5000), Emulator::ClampDimension(50));
  EXPECT_EQ(e.fb().width(), 4096);
  EXPECT_TRUE(e.Resize(Emulator::ClampDimension(70000), Emulator::ClampDimension(0)));
  EXPECT_EQ(e.fb().height(), 1);
}

TEST(ResizeTest, AnEmulatorCanContinueFromAFramebuffer) {
  Emulator first(10, 2);
  first.Write("abc\x1b[2;3H");
  Emulator second(first.fb(), EmulatorOptions{});
  EXPECT_TRUE(second.fb() == first.fb());
  EXPECT_EQ(&second.fb().row(0), &first.fb().row(0));  // rows shared, not rebuilt
  second.Write("Z");
  EXPECT_EQ(testing::RowText(second.fb().row(1)), "  Z");
  EXPECT_EQ(testing::RowText(first.fb().row(1)), "");  // the original is untouched
}

}  // namespace
}  // namespace roam::term
