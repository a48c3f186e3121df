// Emulator queries: DSR, CPR, DA, DA2 as Mosh; DECRQM and OSC colour
// queries (roam). Replies never change the screen.

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

TEST(RepliesTest, StatusAndCursorPosition) {
  Term t(10, 5);
  t.Write("\x1b[5n\x1b[3;7H\x1b[6n");
  EXPECT_EQ(t.emu().TakeReplies(), "\x1b[0n\x1b[3;7R");
  EXPECT_EQ(t.emu().TakeReplies(), "");
}

TEST(RepliesTest, CursorPositionIsAbsoluteEvenInOriginMode) {
  Term t(10, 5);
  t.Write("\x1b[2;4r\x1b[?6h\x1b[6n");
  EXPECT_EQ(t.emu().TakeReplies(), "\x1b[2;1R");
}

TEST(RepliesTest, DeviceAttributes) {
  Term t(10, 5);
  t.Write("\x1b[c\x1b[0c\x1b[>c");
  EXPECT_EQ(t.emu().TakeReplies(), "\x1b[?62c\x1b[?62c\x1b[>1;10;0c");
}

TEST(RepliesTest, ModeReports) {
  Term t(10, 5);
  t.Write("\x1b[?2004h\x1b[?2004$p\x1b[?1$p\x1b[?4242$p\x1b[4$p\x1b[4h\x1b[4$p");
  EXPECT_EQ(t.emu().TakeReplies(), "\x1b[?2004;1$y\x1b[?1;2$y\x1b[?4242;0$y\x1b[4;2$y\x1b[4;1$y");
  t.Write("\x1b[?1049h\x1b[?1049$p");
  EXPECT_EQ(t.emu().TakeReplies(), "\x1b[?1049;1$y");
}

TEST(RepliesTest, ColourQueries) {
  EmulatorOptions options;
  options.default_foreground_rgb = 0xC0C0C0;
  options.default_background_rgb = 0x102030;
  Term t(10, 5, options);
  t.Write("\x1b]10;?\x07\x1b]11;?\x1b\\");
  EXPECT_EQ(t.emu().TakeReplies(),
            "\x1b]10;rgb:c0c0/c0c0/c0c0\x07\x1b]11;rgb:1010/2020/3030\x1b\\");
  t.Write("\x1b]4;1;?;196;?\x07");
  EXPECT_EQ(t.emu().TakeReplies(),
            "\x1b]4;1;rgb:cdcd/0000/0000\x07\x1b]4;196;rgb:ffff/0000/0000\x07");
  t.Write("\x1b]4;1;#ffffff\x07\x1b]10;red\x07");
  EXPECT_EQ(t.emu().TakeReplies(), "");
}

TEST(RepliesTest, QueriesLeaveTheScreenAlone) {
  Term a(10, 5);
  Term b(10, 5);
  a.Write("x\x1b[c\x1b[6n");
  b.Write("x\x1b[?25h");
  EXPECT_TRUE(a.fb() == b.fb());
}

TEST(RepliesTest, BellCounts) {
  Term t(10, 5);
  t.Write("\x07\x07\x07");
  EXPECT_EQ(t.fb().bell_count(), 3u);
}

}  // namespace
}  // namespace roam::term
