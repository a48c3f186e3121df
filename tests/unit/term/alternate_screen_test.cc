// Emulator alternate screen (roam extension): DECSET 47, 1047, 1048, 1049;
// no scrollback from the alternate screen.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;
using P = std::pair<int, int>;

TEST(AlternateScreenTest, Mode1049SavesCursorClearsAndRestores) {
  Term t(5, 3);
  t.Write("main\r\nline\x1b[2;3H");
  t.Write("\x1b[?1049h");
  EXPECT_TRUE(t.ds().alternate_screen);
  EXPECT_THAT(t.Lines(), ElementsAre("", "", ""));
  t.Write("\x1b[Halt");
  EXPECT_THAT(t.Lines(), ElementsAre("alt", "", ""));
  t.Write("\x1b[?1049l");
  EXPECT_FALSE(t.ds().alternate_screen);
  EXPECT_THAT(t.Lines(), ElementsAre("main", "line", ""));
  EXPECT_EQ(t.Cursor(), P(1, 2));
}

TEST(AlternateScreenTest, Mode47KeepsAlternateContents) {
  Term t(5, 2);
  t.Write("one\x1b[?47h\x1b[Htwo\x1b[?47l");
  EXPECT_EQ(t.Line(0), "one");
  t.Write("\x1b[?47h");
  EXPECT_EQ(t.Line(0), "two");
}

TEST(AlternateScreenTest, Mode1047ClearsAlternateOnExit) {
  Term t(5, 2);
  t.Write("one\x1b[?1047h\x1b[Htwo\x1b[?1047l");
  EXPECT_EQ(t.Line(0), "one");
  t.Write("\x1b[?47h");
  EXPECT_EQ(t.Line(0), "");
}

TEST(AlternateScreenTest, Mode1048SavesAndRestoresCursor) {
  Term t(5, 3);
  t.Write("\x1b[2;4H\x1b[?1048h\x1b[H\x1b[?1048l");
  EXPECT_EQ(t.Cursor(), P(1, 3));
}

TEST(AlternateScreenTest, AlternateScreenHasNoScrollback) {
  Term t(5, 2);
  t.Write("\x1b[?1049h");
  for (int i = 0; i < 10; ++i) t.Write("x\r\n");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
  t.Write("\x1b[?1049l");
  for (int i = 0; i < 3; ++i) t.Write("y\r\n");
  EXPECT_EQ(t.emu().scrollback().size(), 2u);
}

TEST(AlternateScreenTest, ResizeAppliesToBothScreens) {
  Term t(5, 2);
  t.Write("abcde\x1b[?1049h");
  t.emu().Resize(3, 4);
  t.Write("\x1b[?1049l");
  EXPECT_THAT(t.Lines(), ElementsAre("abc", "", "", ""));
  EXPECT_EQ(t.fb().row(0).width(), 3);
  EXPECT_EQ(t.fb().inactive_rows().size(), 4u);
  EXPECT_EQ(t.fb().inactive_rows()[3]->width(), 3);
}

}  // namespace
}  // namespace roam::term
