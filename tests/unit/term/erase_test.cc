// Emulator erasing: ED, EL, ECH and background colour erase (docs/protocol.md §12.3).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;

Term Filled() {
  Term t(5, 3);
  t.Write("abcde\r\nfghij\r\nklmno");
  return t;
}

TEST(EraseTest, EraseInDisplay) {
  Term t = Filled();
  t.Write("\x1b[2;3H\x1b[J");
  EXPECT_THAT(t.Lines(), ElementsAre("abcde", "fg", ""));
  t = Filled();
  t.Write("\x1b[2;3H\x1b[1J");
  EXPECT_THAT(t.Lines(), ElementsAre("", "   ij", "klmno"));
  t = Filled();
  t.Write("\x1b[2;3H\x1b[2J");
  EXPECT_THAT(t.Lines(), ElementsAre("", "", ""));
  EXPECT_EQ(t.Cursor(), std::make_pair(1, 2));  // ED does not move the cursor
}

TEST(EraseTest, EraseInDisplay3KeepsTheScreen) {
  Term t = Filled();
  t.Write("\x1b[3J");
  EXPECT_THAT(t.Lines(), ElementsAre("abcde", "fghij", "klmno"));
}

TEST(EraseTest, EraseInLine) {
  Term t = Filled();
  t.Write("\x1b[2;3H\x1b[K");
  EXPECT_EQ(t.Line(1), "fg");
  t.Write("\x1b[1;3H\x1b[1K");
  EXPECT_EQ(t.Line(0), "   de");
  t.Write("\x1b[3;3H\x1b[2K");
  EXPECT_EQ(t.Line(2), "");
}

TEST(EraseTest, EraseCharacters) {
  Term t = Filled();
  t.Write("\x1b[1;2H\x1b[2X");
  EXPECT_EQ(t.Line(0), "a  de");
  t.Write("\x1b[2;4H\x1b[99X");
  EXPECT_EQ(t.Line(1), "fgh");
  t.Write("\x1b[3;1H\x1b[X");
  EXPECT_EQ(t.Line(2), " lmno");
}

TEST(EraseTest, ErasedCellsAreEmptyNotSpaces) {
  Term t(5, 2);
  t.Write("a b\x1b[1;3H\x1b[K");
  EXPECT_FALSE(t.CellAt(0, 1).empty());  // a printed space
  EXPECT_TRUE(t.CellAt(0, 2).empty());
}

TEST(EraseTest, ErasedCellsTakeOnlyTheBackgroundColour) {
  Term t(5, 2);
  t.Write("abcde\x1b[1;4;31;42m\x1b[1;2H\x1b[K");
  const Cell& c = t.CellAt(0, 3);
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.rend.bg, PaletteColor(2));
  EXPECT_EQ(c.rend.fg, kDefaultColor);
  EXPECT_EQ(c.rend.attrs, 0);
  EXPECT_EQ(t.CellAt(0, 0).rend.bg, kDefaultColor);
}

TEST(EraseTest, EraseDisplayUsesBackgroundForWholeRows) {
  Term t(4, 2);
  t.Write("\x1b[44m\x1b[2J");
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 4; ++c) EXPECT_EQ(t.CellAt(r, c).rend.bg, PaletteColor(4));
  }
}

TEST(EraseTest, ScreenAlignmentFillsWithE) {
  Term t(3, 2);
  t.Write("\x1b[2;2H\x1b#8");
  EXPECT_THAT(t.Lines(), ElementsAre("EEE", "EEE"));
  EXPECT_EQ(t.Cursor(), std::make_pair(1, 1));
}

// Erasing one half of a wide character erases all of it, as xterm does
// (tmux and libvterm show both columns blank as well): a terminal cannot
// show half a character.
TEST(EraseTest, ErasingEitherHalfOfAWideCharacterErasesAllOfIt) {
  // "a中b": 中 in columns 1-2.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\x1b[1;3H\x1b[X", "a  b"},   // ECH on the right half
      {"\x1b[1;2H\x1b[X", "a  b"},   // ECH on the left half
      {"\x1b[1;3H\x1b[K", "a"},      // EL from the right half
      {"\x1b[1;2H\x1b[1K", "   b"},  // EL to the left half
      {"\x1b[1;3H\x1b[1K", "   b"},  // EL to the right half
      {"\x1b[1;3H\x1b[J", "a"},      // ED from the right half
      {"\x1b[1;2H\x1b[1J", "   b"},  // ED to the left half
      {"\x1b[1;1H\x1b[2X", "   b"},  // ECH ending on the left half
  };
  for (const auto& [erase, want] : cases) {
    Term t(6, 1);
    t.Write(
        "a\xe4\xb8\xad"
        "b");
    ASSERT_EQ(t.Line(0),
              "a\xe4\xb8\xad"
              "b");
    t.Write(erase);
    EXPECT_EQ(t.Line(0), want) << erase.substr(1);
    EXPECT_FALSE(t.CellAt(0, 1).wide()) << erase.substr(1);
  }
}

// A stock mosh-server's diffs rely on Mosh's rule (only the cells in range
// are erased), so a replica keeps it (EmulatorOptions::mosh_wide_erase).
TEST(EraseTest, MoshRuleErasesOnlyTheCellsInRange) {
  EmulatorOptions mosh;
  mosh.mosh_wide_erase = true;
  Term t(6, 1, mosh);
  t.Write(
      "a\xe4\xb8\xad"
      "b\x1b[1;3H\x1b[X");
  EXPECT_EQ(t.Line(0),
            "a\xe4\xb8\xad"
            "b");
  EXPECT_TRUE(t.CellAt(0, 1).wide());
  t.Write("\x1b[1;2H\x1b[X");
  EXPECT_EQ(t.Line(0), "a  b");
}

}  // namespace
}  // namespace roam::term
