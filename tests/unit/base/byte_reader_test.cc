#include "base/byte_reader.h"

#include <gtest/gtest.h>

namespace roam {
namespace {

TEST(ByteReaderTest, ReadsBigEndianIntegers) {
  ByteReader r(
      std::string_view("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 15));
  uint8_t a;
  uint16_t b;
  uint32_t c;
  uint64_t d;
  ASSERT_TRUE(r.ReadU8(&a));
  ASSERT_TRUE(r.ReadU16(&b));
  ASSERT_TRUE(r.ReadU32(&c));
  ASSERT_TRUE(r.ReadU64(&d));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0203);
  EXPECT_EQ(c, 0x04050607u);
  EXPECT_EQ(d, 0x08090a0b0c0d0e0fULL);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, ShortReadFailsWithoutMovingTheCursor) {
  ByteReader r(std::string_view("\xff\xfe\xfd", 3));
  uint32_t v = 42;
  EXPECT_FALSE(r.ReadU32(&v));
  EXPECT_EQ(v, 42u);
  EXPECT_EQ(r.position(), 0u);
  uint16_t w;
  EXPECT_TRUE(r.ReadU16(&w));
  EXPECT_EQ(w, 0xfffe);
  std::string_view rest;
  EXPECT_FALSE(r.ReadBytes(2, &rest));
  EXPECT_TRUE(r.ReadBytes(1, &rest));
  EXPECT_EQ(rest, "\xfd");
}

TEST(ByteReaderTest, ReadRestEmptiesTheReader) {
  ByteReader r("abcdef");
  uint8_t x;
  ASSERT_TRUE(r.ReadU8(&x));
  EXPECT_EQ(r.ReadRest(), "bcdef");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.ReadRest(), "");
}

}  // namespace
}  // namespace roam
