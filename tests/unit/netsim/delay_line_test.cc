// DelayLine: packets leave at their time, earliest first, ties in arrival
// order, and the bounds refuse what would not fit.

#include "netsim/delay_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roam::netsim {
namespace {

using std::chrono::milliseconds;

class DelayLineTest : public ::testing::Test {
 protected:
  // Pushes `bytes` due `ms` after the start.
  bool Push(int ms, std::string bytes, LinkDirection d = LinkDirection::kUp) {
    return line_.Push(start_ + milliseconds(ms), d, std::move(bytes));
  }
  // Everything due `ms` after the start, in the order it leaves.
  std::vector<std::string> DueAt(int ms) {
    std::vector<std::string> out;
    while (std::optional<DelayLine::Packet> p = line_.PopDue(start_ + milliseconds(ms))) {
      out.push_back(p->bytes);
    }
    return out;
  }

  TimePoint start_ = FromMillis(1'000'000);
  DelayLine line_{4, 100};
};

TEST_F(DelayLineTest, NothingLeavesBeforeItsTime) {
  ASSERT_TRUE(Push(10, "a"));
  EXPECT_EQ(line_.NextDeadline(), start_ + milliseconds(10));
  EXPECT_TRUE(DueAt(9).empty());
  EXPECT_EQ(DueAt(10), std::vector<std::string>{"a"});
  EXPECT_EQ(line_.NextDeadline(), kNever);
}

TEST_F(DelayLineTest, EarliestFirstWhateverThePushOrder) {
  ASSERT_TRUE(Push(30, "late"));
  ASSERT_TRUE(Push(10, "early"));
  ASSERT_TRUE(Push(20, "middle"));
  EXPECT_EQ(DueAt(100), (std::vector<std::string>{"early", "middle", "late"}));
}

TEST_F(DelayLineTest, SameTimeLeavesInArrivalOrder) {
  // A link with no delay must not reorder, and a duplicate follows its original.
  ASSERT_TRUE(Push(0, "1"));
  ASSERT_TRUE(Push(0, "2"));
  ASSERT_TRUE(Push(0, "2"));
  ASSERT_TRUE(Push(0, "3"));
  EXPECT_EQ(DueAt(0), (std::vector<std::string>{"1", "2", "2", "3"}));
}

TEST_F(DelayLineTest, KeepsTheDirection) {
  ASSERT_TRUE(Push(1, "up", LinkDirection::kUp));
  ASSERT_TRUE(Push(2, "down", LinkDirection::kDown));
  std::optional<DelayLine::Packet> p = line_.PopDue(start_ + milliseconds(5));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->direction, LinkDirection::kUp);
  p = line_.PopDue(start_ + milliseconds(5));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->direction, LinkDirection::kDown);
  EXPECT_EQ(p->at, start_ + milliseconds(2));
}

TEST_F(DelayLineTest, RefusesBeyondThePacketBound) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Push(i, "x"));
  EXPECT_FALSE(Push(9, "one too many"));
  EXPECT_EQ(line_.overflows(), 1u);
  EXPECT_EQ(line_.packets(), 4u);
  DueAt(0);  // one leaves: room for one more
  EXPECT_TRUE(Push(9, "fits now"));
}

TEST_F(DelayLineTest, RefusesBeyondTheByteBound) {
  ASSERT_TRUE(Push(1, std::string(60, 'a')));
  EXPECT_FALSE(Push(1, std::string(41, 'b')));
  EXPECT_TRUE(Push(1, std::string(40, 'c')));
  EXPECT_EQ(line_.bytes(), 100u);
  EXPECT_EQ(line_.overflows(), 1u);
  DueAt(1);
  EXPECT_EQ(line_.bytes(), 0u);
}

}  // namespace
}  // namespace roam::netsim
