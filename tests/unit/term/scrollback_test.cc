// Scrollback: which scrolls are captured (primary screen, top margin at row
// 0), wrap marks and attributes kept, the line limit, memory use, the
// encoded form round-tripping, and the fast paths (plain ASCII lines, the
// printing of ASCII runs, the rows' known-plain prefix) agreeing with the
// general ones.

#include "term/scrollback.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/random.h"
#include "random_terminal_input.h"
#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::RandomTerminalInput;
using testing::Term;

// Whether cells [0, row.plain_ascii()) really are plain ASCII.
bool PlainPrefixHolds(const Row& row) {
  for (int c = 0; c < row.plain_ascii(); ++c) {
    const Cell& cell = row.cell(c);
    if (cell.raw_bits() < 0x20 || cell.raw_bits() >= 0x80 || !cell.rend.IsDefault()) return false;
  }
  return true;
}

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

TEST(ScrollbackTest, TenThousandFullWidthVariedLinesTakeUnderTwoMiB) {
  // Every line fills all 80 columns, and no two neighbours are alike.
  Term t(80, 24);
  std::string last;
  for (int i = 0; i < 12000; ++i) {
    std::string line;
    for (int c = 0; c < 80; ++c) line += static_cast<char>(' ' + (i * 7 + c * 13) % 95);
    t.Write(line + "\r\n");
    if (i == 12000 - 24) last = line;  // the newest line in the scrollback
  }
  const Scrollback& sb = t.emu().scrollback();
  EXPECT_EQ(sb.size(), 10000u);
  EXPECT_LT(sb.MemoryBytes(), 2u * 1024 * 1024);
  EXPECT_EQ(sb.LineText(9999), last);
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

// A row of `length` plain ASCII cells (stored through cell_data(), so
// that the row knows them plain when `noted`), then cell `odd` replaced by
// `odd_cell` when odd >= 0.
Row PlainRow(int width, int length, bool noted, int odd, const Cell& odd_cell) {
  Row row(width, kDefaultColor);
  for (int c = 0; c < length; ++c) {
    row.cell_data()[c] = Cell(static_cast<char32_t>('!' + (c * 7) % 94), Rendition());
  }
  row.NoteWritten(0, length, noted);
  if (odd >= 0) row.mutable_cell(odd) = odd_cell;
  return row;
}

TEST(ScrollbackTest, EveryLineLengthAndOddCellPositionRoundTrips) {
  Rendition red;
  red.fg = PaletteColor(1);
  Rendition linked;
  linked.link = 3;
  Cell wide(0x4E00, Rendition());
  wide.set_wide(true);
  const std::vector<Cell> odd_cells = {
      Cell(0x7F, Rendition()), Cell(0x80, Rendition()),
      Cell(0xE9, Rendition()), wide,
      Cell(Rendition()),       Cell('x', red),
      Cell('y', linked),       Cell::Blank(PaletteColor(4)),
  };
  for (int width : {1, 3, 8, 9, 16, 17, 33, 80}) {
    for (int length = 0; length <= width; ++length) {
      for (bool noted : {false, true}) {
        for (int odd = -1; odd < length; ++odd) {
          for (const Cell& odd_cell : odd_cells) {
            const Row row = PlainRow(width, length, noted, odd, odd_cell);
            ASSERT_TRUE(PlainPrefixHolds(row));
            Scrollback sb(4);
            sb.Push(row);
            ASSERT_TRUE(sb.Line(0) == row)
                << "width " << width << " length " << length << " odd " << odd;
            std::string encoded;
            EncodeScrollbackLine(row, &encoded);
            EXPECT_EQ(encoded, sb.EncodedLine(0));
            if (odd == -1) break;  // one pass is enough without an odd cell
          }
        }
      }
    }
  }
}

TEST(ScrollbackTest, PlainAsciiLinesAreStoredAsTheirText) {
  Term t(80, 1);
  t.Write("hello, world\r\n");
  ASSERT_EQ(t.emu().scrollback().size(), 1u);
  // width 80, not wrapped, 12 cells, 12 bytes of text, the text, no runs.
  EXPECT_EQ(t.emu().scrollback().EncodedLine(0),
            std::string("\x50\x00\x0c\x0chello, world\x00", 17));
}

TEST(ScrollbackTest, RowsKnowOnlyTrulyPlainPrefixes) {
  Row row = PlainRow(10, 8, true, -1, Cell());
  EXPECT_EQ(row.plain_ascii(), 8);
  row.mutable_cell(5).rend.fg = PaletteColor(2);
  EXPECT_EQ(row.plain_ascii(), 5);
  row.NoteWritten(5, 9, true);
  EXPECT_EQ(row.plain_ascii(), 9);
  row.NoteWritten(2, 3, false);
  EXPECT_EQ(row.plain_ascii(), 2);
  row.NoteWritten(4, 6, true);  // not adjoining the prefix: no change
  EXPECT_EQ(row.plain_ascii(), 2);
  row.InsertCells(1, 1, kDefaultColor);
  EXPECT_EQ(row.plain_ascii(), 1);
  row = PlainRow(10, 8, true, -1, Cell());
  row.DeleteCells(3, 1, kDefaultColor);
  EXPECT_EQ(row.plain_ascii(), 3);
  row.ResetRange(2, 4, kDefaultColor);
  EXPECT_EQ(row.plain_ascii(), 2);
  row.Resize(1, kDefaultColor);
  EXPECT_EQ(row.plain_ascii(), 1);
  row.mutable_cells();
  EXPECT_EQ(row.plain_ascii(), 0);
  row = PlainRow(10, 8, true, -1, Cell());
  row.Reset(kDefaultColor);
  EXPECT_EQ(row.plain_ascii(), 0);
}

// Random output; after each piece, every row's known-plain prefix must
// hold, and (when a scroll would be captured) the line a scroll pushes
// must decode to the row that left the screen.
TEST(ScrollbackTest, CapturedLinesEqualTheRowsThatScrolledOff) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SeededRandom rng(seed);
    RandomTerminalInput input(&rng);
    Emulator emu(23 + static_cast<int>(seed) * 7, 6);
    int checked = 0;
    for (int step = 0; step < 400; ++step) {
      input.Apply(&emu, 1, 90, 8);
      const Framebuffer& fb = emu.fb();
      for (int r = 0; r < fb.height(); ++r) ASSERT_TRUE(PlainPrefixHolds(fb.row(r)));
      // Every third step returns to the primary screen without margins, so
      // that the check below runs often.
      if (step % 3 == 0) emu.Write("\x1b[?47l\x1b[r");
      const DrawState& d = fb.ds();
      if (d.alternate_screen || d.scroll_top != 0 || d.scroll_bottom != d.height - 1) continue;
      ++checked;
      const Row leaving = fb.row(0);
      emu.Write("\x1b[" + std::to_string(d.height) + ";1H\n");
      const Scrollback& sb = emu.scrollback();
      ASSERT_GT(sb.size(), 0u);
      ASSERT_TRUE(sb.Line(sb.size() - 1) == leaving) << "seed " << seed << " step " << step;
    }
    EXPECT_GT(checked, 150);
  }
}

