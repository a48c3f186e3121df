// Cases ported from libvterm's mode and state-property conformance tests
// (t/14state_encoding, t/15state_mode, t/16state_resize, t/17state_mouse,
// t/18state_termprops, t/22state_save, t/40state_selection, t/25state_input, t/10state_putglyph):
// the same input bytes and the resulting screen, cursor and modes, on an 80x25 screen.
//
// Where Mosh's semantics differ, Mosh wins and the case says so:
//   * LNM (CSI 20 h) is not implemented (DECRQM reports it permanently
//     reset): LF keeps the column.
//   * DECSLRM (CSI ? 69 h, CSI Pl;Pr s): not implemented; CSI s saves the
//     cursor instead. "Origin mode with DECSLRM" is skipped.
//   * DECSTBM homes the cursor (libvterm does not).
//   * A resize keeps a pending wrap: after "CD" ends in the last column,
//     widening the screen and printing wraps to the next row (libvterm
//     prints in the new columns).
//   * Mouse events and key encoding (t/17 MOUSE, t/25 INCHAR/INKEY) belong
//     to the client's terminal, not to this emulator: only the mode state,
//     its DECRQM reports, and the ESC O rewrite of TranslateUserInput
//     (docs/protocol.md §6.2) are checked.
//   * Title/termprop callbacks become framebuffer state (title, cursor
//     visibility, cursor shape).
//   * OSC 52 data is stored verbatim (still base64) with its selection,
//     for the client to apply; libvterm decodes it. A query ("?") is not
//     stored nor answered (see emulator.h). Sending a selection to the
//     application (SELECTION) is the client terminal's job: skipped.

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;
using P = std::pair<int, int>;

class LibvtermModesPortTest : public ::testing::Test {
 protected:
  Term t_{80, 25};
  P Push(const std::string& s) {
    t_.Write(s);
    return t_.Cursor();
  }
  std::string Replies() { return t_.emu().TakeReplies(); }
};

// ---- t/14state_encoding ----

TEST_F(LibvtermModesPortTest, DefaultCharsetPrintsAscii) {
  Push("#$");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), U'#');
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), U'$');
}

TEST_F(LibvtermModesPortTest, DesignateG0Uk) {
  Push("\x1b(A#");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), 0xA3u);  // POUND SIGN
  Push("\x1b(B#");
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), U'#');
}

TEST_F(LibvtermModesPortTest, DesignateG0DecDrawing) {
  Push("\x1b(0a\x1b(Ba");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), 0x2592u);  // MEDIUM SHADE
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), U'a');
  Push("\x1b(0qx\x1b(B");
  EXPECT_EQ(t_.CellAt(0, 2).code_point(), 0x2500u);  // horizontal line
  EXPECT_EQ(t_.CellAt(0, 3).code_point(), 0x2502u);  // vertical line
}

TEST_F(LibvtermModesPortTest, DesignateG1AndShiftOutIn) {
  Push(
      "\x1b)0a\x0e"
      "a\x0f"
      "a");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), U'a');
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), 0x2592u);
  EXPECT_EQ(t_.CellAt(0, 2).code_point(), U'a');
}

TEST_F(LibvtermModesPortTest, CharsetsOnlyAffectAscii) {
  // UTF-8 text is never translated, even with DEC graphics selected.
  Push("\x1b(0\xC3\xA9q\x1b(B");
  EXPECT_EQ(t_.CellAt(0, 0).code_point(), 0xE9u);
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), 0x2500u);
}

// ---- t/10state_putglyph ----

TEST_F(LibvtermModesPortTest, PutglyphLowAndWide) {
  EXPECT_EQ(Push("ABC"), P(0, 3));
  Push("\r\n\xEF\xBC\x90 ");
  EXPECT_EQ(t_.CellAt(1, 0).code_point(), 0xFF10u);
  EXPECT_TRUE(t_.CellAt(1, 0).wide());
  EXPECT_EQ(t_.CellAt(1, 2).code_point(), U' ');
  EXPECT_EQ(t_.Cursor(), P(1, 3));
}

TEST_F(LibvtermModesPortTest, PutglyphCombiningAcrossWrites) {
  Push("e");
  Push("\xCC\x81Z");
  EXPECT_EQ(t_.fb().row(0).CellText(0), "e\xCC\x81");
  EXPECT_EQ(t_.CellAt(0, 1).code_point(), U'Z');
  Push("\r\ne");
  Push("\xCC\x81");
  Push("\xCC\x82");
  EXPECT_EQ(t_.fb().row(1).CellText(0), "e\xCC\x81\xCC\x82");
  EXPECT_EQ(t_.Cursor(), P(1, 1));
}

