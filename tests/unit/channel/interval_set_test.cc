// IntervalSet: the half-open range bookkeeping under the send stream,
// checked against a plain bitmap model with seeded random operations.

#include "channel/interval_set.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "base/random.h"

namespace roam::channel {
namespace {

std::vector<std::pair<uint64_t, uint64_t>> Ranges(const IntervalSet& set, uint64_t limit) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  set.ForEachOverlap(0, limit, [&](uint64_t b, uint64_t e) { out.emplace_back(b, e); });
  return out;
}

using RangeList = std::vector<std::pair<uint64_t, uint64_t>>;

TEST(IntervalSetTest, AddMergesTouchingAndOverlappingRanges) {
  IntervalSet s;
  s.Add(10, 20);
  s.Add(30, 40);
  EXPECT_EQ(s.size(), 2u);
  s.Add(20, 30);  // touches both
  EXPECT_EQ(Ranges(s, 100), (RangeList{{10, 40}}));
  s.Add(5, 12);
  s.Add(38, 50);
  EXPECT_EQ(Ranges(s, 100), (RangeList{{5, 50}}));
  s.Add(7, 7);  // empty: nothing
  EXPECT_EQ(s.size(), 1u);
}

TEST(IntervalSetTest, RemoveSplitsAndTrims) {
  IntervalSet s;
  s.Add(0, 100);
  s.Remove(40, 60);
  EXPECT_EQ(Ranges(s, 200), (RangeList{{0, 40}, {60, 100}}));
  s.Remove(0, 10);
  s.Remove(90, 200);
  EXPECT_EQ(Ranges(s, 200), (RangeList{{10, 40}, {60, 90}}));
  s.Remove(30, 70);  // across the gap
  EXPECT_EQ(Ranges(s, 200), (RangeList{{10, 30}, {70, 90}}));
  s.Remove(0, 1000);
  EXPECT_TRUE(s.empty());
}

TEST(IntervalSetTest, ContainsOnlyWhenEveryOffsetIsIn) {
  IntervalSet s;
  s.Add(10, 20);
  s.Add(21, 30);
  EXPECT_TRUE(s.Contains(10, 20));
  EXPECT_TRUE(s.Contains(12, 13));
  EXPECT_FALSE(s.Contains(15, 25));  // 20 is missing
  EXPECT_FALSE(s.Contains(9, 11));
  EXPECT_TRUE(s.Contains(50, 50));  // empty range
}

TEST(IntervalSetTest, ForEachOverlapClipsToTheQuery) {
  IntervalSet s;
  s.Add(0, 10);
  s.Add(20, 30);
  s.Add(40, 50);
  EXPECT_EQ(Ranges(s, 0), RangeList{});
  RangeList seen;
  s.ForEachOverlap(5, 45, [&](uint64_t b, uint64_t e) { seen.emplace_back(b, e); });
  EXPECT_EQ(seen, (RangeList{{5, 10}, {20, 30}, {40, 45}}));
  EXPECT_EQ(s.First(), std::make_pair(uint64_t{0}, uint64_t{10}));
}

TEST(IntervalSetTest, AgreesWithABitmapUnderRandomOperations) {
  constexpr uint64_t kSpan = 300;
  SeededRandom random(42);
  IntervalSet s;
  std::vector<bool> model(kSpan, false);
  for (int step = 0; step < 5000; ++step) {
    const uint64_t a = random.Next() % kSpan;
    const uint64_t b = random.Next() % kSpan;
    const uint64_t begin = std::min(a, b);
    const uint64_t end = std::max(a, b) + (random.Next() % 2);
    if (random.Next() % 2) {
      s.Add(begin, end);
      for (uint64_t i = begin; i < end && i < kSpan; ++i) model[i] = true;
    } else {
      s.Remove(begin, end);
      for (uint64_t i = begin; i < end && i < kSpan; ++i) model[i] = false;
    }
    // Same members, stored as disjoint, non-touching ranges.
    std::vector<bool> seen(kSpan + 1, false);
    uint64_t previous_end = 0;
    bool first = true;
    for (const auto& [rb, re] : Ranges(s, kSpan + 1)) {
      ASSERT_LT(rb, re);
      if (!first) {
        ASSERT_GT(rb, previous_end) << "ranges touch at step " << step;
      }
      first = false;
      previous_end = re;
      for (uint64_t i = rb; i < re; ++i) seen[i] = true;
    }
    for (uint64_t i = 0; i < kSpan; ++i) ASSERT_EQ(seen[i], model[i]) << i << " at step " << step;
  }
}

}  // namespace
}  // namespace roam::channel
