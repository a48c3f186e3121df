// Cases ported from libvterm's pen conformance tests (t/30state_pen,
// t/44screen_pen, t/64screen_pen): SGR input and the resulting pen
// (DrawState::rend) and cell renditions.
//
// Where Mosh's semantics differ, Mosh wins and the case says so:
//   * Colours are stored as palette indices or RGB, not resolved to RGB;
//     the renderer maps them. Bold with an ANSI colour stays bold +
//     palette 0-7 (libvterm reports the bright index 8-15).
//   * Alternative fonts (SGR 10-19) and super/subscript (SGR 73-75) are
//     not implemented: the pen is unchanged.
//   * Erasing uses the background colour only (BCE, docs/protocol.md §12.3): EL with a
//     reverse, coloured pen leaves cells with that background and no
//     reverse or foreground (libvterm copies the whole pen).
//   * DECSCNM is a screen flag; cell renditions are not flipped.

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

class LibvtermPenPortTest : public ::testing::Test {
 protected:
  Term t_{80, 25};
  const Rendition& Pen() const { return t_.ds().rend; }
  const Rendition& Push(const std::string& s) {
    t_.Write(s);
    return Pen();
  }
};

TEST_F(LibvtermPenPortTest, ResetIsAllDefault) {
  Push("\x1b[1;3;4;5;7;31;42m");
  ASSERT_FALSE(Pen().IsDefault());
  EXPECT_TRUE(Push("\x1b[m").IsDefault());
  Push("\x1b[1;3;4;5;7;31;42m");
  EXPECT_TRUE(Push("\x1b[0m").IsDefault());
}

TEST_F(LibvtermPenPortTest, Bold) {
  EXPECT_TRUE(Push("\x1b[1m").Has(kBold));
  EXPECT_FALSE(Push("\x1b[22m").Has(kBold));
  EXPECT_FALSE(Push("\x1b[1m\x1b[m").Has(kBold));
}

TEST_F(LibvtermPenPortTest, UnderlineStyles) {
  EXPECT_EQ(Push("\x1b[4m").underline(), Underline::kSingle);
  EXPECT_EQ(Push("\x1b[21m").underline(), Underline::kDouble);
  EXPECT_EQ(Push("\x1b[24m").underline(), Underline::kNone);
  EXPECT_EQ(Push("\x1b[4m\x1b[4:0m").underline(), Underline::kNone);
  EXPECT_EQ(Push("\x1b[4:1m").underline(), Underline::kSingle);
  EXPECT_EQ(Push("\x1b[4:2m").underline(), Underline::kDouble);
  EXPECT_EQ(Push("\x1b[4:3m").underline(), Underline::kCurly);
  EXPECT_EQ(Push("\x1b[4m\x1b[m").underline(), Underline::kNone);
}

TEST_F(LibvtermPenPortTest, ItalicBlinkReverse) {
  EXPECT_TRUE(Push("\x1b[3m").Has(kItalic));
  EXPECT_FALSE(Push("\x1b[23m").Has(kItalic));
  EXPECT_FALSE(Push("\x1b[3m\x1b[m").Has(kItalic));
  EXPECT_TRUE(Push("\x1b[5m").Has(kBlink));
  EXPECT_FALSE(Push("\x1b[25m").Has(kBlink));
  EXPECT_FALSE(Push("\x1b[5m\x1b[m").Has(kBlink));
  EXPECT_TRUE(Push("\x1b[7m").Has(kInverse));
  EXPECT_FALSE(Push("\x1b[27m").Has(kInverse));
  EXPECT_FALSE(Push("\x1b[7m\x1b[m").Has(kInverse));
}

TEST_F(LibvtermPenPortTest, FontSelectionAndSizePositionAreIgnored) {
  Push("\x1b[3m");
  const Rendition before = Pen();
  EXPECT_EQ(Push("\x1b[11m"), before);
  EXPECT_EQ(Push("\x1b[19m"), before);
  EXPECT_EQ(Push("\x1b[10m"), before);
  EXPECT_EQ(Push("\x1b[73m"), before);
  EXPECT_EQ(Push("\x1b[74m"), before);
  EXPECT_EQ(Push("\x1b[75m"), before);
}

TEST_F(LibvtermPenPortTest, Foreground) {
  EXPECT_EQ(Push("\x1b[31m").fg, PaletteColor(1));
  EXPECT_EQ(Push("\x1b[32m").fg, PaletteColor(2));
  EXPECT_EQ(Push("\x1b[34m").fg, PaletteColor(4));
  EXPECT_EQ(Push("\x1b[91m").fg, PaletteColor(9));
  EXPECT_EQ(Push("\x1b[38:2:10:20:30m").fg, TrueColor(10, 20, 30));
  EXPECT_EQ(Push("\x1b[38:5:1m").fg, PaletteColor(1));
  EXPECT_EQ(Push("\x1b[38;2;10;20;30m").fg, TrueColor(10, 20, 30));
  EXPECT_EQ(Push("\x1b[38;5;200m").fg, PaletteColor(200));
  EXPECT_EQ(Push("\x1b[39m").fg, kDefaultColor);
  EXPECT_EQ(Pen().bg, kDefaultColor);
}