TEST_F(LibvtermModesPortTest, PutglyphCombiningSplitInsideTheUtf8Sequence) {
  Push("e\xCC");
  Push("\x81");
  EXPECT_EQ(t_.fb().row(0).CellText(0), "e\xCC\x81");
  EXPECT_EQ(t_.Cursor(), P(0, 1));
}

// ---- t/15state_mode ----

TEST_F(LibvtermModesPortTest, ReplaceModeOverwrites) {
  EXPECT_EQ(Push("AC\x1b[DB"), P(0, 2));
  EXPECT_EQ(t_.Line(0), "AB");
}

TEST_F(LibvtermModesPortTest, InsertModeShiftsRight) {
  Push("XYZ\x1b[4h\x1b[G");
  EXPECT_EQ(Push("AC\x1b[DB"), P(0, 2));
  EXPECT_EQ(t_.Line(0), "ABCXYZ");
  Push("\x1b[4l\x1b[GQ");
  EXPECT_EQ(t_.Line(0), "QBCXYZ");
}

TEST_F(LibvtermModesPortTest, InsertModeShiftsOnceForCombining) {
  Push("XYZ\x1b[4h\x1b[G");
  Push("AB\x1b[De");
  EXPECT_EQ(t_.Line(0), "AeBXYZ");
  Push("\xCC\x81");
  EXPECT_EQ(t_.Line(0),
            "Ae\xCC\x81"
            "BXYZ");
  EXPECT_EQ(t_.Cursor(), P(0, 2));
}

TEST_F(LibvtermModesPortTest, InsertModePushesCellsOffTheEdge) {
  Push(
      "\x1b[78G"
      "abc\x1b[4h\x1b[78GZ");
  EXPECT_EQ(t_.Line(0), std::string(77, ' ') + "Zab");
}

TEST_F(LibvtermModesPortTest, LinefeedModeIsNotImplemented) {
  EXPECT_EQ(Push("\x1b[5G\n"), P(1, 4));
  // libvterm: LNM makes LF also return the carriage (2,0).
  EXPECT_EQ(Push("\x1b[20h\x1b[5G\n"), P(2, 4));
  Push("\x1b[20$p");
  EXPECT_EQ(Replies(), "\x1b[20;4$y");
}

TEST_F(LibvtermModesPortTest, OriginMode) {
  Push("\x1b[5;15r");
  EXPECT_EQ(Push("\x1b[H"), P(0, 0));
  EXPECT_EQ(Push("\x1b[3;3H"), P(2, 2));
  EXPECT_EQ(Push("\x1b[?6h"), P(4, 0));  // DECOM homes to the margin
  EXPECT_EQ(Push("\x1b[H"), P(4, 0));
  EXPECT_EQ(Push("\x1b[3;3H"), P(6, 2));
  Push("\x1b[?6$p");
  EXPECT_EQ(Replies(), "\x1b[?6;1$y");
  EXPECT_EQ(Push("\x1b[?6l"), P(0, 0));
  Push("\x1b[?6$p");
  EXPECT_EQ(Replies(), "\x1b[?6;2$y");
}

TEST_F(LibvtermModesPortTest, OriginModeBoundsCursorToRegion) {
  Push("\x1b[5;15r\x1b[?6h\x1b[H");
  EXPECT_EQ(Push("\x1b[10A"), P(4, 0));
  EXPECT_EQ(Push("\x1b[20B"), P(14, 0));
  EXPECT_EQ(Push("\x1b[99;99H"), P(14, 79));
  Push("\x1b[6n");
  EXPECT_EQ(Replies(), "\x1b[15;80R");
}

// ---- t/16state_resize ----

TEST_F(LibvtermModesPortTest, PlacementWrapsAtTheEdge) {
  Push("AB\x1b[79GCDE");
  EXPECT_EQ(t_.CellAt(0, 78).code_point(), U'C');
  EXPECT_EQ(t_.CellAt(0, 79).code_point(), U'D');
  EXPECT_EQ(t_.CellAt(1, 0).code_point(), U'E');
  EXPECT_EQ(t_.Cursor(), P(1, 1));
}

