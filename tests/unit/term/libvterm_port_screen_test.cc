// Cases ported from libvterm's screen-layer conformance tests
// (t/40screen_ascii, t/60screen_ascii, t/43screen_resize, t/63screen_resize,
// t/62screen_damage) and the screen effects of the t/12state_scroll and
// t/13state_edit cases that libvterm_port_test.cc does not cover: the same
// input bytes and the resulting screen text,
// cells, cursor and scrollback, on an 80x25 screen.
//
// Where Mosh's semantics differ, Mosh wins and the case says so:
//   * Resize (docs/protocol.md §12.3) truncates or pads rows at the bottom and clamps
//     the cursor; it never scrolls content into the scrollback when the
//     screen shrinks, nor pulls it back when it grows (libvterm does both).
//   * Damage and moverect callbacks (t/42, t/62) have no counterpart (the
//     display diff compares whole framebuffers); only the screen contents
//     and scrollback those cases end with are checked.
//   * Reflow on resize (t/69screen_reflow) is not done by Mosh: skipped.
//   * Double-width/height lines (t/28state_dbl_wh: ESC # 3/4/5/6) are not
//     implemented by Mosh: the line attribute is ignored, text prints
//     normally (one case below).
//   * Not applicable (no counterpart API): t/46screen_extent (attribute
//     extents), t/50screen_mouse (mouse event encoding), t/51screen_termprops
//     (termprop callbacks; the state itself is checked in the modes port).
//   * Selective erase (CSI ? K, CSI ? J) and DECSCA are not implemented
//     (Mosh ignores them): the cells stay. DECSLRM and DECIC/DECDC cases
//     and the DECRQSS replies are skipped (not implemented).

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;
using P = std::pair<int, int>;

class LibvtermScreenPortTest : public ::testing::Test {
 protected:
  Term t_{80, 25};
  P Push(const std::string& s) {
    t_.Write(s);
    return t_.Cursor();
  }
  std::vector<std::string> Scrollback() {
    std::vector<std::string> out;
    for (size_t i = 0; i < scrollback().size(); ++i) out.push_back(scrollback().LineText(i));
    return out;
  }
  const term::Scrollback& scrollback() { return t_.emu().scrollback(); }
};

// ---- t/40screen_ascii, t/60screen_ascii ----

TEST_F(LibvtermScreenPortTest, GetCharactersAndCells) {
  EXPECT_EQ(Push("ABC"), P(0, 3));
  EXPECT_EQ(t_.Line(0), "ABC");
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(t_.CellAt(0, c).code_point(), static_cast<char32_t>('A' + c));
    EXPECT_FALSE(t_.CellAt(0, c).wide());
    EXPECT_TRUE(t_.CellAt(0, c).rend.IsDefault());
  }
  // End of line: the cells after the text were never written.
  EXPECT_TRUE(t_.CellAt(0, 3).empty());
  EXPECT_TRUE(t_.CellAt(0, 79).empty());
  EXPECT_EQ(Push("\x1b[H"), P(0, 0));
  EXPECT_EQ(t_.Line(0), "ABC");
  EXPECT_EQ(Push("E"), P(0, 1));
  EXPECT_EQ(t_.Line(0), "EBC");
}

TEST_F(LibvtermScreenPortTest, EraseLine) {
  Push("ABCDE\x1b[H\x1b[K");
  EXPECT_EQ(t_.Line(0), "");
  for (int c = 0; c < 80; ++c) EXPECT_TRUE(t_.CellAt(0, c).empty()) << c;
}

TEST_F(LibvtermScreenPortTest, InsertCharacterCopiesCells) {
  Push("ABC\x1b[H\x1b[@");
  EXPECT_TRUE(t_.CellAt(0, 0).empty());
  Push("1");
  EXPECT_EQ(t_.Line(0), "1ABC");
}

TEST_F(LibvtermScreenPortTest, DeleteCharacterCopiesCells) {
  Push("ABC\x1b[H\x1b[P");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), U'B');
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), U'C');
  EXPECT_TRUE(t_.CellAt(0, 2).empty());
  EXPECT_EQ(t_.Line(0), "BC");
}

