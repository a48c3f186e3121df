#include "base/random.h"

#include <gtest/gtest.h>

namespace roam {
namespace {

TEST(RandomTest, SeededIsDeterministic) {
  SeededRandom a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    uint64_t va = a.Next();
    EXPECT_EQ(va, b.Next());
    (void)c;
  }
  SeededRandom d(42), e(43);
  EXPECT_NE(d.Next(), e.Next());
}

TEST(RandomTest, UniformStaysInBounds) {
  SeededRandom r(1);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    uint64_t v = r.Uniform(3);
    ASSERT_LT(v, 3u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_GT(c, 800);
}

TEST(RandomTest, ChanceMatchesProbability) {
  SeededRandom r(7);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += r.Chance(0.3);
  EXPECT_NEAR(hits, 3000, 300);
  EXPECT_FALSE(r.Chance(0));
  EXPECT_TRUE(r.Chance(1));
}

}  // namespace
}  // namespace roam