TEST_F(LibvtermModesPortTest, ResizeThenPrintUsesTheNewWidth) {
  ASSERT_TRUE(t_.emu().Resize(85, 27));
  Push("AB\x1b[79GCDE");
  EXPECT_EQ(t_.CellAt(0, 79).code_point(), U'D');
  EXPECT_EQ(t_.CellAt(0, 80).code_point(), U'E');
  EXPECT_EQ(t_.Cursor(), P(0, 81));
  ASSERT_TRUE(t_.emu().Resize(90, 28));
  EXPECT_EQ(t_.Cursor(), P(0, 81));
  EXPECT_EQ(Push("FGHI"), P(0, 85));
  EXPECT_EQ(t_.Line(0), "AB" + std::string(76, ' ') + "CDEFGHI");
  ASSERT_TRUE(t_.emu().Resize(80, 25));
  EXPECT_EQ(t_.Cursor(), P(0, 79));
}

TEST_F(LibvtermModesPortTest, ResizeKeepsPendingWrap) {
  Push("AB\x1b[79GCD");
  EXPECT_EQ(t_.Cursor(), P(0, 79));
  ASSERT_TRUE(t_.emu().Resize(100, 25));
  Push("E");
  // libvterm prints E at (0,80); Mosh keeps the pending wrap.
  EXPECT_EQ(t_.Line(0), "AB" + std::string(76, ' ') + "CD");
  EXPECT_EQ(t_.Line(1), "E");
}

// ---- t/17state_mouse (mode state and DECRQM only) ----

TEST_F(LibvtermModesPortTest, MouseModesReportOffByDefault) {
  Push("\x1b[?1000$p\x1b[?1002$p\x1b[?1003$p");
  EXPECT_EQ(Replies(), "\x1b[?1000;2$y\x1b[?1002;2$y\x1b[?1003;2$y");
}

TEST_F(LibvtermModesPortTest, MouseTrackingModesAreExclusive) {
  Push("\x1b[?1000h\x1b[?1000$p\x1b[?1002$p\x1b[?1003$p");
  EXPECT_EQ(Replies(), "\x1b[?1000;1$y\x1b[?1002;2$y\x1b[?1003;2$y");
  EXPECT_EQ(t_.ds().mouse_reporting, 1000);
  Push("\x1b[?1002h\x1b[?1000$p\x1b[?1002$p\x1b[?1003$p");
  EXPECT_EQ(Replies(), "\x1b[?1000;2$y\x1b[?1002;1$y\x1b[?1003;2$y");
  Push("\x1b[?1003h\x1b[?1000$p\x1b[?1002$p\x1b[?1003$p");
  EXPECT_EQ(Replies(), "\x1b[?1000;2$y\x1b[?1002;2$y\x1b[?1003;1$y");
  Push("\x1b[?1003l");
  EXPECT_EQ(t_.ds().mouse_reporting, kMouseNone);
}

TEST_F(LibvtermModesPortTest, MouseEncodingModesAreExclusive) {
  Push("\x1b[?1005$p\x1b[?1006$p\x1b[?1015$p");
  EXPECT_EQ(Replies(), "\x1b[?1005;2$y\x1b[?1006;2$y\x1b[?1015;2$y");
  Push("\x1b[?1005h\x1b[?1005$p\x1b[?1006$p\x1b[?1015$p");
  EXPECT_EQ(Replies(), "\x1b[?1005;1$y\x1b[?1006;2$y\x1b[?1015;2$y");
  Push("\x1b[?1006h\x1b[?1005$p\x1b[?1006$p\x1b[?1015$p");
  EXPECT_EQ(Replies(), "\x1b[?1005;2$y\x1b[?1006;1$y\x1b[?1015;2$y");
  Push("\x1b[?1015h\x1b[?1005$p\x1b[?1006$p\x1b[?1015$p");
  EXPECT_EQ(Replies(), "\x1b[?1005;2$y\x1b[?1006;2$y\x1b[?1015;1$y");
}

// ---- t/18state_termprops ----

TEST_F(LibvtermModesPortTest, CursorVisibility) {
  EXPECT_TRUE(t_.ds().cursor_visible);
  Push("\x1b[?25l");
  EXPECT_FALSE(t_.ds().cursor_visible);
  Push("\x1b[?25$p");
  EXPECT_EQ(Replies(), "\x1b[?25;2$y");
  Push("\x1b[?25h");
  EXPECT_TRUE(t_.ds().cursor_visible);
}

