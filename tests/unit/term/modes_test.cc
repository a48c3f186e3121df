// Emulator modes: DECSET/DECRST list of docs/protocol.md §12.2, SM/RM insert mode,
// soft and full reset, keypad and the DECCKM input rewrite of
// docs/protocol.md §6.2.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;

TEST(ModesTest, SimpleFlags) {
  Term t(4, 2);
  t.Write("\x1b[?1h\x1b[?5h\x1b[?25l\x1b[?1004h\x1b[?1007h\x1b[?2004h");
  EXPECT_TRUE(t.ds().application_cursor_keys);
  EXPECT_TRUE(t.ds().reverse_video);
  EXPECT_FALSE(t.ds().cursor_visible);
  EXPECT_TRUE(t.ds().mouse_focus_events);
  EXPECT_TRUE(t.ds().mouse_alternate_scroll);
  EXPECT_TRUE(t.ds().bracketed_paste);
  t.Write("\x1b[?1;5;1004;1007;2004l\x1b[?25h");
  EXPECT_FALSE(t.ds().application_cursor_keys);
  EXPECT_FALSE(t.ds().reverse_video);
  EXPECT_TRUE(t.ds().cursor_visible);
  EXPECT_FALSE(t.ds().mouse_focus_events);
  EXPECT_FALSE(t.ds().mouse_alternate_scroll);
  EXPECT_FALSE(t.ds().bracketed_paste);
}

TEST(ModesTest, MouseReportingIsOneValue) {
  Term t(4, 2);
  t.Write("\x1b[?1000h\x1b[?1002h");
  EXPECT_EQ(t.ds().mouse_reporting, kMouseButtonEvent);
  t.Write("\x1b[?1000l");  // resetting any mode turns reporting off
  EXPECT_EQ(t.ds().mouse_reporting, kMouseNone);
  t.Write("\x1b[?9h");
  EXPECT_EQ(t.ds().mouse_reporting, kMouseX10);
}

TEST(ModesTest, MouseEncodingIsOneValue) {
  Term t(4, 2);
  t.Write("\x1b[?1006h");
  EXPECT_EQ(t.ds().mouse_encoding, kMouseEncodingSgr);
  t.Write("\x1b[?1015h\x1b[?1005l");
  EXPECT_EQ(t.ds().mouse_encoding, kMouseEncodingDefault);
}

TEST(ModesTest, Mode3ClearsAndHomesKeepingWidth) {
  Term t(4, 2);
  t.Write("ab\r\ncd\x1b[?3h");
  EXPECT_THAT(t.Lines(), ElementsAre("", ""));
  EXPECT_EQ(t.Cursor(), std::make_pair(0, 0));
  EXPECT_EQ(t.fb().width(), 4);
}

TEST(ModesTest, InsertModeOnlyThroughMode4) {
  Term t(4, 2);
  t.Write("\x1b[2;4h");
  EXPECT_TRUE(t.ds().insert_mode);
  t.Write("\x1b[4l");
  EXPECT_FALSE(t.ds().insert_mode);
}

TEST(ModesTest, SoftResetList) {
  Term t(4, 4);
  t.Write(
      "\x1b[4h\x1b[2;3r\x1b[?6h\x1b[?25l\x1b[?1h\x1b[1m\x1b[2;2H\x1b"
      "7\x1b[?5h\x1b[?2004h");
  t.Write("\x1b[!p");
  EXPECT_FALSE(t.ds().insert_mode);
  EXPECT_FALSE(t.ds().origin_mode);
  EXPECT_TRUE(t.ds().cursor_visible);
  EXPECT_FALSE(t.ds().application_cursor_keys);
  EXPECT_EQ(t.ds().scroll_top, 0);
  EXPECT_EQ(t.ds().scroll_bottom, 3);
  EXPECT_TRUE(t.ds().rend.IsDefault());
  EXPECT_EQ(t.ds().saved_decsc, SavedCursor());
  // Not part of DECSTR in Mosh:
  EXPECT_TRUE(t.ds().reverse_video);
  EXPECT_TRUE(t.ds().bracketed_paste);
}

TEST(ModesTest, FullResetKeepsBellCount) {
  Term t(4, 2);
  t.Write(
      "ab\x07\x07\x1b]2;title\x07\x1b]52;c;YQ==\x07\x1b[?2004h\x1b"
      "c");
  EXPECT_THAT(t.Lines(), ElementsAre("", ""));
  EXPECT_EQ(t.fb().bell_count(), 2u);
  EXPECT_EQ(t.fb().title(), "");
  EXPECT_EQ(t.fb().clipboard(), "");
  EXPECT_FALSE(t.ds().bracketed_paste);
}

TEST(ModesTest, KeypadModes) {
  Term t(4, 2);
  t.Write("\x1b=");
  EXPECT_TRUE(t.ds().application_keypad);
  t.Write("\x1b>");
  EXPECT_FALSE(t.ds().application_keypad);
}

TEST(ModesTest, CursorShape) {
  Term t(4, 2);
  t.Write("\x1b[5 q");
  EXPECT_EQ(t.ds().cursor_shape, kCursorBlinkingBar);
  t.Write("\x1b[9 q");
  EXPECT_EQ(t.ds().cursor_shape, kCursorBlinkingBar);
  t.Write("\x1b[ q");
  EXPECT_EQ(t.ds().cursor_shape, kCursorDefault);
}

TEST(ModesTest, UserInputArrowRewriteFollowsDeckm) {
  Term t(4, 2);
  EXPECT_EQ(t.emu().TranslateUserInput("\x1bOA\x1bOB\x1bOC\x1bOD"), "\x1b[A\x1b[B\x1b[C\x1b[D");
  EXPECT_EQ(t.emu().TranslateUserInput("\x1bOP x"), "\x1bOP x");  // F1 untouched
  t.Write("\x1b[?1h");
  EXPECT_EQ(t.emu().TranslateUserInput("\x1bOA"), "\x1bOA");
}

TEST(ModesTest, UserInputRewriteSurvivesSplits) {
  Term t(4, 2);
  std::string out;
  out += t.emu().TranslateUserInput("a\x1b");
  out += t.emu().TranslateUserInput("O");
  out += t.emu().TranslateUserInput("Cb");
  EXPECT_EQ(out, "a\x1b[Cb");
}

}  // namespace
}  // namespace roam::term
