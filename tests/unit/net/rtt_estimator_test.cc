// RttEstimator: every rule of docs/protocol.md §2.3.

#include "net/rtt_estimator.h"

#include <gtest/gtest.h>

namespace roam::net {
namespace {

TEST(RttEstimatorTest, StartsAtOneSecond) {
  RttEstimator e;
  EXPECT_FALSE(e.has_sample());
  EXPECT_EQ(e.srtt_ms(), 1000);
  EXPECT_EQ(e.rttvar_ms(), 500);
  EXPECT_EQ(e.rto(), Millis(1000));           // 1000 + 4*500 clamped to 1000
  EXPECT_EQ(e.send_interval(), Millis(250));  // 500 clamped to 250
}

TEST(RttEstimatorTest, FirstSampleSetsSrttAndHalfOfItAsRttvar) {
  RttEstimator e;
  e.AddSample(100);
  EXPECT_TRUE(e.has_sample());
  EXPECT_EQ(e.srtt_ms(), 100);
  EXPECT_EQ(e.rttvar_ms(), 50);
  EXPECT_EQ(e.rto(), Millis(300));
  EXPECT_EQ(e.send_interval(), Millis(50));
}

TEST(RttEstimatorTest, LaterSamplesSmoothWithOldSrttInRttvar) {
  RttEstimator e;
  e.AddSample(100);
  e.AddSample(200);
  // RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5 (uses the SRTT before this sample)
  EXPECT_DOUBLE_EQ(e.rttvar_ms(), 62.5);
  // SRTT = 7/8*100 + 1/8*200 = 112.5
  EXPECT_DOUBLE_EQ(e.srtt_ms(), 112.5);
  e.AddSample(0);
  EXPECT_DOUBLE_EQ(e.rttvar_ms(), 0.75 * 62.5 + 0.25 * 112.5);
  EXPECT_DOUBLE_EQ(e.srtt_ms(), 0.875 * 112.5);
}

TEST(RttEstimatorTest, SamplesOfFiveSecondsOrMoreAreIgnored) {
  RttEstimator e;
  e.AddSample(5000);
  EXPECT_FALSE(e.has_sample());
  EXPECT_EQ(e.srtt_ms(), 1000);
  e.AddSample(4999);
  EXPECT_TRUE(e.has_sample());
  EXPECT_EQ(e.srtt_ms(), 4999);
  e.AddSample(12000);  // a stopped process
  e.AddSample(65535);
  EXPECT_EQ(e.srtt_ms(), 4999);
  EXPECT_EQ(e.rttvar_ms(), 4999.0 / 2);
}

TEST(RttEstimatorTest, RtoIsCeiledAndClamped) {
  RttEstimator low;
  low.AddSample(0);  // 0 + 4*0 -> clamped up to 50
  EXPECT_EQ(low.rto(), Millis(50));
  RttEstimator mid;
  mid.AddSample(33);  // 33 + 4*16.5 = 99 exactly
  EXPECT_EQ(mid.rto(), Millis(99));
  RttEstimator frac;
  frac.AddSample(10);
  frac.AddSample(11);  // rttvar = 3.75+0.25 = 4, srtt = 10.125 -> 26.125 -> 50
  EXPECT_EQ(frac.rto(), Millis(50));
  RttEstimator ceil;
  ceil.AddSample(101);  // 101 + 4*50.5 = 303
  ceil.AddSample(100);  // rttvar = 37.875+0.25 = 38.125, srtt = 100.875 -> 253.375 -> 254
  EXPECT_DOUBLE_EQ(ceil.srtt_ms() + 4 * ceil.rttvar_ms(), 253.375);
  EXPECT_EQ(ceil.rto(), Millis(254));
  RttEstimator high;
  high.AddSample(400);  // 400 + 800 -> clamped down to 1000
  EXPECT_EQ(high.rto(), Millis(1000));
}

TEST(RttEstimatorTest, SendIntervalIsHalfSrttCeiledAndClamped) {
  RttEstimator tiny;
  tiny.AddSample(1);
  EXPECT_EQ(tiny.send_interval(), Millis(20));
  RttEstimator odd;
  odd.AddSample(81);  // 40.5 -> 41
  EXPECT_EQ(odd.send_interval(), Millis(41));
  RttEstimator even;
  even.AddSample(80);
  EXPECT_EQ(even.send_interval(), Millis(40));
  RttEstimator edge;
  edge.AddSample(40);  // exactly 20
  EXPECT_EQ(edge.send_interval(), Millis(20));
  RttEstimator slow;
  slow.AddSample(600);
  EXPECT_EQ(slow.send_interval(), Millis(250));
  RttEstimator just_below;
  just_below.AddSample(499);  // 249.5 -> 250
  EXPECT_EQ(just_below.send_interval(), Millis(250));
}

}  // namespace
}  // namespace roam::net
