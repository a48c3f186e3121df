// Emulator SGR: Mosh's attribute and colour semantics plus roam's faint,
// strikethrough, underline styles and colon forms.

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

Rendition Pen(const std::string& sgr) {
  Term t(4, 1);
  t.Write(sgr);
  return t.ds().rend;
}

TEST(SgrTest, AttributesOnAndOff) {
  Rendition r = Pen("\x1b[1;3;4;5;7;8m");
  EXPECT_TRUE(r.Has(kBold));
  EXPECT_TRUE(r.Has(kItalic));
  EXPECT_EQ(r.underline(), Underline::kSingle);
  EXPECT_TRUE(r.Has(kBlink));
  EXPECT_TRUE(r.Has(kInverse));
  EXPECT_TRUE(r.Has(kInvisible));
  r = Pen("\x1b[1;3;4;5;7;8m\x1b[22;23;24;25;27;28m");
  EXPECT_EQ(r.attrs, 0);
}

TEST(SgrTest, EmptyZeroAndOutOfRangeReset) {
  EXPECT_TRUE(Pen("\x1b[1;31m\x1b[m").IsDefault());
  EXPECT_TRUE(Pen("\x1b[1;31m\x1b[0m").IsDefault());
  EXPECT_TRUE(Pen("\x1b[1;31m\x1b[70000m").IsDefault());  // > 65535 is missing = 0
}

TEST(SgrTest, BasicAndBrightColours) {
  Rendition r = Pen("\x1b[31;42m");
  EXPECT_EQ(r.fg, PaletteColor(1));
  EXPECT_EQ(r.bg, PaletteColor(2));
  r = Pen("\x1b[97;100m");
  EXPECT_EQ(r.fg, PaletteColor(15));
  EXPECT_EQ(r.bg, PaletteColor(8));
  EXPECT_EQ(MoshForeground(r.fg), 45u);  // Mosh stores bright white as 30+15
  r = Pen("\x1b[31;42m\x1b[39;49m");
  EXPECT_TRUE(r.IsDefault());
}

TEST(SgrTest, IndexedAndTrueColourSemicolonForms) {
  Rendition r = Pen("\x1b[38;5;196;48;5;0m");
  EXPECT_EQ(r.fg, PaletteColor(196));
  EXPECT_EQ(r.bg, PaletteColor(0));  // 0 here is a colour, not a reset
  r = Pen("\x1b[38;2;1;2;3;48;2;255;128;0m");
  EXPECT_EQ(r.fg, TrueColor(1, 2, 3));
  EXPECT_EQ(r.bg, TrueColor(255, 128, 0));
  EXPECT_EQ(r.fg, 0x1010203u);  // Mosh's encoding
}

TEST(SgrTest, IndexAbove255IsIgnoredButConsumed) {
  Rendition r = Pen("\x1b[32m\x1b[38;5;300;1m");
  EXPECT_EQ(r.fg, PaletteColor(2));
  EXPECT_TRUE(r.Has(kBold));
}

TEST(SgrTest, IncompleteColourFallsBackToPlainValues) {
  // "38;5" lacks the index: 38 is ignored and 5 is blink (Mosh).
  Rendition r = Pen("\x1b[38;5m");
  EXPECT_TRUE(r.Has(kBlink));
  EXPECT_EQ(r.fg, kDefaultColor);
}

TEST(SgrTest, FaintAndStrikethrough) {
  Rendition r = Pen("\x1b[1;2;9m");
  EXPECT_TRUE(r.Has(kFaint));
  EXPECT_TRUE(r.Has(kStrikethrough));
  r = Pen("\x1b[1;2;9m\x1b[22;29m");
  EXPECT_EQ(r.attrs, 0);
}

TEST(SgrTest, ColonForms) {
  EXPECT_EQ(Pen("\x1b[38:2::10:20:30m").fg, TrueColor(10, 20, 30));
  EXPECT_EQ(Pen("\x1b[48:2:10:20:30m").bg, TrueColor(10, 20, 30));
  EXPECT_EQ(Pen("\x1b[38:5:99m").fg, PaletteColor(99));
  EXPECT_EQ(Pen("\x1b[4:3m").underline(), Underline::kCurly);
  EXPECT_EQ(Pen("\x1b[4m\x1b[4:0m").underline(), Underline::kNone);
  EXPECT_EQ(Pen("\x1b[21m").underline(), Underline::kDouble);
  Rendition r = Pen("\x1b[1;38:5:3;4m");
  EXPECT_TRUE(r.Has(kBold));
  EXPECT_EQ(r.fg, PaletteColor(3));
  EXPECT_EQ(r.underline(), Underline::kSingle);
}

TEST(SgrTest, UnderlineColourIsConsumedNotApplied) {
  Rendition r = Pen("\x1b[58;5;1m");
  EXPECT_FALSE(r.Has(kBlink));
  EXPECT_TRUE(r.IsDefault());
  EXPECT_TRUE(Pen("\x1b[58:2::1:2:3m").IsDefault());
}

TEST(SgrTest, PrintedCellsTakeThePen) {
  Term t(4, 1);
  t.Write("\x1b[1;34mA\x1b[0mB");
  EXPECT_TRUE(t.CellAt(0, 0).rend.Has(kBold));
  EXPECT_EQ(t.CellAt(0, 0).rend.fg, PaletteColor(4));
  EXPECT_TRUE(t.CellAt(0, 1).rend.IsDefault());
}

}  // namespace
}  // namespace roam::term