TEST_F(LibvtermScreenPortTest, SpacePadding) {
  Push("Hello\x1b[CWorld");
  EXPECT_EQ(t_.Line(0), "Hello World");
  EXPECT_TRUE(t_.CellAt(0, 5).empty());  // skipped by CUF, not a space
}

TEST_F(LibvtermScreenPortTest, LinefeedPadding) {
  Push("Hello\r\nWorld");
  EXPECT_EQ(t_.Line(0), "Hello");
  EXPECT_EQ(t_.Line(1), "World");
  EXPECT_FALSE(t_.fb().row(0).wrap());
}

TEST_F(LibvtermScreenPortTest, AutowrapMarksTheRowAsWrapped) {
  Push(std::string(80, 'x') + "y");
  EXPECT_TRUE(t_.fb().row(0).wrap());
  EXPECT_EQ(t_.Line(1), "y");
  EXPECT_FALSE(t_.fb().row(1).wrap());
}

TEST_F(LibvtermScreenPortTest, AlternateScreen) {
  Push("P");
  EXPECT_EQ(t_.Line(0), "P");
  Push("\x1b[?1049h");
  EXPECT_EQ(t_.Line(0), "");
  Push("\x1b[2K\x1b[HA");
  EXPECT_EQ(t_.Line(0), "A");
  Push("\x1b[?1049l");
  EXPECT_EQ(t_.Line(0), "P");
  EXPECT_EQ(t_.Cursor(), P(0, 1));  // 1049 restores the saved cursor
}

// ---- t/43screen_resize, t/63screen_resize ----

TEST_F(LibvtermScreenPortTest, ResizeWiderPreservesCells) {
  Push("AB\r\nCD");
  ASSERT_TRUE(t_.emu().Resize(100, 25));
  EXPECT_EQ(t_.Line(0), "AB");
  EXPECT_EQ(t_.Line(1), "CD");
  EXPECT_EQ(t_.fb().width(), 100);
  EXPECT_TRUE(t_.CellAt(0, 99).empty());
}

TEST_F(LibvtermScreenPortTest, ResizeWiderAllowsPrintInNewArea) {
  Push("AB\x1b[79GC");
  ASSERT_TRUE(t_.emu().Resize(100, 25));
  EXPECT_EQ(t_.Line(0), "AB" + std::string(76, ' ') + "C");
  Push("DE");
  EXPECT_EQ(t_.Line(0), "AB" + std::string(76, ' ') + "CDE");
  EXPECT_EQ(t_.Cursor(), P(0, 81));
}

TEST_F(LibvtermScreenPortTest, ResizeShorterWithBlanksTruncates) {
  EXPECT_EQ(Push("Top\x1b[10HLine 10"), P(9, 7));
  ASSERT_TRUE(t_.emu().Resize(80, 20));
  EXPECT_EQ(t_.Line(0), "Top");
  EXPECT_EQ(t_.Line(9), "Line 10");
  EXPECT_EQ(t_.Cursor(), P(9, 7));
  EXPECT_EQ(t_.fb().height(), 20);
}

TEST_F(LibvtermScreenPortTest, ResizeShorterDropsTheBottomRows) {
  EXPECT_EQ(Push("Top\x1b[25HLine 25\x1b[15H"), P(14, 0));
  ASSERT_TRUE(t_.emu().Resize(80, 20));
  // libvterm scrolls five rows into the scrollback and moves the cursor to
  // row 9; Mosh keeps the top rows and the cursor, and drops rows 20-24.
  EXPECT_EQ(t_.Line(0), "Top");
  EXPECT_EQ(t_.Line(19), "");
  EXPECT_EQ(t_.Cursor(), P(14, 0));
  EXPECT_EQ(scrollback().size(), 0u);
}

TEST_F(LibvtermScreenPortTest, ResizeShorterClampsTheCursorRow) {
  EXPECT_EQ(Push("\x1b[24HLine 24\r\nLine 25\r\n"), P(24, 0));
  EXPECT_EQ(t_.Line(23), "Line 25");
  EXPECT_EQ(Scrollback(), std::vector<std::string>{""});
  ASSERT_TRUE(t_.emu().Resize(80, 24));
  EXPECT_EQ(t_.Line(23), "Line 25");
  EXPECT_EQ(t_.Line(22), "Line 24");
  EXPECT_EQ(t_.Cursor(), P(23, 0));
}

