// RttStats against the formulas of RFC 9002 §5 (with erratum 7539, which
// makes §5.3 agree with Appendix A.7: rttvar is updated from the smoothed
// RTT before this sample). Every expected value is worked out by hand in
// the comments.

#include "channel/rtt_stats.h"

#include <gtest/gtest.h>

#include <chrono>

namespace roam::channel {
namespace {

using namespace std::chrono_literals;

TEST(RttStatsTest, StartsFromTheInitialRttOfRfc9002) {
  RttStats rtt;
  EXPECT_FALSE(rtt.has_sample());
  // §6.2.2: 333 ms, and rttvar = initial / 2.
  EXPECT_EQ(rtt.smoothed(), 333ms);
  EXPECT_EQ(rtt.variance(), 166500us);
  // PTO = 333 + max(4 * 166.5, 1) + 25 = 1024 ms.
  EXPECT_EQ(rtt.ProbeTimeout(25ms), 1024ms);
}

TEST(RttStatsTest, FirstSampleSetsEverythingAndIgnoresAckDelay) {
  RttStats rtt;
  rtt.OnSample(100ms, 20ms);
  EXPECT_TRUE(rtt.has_sample());
  EXPECT_EQ(rtt.latest(), 100ms);
  EXPECT_EQ(rtt.min(), 100ms);
  EXPECT_EQ(rtt.smoothed(), 100ms);
  EXPECT_EQ(rtt.variance(), 50ms);
}

TEST(RttStatsTest, LaterSampleIsAdjustedForAckDelay) {
  RttStats rtt;
  rtt.OnSample(100ms, 0ms);
  // latest 150, ack delay 20: 150 >= min 100 + 20, so adjusted = 130.
  // rttvar = 3/4 * 50 + 1/4 * |100 - 130| = 37.5 + 7.5 = 45
  // smoothed = 7/8 * 100 + 1/8 * 130 = 87.5 + 16.25 = 103.75
  rtt.OnSample(150ms, 20ms);
  EXPECT_EQ(rtt.latest(), 150ms);
  EXPECT_EQ(rtt.min(), 100ms);
  EXPECT_EQ(rtt.variance(), 45ms);
  EXPECT_EQ(rtt.smoothed(), 103750us);
}

TEST(RttStatsTest, AckDelayIsNotSubtractedBelowMinRtt) {
  RttStats rtt;
  rtt.OnSample(100ms, 0ms);
  // latest 110, ack delay 20: 110 < 100 + 20, so the sample is used as is.
  // rttvar = 37.5 + 1/4 * 10 = 40; smoothed = 87.5 + 13.75 = 101.25.
  rtt.OnSample(110ms, 20ms);
  EXPECT_EQ(rtt.variance(), 40ms);
  EXPECT_EQ(rtt.smoothed(), 101250us);
}

TEST(RttStatsTest, MinRttIgnoresAckDelay) {
  RttStats rtt;
  rtt.OnSample(100ms, 0ms);
  rtt.OnSample(90ms, 50ms);
  // min_rtt is the raw 90 (§5.2); 90 < 90 + 50, so no adjustment either:
  // rttvar = 37.5 + 2.5 = 40, smoothed = 87.5 + 11.25 = 98.75.
  EXPECT_EQ(rtt.min(), 90ms);
  EXPECT_EQ(rtt.variance(), 40ms);
  EXPECT_EQ(rtt.smoothed(), 98750us);
}

TEST(RttStatsTest, ProbeTimeoutIsSmoothedPlusFourVariancesPlusMaxAckDelay) {
  RttStats rtt;
  rtt.OnSample(100ms, 0ms);
  EXPECT_EQ(rtt.ProbeTimeout(10ms), 100ms + 4 * 50ms + 10ms);
}

TEST(RttStatsTest, ProbeTimeoutUsesTheGranularityWhenVarianceVanishes) {
  RttStats rtt;
  rtt.OnSample(40ms, 0ms);
  for (int i = 0; i < 200; ++i) rtt.OnSample(40ms, 0ms);  // variance decays to zero
  EXPECT_LT(rtt.variance() * 4, kGranularity);
  EXPECT_EQ(rtt.ProbeTimeout(0ms), rtt.smoothed() + kGranularity);
}

TEST(RttStatsTest, ResetForgetsTheSamples) {
  RttStats rtt;
  rtt.OnSample(10ms, 0ms);
  rtt.Reset();
  EXPECT_FALSE(rtt.has_sample());
  EXPECT_EQ(rtt.smoothed(), kInitialRtt);
}

}  // namespace
}  // namespace roam::channel
