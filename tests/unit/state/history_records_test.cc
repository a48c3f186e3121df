// History records: lines and gaps survive any split of the byte stream, and
// everything malformed is refused.

#include "state/history_records.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "state/history_state.h"
#include "term/scrollback.h"

namespace roam::state {
namespace {

std::string Line(const std::string& text, int width = 20) {
  term::Row row(width, term::kDefaultColor);
  for (size_t i = 0; i < text.size(); ++i) {
    row.mutable_cell(static_cast<int>(i)).set_code_point(static_cast<char32_t>(text[i]));
  }
  row.mutable_cell(0).rend.fg = term::PaletteColor(3);
  std::string out;
  term::EncodeScrollbackLine(row, &out);
  return out;
}

std::vector<HistoryRecord> ReadAll(HistoryRecordReader* reader) {
  std::vector<HistoryRecord> out;
  for (;;) {
    Result<std::optional<HistoryRecord>> r = reader->Next();
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok() || !r->has_value()) return out;
    out.push_back(std::move(**r));
  }
}

// The bytes docs/protocol.md §8.6 and §9.13 give as examples.
TEST(HistoryRecordsTest, TheDocumentedExampleBytes) {
  term::Row row(80, term::kDefaultColor);
  row.mutable_cell(0).set_code_point(U'h');
  row.mutable_cell(1).set_code_point(U'i');
  std::string line;
  term::EncodeScrollbackLine(row, &line);
  EXPECT_EQ(line, std::string("\x50\x00\x02\x02hi\x00", 7));
  std::string record;
  AppendHistoryLine(line, &record);
  EXPECT_EQ(record, std::string("\x01\x07\x50\x00\x02\x02hi\x00", 9));
  std::string gap;
  AppendHistoryGap(2'990'000, &gap);
  // 2,990,000 as a 4-byte varint: 0x80000000 | 0x2D9FB0.
  EXPECT_EQ(gap, std::string("\x02\x04\x80\x2d\x9f\xb0", 6));
}

TEST(HistoryRecordsTest, LinesAndGapsSurviveEverySplit) {
  std::string stream;
  AppendHistoryGap(2'990'000, &stream);
  AppendHistoryLine(Line("one"), &stream);
  AppendHistoryLine(Line(std::string(19, 'z')), &stream);
  AppendHistoryGap(1, &stream);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    HistoryRecordReader reader;
    reader.Feed(stream.substr(0, cut));
    std::vector<HistoryRecord> got = ReadAll(&reader);
    reader.Feed(stream.substr(cut));
    for (HistoryRecord& r : ReadAll(&reader)) got.push_back(std::move(r));
    ASSERT_EQ(got.size(), 4u) << cut;
    EXPECT_EQ(got[0].kind, HistoryRecord::Kind::kGap);
    EXPECT_EQ(got[0].count, 2'990'000u);
    EXPECT_EQ(got[1].kind, HistoryRecord::Kind::kLine);
    EXPECT_EQ(got[1].line, Line("one"));
    EXPECT_EQ(got[2].line, Line(std::string(19, 'z')));
    EXPECT_EQ(got[3].count, 1u);
    EXPECT_EQ(reader.buffered(), 0u);
  }
}

TEST(HistoryRecordsTest, GoldenBytes) {
  std::string stream;
  AppendHistoryGap(300, &stream);
  EXPECT_EQ(stream, std::string("\x02\x02\x41\x2c", 4));
  stream.clear();
  // A plain line "hi" of width 80: width, flags, cells, text length, text, no runs.
  term::Row row(80, term::kDefaultColor);
  row.mutable_cell(0).set_code_point('h');
  row.mutable_cell(1).set_code_point('i');
  std::string encoded;
  term::EncodeScrollbackLine(row, &encoded);
  EXPECT_EQ(encoded, std::string("\x50\x00\x02\x02hi\x00", 7));
  AppendHistoryLine(encoded, &stream);
  EXPECT_EQ(stream, std::string("\x01\x07\x50\x00\x02\x02hi\x00", 9));
}

Status FirstError(const std::string& bytes) {
  HistoryRecordReader reader;
  reader.Feed(bytes);
  for (;;) {
    Result<std::optional<HistoryRecord>> r = reader.Next();
    if (!r.ok()) return r.status();
    if (!r->has_value()) return Status::Ok();
  }
}

TEST(HistoryRecordsTest, MalformedRecordsAreRefused) {
  EXPECT_EQ(FirstError(std::string("\x03\x00", 2)).code(), StatusCode::kMalformed) << "type";
  EXPECT_EQ(FirstError(std::string("\x00\x00", 2)).code(), StatusCode::kMalformed) << "type 0";
  EXPECT_EQ(FirstError(std::string("\x01\x80\x04\x00\x01", 5)).code(), StatusCode::kMalformed)
      << "too long";
  EXPECT_EQ(FirstError(std::string("\x02\x02\x01\x01", 4)).code(), StatusCode::kMalformed)
      << "gap with a trailing byte";
  EXPECT_EQ(FirstError(std::string("\x02\x01\x00", 3)).code(), StatusCode::kMalformed)
      << "gap of zero";
  EXPECT_EQ(FirstError(std::string("\x02\x00", 2)).code(), StatusCode::kMalformed)
      << "gap without a count";
  EXPECT_EQ(FirstError(std::string("\x01\x03\x50\x00\x05", 5)).code(), StatusCode::kMalformed)
      << "line that does not decode";
  std::string wide;
  AppendHistoryLine(Line("w", kMaxHistoryLineWidth + 1), &wide);
  EXPECT_EQ(FirstError(wide).code(), StatusCode::kMalformed) << "line too wide";
}

TEST(HistoryRecordsTest, AnIncompleteRecordWaits) {
  EXPECT_TRUE(FirstError(std::string("\x01\x40", 2)).ok());
  EXPECT_TRUE(FirstError(std::string("\x01", 1)).ok());
}

}  // namespace
}  // namespace roam::state
