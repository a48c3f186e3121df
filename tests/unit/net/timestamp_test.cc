// 16-bit timestamps: modulo 65536, 0xFFFF reserved, differences wrap.

#include "net/timestamp.h"

#include <gtest/gtest.h>

namespace roam::net {
namespace {

TEST(TimestampTest, IsMillisecondsModulo65536) {
  EXPECT_EQ(Timestamp16(FromMillis(0)), 0);
  EXPECT_EQ(Timestamp16(FromMillis(1234)), 1234);
  EXPECT_EQ(Timestamp16(FromMillis(65536 + 7)), 7);
  EXPECT_EQ(Timestamp16(FromMillis(3 * 65536 + 65534)), 65534);
  // Sub-millisecond parts are truncated.
  EXPECT_EQ(Timestamp16(FromMillis(5) + std::chrono::microseconds(999)), 5);
}

TEST(TimestampTest, NeverProducesTheNoneValue) {
  EXPECT_EQ(Timestamp16(FromMillis(65535)), 0);
  EXPECT_EQ(Timestamp16(FromMillis(2 * 65536 + 65535)), 0);
}

TEST(TimestampTest, DiffWrapsAround) {
  EXPECT_EQ(TimestampDiff(100, 40), 60);
  EXPECT_EQ(TimestampDiff(5, 65530), 11);
  EXPECT_EQ(TimestampDiff(0, 0), 0);
  EXPECT_EQ(TimestampDiff(40, 100), 65476);  // "in the future" reads as huge
}

}  // namespace
}  // namespace roam::net
