// Cases ported from libvterm's query conformance test (t/26state_query)
// and the DECRQM checks of t/15state_mode and t/64screen_pen: the query
// bytes and the reply the emulator owes the application
// (Emulator::TakeReplies).
//
// Where Mosh's semantics differ, Mosh wins and the case says so:
//   * DA answers "ESC [ ? 62 c" (Mosh's VT220 identity); libvterm answers
//     "ESC [ ? 1 ; 2 c".
//   * DECXCPR (CSI ? 6 n) is not answered (Mosh ignores it).
//   * DECRQSS (DCS $ q ... ST) is not implemented: DCS strings are
//     consumed without reply. Skipped: DECRQSS on DECSCUSR and on SGR.
//   * S8C1T (ESC SP G) is not implemented: replies stay 7-bit.

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

class LibvtermQueryPortTest : public ::testing::Test {
 protected:
  Term t_{80, 25};
  std::string Push(const std::string& s) {
    t_.Write(s);
    return t_.emu().TakeReplies();
  }
};

TEST_F(LibvtermQueryPortTest, DeviceAttributes) {
  EXPECT_EQ(Push("\x1b[c"), "\x1b[?62c");
  EXPECT_EQ(Push("\x1b[0c"), "\x1b[?62c");
  EXPECT_EQ(Push("\x1b[>c"), "\x1b[>1;10;0c");
}

TEST_F(LibvtermQueryPortTest, DeviceStatus) { EXPECT_EQ(Push("\x1b[5n"), "\x1b[0n"); }

TEST_F(LibvtermQueryPortTest, CursorPositionReport) {
  EXPECT_EQ(Push("\x1b[6n"), "\x1b[1;1R");
  EXPECT_EQ(Push("\x1b[10;10H\x1b[6n"), "\x1b[10;10R");
  // With the cursor in the pending-wrap position it reports column 80.
  EXPECT_EQ(Push("\x1b[25;78Habc\x1b[6n"), "\x1b[25;80R");
}

TEST_F(LibvtermQueryPortTest, ExtendedCursorPositionIsNotAnswered) {
  EXPECT_EQ(Push("\x1b[10;10H\x1b[?6n"), "");
  EXPECT_EQ(t_.Cursor(), std::make_pair(9, 9));
}

TEST_F(LibvtermQueryPortTest, DecrqssIsConsumedSilently) {
  EXPECT_EQ(Push("\x1b[3 q\x1bP$q q\x1b\\"), "");
  EXPECT_EQ(Push("\x1b[1;5;7m\x1bP$qm\x1b\\"), "");
  EXPECT_EQ(t_.Line(0), "");
  EXPECT_EQ(t_.ds().cursor_shape, 3);
}

TEST_F(LibvtermQueryPortTest, EightBitControlsAreNotSelected) {
  EXPECT_EQ(Push("\x1b G\x1b[5n"), "\x1b[0n");
}

TEST_F(LibvtermQueryPortTest, RepliesKeepTheirOrder) {
  EXPECT_EQ(Push("\x1b[5n\x1b[3;4H\x1b[6n\x1b[c"), "\x1b[0n\x1b[3;4R\x1b[?62c");
}

TEST_F(LibvtermQueryPortTest, ModeReportsFollowTheModes) {
  EXPECT_EQ(Push("\x1b[?6$p\x1b[?7$p\x1b[?25$p\x1b[?1$p"),
            "\x1b[?6;2$y\x1b[?7;1$y\x1b[?25;1$y\x1b[?1;2$y");
  EXPECT_EQ(Push("\x1b[?6h\x1b[?7l\x1b[?25l\x1b[?1h\x1b[?6$p\x1b[?7$p\x1b[?25$p\x1b[?1$p"),
            "\x1b[?6;1$y\x1b[?7;2$y\x1b[?25;2$y\x1b[?1;1$y");
  EXPECT_EQ(Push("\x1b[4$p\x1b[4h\x1b[4$p"), "\x1b[4;2$y\x1b[4;1$y");
}

TEST_F(LibvtermQueryPortTest, QueriesInsideASplitWrite) {
  t_.Write("\x1b[");
  t_.Write("6");
  EXPECT_EQ(t_.emu().TakeReplies(), "");
  EXPECT_EQ(Push("n"), "\x1b[1;1R");
}

}  // namespace
}  // namespace roam::term
