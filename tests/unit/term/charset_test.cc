// Emulator character sets (roam extension): G0/G1 designation, SO/SI, DEC
// special graphics translated to Unicode at print time.

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

TEST(CharsetTest, DecSpecialGraphicsInG0) {
  Term t(10, 1);
  t.Write("\x1b(0lqkx~\x1b(Bq");
  EXPECT_EQ(t.Line(0), "\u250C\u2500\u2510\u2502\u00B7q");
}

TEST(CharsetTest, ShiftOutSelectsG1) {
  Term t(10, 1);
  t.Write("\x1b)0a\x0eq\x0fq");
  EXPECT_EQ(t.Line(0), "a\u2500q");
}

TEST(CharsetTest, UnitedKingdomPound) {
  Term t(10, 1);
  t.Write("\x1b(A#\x1b(B#");
  EXPECT_EQ(t.Line(0), "\u00A3#");
}

TEST(CharsetTest, NonAsciiIsNotTranslated) {
  Term t(10, 1);
  t.Write("\x1b(0\xC3\xA9");
  EXPECT_EQ(t.Line(0), "\u00E9");
}

TEST(CharsetTest, SavedWithCursorAndResetBySoftReset) {
  Term t(10, 1);
  t.Write(
      "\x1b(0\x1b"
      "7\x1b(B\x1b"
      "8q");
  EXPECT_EQ(t.Line(0), "\u2500");
  t.Write("\x1b[!pq");
  EXPECT_EQ(t.Line(0), "\u2500q");
}

TEST(CharsetTest, RepeatUsesTranslatedCharacter) {
  Term t(10, 1);
  t.Write("\x1b(0q\x1b(B\x1b[3b");
  EXPECT_EQ(t.Line(0), "\u2500\u2500\u2500\u2500");
}

}  // namespace
}  // namespace roam::term
