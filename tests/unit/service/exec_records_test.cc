// The records of an exec channel.

#include "service/exec_records.h"

#include <gtest/gtest.h>

namespace roam::service {
namespace {

TEST(ExecRecordsTest, GoldenBytes) {
  std::string out;
  AppendRecord(RecordType::kData, "hi", &out);
  AppendRecord(RecordType::kStderr, "", &out);
  EXPECT_EQ(out, std::string("\x01\x02hi\x02\x00", 6));
  EXPECT_EQ(ExitRecord(3), std::string("\x03\x01\x03", 3));
  EXPECT_EQ(ExitRecord(130), std::string("\x03\x02\x40\x82", 4));
  EXPECT_EQ(WindowRecord(80, 24), std::string("\x04\x03\x40\x50\x18", 5));
  EXPECT_EQ(SignalRecord(2), std::string("\x05\x01\x02", 3));
}

TEST(ExecRecordsTest, ReaderHandsOutWholeRecordsFedInPieces) {
  std::string stream;
  AppendRecord(RecordType::kData, std::string(1000, 'x'), &stream);
  stream += ExitRecord(7);
  RecordReader reader;
  std::vector<Record> got;
  for (char c : stream) {
    reader.Feed(std::string(1, c));
    for (;;) {
      Result<std::optional<Record>> r = reader.Next();
      ASSERT_TRUE(r.ok());
      if (!*r) break;
      got.push_back(std::move(**r));
    }
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].payload, std::string(1000, 'x'));
  EXPECT_EQ(got[1].type, RecordType::kExit);
  EXPECT_EQ(*RecordNumber(got[1].payload), 7u);
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(ExecRecordsTest, UnknownTypesAndOversizedLengthsAreMalformed) {
  RecordReader unknown;
  unknown.Feed(std::string("\x09\x00", 2));
  EXPECT_FALSE(unknown.Next().ok());
  RecordReader huge;
  huge.Feed(std::string("\x01\x80\x02\x00\x00", 5));  // 131072 bytes
  EXPECT_FALSE(huge.Next().ok());
}

TEST(ExecRecordsTest, NumbersMustFillThePayloadExactly) {
  EXPECT_FALSE(RecordNumber("").ok());
  EXPECT_FALSE(RecordNumber(std::string("\x01\x02", 2)).ok());
  EXPECT_FALSE(RecordNumberPair(std::string("\x01", 1)).ok());
  EXPECT_EQ(*RecordNumberPair(std::string("\x40\x50\x18", 3)),
            std::make_pair(uint64_t{80}, uint64_t{24}));
}

}  // namespace
}  // namespace roam::service
