// PortRange::Parse: the `-p` forms mosh-server accepts.

#include "net/port_range.h"

#include <gtest/gtest.h>

namespace roam::net {
namespace {

TEST(PortRangeTest, DefaultIsTheMoshRange) {
  PortRange r;
  EXPECT_EQ(r.low, 60001);
  EXPECT_EQ(r.high, 60999);
}

TEST(PortRangeTest, SinglePort) {
  EXPECT_EQ(*PortRange::Parse("60001"), (PortRange{60001, 60001}));
  EXPECT_EQ(*PortRange::Parse("0"), (PortRange{0, 0}));
  EXPECT_EQ(*PortRange::Parse("65535"), (PortRange{65535, 65535}));
  EXPECT_EQ(*PortRange::Parse("00080"), (PortRange{80, 80}));
}

TEST(PortRangeTest, Range) {
  EXPECT_EQ(*PortRange::Parse("60000:61000"), (PortRange{60000, 61000}));
  EXPECT_EQ(*PortRange::Parse("1:65535"), (PortRange{1, 65535}));
  EXPECT_EQ(*PortRange::Parse("5000:5000"), (PortRange{5000, 5000}));
}

TEST(PortRangeTest, RejectsBadValuesWithClearMessages) {
  const char* bad[] = {"",   "abc", "-1",   "+5",   "65536",   "99999999", " 1",  "1 ",  "1:",
                       ":2", ":",   "0:10", "10:9", "1:65536", "1:2:3",    "1.5", "0x10"};
  for (const char* text : bad) {
    Result<PortRange> r = PortRange::Parse(text);
    ASSERT_FALSE(r.ok()) << "'" << text << "'";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(std::string("'") + text + "'"), std::string::npos)
        << r.status().message();
  }
  EXPECT_EQ(PortRange::Parse("10:9").status().message(),
            "bad port '10:9': the low port is above the high port");
  EXPECT_EQ(PortRange::Parse("0:10").status().message(),
            "bad port '0:10': a range cannot start at port 0");
  EXPECT_EQ(PortRange::Parse("70000").status().message(),
            "bad port '70000': must be a number from 0 to 65535");
}

}  // namespace
}  // namespace roam::net