TEST_F(LibvtermScreenPortTest, ResizeTallerPadsAtTheBottom) {
  for (const char* s : {"ABCDE\r\n", "\r\n", "\r\n", "\r\n", "\r\n"}) Push(s);
  Push("\x1b[H\x1b[2J");
  EXPECT_EQ(Push("Line 1\x1b[25HBottom\x1b[15H"), P(14, 0));
  ASSERT_TRUE(t_.emu().Resize(80, 30));
  // libvterm pops scrollback lines back above; Mosh adds blank rows below.
  EXPECT_EQ(t_.Line(0), "Line 1");
  EXPECT_EQ(t_.Line(24), "Bottom");
  EXPECT_EQ(t_.Line(29), "");
  EXPECT_EQ(t_.Cursor(), P(14, 0));
}

TEST_F(LibvtermScreenPortTest, ResizeOperatesOnAlternateScreen) {
  Push("Main screen\x1b[?1049h\x1b[HAlt screen");
  ASSERT_TRUE(t_.emu().Resize(80, 30));
  EXPECT_EQ(t_.Line(0), "Alt screen");
  EXPECT_EQ(t_.fb().height(), 30);
  Push("\x1b[?1049l");
  EXPECT_EQ(t_.Line(0), "Main screen");
  EXPECT_EQ(t_.fb().height(), 30);
  EXPECT_EQ(t_.Line(29), "");
}

TEST_F(LibvtermScreenPortTest, ResizeNarrowerTruncatesAndClearsWrap) {
  Push(std::string(80, 'x') + "yz");
  ASSERT_TRUE(t_.fb().row(0).wrap());
  ASSERT_TRUE(t_.emu().Resize(40, 25));
  EXPECT_EQ(t_.Line(0), std::string(40, 'x'));
  EXPECT_FALSE(t_.fb().row(0).wrap());
  EXPECT_EQ(t_.Cursor(), P(1, 2));
}

// ---- t/62screen_damage: the resulting screen and scrollback ----

TEST_F(LibvtermScreenPortTest, EraseCharactersAndInsertBlanks) {
  Push("123\x1b[H\x1b[3X");
  EXPECT_EQ(t_.Line(0), "");
  Push("abc\x1b[H\x1b[5@");
  EXPECT_EQ(t_.Line(0), "     abc");
  EXPECT_EQ(t_.Cursor(), P(0, 0));
}

TEST_F(LibvtermScreenPortTest, ScrollDownMovesEverything) {
  Push("top\x1b[25Hbottom\x1b[T");
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(t_.Line(1), "top");
  EXPECT_EQ(t_.Line(24), "");
}

TEST_F(LibvtermScreenPortTest, IndexAtRegionBottomScrollsOnlyTheRegion) {
  Push(
      "ABCDE\r\nEFGH\x1b[3;6r\x1b[3H3\r\n4\r\n5\r\n6\x1b[6H\x1b"
      "D");
  EXPECT_EQ(t_.Line(0), "ABCDE");
  EXPECT_EQ(t_.Line(1), "EFGH");
  EXPECT_EQ(t_.Line(2), "4");
  EXPECT_EQ(t_.Line(3), "5");
  EXPECT_EQ(t_.Line(4), "6");
  EXPECT_EQ(t_.Line(5), "");
  EXPECT_EQ(scrollback().size(), 0u);  // the region does not start at row 0
}

