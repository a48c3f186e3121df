// CUBIC's window against the formulas of RFC 9438 (and HyStart++, RFC 9406),
// on a fake clock: whole windows are sent and acknowledged one round trip
// later, and losses are injected by hand.

#include "channel/cubic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "channel/rtt_stats.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;

constexpr size_t kMds = 1200;
constexpr double kSegment = kMds;

// W_cubic(t) of RFC 9438 §4.2, in segments, written out independently.
double CubicSegments(double t, double k, double w_max_segments) {
  return 0.4 * std::pow(t - k, 3) + w_max_segments;
}

class CubicTest : public ::testing::Test {
 protected:
  explicit CubicTest(bool fast_convergence = true) : cubic_(kMds, fast_convergence) {}

  double Segments() const { return static_cast<double>(cubic_.congestion_window()) / kSegment; }
  double Seconds(Duration d) const { return std::chrono::duration<double>(d).count(); }

  // Sends one packet now and returns it.
  PacketRef Send() {
    PacketRef p{next_pn_++, kMds, now_};
    in_flight_ += kMds;
    cubic_.OnPacketSent(now_, p, in_flight_);
    return p;
  }

  // Acknowledges `packets` one ACK each, all at the current time, each
  // with an RTT sample of `rtt`.
  void Ack(const std::vector<PacketRef>& packets, Duration rtt) {
    for (const PacketRef& p : packets) {
      rtt_.OnSample(rtt, 0ms);
      const uint64_t prior = in_flight_;
      in_flight_ -= p.bytes;
      cubic_.OnPacketsAcked(now_, {p}, prior, rtt_);
    }
  }

  // One round trip: a full window sent now, acknowledged `rtt` later.
  void RoundTrip(Duration rtt, Duration sample) {
    std::vector<PacketRef> sent;
    while (in_flight_ < cubic_.congestion_window()) sent.push_back(Send());
    now_ += rtt;
    Ack(sent, sample);
  }
  void RoundTrip(Duration rtt) { RoundTrip(rtt, rtt); }

  // Acknowledges `n` packets sent now, `rtt` later (slow-start growth).
  void AckPackets(int n, Duration rtt = 100ms) {
    std::vector<PacketRef> sent;
    for (int i = 0; i < n; ++i) sent.push_back(Send());
    now_ += rtt;
    Ack(sent, rtt);
  }

  // A packet sent now is declared lost 1 ms later; the next packets go
  // out 1 ms after that, in the new recovery period.
  void LoseOne(bool persistent = false) {
    PacketRef p = Send();
    now_ += 1ms;
    in_flight_ -= p.bytes;
    cubic_.OnPacketsLost(now_, {p}, persistent, in_flight_);
    now_ += 1ms;
  }

