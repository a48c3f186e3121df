// Cases ported from libvterm's conformance tests (t/11state_movecursor,
// t/12state_scroll, t/13state_edit, t/20state_wrapping, t/21state_tabstops,
// t/22state_save, t/41screen_unicode): the same input bytes and expected
// cursor/screen, on libvterm's 80x25 screen. Where Mosh's semantics differ,
// Mosh wins and the case says so:
//   * IL/DL move the cursor to column 0 (libvterm leaves the column).
//   * HPR/HPB/VPR/VPB (CSI a/j/e/k) are not implemented by Mosh; skipped.
//   * DECSLRM (left/right margins), DECIC/DECDC, selective erase: skipped.
//   * DECSTBM homes the cursor (libvterm does not).
//   * 1048 restores the cursor position only (libvterm also the shape).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;
using P = std::pair<int, int>;

class LibvtermPortTest : public ::testing::Test {
 protected:
  Term t_{80, 25};
  P Push(const std::string& s) {
    t_.Write(s);
    return t_.Cursor();
  }
};

TEST_F(LibvtermPortTest, MoveCursorImplicitAndControls) {
  EXPECT_EQ(Push("ABC"), P(0, 3));
  EXPECT_EQ(Push("\b"), P(0, 2));
  EXPECT_EQ(Push("\t"), P(0, 8));
  EXPECT_EQ(Push("\r"), P(0, 0));
  EXPECT_EQ(Push("\n"), P(1, 0));
}

TEST_F(LibvtermPortTest, MoveCursorIndexReverseIndexNewline) {
  EXPECT_EQ(Push("ABC\x1b"
                 "D"),
            P(1, 3));
  EXPECT_EQ(Push("\x1bM"), P(0, 3));
  EXPECT_EQ(Push("\x1b"
                 "E"),
            P(1, 0));
}

TEST_F(LibvtermPortTest, MoveCursorRelative) {
  EXPECT_EQ(Push("\x1b[B"), P(1, 0));
  EXPECT_EQ(Push("\x1b[3B"), P(4, 0));
  EXPECT_EQ(Push("\x1b[0B"), P(5, 0));
  EXPECT_EQ(Push("\x1b[C"), P(5, 1));
  EXPECT_EQ(Push("\x1b[3C"), P(5, 4));
  EXPECT_EQ(Push("\x1b[0C"), P(5, 5));
  EXPECT_EQ(Push("\x1b[A"), P(4, 5));
  EXPECT_EQ(Push("\x1b[3A"), P(1, 5));
  EXPECT_EQ(Push("\x1b[0A"), P(0, 5));
  EXPECT_EQ(Push("\x1b[D"), P(0, 4));
  EXPECT_EQ(Push("\x1b[3D"), P(0, 1));
  EXPECT_EQ(Push("\x1b[0D"), P(0, 0));
}

TEST_F(LibvtermPortTest, MoveCursorNextAndPreviousLine) {
  EXPECT_EQ(Push("   "), P(0, 3));
  EXPECT_EQ(Push("\x1b[E"), P(1, 0));
  EXPECT_EQ(Push("   "), P(1, 3));
  EXPECT_EQ(Push("\x1b[2E"), P(3, 0));
  EXPECT_EQ(Push("\x1b[0E"), P(4, 0));
  EXPECT_EQ(Push("   "), P(4, 3));
  EXPECT_EQ(Push("\x1b[F"), P(3, 0));
  EXPECT_EQ(Push("   "), P(3, 3));
  EXPECT_EQ(Push("\x1b[2F"), P(1, 0));
  EXPECT_EQ(Push("\x1b[0F"), P(0, 0));
}

TEST_F(LibvtermPortTest, MoveCursorAbsolute) {
  EXPECT_EQ(Push("\n"), P(1, 0));
  EXPECT_EQ(Push("\x1b[20G"), P(1, 19));
  EXPECT_EQ(Push("\x1b[G"), P(1, 0));
  EXPECT_EQ(Push("\x1b[10;5H"), P(9, 4));
  EXPECT_EQ(Push("\x1b[8H"), P(7, 0));
  EXPECT_EQ(Push("\x1b[H"), P(0, 0));
  EXPECT_EQ(Push("\x1b[5`"), P(0, 4));
  EXPECT_EQ(Push("\x1b[3;3f"), P(2, 2));
  EXPECT_EQ(Push("\x1b[5d"), P(4, 2));
}

TEST_F(LibvtermPortTest, MoveCursorBoundsChecking) {
  EXPECT_EQ(Push("\x1b[A"), P(0, 0));
  EXPECT_EQ(Push("\x1b[D"), P(0, 0));
  EXPECT_EQ(Push("\x1b[25;80H"), P(24, 79));
  EXPECT_EQ(Push("\x1b[B"), P(24, 79));
  EXPECT_EQ(Push("\x1b[C"), P(24, 79));
  EXPECT_EQ(Push("\x1b[E"), P(24, 0));
  EXPECT_EQ(Push("\x1b[H"), P(0, 0));
  EXPECT_EQ(Push("\x1b[F"), P(0, 0));
  EXPECT_EQ(Push("\x1b[999G"), P(0, 79));
  EXPECT_EQ(Push("\x1b[99;99H"), P(24, 79));
}

