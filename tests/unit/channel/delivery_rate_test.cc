// The delivery-rate estimator on hand-computed examples, and the windowed
// filters BBR keeps its samples in.

#include "channel/delivery_rate.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "channel/windowed_filter.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;

constexpr size_t kBytes = 1000;

class DeliveryRateTest : public ::testing::Test {
 protected:
  TimePoint At(Duration d) const { return start_ + d; }

  // Sends packet `pn` at `t` with everything sent so far and not yet
  // acknowledged or lost in flight.
  void Send(uint64_t pn, Duration t) {
    in_flight_ += kBytes;
    estimator_.OnPacketSent(At(t), PacketRef{pn, kBytes, At(t)}, in_flight_);
    sent_at_[pn] = t;
  }
  RateSample Ack(const std::vector<uint64_t>& pns, Duration t, Duration min_rtt = 0ms) {
    std::vector<PacketRef> refs;
    for (uint64_t pn : pns) refs.push_back(PacketRef{pn, kBytes, At(sent_at_[pn])});
    in_flight_ -= kBytes * pns.size();
    return estimator_.OnAck(At(t), refs, min_rtt);
  }

  DeliveryRateEstimator estimator_;
  TimePoint start_ = FromMillis(5'000);
  uint64_t in_flight_ = 0;
  std::map<uint64_t, Duration> sent_at_;
};

TEST_F(DeliveryRateTest, FirstAckMeasuresFromTheStartOfTheFlight) {
  // Ten packets 1 ms apart, each acknowledged 100 ms after it was sent.
  for (uint64_t pn = 0; pn < 10; ++pn) Send(pn, std::chrono::milliseconds(pn));
  RateSample first = Ack({0}, 100ms);
  ASSERT_TRUE(first.valid);
  // 1000 bytes over the 100 ms from the flight's start to this ACK.
  EXPECT_EQ(first.delivered, 1000u);
  EXPECT_EQ(first.interval, 100ms);
  EXPECT_DOUBLE_EQ(first.rate(), 10'000);
  EXPECT_EQ(first.rtt, 100ms);
  EXPECT_EQ(first.prior_delivered, 0u);

  for (uint64_t pn = 1; pn < 9; ++pn) Ack({pn}, std::chrono::milliseconds(100 + pn));
  RateSample last = Ack({9}, 109ms);
  // Packet 9 left 9 ms after the flight began, and its ACK came 109 ms
  // after the delivered count was last reset: the longer interval counts.
  EXPECT_EQ(last.delivered, 10'000u);
  EXPECT_EQ(last.interval, 109ms);
  EXPECT_NEAR(last.rate(), 10'000 / 0.109, 1e-6);
}

TEST_F(DeliveryRateTest, SteadyFlowMeasuresItsOwnRate) {
  // One packet per millisecond, each acknowledged 100 ms later (ACKs are
  // processed before sends at the same instant): after the first round
  // trip, every sample covers exactly 100 packets over 100 ms.
  std::vector<RateSample> samples;
  for (int t = 0; t < 400; ++t) {
    if (t >= 100) samples.push_back(Ack({static_cast<uint64_t>(t - 100)}, Millis(t)));
    Send(static_cast<uint64_t>(t), Millis(t));
  }
  for (size_t i = 100; i < samples.size(); ++i) {
    ASSERT_TRUE(samples[i].valid) << i;
    EXPECT_EQ(samples[i].delivered, 100'000u) << i;
    EXPECT_EQ(samples[i].interval, 100ms) << i;
    EXPECT_DOUBLE_EQ(samples[i].rate(), 1'000'000) << i;
  }
}

TEST_F(DeliveryRateTest, CompressedAcksDoNotInflateTheRate) {
  // Ten packets 1 ms apart. The ACKs of the first five are held back and
  // arrive together at 150 ms; packet 10 goes out then; the other ACKs,
  // packet 10's included, arrive in a burst 10 ms later.
  for (uint64_t pn = 0; pn < 10; ++pn) Send(pn, std::chrono::milliseconds(pn));
  Ack({0, 1, 2, 3, 4}, 150ms);
  Send(10, 150ms);
  RateSample burst = Ack({5, 6, 7, 8, 9, 10}, 160ms);
  // Packet 10 gives the sample: 6000 bytes delivered since it was sent.
  // ACK interval: 160 - 150 = 10 ms (600 kB/s, far beyond the path). Send
  // interval: 150 ms minus the send time of packet 4, the newest
  // acknowledged when 10 went out = 146 ms. The longer one counts.
  EXPECT_EQ(burst.delivered, 6000u);
  EXPECT_EQ(burst.prior_delivered, 5000u);
  EXPECT_EQ(burst.interval, 146ms);
  EXPECT_NEAR(burst.rate(), 6000 / 0.146, 1e-6);
}

TEST_F(DeliveryRateTest, SamplesShorterThanTheMinRttAreInvalid) {
  for (uint64_t pn = 0; pn < 3; ++pn) Send(pn, 0ms);
  RateSample s = Ack({0}, 40ms, /*min_rtt=*/50ms);
  EXPECT_TRUE(s.has_packet);
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.rate(), 0);
  EXPECT_TRUE(Ack({1}, 60ms, 50ms).valid);
}

TEST_F(DeliveryRateTest, AppLimitedMarksPacketsUntilTheirDataIsDelivered) {
  Send(0, 0ms);
  Send(1, 1ms);
  // Nothing more to send: two packets (2000 bytes) in flight.
  estimator_.OnAppLimited(in_flight_);
  Send(2, 2ms);
  EXPECT_FALSE(Ack({0}, 100ms).app_limited);
  EXPECT_FALSE(Ack({1}, 101ms).app_limited);
  EXPECT_TRUE(Ack({2}, 102ms).app_limited);
  // All 3000 bytes delivered: beyond the mark, so new packets are normal.
  EXPECT_FALSE(estimator_.app_limited());
  Send(3, 103ms);
  EXPECT_FALSE(Ack({3}, 203ms).app_limited);
}

TEST_F(DeliveryRateTest, LostPacketsAreForgottenAndUnknownAcksIgnored) {
  for (uint64_t pn = 0; pn < 4; ++pn) Send(pn, 0ms);
  in_flight_ -= kBytes;
  estimator_.OnLost({PacketRef{0, kBytes, At(0ms)}});
  EXPECT_EQ(estimator_.records(), 3u);
  RateSample late = Ack({0}, 100ms);  // acknowledged after it was declared lost
  EXPECT_FALSE(late.has_packet);
  EXPECT_EQ(estimator_.delivered(), 0u);
  Ack({1, 2, 3}, 100ms);
  EXPECT_EQ(estimator_.delivered(), 3000u);
  EXPECT_EQ(estimator_.records(), 0u);
}

TEST(WindowedMaxFilterTest, KeepsTheBestOfTheWindow) {
  WindowedMaxFilter<int> filter(3);
  filter.Update(5, 0);
  filter.Update(9, 1);
  filter.Update(7, 2);
  EXPECT_EQ(filter.Best(2), 9);
  EXPECT_EQ(filter.Best(3), 9);  // 9 was seen at 1: units 1, 2, 3
  EXPECT_EQ(filter.Best(4), 7);  // 9 expired; 7 (at 2) is the best left
  filter.Update(1, 5);
  EXPECT_EQ(filter.Best(5), 1);  // 7 (at 2) left the window 3, 4, 5
  EXPECT_EQ(filter.Best(7), 1);
  EXPECT_EQ(filter.Best(8), 0);  // empty
}

TEST(WindowedMaxFilterTest, BestWithoutTimeDoesNotExpire) {
  WindowedMaxFilter<int> filter(2);
  filter.Update(8, 0);
  EXPECT_EQ(filter.Best(), 8);
  EXPECT_EQ(filter.Best(5), 0);
  EXPECT_EQ(filter.Best(), 0);
}

TEST(WindowedMaxFilterTest, SmallerValuesOfTheSameUnitAreNotKept) {
  WindowedMaxFilter<int> filter(10);
  filter.Update(10, 0);
  for (int v = 9; v > 0; --v) filter.Update(v, 1);
  // Unit 1 keeps only its best (9); after 10 expires, 9 is the answer.
  EXPECT_EQ(filter.Best(10), 9);
  EXPECT_EQ(filter.Best(11), 0);
}

TEST(WindowedMinFilterTest, KeepsTheSmallestOfTheWindow) {
  WindowedMinFilter<int> filter(2);
  EXPECT_TRUE(filter.empty());
  filter.Update(5, 0);
  filter.Update(3, 1);
  filter.Update(4, 1);  // not better than 3 in the same unit
  EXPECT_EQ(filter.Best(1), 3);
  filter.Update(6, 2);
  EXPECT_EQ(filter.Best(2), 3);
  EXPECT_EQ(filter.Best(3), 6);  // 3 (at 1) left the window 2, 3
}

}  // namespace
}  // namespace roam::channel
