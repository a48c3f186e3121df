// Datagram: the 4-byte timestamp header in front of the payload.

#include "net/datagram.h"

#include <gtest/gtest.h>

namespace roam::net {
namespace {

TEST(DatagramTest, EncodesBigEndianHeaderThenPayload) {
  Datagram d{0x403f, kTimestampNone, "fragment!!"};
  EXPECT_EQ(d.Encode(), std::string("\x40\x3f\xff\xff", 4) + "fragment!!");
}

TEST(DatagramTest, DecodesTheCapturedServerHeader) {
  // docs/protocol.md §15: the server's first plaintext starts 4041 403f.
  Result<Datagram> d = Datagram::Decode(std::string("\x40\x41\x40\x3f", 4) + "xyz");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->timestamp, 0x4041);
  EXPECT_EQ(d->timestamp_reply, 0x403f);
  EXPECT_EQ(d->payload, "xyz");
}

TEST(DatagramTest, RoundTrips) {
  Datagram d{1, 2, std::string(1200, '\0')};
  Result<Datagram> back = Datagram::Decode(d.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->timestamp, 1);
  EXPECT_EQ(back->timestamp_reply, 2);
  EXPECT_EQ(back->payload, d.payload);
}

TEST(DatagramTest, HeaderOnlyIsAnEmptyPayload) {
  Result<Datagram> d = Datagram::Decode(std::string(4, '\0'));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->payload.empty());
}

TEST(DatagramTest, ShorterThanHeaderIsMalformed) {
  for (size_t n = 0; n < 4; ++n) {
    Result<Datagram> d = Datagram::Decode(std::string(n, '\x01'));
    ASSERT_FALSE(d.ok()) << n;
    EXPECT_EQ(d.status().code(), StatusCode::kMalformed);
  }
}

}  // namespace
}  // namespace roam::net