TEST_F(LibvtermPortTest, MoveCursorTabs) {
  EXPECT_EQ(Push("\t"), P(0, 8));
  EXPECT_EQ(Push("   "), P(0, 11));
  EXPECT_EQ(Push("\t"), P(0, 16));
  EXPECT_EQ(Push("       "), P(0, 23));
  EXPECT_EQ(Push("\t"), P(0, 24));
  EXPECT_EQ(Push("        "), P(0, 32));
  EXPECT_EQ(Push("\t"), P(0, 40));
  EXPECT_EQ(Push("\x1b[I"), P(0, 48));
  EXPECT_EQ(Push("\x1b[2I"), P(0, 64));
  EXPECT_EQ(Push("\x1b[Z"), P(0, 56));
  EXPECT_EQ(Push("\x1b[2Z"), P(0, 40));
}

TEST_F(LibvtermPortTest, ScrollLinefeedAtBottom) {
  for (int i = 0; i < 24; ++i) Push("\n");
  EXPECT_EQ(t_.Cursor(), P(24, 0));
  Push("top?");
  Push("\x1b[1;1Hfirst\x1b[25;1H\n");
  EXPECT_EQ(t_.Cursor(), P(24, 0));
  EXPECT_EQ(t_.Line(0), "");  // "first" scrolled away
}

TEST_F(LibvtermPortTest, ScrollInDecstbm) {
  EXPECT_EQ(Push("\x1b[1;10r"), P(0, 0));
  for (int i = 0; i < 9; ++i) Push("\n");
  EXPECT_EQ(t_.Cursor(), P(9, 0));
  Push("x\r\n");
  EXPECT_EQ(t_.Cursor(), P(9, 0));
  EXPECT_EQ(t_.Line(8), "x");
  // DECSTBM homes the cursor in Mosh (libvterm leaves it at 9,0).
  EXPECT_EQ(Push("\x1b[9;10r"), P(0, 0));
  Push("\x1b[10H");
  EXPECT_EQ(Push("\x1bM"), P(8, 0));
  Push("y\r\x1bM");
  EXPECT_EQ(t_.Cursor(), P(8, 0));
  EXPECT_EQ(t_.Line(9), "y");
  EXPECT_EQ(Push("\x1b[25H"), P(24, 0));
  EXPECT_EQ(Push("\n"), P(24, 0));  // below the region: no scroll
}

TEST_F(LibvtermPortTest, ScrollUpDownKeepCursor) {
  Push("a\r\nb\x1b[H");
  EXPECT_EQ(Push("\x1b[S"), P(0, 0));
  EXPECT_EQ(t_.Line(0), "b");
  EXPECT_EQ(Push("\x1b[2T"), P(0, 0));
  EXPECT_EQ(t_.Line(2), "b");
  Push("\x1b[5;20r\x1b[5;1Hz\x1b[S");
  EXPECT_EQ(t_.Line(4), "");
  Push("\x1b[T");
  EXPECT_EQ(t_.Line(5), "");
}

TEST_F(LibvtermPortTest, EditInsertDeleteEraseCharacters) {
  Push("ACD\x1b[2D");
  EXPECT_EQ(Push("\x1b[@"), P(0, 1));
  EXPECT_EQ(Push("B"), P(0, 2));
  EXPECT_EQ(t_.Line(0), "ABCD");
  Push("\x1b[3@");
  EXPECT_EQ(t_.Line(0), "AB   CD");
  Push("\x1b[2J\x1b[HABBC\x1b[3D");
  EXPECT_EQ(Push("\x1b[P"), P(0, 1));
  EXPECT_EQ(t_.Line(0), "ABC");
  Push("\x1b[2J\x1b[HABC\x1b[2D");
  EXPECT_EQ(Push("\x1b[X"), P(0, 1));
  EXPECT_EQ(t_.Line(0), "A C");
  Push("\x1b[100X");
  EXPECT_EQ(t_.Line(0), "A");
}

TEST_F(LibvtermPortTest, EditInsertLinesMoshMovesToColumnZero) {
  EXPECT_EQ(Push("A\r\nC"), P(1, 1));
  EXPECT_EQ(Push("\x1b[L"), P(1, 0));  // libvterm: 1,1
  Push("\rB");
  EXPECT_EQ(t_.Line(0), "A");
  EXPECT_EQ(t_.Line(1), "B");
  EXPECT_EQ(t_.Line(2), "C");
}