TEST_F(LibvtermScreenPortTest, LinesScrolledOffTheTopGoToScrollback) {
  Push(
      "\x1b[H"
      "1\r\n2\r\n3\x1b[25H\n\n\n");
  EXPECT_EQ(Scrollback(), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(t_.Line(0), "");
  Push("\x1b[25HABCDE\r\nEFGH\r\n");
  EXPECT_EQ(scrollback().size(), 5u);
  EXPECT_EQ(t_.Line(22), "ABCDE");
  EXPECT_EQ(t_.Line(23), "EFGH");
  EXPECT_EQ(t_.Line(24), "");
}

TEST_F(LibvtermScreenPortTest, ScrollRegionPastTheRegionKeepsTheRest) {
  Push(
      "\x1b[3;6r\x1b[6H"
      "1\r\n2\r\n3\r\n4\r\n5");
  EXPECT_EQ(t_.Line(2), "2");
  EXPECT_EQ(t_.Line(3), "3");
  EXPECT_EQ(t_.Line(4), "4");
  EXPECT_EQ(t_.Line(5), "5");
  Push("\x1b[HABC\x1b[3;6r\x1b[6H\r\n6");
  EXPECT_EQ(t_.Line(0), "ABC");
  EXPECT_EQ(t_.Line(2), "3");
  EXPECT_EQ(t_.Line(5), "6");
}

TEST_F(LibvtermScreenPortTest, ScrollOverlappingRegion) {
  Push("\x1b[HABCD\r\nEFGH\r\nIJKL\x1b[2;5r\x1b[5H\r\nMNOP");
  EXPECT_EQ(t_.Line(0), "ABCD");
  EXPECT_EQ(t_.Line(1), "IJKL");
  EXPECT_EQ(t_.Line(2), "");
  EXPECT_EQ(t_.Line(4), "MNOP");
}

TEST_F(LibvtermScreenPortTest, ScrollThenDeleteCharacters) {
  Push("\x1b[25H\r\nABCDE\b\b\b\x1b[2P\r\n");
  EXPECT_EQ(t_.Line(23), "ABE");
  EXPECT_EQ(t_.Line(24), "");
  EXPECT_EQ(scrollback().size(), 2u);
}

// ---- t/12state_scroll, t/13state_edit: screen effects ----

TEST_F(LibvtermScreenPortTest, IndexAtBottomScrollsTheScreen) {
  Push(
      "first\x1b[25Hlast\x1b"
      "D");
  EXPECT_EQ(t_.Cursor(), P(24, 4));
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(t_.Line(23), "last");
  EXPECT_EQ(Scrollback(), std::vector<std::string>{"first"});
}

TEST_F(LibvtermScreenPortTest, ReverseIndexAtTopScrollsDown) {
  Push("first\x1b[25Hlast\x1b[H\x1bM");
  EXPECT_EQ(t_.Cursor(), P(0, 0));
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(t_.Line(1), "first");
  EXPECT_EQ(t_.Line(24), "");  // "last" fell off the bottom
}

TEST_F(LibvtermScreenPortTest, ScrollUpAndDownByCounts) {
  Push("0\r\n1\r\n2\r\n3\x1b[H");
  Push("\x1b[2S");
  EXPECT_EQ(t_.Line(0), "2");
  EXPECT_EQ(t_.Line(1), "3");
  EXPECT_EQ(t_.Cursor(), P(0, 0));
  Push("\x1b[2T");
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(t_.Line(2), "2");
  EXPECT_EQ(t_.Cursor(), P(0, 0));
}

TEST_F(LibvtermScreenPortTest, ScrollUpDownInsideTheRegion) {
  Push("a\x1b[5Hb\x1b[20Hc\x1b[21Hd\x1b[5;20r");
  Push("\x1b[S");
  EXPECT_EQ(t_.Line(0), "a");
  EXPECT_EQ(t_.Line(4), "");
  EXPECT_EQ(t_.Line(18), "c");
  EXPECT_EQ(t_.Line(19), "");
  EXPECT_EQ(t_.Line(20), "d");
  Push("\x1b[T");
  EXPECT_EQ(t_.Line(4), "");
  EXPECT_EQ(t_.Line(19), "c");
  EXPECT_EQ(t_.Line(20), "d");
}

TEST_F(LibvtermScreenPortTest, InsertAndDeleteSeveralCharacters) {
  Push("ACD\x1b[2D\x1b[@B\x1b[3@");
  EXPECT_EQ(t_.Line(0), "AB   CD");
  EXPECT_EQ(t_.Cursor(), P(0, 2));
  Push("\x1b[2K\x1b[HABBCDEF\x1b[3D\x1b[4G\x1b[3P");
  EXPECT_EQ(t_.Line(0), "ABBF");
  EXPECT_EQ(t_.Cursor(), P(0, 3));
  Push("\x1b[2K\x1b[HABCDEFG\x1b[2G\x1b[3X");
  EXPECT_EQ(t_.Line(0), "A   EFG");
  EXPECT_TRUE(t_.CellAt(0, 2).empty());
  EXPECT_EQ(t_.Cursor(), P(0, 1));
}

TEST_F(LibvtermScreenPortTest, InsertDeleteCharactersAtTheRightEdge) {
  Push("\x1b[77Gabcd\x1b[78G\x1b[@");
  EXPECT_EQ(t_.Line(0), std::string(76, ' ') + "a bc");
  Push("\x1b[77G\x1b[9P");
  EXPECT_EQ(t_.Line(0), "");
}

TEST_F(LibvtermScreenPortTest, InsertLinesSeveralAndInRegion) {
  Push("A\r\nB\r\nC\x1b[2H\x1b[3L");
  EXPECT_EQ(t_.Line(0), "A");
  EXPECT_EQ(t_.Line(1), "");
  EXPECT_EQ(t_.Line(4), "B");
  EXPECT_EQ(t_.Line(5), "C");
  Push("\x1b[2J\x1b[5Hfive\x1b[15Hfifteen\x1b[16Hsixteen\x1b[5;15r\x1b[5H\x1b[L");
  EXPECT_EQ(t_.Line(4), "");
  EXPECT_EQ(t_.Line(5), "five");
  EXPECT_EQ(t_.Line(14), "");  // pushed out of the region
  EXPECT_EQ(t_.Line(15), "sixteen");
}

TEST_F(LibvtermScreenPortTest, DeleteLinesSeveralAndInRegion) {
  Push("A\r\nB\r\nB\r\nB\r\nB\r\nC\x1b[2H\x1b[M\x1b[3M");
  EXPECT_EQ(t_.Line(1), "C");
  EXPECT_EQ(t_.Line(2), "");
  EXPECT_EQ(t_.Cursor(), P(1, 0));
  Push("\x1b[2J\x1b[5Hfive\x1b[15Hfifteen\x1b[16Hsixteen\x1b[5;15r\x1b[5H\x1b[M");
  EXPECT_EQ(t_.Line(4), "");
  EXPECT_EQ(t_.Line(13), "fifteen");
  EXPECT_EQ(t_.Line(14), "");
  EXPECT_EQ(t_.Line(15), "sixteen");
}

TEST_F(LibvtermScreenPortTest, LinesOutsideTheRegionAreNotInsertedOrDeleted) {
  Push("\x1b[20Htwenty\x1b[5;15r\x1b[20H\x1b[L\x1b[M");
  EXPECT_EQ(t_.Line(19), "twenty");
}

TEST_F(LibvtermScreenPortTest, EraseDisplayAboveAndBelow) {
  for (int r = 0; r < 3; ++r) Push("\x1b[" + std::to_string(r + 1) + "Habcdef");
  Push("\x1b[2;3H\x1b[0J");
  EXPECT_EQ(t_.Line(0), "abcdef");
  EXPECT_EQ(t_.Line(1), "ab");
  EXPECT_EQ(t_.Line(2), "");
  for (int r = 0; r < 3; ++r) Push("\x1b[" + std::to_string(r + 1) + "Habcdef");
  Push("\x1b[2;3H\x1b[1J");
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(t_.Line(1), "   def");
  EXPECT_EQ(t_.Line(2), "abcdef");
  EXPECT_EQ(t_.Cursor(), P(1, 2));
}

TEST_F(LibvtermScreenPortTest, SelectiveEraseIsIgnored) {
  Push("abcdefghijklmnop\x1b[11G\x1b[?0K\x1b[?1K\x1b[?2K\x1b[?0J\x1b[?1J\x1b[?2J");
  EXPECT_EQ(t_.Line(0), "abcdefghijklmnop");
  EXPECT_EQ(t_.Cursor(), P(0, 10));
}

TEST_F(LibvtermScreenPortTest, DoubleWidthLineAttributesAreIgnored) {
  Push("\x1b#6abc\r\n\x1b#3top\r\n\x1b#4bottom\r\n\x1b#5x");
  EXPECT_EQ(t_.Line(0), "abc");
  EXPECT_EQ(t_.Line(1), "top");
  EXPECT_EQ(t_.Line(2), "bottom");
  EXPECT_EQ(t_.Line(3), "x");
  EXPECT_EQ(t_.Cursor(), P(3, 1));
  EXPECT_EQ(t_.Line(4), "");  // not a DECALN fill
}

}  // namespace
}  // namespace roam::term