// The same output written whole, byte by byte and in random pieces gives
// the same screen and scrollback (the ASCII fast path stores runs of any
// length, cut anywhere).
TEST(ScrollbackTest, OutputSplitDoesNotMatter) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SeededRandom rng(seed);
    RandomTerminalInput input(&rng);
    std::string output;
    for (int i = 0; i < 300; ++i) output += input.Chunk(37, 9);
    for (int i = 0; i < 40; ++i)
      output += std::string(static_cast<size_t>(i * 3), 'a' + i % 26) + "\r\n";
    Emulator whole(37, 9);
    Emulator bytes(37, 9);
    Emulator pieces(37, 9);
    whole.Write(output);
    for (char c : output) bytes.Write(std::string_view(&c, 1));
    for (size_t at = 0; at < output.size();) {
      const size_t n = std::min(output.size() - at, static_cast<size_t>(1 + rng.Next() % 40));
      pieces.Write(std::string_view(output).substr(at, n));
      at += n;
    }
    EXPECT_TRUE(whole.fb() == bytes.fb()) << "seed " << seed;
    EXPECT_TRUE(whole.fb() == pieces.fb()) << "seed " << seed;
    ASSERT_EQ(whole.scrollback().size(), bytes.scrollback().size());
    ASSERT_EQ(whole.scrollback().size(), pieces.scrollback().size());
    for (size_t i = 0; i < whole.scrollback().size(); ++i) {
      EXPECT_EQ(whole.scrollback().EncodedLine(i), bytes.scrollback().EncodedLine(i));
      EXPECT_EQ(whole.scrollback().EncodedLine(i), pieces.scrollback().EncodedLine(i));
    }
  }
}

}  // namespace
}  // namespace roam::term