TEST_F(LibvtermPortTest, EditDeleteLines) {
  EXPECT_EQ(Push("A\r\nB\r\nB\r\nC"), P(3, 1));
  EXPECT_EQ(Push("\x1b[2H"), P(1, 0));
  EXPECT_EQ(Push("\x1b[M"), P(1, 0));
  EXPECT_EQ(t_.Line(1), "B");
  EXPECT_EQ(t_.Line(2), "C");
}

TEST_F(LibvtermPortTest, EditEraseInLineAndDisplay) {
  Push("ABCDE\x1b[3D");
  EXPECT_EQ(Push("\x1b[0K"), P(0, 2));
  EXPECT_EQ(t_.Line(0), "AB");
  Push("\x1b[HABCDE\x1b[3D");
  EXPECT_EQ(Push("\x1b[1K"), P(0, 2));
  EXPECT_EQ(t_.Line(0), "   DE");
  EXPECT_EQ(Push("\x1b[2K"), P(0, 2));
  EXPECT_EQ(t_.Line(0), "");
  Push("xx\r\nyy\r\nzz\x1b[2;2H");
  EXPECT_EQ(Push("\x1b[0J"), P(1, 1));
  EXPECT_EQ(t_.Line(1), "y");
  EXPECT_EQ(t_.Line(2), "");
  EXPECT_EQ(Push("\x1b[1J"), P(1, 1));
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(Push("\x1b[2J"), P(1, 1));
}

TEST_F(LibvtermPortTest, Wrapping) {
  Push("\x1b[75G");
  EXPECT_EQ(Push("AAAAA"), P(0, 79));
  EXPECT_EQ(Push("A"), P(0, 79));  // 80th column phantom
  EXPECT_EQ(Push("B"), P(1, 1));
  EXPECT_EQ(t_.CellAt(1, 0).code_point(), U'B');
  Push("\x1b[78G");
  EXPECT_EQ(Push("BBBCC"), P(2, 2));
  EXPECT_EQ(t_.Line(2), "CC");
}

TEST_F(LibvtermPortTest, WrappingDisabled) {
  Push("\x1b[?7l\x1b[75G");
  EXPECT_EQ(Push("DDDDDD"), P(0, 79));
  EXPECT_EQ(Push("D"), P(0, 79));
  EXPECT_EQ(t_.Line(0), std::string(74, ' ') + "DDDDDD");
  Push("\x1b[?7h");
}

TEST_F(LibvtermPortTest, WrapAtBottomScrollsAndExplicitMoveCancels) {
  EXPECT_EQ(Push("\x1b[25;78HABC"), P(24, 79));
  Push("D");
  EXPECT_EQ(t_.Line(23), std::string(77, ' ') + "ABC");
  EXPECT_EQ(t_.Line(24), "D");
  EXPECT_EQ(Push("\x1b[25;78HABC"), P(24, 79));
  Push("\x1b[25;1HD");
  EXPECT_EQ(t_.Line(24), std::string("D") + std::string(76, ' ') + "ABC");
}

TEST_F(LibvtermPortTest, Tabstops) {
  Push("\tX");
  EXPECT_EQ(t_.CellAt(0, 8).code_point(), U'X');
  EXPECT_EQ(Push("\tX"), P(0, 17));
  Push("\x1b[5G\x1bH\x1b[G\tX");
  EXPECT_EQ(t_.CellAt(0, 4).code_point(), U'X');
  EXPECT_EQ(t_.Cursor(), P(0, 5));
}

TEST_F(LibvtermPortTest, TabstopsAfterResize) {
  t_.emu().Resize(100, 30);
  for (int i = 1; i <= 12; ++i) {
    Push("\tX");
    EXPECT_EQ(t_.CellAt(0, 8 * i).code_point(), U'X') << i;
  }
  EXPECT_EQ(t_.Cursor(), P(0, 97));
}

TEST_F(LibvtermPortTest, SaveRestoreWith1048) {
  EXPECT_EQ(Push("\x1b[2;2H"), P(1, 1));
  Push("\x1b[?1048h");
  EXPECT_EQ(Push("\x1b[5;5H"), P(4, 4));
  EXPECT_EQ(Push("\x1b[?1048l"), P(1, 1));
}

TEST_F(LibvtermPortTest, UnicodeSingleWideAndCombining) {
  Push("\xC3\x81\xC3\xA9");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), 0xC1u);
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), 0xE9u);
  Push("\x1b[2J\x1b[H0123\x1b[H\xEF\xBC\x90");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), 0xFF10u);
  EXPECT_TRUE(t_.CellAt(0, 0).wide());
  EXPECT_EQ(t_.Line(0),
            "\xEF\xBC\x90"
            "23");
  Push("\x1b[2J\x1b[H0123\x1b[He\xCC\x81");
  EXPECT_EQ(t_.fb().row(0).CellText(0), "e\xCC\x81");
  EXPECT_EQ(t_.Line(0),
            "e\xCC\x81"
            "123");
}

}  // namespace
}  // namespace roam::term
