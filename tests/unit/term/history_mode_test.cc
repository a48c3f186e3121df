// History mode: the emulator keeps its scrollback the way tmux does (the
// rules a roam server follows when its client writes the history into the
// user's own terminal), numbered lines, and the records of what erased or
// resized the history.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "term/emulator.h"
#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

EmulatorOptions HistoryMode() {
  EmulatorOptions options;
  options.history_mode = true;
  return options;
}

std::vector<std::string> History(const Emulator& e) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < e.scrollback().size(); ++i) lines.push_back(e.scrollback().LineText(i));
  return lines;
}

using Lines = std::vector<std::string>;

TEST(ScrollbackNumberingTest, NumbersKeepCountingAcrossDropsAndClears) {
  EmulatorOptions options;
  options.scrollback_lines = 2;
  Term t(5, 1, options);
  t.Write("a\r\nb\r\nc\r\nd");
  const Scrollback& sb = t.emu().scrollback();
  EXPECT_EQ(sb.end_number(), 3u);
  EXPECT_EQ(sb.first_number(), 1u);
  EXPECT_EQ(sb.LineText(0), "b");
  t.Write("\x1b[3J");
  EXPECT_EQ(sb.size(), 0u);
  EXPECT_EQ(sb.first_number(), 3u);
  t.Write("\r\ne");
  EXPECT_EQ(sb.end_number(), 4u);
  EXPECT_EQ(sb.first_number(), 3u);
  EXPECT_EQ(sb.LineText(0), "d");
}

TEST(HistoryModeTest, EraseDisplayScrollsTheScreenDownToItsLastUsedRowIntoTheHistory) {
  Term t(10, 5, HistoryMode());
  t.Write("one\r\ntwo\r\nthree\x1b[2J");
  EXPECT_EQ(History(t.emu()), (Lines{"one", "two", "three"}));
  EXPECT_EQ(t.Lines(), (Lines{"", "", "", "", ""}));
  EXPECT_EQ(t.Cursor(), (std::pair<int, int>{2, 5}));  // the cursor stays
}

TEST(HistoryModeTest, EraseBelowFromHomeIsAWholeScreenClear) {
  Term t(10, 5, HistoryMode());
  t.Write("one\r\ntwo\x1b[H\x1b[J");
  EXPECT_EQ(History(t.emu()), (Lines{"one", "two"}));
  t.Write("x\r\ny\x1b[1;2H\x1b[J");  // not from home: a plain erase
  EXPECT_EQ(History(t.emu()), (Lines{"one", "two"}));
  EXPECT_EQ(t.Lines(), (Lines{"x", "", "", "", ""}));
}

TEST(HistoryModeTest, BlankScreenClearAddsNothing) {
  Term t(10, 5, HistoryMode());
  t.Write("\x1b[2J\x1b[H\x1b[J");
  EXPECT_EQ(t.emu().scrollback().end_number(), 0u);
}

TEST(HistoryModeTest, FullResetScrollsTheScreenIntoTheHistory) {
  Term t(10, 5, HistoryMode());
  t.Write(
      "a\r\nb\x1b"
      "c");
  EXPECT_EQ(History(t.emu()), (Lines{"a", "b"}));
}

TEST(HistoryModeTest, ClearCommandLeavesAnEmptyHistory) {
  // `clear`: home, erase the screen (into the history), erase the history.
  Term t(10, 3, HistoryMode());
  t.Write("1\r\n2\r\n3\r\n4\x1b[H\x1b[2J\x1b[3J");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
  EXPECT_EQ(t.emu().scrollback_erase_count(), 1u);
  EXPECT_EQ(t.emu().scrollback_erased_below(), t.emu().scrollback().end_number());
  EXPECT_EQ(t.emu().scrollback().end_number(), 4u);  // "1", then "2" "3" "4" by the clear
}

TEST(HistoryModeTest, AlternateScreenNeitherClearsIntoNorErasesTheHistory) {
  Term t(10, 3, HistoryMode());
  t.Write("1\r\n2\r\n3\r\n4");
  t.Write("\x1b[?1049h\x1b[2Jvim\r\n\x1b[3J\x1b[2J\x1b[?1049l");
  EXPECT_EQ(History(t.emu()), (Lines{"1"}));
  EXPECT_EQ(t.emu().scrollback_erase_count(), 0u);
}

TEST(HistoryModeTest, OffKeepsMoshRules) {
  Term t(10, 3);
  t.Write("1\r\n2\r\n3\x1b[2J");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
  t.Write("\x1b[3;1Hx");
  t.emu().Resize(10, 2);
  EXPECT_EQ(t.Lines(), (Lines{"", ""}));  // the bottom row (and cursor row) cut off
  EXPECT_TRUE(t.emu().resize_pushes().empty());
}

TEST(HistoryModeTest, ShrinkWithTheCursorAtTheBottomScrollsTopRowsIntoTheHistory) {
  Term t(10, 5, HistoryMode());
  t.Write("1\r\n2\r\n3\r\n4\r\n$ ");
  t.emu().Resize(10, 3);
  EXPECT_EQ(History(t.emu()), (Lines{"1", "2"}));
  EXPECT_EQ(t.Lines(), (Lines{"3", "4", "$"}));
  EXPECT_EQ(t.Cursor(), (std::pair<int, int>{2, 2}));
  ASSERT_EQ(t.emu().resize_pushes().size(), 1u);
  EXPECT_EQ(t.emu().resize_pushes()[0], (LineRange{0, 2}));
}

TEST(HistoryModeTest, ShrinkDropsRowsBelowTheCursorFirst) {
  // As tmux: whatever the rows below the cursor hold.
  Term t(10, 5, HistoryMode());
  t.Write("1\r\n2\r\n3\r\n4\r\n5\x1b[2;1H");
  t.emu().Resize(10, 3);
  EXPECT_EQ(t.Lines(), (Lines{"1", "2", "3"}));
  EXPECT_EQ(t.emu().scrollback().end_number(), 0u);
  t.emu().Resize(10, 1);  // one row below the cursor, then one off the top
  EXPECT_EQ(t.Lines(), (Lines{"2"}));
  EXPECT_EQ(History(t.emu()), (Lines{"1"}));
  EXPECT_EQ(t.emu().resize_pushes().back(), (LineRange{0, 1}));
}

TEST(HistoryModeTest, GrowAddsBlankRowsAtTheBottom) {
  Term t(10, 2, HistoryMode());
  t.Write("1\r\n2\r\n3");
  t.emu().Resize(10, 4);
  EXPECT_EQ(t.Lines(), (Lines{"2", "3", "", ""}));
  EXPECT_EQ(History(t.emu()), (Lines{"1"}));
}

TEST(HistoryModeTest, ResizePushesKeepTheMostRecentRanges) {
  Term t(4, 30, HistoryMode());
  for (int i = 0; i < 40; ++i) t.Write("x\r\n");
  int rows = 30;
  for (size_t i = 0; i < Emulator::kResizePushesKept + 3; ++i) t.emu().Resize(4, --rows);
  const std::vector<LineRange>& pushes = t.emu().resize_pushes();
  ASSERT_EQ(pushes.size(), Emulator::kResizePushesKept);
  EXPECT_EQ(pushes.back().end, t.emu().scrollback().end_number());
  for (size_t i = 1; i < pushes.size(); ++i) EXPECT_EQ(pushes[i].first, pushes[i - 1].end);
}

}  // namespace
}  // namespace roam::term