TEST_F(LibvtermModesPortTest, CursorShape) {
  Push("\x1b[3 q");
  EXPECT_EQ(t_.ds().cursor_shape, 3);  // blinking underline
  Push("\x1b[6 q");
  EXPECT_EQ(t_.ds().cursor_shape, 6);
  Push("\x1b[ q");
  EXPECT_EQ(t_.ds().cursor_shape, kCursorDefault);
}

TEST_F(LibvtermModesPortTest, Title) {
  Push("\x1b]2;Here is my title\a");
  EXPECT_EQ(t_.fb().title(), "Here is my title");
  EXPECT_EQ(t_.Line(0), "");
}

// ---- t/22state_save (the cases not in libvterm_port_test.cc) ----

TEST_F(LibvtermModesPortTest, SaveRestoreWithDecscDecrc) {
  EXPECT_EQ(Push("\x1b[2;2H\x1b"
                 "7"),
            P(1, 1));
  EXPECT_EQ(Push("\x1b[5;5H"), P(4, 4));
  EXPECT_EQ(Push("\x1b"
                 "8"),
            P(1, 1));
}

TEST_F(LibvtermModesPortTest, SaveRestoreWithAnsiSaveRestore) {
  EXPECT_EQ(Push("\x1b[2;2H\x1b[s"), P(1, 1));
  EXPECT_EQ(Push("\x1b[5;5H"), P(4, 4));
  EXPECT_EQ(Push("\x1b[u"), P(1, 1));
}

TEST_F(LibvtermModesPortTest, SaveTwiceRestoreTwice) {
  Push("\x1b[2;10H\x1b[?1048h\x1b[6;10H\x1b[?1048h");
  EXPECT_EQ(Push("\x1b[H"), P(0, 0));
  EXPECT_EQ(Push("\x1b[?1048l"), P(5, 9));
  EXPECT_EQ(Push("\x1b[H"), P(0, 0));
  EXPECT_EQ(Push("\x1b[?1048l"), P(5, 9));
}

// ---- t/40state_selection ----

TEST_F(LibvtermModesPortTest, SetClipboard) {
  for (const char* data : {"SGVsbG8s", "SGVsbG8sIHc=", "SGVsbG8sIHdvcmxkCg=="}) {
    Push(std::string("\x1b]52;c;") + data + "\x1b\\");
    EXPECT_EQ(t_.fb().clipboard(), data);
    EXPECT_EQ(t_.fb().clipboard_selection(), "c");
  }
}

TEST_F(LibvtermModesPortTest, SetClipboardSplitAcrossWrites) {
  Push("\x1b]52;c;SGVs");
  EXPECT_EQ(t_.fb().clipboard(), "");  // nothing until the string ends
  Push("bG8s\x1b\\");
  EXPECT_EQ(t_.fb().clipboard(), "SGVsbG8s");
  Push("\x1b]52;c;SGVsbG");
  Push("8sIHc=\x07");
  EXPECT_EQ(t_.fb().clipboard(), "SGVsbG8sIHc=");
}

TEST_F(LibvtermModesPortTest, QueryClipboardIsNotStoredNorAnswered) {
  Push("\x1b]52;c;SGVsbG8s\x1b\\\x1b]52;c;?\x1b\\");
  EXPECT_EQ(t_.fb().clipboard(), "SGVsbG8s");
  EXPECT_EQ(Replies(), "");
}

// ---- t/25state_input (what the emulator owns of it) ----

TEST_F(LibvtermModesPortTest, CursorKeysInResetAndApplicationMode) {
  // Reset mode: an SS3 arrow from the user is sent as CSI.
  EXPECT_EQ(t_.emu().TranslateUserInput("\x1bOA"), "\x1b[A");
  Push("\x1b[?1h");
  EXPECT_TRUE(t_.ds().application_cursor_keys);
  EXPECT_EQ(t_.emu().TranslateUserInput("\x1bOA"), "\x1bOA");
  // Modified keys are CSI already and pass unchanged.
  EXPECT_EQ(t_.emu().TranslateUserInput("\x1b[1;2A"), "\x1b[1;2A");
  Push("\x1b[?1l");
  EXPECT_EQ(t_.emu().TranslateUserInput("\x1b[1;5A\x1bOB"), "\x1b[1;5A\x1b[B");
}

TEST_F(LibvtermModesPortTest, KeypadModes) {
  EXPECT_FALSE(t_.ds().application_keypad);
  Push("\x1b=");
  EXPECT_TRUE(t_.ds().application_keypad);
  Push("\x1b>");
  EXPECT_FALSE(t_.ds().application_keypad);
}

}  // namespace
}  // namespace roam::term
