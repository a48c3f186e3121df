// Emulator deferred autowrap (docs/protocol.md §12.3): the pending-wrap flag, soft-wrap
// marks, wide characters at the margin, and which functions keep the flag.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;
using P = std::pair<int, int>;

TEST(AutowrapTest, PrintingInLastColumnDefersTheWrap) {
  Term t(5, 3);
  t.Write("abcde");
  EXPECT_EQ(t.Cursor(), P(0, 4));
  EXPECT_TRUE(t.ds().next_print_will_wrap);
  EXPECT_FALSE(t.fb().row(0).wrap());
  t.Write("f");
  EXPECT_THAT(t.Lines(), ElementsAre("abcde", "f", ""));
  EXPECT_TRUE(t.fb().row(0).wrap());
  EXPECT_EQ(t.Cursor(), P(1, 1));
}

TEST(AutowrapTest, SplitAcrossWritesIsTheSame) {
  Term a(5, 3);
  a.Write("abcdefgh");
  Term b(5, 3);
  for (char c : std::string("abcdefgh")) b.Write(std::string(1, c));
  EXPECT_EQ(a.Lines(), b.Lines());
  EXPECT_EQ(a.Cursor(), b.Cursor());
  EXPECT_TRUE(a.fb() == b.fb());
}

TEST(AutowrapTest, CursorMovementClearsThePendingWrap) {
  Term t(5, 3);
  t.Write("abcde\r");
  EXPECT_FALSE(t.ds().next_print_will_wrap);
  t.Write("X");
  EXPECT_THAT(t.Lines(), ElementsAre("Xbcde", "", ""));
  t.Write("\x1b[1;5HY\x1b[CZ");  // CUF clears it even though it cannot move
  EXPECT_THAT(t.Lines(), ElementsAre("XbcdZ", "", ""));
}

TEST(AutowrapTest, TabSgrAndModesKeepThePendingWrap) {
  Term t(5, 3);
  t.Write("abcde\t\x1b[1m\x1b[?25h\x1b[3g\x1b[I\x1b[Z");
  // CBT moved the cursor back to column 0 but kept the flag.
  EXPECT_TRUE(t.ds().next_print_will_wrap);
}

TEST(AutowrapTest, UnknownSequencesClearThePendingWrap) {
  Term t(5, 3);
  t.Write("abcde\x1b[5y");  // unknown CSI
  EXPECT_FALSE(t.ds().next_print_will_wrap);
  t.Write("\x1b[1;5Hq\x01");  // unknown C0
  EXPECT_FALSE(t.ds().next_print_will_wrap);
  t.Write("\x1b[1;5Hq\x1b(0");  // designation (roam implements it, still clears)
  EXPECT_FALSE(t.ds().next_print_will_wrap);
  t.Write("\x1b[1;5Hq\x1b]2;t\x07");  // OSC leaves it alone
  EXPECT_TRUE(t.ds().next_print_will_wrap);
  t.Write("\x1b[1;5Hq\x7f");  // DEL is ignored entirely
  EXPECT_TRUE(t.ds().next_print_will_wrap);
  t.Write("\x1b[1;5Hq\x1b[1:2H");  // csi-ignore: never dispatched
  EXPECT_TRUE(t.ds().next_print_will_wrap);
}

TEST(AutowrapTest, WrapAtBottomScrolls) {
  Term t(3, 2);
  t.Write("abcdefg");
  EXPECT_THAT(t.Lines(), ElementsAre("def", "g"));
  EXPECT_TRUE(t.fb().row(0).wrap());
}

TEST(AutowrapTest, DisabledAutowrapOverwritesLastColumn) {
  Term t(5, 2);
  t.Write("\x1b[?7labcdefgh");
  EXPECT_THAT(t.Lines(), ElementsAre("abcdh", ""));
  EXPECT_EQ(t.Cursor(), P(0, 4));
  t.Write("\x1b[?7hi");
  EXPECT_THAT(t.Lines(), ElementsAre("abcdh", "i"));
}

// Without autowrap a wide character that has no room before the right
// margin is not printed at all and the cursor stays (xterm, tmux); it is
// never stored in the last column alone.
TEST(AutowrapTest, WithoutAutowrapAWideCharacterInTheLastColumnIsDropped) {
  for (const std::string& wide : {std::string("\xE4\xB8\x80"), std::string("\xF0\x9F\x98\x80")}) {
    Term t(5, 2);
    t.Write("abcd\x1b[?7l" + wide);  // the cursor waits in the last column
    EXPECT_THAT(t.Lines(), ElementsAre("abcd", "")) << wide;
    EXPECT_TRUE(t.CellAt(0, 4).empty()) << wide;
    EXPECT_FALSE(t.CellAt(0, 4).wide()) << wide;
    EXPECT_EQ(t.Cursor(), P(0, 4));
    t.Write("x");  // a narrow one still lands there
    EXPECT_THAT(t.Lines(), ElementsAre("abcdx", "")) << wide;
    // After a print in the last column (the wrap pending but disabled), and
    // through the general path (split UTF-8), the same.
    t.Write(wide.substr(0, 1));
    t.Write(wide.substr(1));
    EXPECT_THAT(t.Lines(), ElementsAre("abcdx", "")) << wide;
    EXPECT_EQ(t.Cursor(), P(0, 4));
    // One column before the margin it fits.
    t.Write("\x1b[1;4H" + wide);
    EXPECT_TRUE(t.CellAt(0, 3).wide()) << wide;
  }
}

TEST(AutowrapTest, WideCharacterInLastColumnWrapsAtOnce) {
  Term t(5, 3);
  t.Write("abcd\xE4\xB8\x80");
  EXPECT_THAT(t.Lines(), ElementsAre("abcd", "\xE4\xB8\x80", ""));
  EXPECT_FALSE(t.fb().row(0).wrap());
  EXPECT_TRUE(t.CellAt(0, 4).empty());
  EXPECT_TRUE(t.CellAt(1, 0).wide());
  EXPECT_EQ(t.Cursor(), P(1, 2));
}

TEST(AutowrapTest, WideCharacterFillingTheLineDefersWrap) {
  Term t(4, 3);
  t.Write("ab\xE4\xB8\x80");
  EXPECT_EQ(t.Cursor(), P(0, 3));
  EXPECT_TRUE(t.ds().next_print_will_wrap);
  t.Write("c");
  EXPECT_THAT(t.Lines(), ElementsAre("ab\xE4\xB8\x80", "c", ""));
  EXPECT_TRUE(t.fb().row(0).wrap());
}

TEST(AutowrapTest, ReprintingLastCellClearsTheWrapMark) {
  Term t(3, 3);
  t.Write("abcd");
  EXPECT_TRUE(t.fb().row(0).wrap());
  t.Write("\x1b[1;3HZ");
  EXPECT_FALSE(t.fb().row(0).wrap());
}

TEST(AutowrapTest, EraseOfLastCellClearsTheWrapMark) {
  Term t(3, 3);
  t.Write("abcd\x1b[1;1H\x1b[K");
  EXPECT_FALSE(t.fb().row(0).wrap());
  t.Write("\x1b[2;1Habcd\x1b[2;1H\x1b[1K");  // EL 1 from column 0 keeps it
  EXPECT_TRUE(t.fb().row(1).wrap());
}

}  // namespace
}  // namespace roam::term
