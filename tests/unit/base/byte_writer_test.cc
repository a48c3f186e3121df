#include "base/byte_writer.h"

#include <gtest/gtest.h>

#include "base/byte_reader.h"

namespace roam {
namespace {

TEST(ByteWriterTest, WritesBigEndian) {
  std::string out;
  ByteWriter w(&out);
  w.WriteU16(0x8000);
  w.WriteU64(0x0000000000000001ULL);
  w.WriteBytes("xy");
  EXPECT_EQ(out, std::string("\x80\x00\x00\x00\x00\x00\x00\x00\x00\x01xy", 12));
}

TEST(ByteWriterTest, RoundTripsThroughReader) {
  std::string out;
  ByteWriter w(&out);
  w.WriteU8(7);
  w.WriteU32(0xdeadbeef);
  w.WriteU64(UINT64_MAX);
  ByteReader r(out);
  uint8_t a;
  uint32_t b;
  uint64_t c;
  ASSERT_TRUE(r.ReadU8(&a) && r.ReadU32(&b) && r.ReadU64(&c));
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 0xdeadbeefu);
  EXPECT_EQ(c, UINT64_MAX);
}

}  // namespace
}  // namespace roam
