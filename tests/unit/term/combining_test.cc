// Emulator combining characters (docs/protocol.md §12.3): appended to the last printed
// cell, fallback cells, the 32-byte limit, wide characters.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using ::testing::ElementsAre;
using testing::Term;
using P = std::pair<int, int>;

TEST(CombiningTest, AppendsToLastPrintedCell) {
  Term t(5, 1);
  t.Write("e\xCC\x81x");
  EXPECT_EQ(t.fb().row(0).CellText(0), "e\xCC\x81");
  EXPECT_EQ(t.fb().row(0).CellText(1), "x");
  EXPECT_EQ(t.Cursor(), P(0, 2));
}

TEST(CombiningTest, AppendsEvenWithPendingWrap) {
  Term t(2, 2);
  t.Write("ab\xCC\x81");
  EXPECT_EQ(t.fb().row(0).CellText(1), "b\xCC\x81");
  EXPECT_TRUE(t.ds().next_print_will_wrap);
}

TEST(CombiningTest, OnEmptyCellStartsFallbackCell) {
  Term t(5, 1);
  t.Write(
      "\xCC\x81"
      "a");
  EXPECT_TRUE(t.CellAt(0, 0).fallback());
  EXPECT_EQ(t.fb().row(0).CellText(0), "\xCC\x81");
  EXPECT_EQ(t.fb().row(0).CellText(1), "a");
}

TEST(CombiningTest, AfterCursorMoveTargetsCellUnderCursor) {
  Term t(5, 1);
  t.Write("ab\x1b[1;1H\xCC\x81");
  EXPECT_EQ(t.fb().row(0).CellText(0), "a\xCC\x81");
  EXPECT_EQ(t.Cursor(), P(0, 0));
}

TEST(CombiningTest, ErasedCombiningCellBecomesFallback) {
  Term t(5, 1);
  t.Write("a\x1b[1K\xCC\x81");  // EL 1 erased 'a'; cursor is at column 1
  EXPECT_TRUE(t.CellAt(0, 0).fallback());
  EXPECT_EQ(t.Cursor(), P(0, 2));
}

TEST(CombiningTest, CellTextIsLimitedTo32Bytes) {
  Term t(5, 1);
  std::string s = "a";
  for (int i = 0; i < 40; ++i) s += "\xCC\x81";
  t.Write(s);
  std::string text = t.fb().row(0).CellText(0);
  EXPECT_LE(text.size(), 32u);
  EXPECT_EQ(text.size(), 31u);  // 'a' + 15 two-byte marks
}

TEST(CombiningTest, WideCharacterWithVariationSelectorAndZwj) {
  Term t(6, 1);
  t.Write("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9x");  // man ZWJ woman x
  // ZWJ combines; the second emoji is a new wide cell (no grapheme joining).
  EXPECT_EQ(t.fb().row(0).CellText(0), "\xF0\x9F\x91\xA8\xE2\x80\x8D");
  EXPECT_TRUE(t.CellAt(0, 0).wide());
  EXPECT_EQ(t.fb().row(0).CellText(2), "\xF0\x9F\x91\xA9");
  EXPECT_EQ(t.fb().row(0).CellText(4), "x");
}

TEST(CombiningTest, WideCharacterClearsCellToItsRight) {
  Term t(4, 1);
  t.Write("abcd\x1b[1;2H\xE4\xB8\x80");
  EXPECT_EQ(t.Line(0),
            "a\xE4\xB8\x80"
            "d");
  EXPECT_TRUE(t.CellAt(0, 2).empty());
}

TEST(CombiningTest, UnprintableCharactersAreIgnored) {
  Term t(4, 1);
  t.Write(
      "a\xCD\xB8"
      "b");  // U+0378 unassigned
  EXPECT_EQ(t.Line(0), "ab");
}

TEST(CombiningTest, ManyCombiningEditsKeepRowClusterTableBounded) {
  Term t(4, 1);
  for (int i = 0; i < 1000; ++i) t.Write("\x1b[1;1Ha\xCC\x81");
  EXPECT_LE(t.fb().row(0).clusters().size(), 2u * 4 + 8 + 1);
  EXPECT_EQ(t.fb().row(0).CellText(0), "a\xCC\x81");
}

}  // namespace
}  // namespace roam::term
