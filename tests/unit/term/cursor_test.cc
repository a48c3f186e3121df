// Emulator cursor movement: relative and absolute moves, clamping, origin
// mode, save/restore (docs/protocol.md §12.2).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;
using P = std::pair<int, int>;

TEST(CursorTest, RelativeMovesClampAtEdges) {
  Term t(10, 5);
  t.Write("\x1b[3;4H");
  EXPECT_EQ(t.Cursor(), P(2, 3));
  t.Write("\x1b[A");
  EXPECT_EQ(t.Cursor(), P(1, 3));
  t.Write("\x1b[10A");
  EXPECT_EQ(t.Cursor(), P(0, 3));
  t.Write("\x1b[2B\x1b[3C");
  EXPECT_EQ(t.Cursor(), P(2, 6));
  t.Write("\x1b[99C\x1b[99B");
  EXPECT_EQ(t.Cursor(), P(4, 9));
  t.Write("\x1b[0D");  // 0 means the default, 1
  EXPECT_EQ(t.Cursor(), P(4, 8));
}

TEST(CursorTest, AbsoluteMoves) {
  Term t(10, 5);
  t.Write("\x1b[5G");
  EXPECT_EQ(t.Cursor(), P(0, 4));
  t.Write("\x1b[3d");
  EXPECT_EQ(t.Cursor(), P(2, 4));
  t.Write("\x1b[7`");
  EXPECT_EQ(t.Cursor(), P(2, 6));
  t.Write("\x1b[2;3f");
  EXPECT_EQ(t.Cursor(), P(1, 2));
  t.Write("\x1b[H");
  EXPECT_EQ(t.Cursor(), P(0, 0));
  t.Write("\x1b[99;99H");
  EXPECT_EQ(t.Cursor(), P(4, 9));
}

TEST(CursorTest, BackspaceCarriageReturnLineFeed) {
  Term t(10, 5);
  t.Write("ab\bc");
  EXPECT_EQ(t.Line(0), "ac");
  t.Write("\b\b\b\b");
  EXPECT_EQ(t.Cursor(), P(0, 0));
  t.Write("xyz\r\n");
  EXPECT_EQ(t.Cursor(), P(1, 0));
  t.Write("ab\n");
  EXPECT_EQ(t.Cursor(), P(2, 2));  // LF keeps the column
  t.Write("\x0b\x0c");
  EXPECT_EQ(t.Cursor(), P(4, 2));
}

TEST(CursorTest, NextLineAndReverseIndexEscapes) {
  Term t(10, 5);
  t.Write(
      "abc\x1b"
      "E");
  EXPECT_EQ(t.Cursor(), P(1, 0));
  t.Write(
      "xy\x1b"
      "D");
  EXPECT_EQ(t.Cursor(), P(2, 2));
  t.Write("\x1bM\x1bM");
  EXPECT_EQ(t.Cursor(), P(0, 2));
}

TEST(CursorTest, CursorNextAndPreviousLine) {
  Term t(10, 5);
  t.Write("\x1b[2;5H\x1b[2E");
  EXPECT_EQ(t.Cursor(), P(3, 0));
  t.Write("\x1b[4G\x1b[F");
  EXPECT_EQ(t.Cursor(), P(2, 0));
}

TEST(CursorTest, OriginModeAddressesRelativeToRegionAndClampsToIt) {
  Term t(10, 10);
  t.Write("\x1b[3;6r");  // rows 2..5
  EXPECT_EQ(t.Cursor(), P(0, 0));
  t.Write("\x1b[?6h");  // homes to region top
  EXPECT_EQ(t.Cursor(), P(2, 0));
  t.Write("\x1b[2;2H");
  EXPECT_EQ(t.Cursor(), P(3, 1));
  t.Write("\x1b[20A");
  EXPECT_EQ(t.Cursor(), P(2, 1));
  t.Write("\x1b[20B");
  EXPECT_EQ(t.Cursor(), P(5, 1));
  t.Write("\x1b[9d");
  EXPECT_EQ(t.Cursor(), P(5, 1));
  t.Write("\x1b[?6l");
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(CursorTest, WithoutOriginModeMovesIgnoreTheRegion) {
  Term t(10, 10);
  t.Write("\x1b[3;6r\x1b[4;1H\x1b[9A");
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(CursorTest, SaveRestoreCursorKeepsPenAndModes) {
  Term t(10, 5);
  t.Write(
      "\x1b[2;3H\x1b[1;31m\x1b[?7l\x1b"
      "7");
  t.Write("\x1b[H\x1b[0m\x1b[?7h");
  t.Write(
      "\x1b"
      "8");
  EXPECT_EQ(t.Cursor(), P(1, 2));
  EXPECT_TRUE(t.ds().rend.Has(kBold));
  EXPECT_EQ(t.ds().rend.fg, PaletteColor(1));
  EXPECT_FALSE(t.ds().autowrap);
}

TEST(CursorTest, RestoreWithoutSaveHomesWithDefaults) {
  Term t(10, 5);
  t.Write(
      "\x1b[3;3H\x1b[1m\x1b[?7l\x1b"
      "8");
  EXPECT_EQ(t.Cursor(), P(0, 0));
  EXPECT_FALSE(t.ds().rend.Has(kBold));
  EXPECT_TRUE(t.ds().autowrap);
}

TEST(CursorTest, RestoredPositionIsSnappedToTheScreen) {
  Term t(10, 5);
  t.Write(
      "\x1b[5;10H\x1b"
      "7");
  t.emu().Resize(4, 3);
  t.Write(
      "\x1b"
      "8");
  EXPECT_EQ(t.Cursor(), P(2, 3));
}

TEST(CursorTest, CsiSaveRestoreUsesItsOwnSlot) {
  Term t(10, 5);
  t.Write(
      "\x1b[2;2H\x1b"
      "7\x1b[4;4H\x1b[s\x1b[H\x1b[u");
  EXPECT_EQ(t.Cursor(), P(3, 3));
  t.Write(
      "\x1b"
      "8");
  EXPECT_EQ(t.Cursor(), P(1, 1));
}

}  // namespace
}  // namespace roam::term