TEST_F(LibvtermPenPortTest, Background) {
  EXPECT_EQ(Push("\x1b[41m").bg, PaletteColor(1));
  EXPECT_EQ(Push("\x1b[42m").bg, PaletteColor(2));
  EXPECT_EQ(Push("\x1b[44m").bg, PaletteColor(4));
  EXPECT_EQ(Push("\x1b[101m").bg, PaletteColor(9));
  EXPECT_EQ(Push("\x1b[48:2:10:20:30m").bg, TrueColor(10, 20, 30));
  EXPECT_EQ(Push("\x1b[48:5:1m").bg, PaletteColor(1));
  EXPECT_EQ(Push("\x1b[49m").bg, kDefaultColor);
  EXPECT_EQ(Pen().fg, kDefaultColor);
}

TEST_F(LibvtermPenPortTest, BoldWithAnsiColourKeepsThePaletteIndex) {
  const Rendition& a = Push("\x1b[m\x1b[1;37m");
  EXPECT_TRUE(a.Has(kBold));
  EXPECT_EQ(a.fg, PaletteColor(7));  // libvterm: index 15
  const Rendition& b = Push("\x1b[m\x1b[37;1m");
  EXPECT_TRUE(b.Has(kBold));
  EXPECT_EQ(b.fg, PaletteColor(7));
}

TEST_F(LibvtermPenPortTest, ScreenCellsCarryThePen) {
  t_.Write("A");
  EXPECT_TRUE(t_.CellAt(0, 0).rend.IsDefault());
  t_.Write("\x1b[1mB");
  EXPECT_EQ(t_.CellAt(0, 1).rend.attrs, kBold);
  t_.Write("\x1b[3mC");
  EXPECT_EQ(t_.CellAt(0, 2).rend.attrs, kBold | kItalic);
  t_.Write("\x1b[4mD");
  EXPECT_TRUE(t_.CellAt(0, 3).rend.Has(kBold));
  EXPECT_TRUE(t_.CellAt(0, 3).rend.Has(kItalic));
  EXPECT_EQ(t_.CellAt(0, 3).rend.underline(), Underline::kSingle);
  t_.Write("\x1b[mE");
  EXPECT_TRUE(t_.CellAt(0, 4).rend.IsDefault());
  t_.Write("\x1b[11mF\x1b[m");
  EXPECT_TRUE(t_.CellAt(0, 5).rend.IsDefault());
  t_.Write("\x1b[31mG\x1b[m");
  EXPECT_EQ(t_.CellAt(0, 6).rend.fg, PaletteColor(1));
  EXPECT_EQ(t_.CellAt(0, 6).rend.bg, kDefaultColor);
  t_.Write("\x1b[42mH\x1b[m");
  EXPECT_EQ(t_.CellAt(0, 7).rend.fg, kDefaultColor);
  EXPECT_EQ(t_.CellAt(0, 7).rend.bg, PaletteColor(2));
  t_.Write("x\x1b[74m0\x1b[73m2\x1b[m");
  EXPECT_EQ(t_.Line(0), "ABCDEFGHx02");
  EXPECT_TRUE(t_.CellAt(0, 9).rend.IsDefault());
  EXPECT_TRUE(t_.CellAt(0, 10).rend.IsDefault());
}

TEST_F(LibvtermPenPortTest, EraseInLineUsesTheBackgroundOnly) {
  t_.Write("ABC\x1b[H\x1b[7;33;44m\x1b[K");
  for (int c : {0, 1, 2, 79}) {
    const Cell& cell = t_.CellAt(0, c);
    EXPECT_TRUE(cell.empty()) << c;
    EXPECT_EQ(cell.rend, Rendition::Background(PaletteColor(4))) << c;
  }
  EXPECT_TRUE(t_.CellAt(1, 0).rend.IsDefault());
}

TEST_F(LibvtermPenPortTest, ReverseScreenModeIsAScreenFlag) {
  t_.Write("\x1b[H\x1b[7;33;44m\x1b[K\x1b[m");
  const Rendition erased = t_.CellAt(0, 0).rend;
  t_.Write("\x1b[?5h");
  EXPECT_TRUE(t_.ds().reverse_video);
  EXPECT_EQ(t_.CellAt(0, 0).rend, erased);
  EXPECT_TRUE(t_.CellAt(1, 0).rend.IsDefault());
  t_.Write("\x1b[?5$p");
  EXPECT_EQ(t_.emu().TakeReplies(), "\x1b[?5;1$y");
  t_.Write("\x1b[?5l");
  EXPECT_FALSE(t_.ds().reverse_video);
  t_.Write("\x1b[?5$p");
  EXPECT_EQ(t_.emu().TakeReplies(), "\x1b[?5;2$y");
}

// DECSC saves the pen with the cursor (xterm, libvterm and Mosh agree).
TEST_F(LibvtermPenPortTest, PenSurvivesCursorMotionAndIsSavedByDecsc) {
  Push(
      "\x1b[1;31m\x1b"
      "7\x1b[m\x1b[5;5H");
  EXPECT_TRUE(Pen().IsDefault());
  Push(
      "\x1b"
      "8");
  EXPECT_TRUE(Pen().Has(kBold));
  EXPECT_EQ(Pen().fg, PaletteColor(1));
}

}  // namespace
}  // namespace roam::term
