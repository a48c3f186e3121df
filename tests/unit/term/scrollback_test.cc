// Scrollback: which scrolls are captured (primary screen, top margin at row
// 0), wrap marks and attributes kept, the line limit, memory use, and the
// encoded form round-tripping.

#include "term/scrollback.h"

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

TEST(ScrollbackTest, LinesScrolledOffTheTopAreKept) {
  Term t(5, 2);
  t.Write("one\r\ntwo\r\nthree\r\nfour");
  const Scrollback& sb = t.emu().scrollback();
  ASSERT_EQ(sb.size(), 2u);
  EXPECT_EQ(sb.LineText(0), "one");
  EXPECT_EQ(sb.LineText(1), "two");
}

TEST(ScrollbackTest, SoftWrapMarksAreKept) {
  Term t(3, 2);
  t.Write("abcdefgh");
  const Scrollback& sb = t.emu().scrollback();
  ASSERT_EQ(sb.size(), 1u);
  EXPECT_EQ(sb.LineText(0), "abc");
  EXPECT_TRUE(sb.LineWrapped(0));
}

TEST(ScrollbackTest, RegionWithTopMarginAtZeroIsCaptured) {
  Term t(5, 4);
  t.Write("a\r\nb\r\nc\r\nd\x1b[1;2r\x1b[2;1H\n");
  EXPECT_EQ(t.emu().scrollback().size(), 1u);
  EXPECT_EQ(t.emu().scrollback().LineText(0), "a");
  EXPECT_EQ(t.Line(0), "b");
  EXPECT_EQ(t.Line(2), "c");
}

TEST(ScrollbackTest, RegionNotAtTopAndDeleteLineAreNotCaptured) {
  Term t(5, 4);
  t.Write("a\r\nb\r\nc\r\nd\x1b[2;4r\x1b[4;1H\n\n");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
  t.Write("\x1b[r\x1b[H\x1b[M");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
  t.Write("\x1b[S");  // SU with top margin 0 is captured
  EXPECT_EQ(t.emu().scrollback().size(), 1u);
}

TEST(ScrollbackTest, AttributesAndWideCharactersRoundTrip) {
  Term t(8, 1);
  t.Write(
      "\x1b[1;31mR\x1b[0m\xE4\xB8\x80"
      "e\xCC\x81\x1b[44m  \x1b[0m\r\n");
  ASSERT_EQ(t.emu().scrollback().size(), 1u);
  Row line = t.emu().scrollback().Line(0);
  EXPECT_EQ(line.width(), 8);
  EXPECT_TRUE(line.cell(0).rend.Has(kBold));
  EXPECT_EQ(line.cell(0).rend.fg, PaletteColor(1));
  EXPECT_TRUE(line.cell(1).wide());
  EXPECT_EQ(line.CellText(1), "\xE4\xB8\x80");
  EXPECT_EQ(line.CellText(3), "e\xCC\x81");
  EXPECT_EQ(line.cell(5).rend.bg, PaletteColor(4));
  EXPECT_TRUE(line.cell(6).empty());
}

TEST(ScrollbackTest, OldestLinesAreDroppedAtTheLimit) {
  EmulatorOptions options;
  options.scrollback_lines = 3;
  Term t(5, 1, options);
  for (int i = 0; i < 10; ++i) t.Write(std::to_string(i) + "\r\n");
  const Scrollback& sb = t.emu().scrollback();
  ASSERT_EQ(sb.size(), 3u);
  EXPECT_EQ(sb.LineText(0), "7");
  EXPECT_EQ(sb.LineText(2), "9");
}

TEST(ScrollbackTest, ZeroDisablesCapture) {
  EmulatorOptions options;
  options.scrollback_lines = 0;
  Term t(5, 1, options);
  t.Write("a\r\nb\r\n");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
}

TEST(ScrollbackTest, TenThousandAsciiLinesTakeUnderTwoMiB) {
  Term t(80, 24);
  std::string line(79, 'x');
  for (int i = 0; i < 12000; ++i) t.Write(line + "\r\n");
  const Scrollback& sb = t.emu().scrollback();
  EXPECT_EQ(sb.size(), 10000u);
  EXPECT_LT(sb.MemoryBytes(), 2u * 1024 * 1024);
  EXPECT_EQ(sb.LineText(9999), line);
}

TEST(ScrollbackTest, EraseDisplay3ClearsIt) {
  Term t(5, 1);
  t.Write("a\r\nb\r\n\x1b[3J");
  EXPECT_EQ(t.emu().scrollback().size(), 0u);
}

TEST(ScrollbackTest, EncodedLinesRoundTripThroughPushEncoded) {
  Term t(6, 1);
  t.Write("\x1b[32mab\x1b[0m\xF0\x9F\x98\x80\r\n");
  Scrollback copy(10);
  ASSERT_TRUE(copy.PushEncoded(t.emu().scrollback().EncodedLine(0)));
  EXPECT_TRUE(copy.Line(0) == t.emu().scrollback().Line(0));
  EXPECT_FALSE(copy.PushEncoded("\x05garbage"));
  EXPECT_FALSE(copy.PushEncoded(""));
  EXPECT_EQ(copy.size(), 1u);
}

TEST(ScrollbackTest, SetMaxLinesDropsOldest) {
  Scrollback sb(10);
  Row row(3, kDefaultColor);
  for (int i = 0; i < 8; ++i) {
    row.mutable_cell(0) = Cell(static_cast<char32_t>('0' + i), Rendition());
    sb.Push(row);
  }
  sb.set_max_lines(3);
  ASSERT_EQ(sb.size(), 3u);
  EXPECT_EQ(sb.LineText(0), "5");
  row.mutable_cell(0) = Cell('z', Rendition());
  sb.Push(row);
  EXPECT_EQ(sb.LineText(0), "6");
  EXPECT_EQ(sb.LineText(2), "z");
}

}  // namespace
}  // namespace roam::term