  Cubic cubic_;
  RttStats rtt_;
  TimePoint now_ = FromMillis(10'000);
  uint64_t next_pn_ = 0;
  uint64_t in_flight_ = 0;
};

class CubicWithoutFastConvergenceTest : public CubicTest {
 protected:
  CubicWithoutFastConvergenceTest() : CubicTest(false) {}
};

TEST_F(CubicTest, SlowStartAddsEveryAcknowledgedByte) {
  EXPECT_EQ(cubic_.congestion_window(), InitialWindow(kMds));
  AckPackets(10);
  EXPECT_EQ(cubic_.congestion_window(), 2 * InitialWindow(kMds));
  EXPECT_EQ(cubic_.phase(), Cubic::Phase::kSlowStart);
}

TEST_F(CubicTest, LossCutsTheWindowToSevenTenthsAndRemembersThePlateau) {
  AckPackets(90);  // 10 + 90 = 100 segments
  ASSERT_DOUBLE_EQ(Segments(), 100);
  LoseOne();
  EXPECT_DOUBLE_EQ(Segments(), 70);
  EXPECT_EQ(cubic_.ssthresh(), 70 * kMds);
  EXPECT_DOUBLE_EQ(cubic_.w_max(), 100 * kSegment);
  EXPECT_DOUBLE_EQ(cubic_.cwnd_prior(), 100 * kSegment);
  EXPECT_EQ(cubic_.phase(), Cubic::Phase::kCongestionAvoidance);
}

TEST_F(CubicTest, KIsTheTimeToClimbBackToThePlateau) {
  AckPackets(90);
  LoseOne();
  EXPECT_FALSE(cubic_.epoch_started());
  // The first ACK in congestion avoidance starts the epoch:
  // K = cbrt((W_max - cwnd_epoch) / C) = cbrt((100 - 70) / 0.4) = cbrt(75).
  AckPackets(1);
  ASSERT_TRUE(cubic_.epoch_started());
  EXPECT_NEAR(cubic_.k(), 4.2172, 1e-4);
  EXPECT_NEAR(Cubic::KFor(100 * kSegment, 70 * kSegment, kMds), std::cbrt(75.0), 1e-12);
  EXPECT_DOUBLE_EQ(Cubic::KFor(100 * kSegment, 120 * kSegment, kMds), 0);
}

TEST_F(CubicTest, WindowAtIsTheCubicInBytes) {
  const double k = std::cbrt(75.0);
  for (double t : {0.0, 1.0, 2.5, k, 6.0}) {
    EXPECT_NEAR(Cubic::WindowAt(t, k, 100 * kSegment, kMds) / kSegment, CubicSegments(t, k, 100),
                1e-9)
        << t;
  }
  EXPECT_NEAR(Cubic::WindowAt(0, k, 100 * kSegment, kMds) / kSegment, 70, 1e-9);
}

TEST_F(CubicTest, WindowFollowsTheCubicThroughConcaveAndConvexRegions) {
  AckPackets(90);
  LoseOne();
  const TimePoint epoch = now_;
  const double k = std::cbrt(75.0);
  // 100 ms round trips. Every ACK aims at W_cubic one RTT ahead, and a
  // round's ACKs close most of the gap, so at the end of each round the
  // window is within about one round's growth of W_cubic(now).
  for (int round = 0; round < 55; ++round) {
    RoundTrip(100ms);
    const double t = Seconds(now_ - epoch);
    const double expected = CubicSegments(t, k, 100);
    const double one_round = std::abs(expected - CubicSegments(t - 0.1, k, 100));
    EXPECT_NEAR(Segments(), expected, one_round + 0.2) << "t = " << t;
    if (t < k - 0.5) {
      EXPECT_LT(Segments(), 100);  // concave: below the plateau, slowing down
    }
  }
  EXPECT_NEAR(Segments(), 100.8, 0.2);  // 5.5 s: past K, convex, speeding up
  // Reno's estimate has by now grown past the last plateau, so it adds a
  // whole segment per round trip, faster than the cubic just above its
  // plateau: CUBIC follows it (the Reno-friendly region).
  for (int round = 0; round < 15; ++round) RoundTrip(100ms);
  const double t = Seconds(now_ - epoch);
  EXPECT_GT(Segments(), CubicSegments(t, k, 100) + 3);
  EXPECT_NEAR(Segments(), cubic_.w_est() / kSegment, 1e-2);
}

TEST_F(CubicTest, RenoFriendlyRegionOnAShortPath) {
  AckPackets(10);  // 20 segments
  LoseOne();       // W_max 20, cwnd 14
  ASSERT_DOUBLE_EQ(Segments(), 14);
  // 10 ms round trips for a second. CUBIC alone would still be below
  // W_max (K = cbrt(15) = 2.47 s): W_cubic(1 s) = 18.7 segments. Reno grows
  // alpha = 3 (1 - 0.7) / (1 + 0.7) = 0.53 segments per round trip up to
  // cwnd_prior (20 segments, ~12 rounds), then 1 per round trip (~88
  // rounds): about 108 segments, and CUBIC must not be slower.
  for (int round = 0; round < 100; ++round) RoundTrip(10ms);
  const double cubic_alone = CubicSegments(1.0, std::cbrt(15.0), 20);
  EXPECT_NEAR(cubic_alone, 18.7, 0.1);
  EXPECT_NEAR(Segments(), 108, 6);
  EXPECT_NEAR(Segments(), cubic_.w_est() / kSegment, 1);
}

TEST_F(CubicTest, AlphaBecomesOneOnceRenoPassesTheLastPlateau) {
  AckPackets(10);
  LoseOne();  // cwnd 14, cwnd_prior 20
  for (int round = 0; round < 5; ++round) RoundTrip(10ms);
  // Five rounds at alpha 0.53 (each a little more than one window acked).
  const double slow = cubic_.w_est() / kSegment - 14;
  EXPECT_NEAR(slow / 5, Cubic::kAlphaReno, 0.1);
  for (int round = 0; round < 20; ++round) RoundTrip(10ms);
  ASSERT_GT(cubic_.w_est(), cubic_.cwnd_prior());
  const double before = cubic_.w_est() / kSegment;
  for (int round = 0; round < 5; ++round) RoundTrip(10ms);
  EXPECT_NEAR((cubic_.w_est() / kSegment - before) / 5, 1.0, 0.1);
}

TEST_F(CubicTest, FastConvergenceLowersThePlateauWhenAFlowLosesBelowIt) {
  AckPackets(90);
  LoseOne();  // W_max 100, cwnd 70
  RoundTrip(100ms);
  const double peak = Segments();
  ASSERT_LT(peak, 100);
  LoseOne();
  EXPECT_NEAR(cubic_.w_max() / kSegment, peak * (1 + 0.7) / 2, 1e-2);
  EXPECT_NEAR(Segments(), peak * 0.7, 1e-2);
}

TEST_F(CubicWithoutFastConvergenceTest, ThePlateauIsTheWindowAtTheLoss) {
  AckPackets(90);
  LoseOne();
  RoundTrip(100ms);
  const double peak = Segments();
  LoseOne();
  EXPECT_NEAR(cubic_.w_max() / kSegment, peak, 1e-2);
}

TEST_F(CubicTest, OneReductionPerRoundTrip) {
  AckPackets(90);
  const PacketRef early = Send();  // sent before the congestion event
  LoseOne();
  ASSERT_DOUBLE_EQ(Segments(), 70);
  in_flight_ -= early.bytes;
  cubic_.OnPacketsLost(now_, {early}, false, in_flight_);
  EXPECT_DOUBLE_EQ(Segments(), 70);
  // A packet sent after the reduction began is a new event.
  LoseOne();
  EXPECT_NEAR(Segments(), 49, 1e-2);
}

TEST_F(CubicTest, NoGrowthWhileApplicationLimitedAndTheIdleTimeDoesNotCount) {
  AckPackets(90);
  LoseOne();
  RoundTrip(100ms);
  const TimePoint epoch = cubic_.epoch_start();
  const uint64_t before = cubic_.congestion_window();
  const PacketRef p = Send();
  cubic_.OnAppLimited(in_flight_);
  now_ += 100ms;
  Ack({p}, 100ms);
  EXPECT_EQ(cubic_.congestion_window(), before);
  // Five idle seconds, then sending resumes: the epoch moves with them.
  now_ += 5s;
  Send();
  EXPECT_EQ(cubic_.epoch_start() - epoch, 5s + 100ms);
}

TEST_F(CubicTest, PersistentCongestionFallsToTheMinimumWindowAndSlowStarts) {
  AckPackets(90);
  LoseOne(/*persistent=*/true);
  EXPECT_EQ(cubic_.congestion_window(), MinimumWindow(kMds));
  EXPECT_EQ(cubic_.ssthresh(), 70 * kMds);
  EXPECT_EQ(cubic_.phase(), Cubic::Phase::kSlowStart);
}

TEST_F(CubicTest, HyStartLeavesSlowStartWhenTheRttRises) {
  // Rounds at a 100 ms RTT double the window.
  RoundTrip(100ms);
  RoundTrip(100ms);
  ASSERT_EQ(cubic_.phase(), Cubic::Phase::kSlowStart);
  // The queue starts to build: every sample 20 ms higher, more than the
  // threshold of clamp(100 / 8, 4, 16) = 12.5 ms.
  RoundTrip(120ms);
  ASSERT_EQ(cubic_.phase(), Cubic::Phase::kConservativeSlowStart);
  // Conservative slow start grows a quarter as fast.
  const double before = Segments();
  AckPackets(8, 120ms);
  EXPECT_DOUBLE_EQ(Segments(), before + 2);
  // After five rounds of it, congestion avoidance from the window reached.
  for (int round = 0; round < 5; ++round) RoundTrip(120ms);
  EXPECT_EQ(cubic_.phase(), Cubic::Phase::kCongestionAvoidance);
  // (The rest of that round's ACKs already grew the window a little.)
  EXPECT_LE(cubic_.ssthresh(), cubic_.congestion_window());
  EXPECT_GT(cubic_.ssthresh(), cubic_.congestion_window() - 4 * kMds);
}

TEST_F(CubicTest, HyStartIgnoresAnRttBlip) {
  RoundTrip(100ms);
  RoundTrip(100ms);
  RoundTrip(120ms);
  ASSERT_EQ(cubic_.phase(), Cubic::Phase::kConservativeSlowStart);
  // The RTT falls back below the baseline: back to ordinary slow start.
  RoundTrip(100ms);
  EXPECT_EQ(cubic_.phase(), Cubic::Phase::kSlowStart);
}

TEST_F(CubicTest, PacesAtTwiceTheWindowPerRttInSlowStartThenOnePointTwo) {
  EXPECT_EQ(cubic_.pacing_rate(), 0u);  // no RTT yet: the multiplexer's default
  AckPackets(10);                       // 24000 bytes, 100 ms
  EXPECT_EQ(cubic_.pacing_rate(), 480'000u);
  LoseOne();
  EXPECT_EQ(cubic_.pacing_rate(), static_cast<uint64_t>(1.2 * 16800 / 0.1));
}

}  // namespace
}  // namespace roam::channel
