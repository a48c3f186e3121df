// LossRecovery: RFC 9002 loss detection (packet and time thresholds), RTT
// samples, probe timeouts with their backoff and cap, persistent
// congestion, acknowledgements of packets never sent, and the bound on
// tracked packets — on a fake clock, with a congestion controller that
// only records what it is told.

#include "channel/loss_recovery.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/varint.h"
#include "channel/ack_tracker.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;

// Records every call; its window never limits anything.
class RecordingController final : public CongestionController {
 public:
  std::string_view name() const override { return "recording"; }
  void OnPacketSent(TimePoint, const PacketRef& p, uint64_t) override { sent.push_back(p.pn); }
  void OnPacketsAcked(TimePoint, const std::vector<PacketRef>& packets, uint64_t prior,
                      const RttStats&) override {
    for (const PacketRef& p : packets) acked.push_back(p.pn);
    prior_in_flight.push_back(prior);
  }
  void OnPacketsLost(TimePoint, const std::vector<PacketRef>& packets, bool persistent,
                     uint64_t) override {
    for (const PacketRef& p : packets) lost.push_back(p.pn);
    persistent_calls.push_back(persistent);
  }
  void OnAppLimited(uint64_t) override {}
  void OnPathChange(TimePoint) override {}
  uint64_t congestion_window() const override { return 1 << 30; }
  uint64_t pacing_rate() const override { return 0; }

  std::vector<uint64_t> sent, acked, lost;
  std::vector<uint64_t> prior_in_flight;
  std::vector<bool> persistent_calls;
};

std::vector<uint64_t> Numbers(const std::vector<SentPacket>& packets) {
  std::vector<uint64_t> out;
  for (const SentPacket& p : packets) out.push_back(p.pn);
  return out;
}

class LossRecoveryTest : public ::testing::Test {
 protected:
  // Sends the next packet now: 1000 bytes of data (ack-eliciting, in flight).
  uint64_t Send(size_t bytes = 1000) {
    SentPacket p;
    p.pn = next_pn_++;
    p.time_sent = clock_.Now();
    p.bytes = bytes;
    p.ack_eliciting = true;
    p.in_flight = true;
    p.chunks.push_back(StreamChunk{0, p.pn * 1000, 1000, false});
    recovery_.OnPacketSent(std::move(p), clock_.Now());
    return next_pn_ - 1;
  }
  // Sends a packet that only carries an ACK.
  uint64_t SendAckOnly() {
    SentPacket p;
    p.pn = next_pn_++;
    p.time_sent = clock_.Now();
    p.bytes = 20;
    recovery_.OnPacketSent(std::move(p), clock_.Now());
    return next_pn_ - 1;
  }
  // The peer acknowledges `ranges` (descending) with `delay`.
  LossRecovery::AckOutcome Ack(std::vector<AckRange> ranges, Duration delay = 0ms) {
    AckFrame ack;
    ack.ranges = std::move(ranges);
    ack.ack_delay_us =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(delay).count());
    return recovery_.OnAck(ack, clock_.Now());
  }
  LossRecovery::AckOutcome AckOne(uint64_t pn, Duration delay = 0ms) {
    return Ack({{pn, pn}}, delay);
  }
  void Advance(Duration d) { clock_.Advance(d); }
  // One clean round trip of `rtt` to give the estimator a sample.
  void Warm(Duration rtt) {
    const uint64_t pn = Send();
    Advance(rtt);
    AckOne(pn);
  }

  FakeClock clock_;
  RecordingController cc_;
  LossRecovery recovery_{&cc_};
  uint64_t next_pn_ = 0;
};

TEST_F(LossRecoveryTest, CountsBytesInFlightUntilAcknowledged) {
  Send(1000);
  Send(500);
  EXPECT_EQ(recovery_.bytes_in_flight(), 1500u);
  EXPECT_EQ(cc_.sent, (std::vector<uint64_t>{0, 1}));
  Advance(50ms);
  LossRecovery::AckOutcome out = Ack({{0, 1}});
  EXPECT_EQ(Numbers(out.acked), (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(out.lost.empty());
  EXPECT_EQ(recovery_.bytes_in_flight(), 0u);
  EXPECT_EQ(cc_.acked, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(cc_.prior_in_flight, (std::vector<uint64_t>{1500}));
  EXPECT_EQ(recovery_.tracked_packets(), 0u);
}

TEST_F(LossRecoveryTest, AckedPacketsComeBackWithWhatTheyCarried) {
  Send();
  Advance(10ms);
  LossRecovery::AckOutcome out = AckOne(0);
  ASSERT_EQ(out.acked.size(), 1u);
  ASSERT_EQ(out.acked[0].chunks.size(), 1u);
  EXPECT_EQ(out.acked[0].chunks[0].length, 1000u);
}

TEST_F(LossRecoveryTest, AckOnlyPacketsAreNotTrackedOrInFlight) {
  SendAckOnly();
  SendAckOnly();
  EXPECT_EQ(recovery_.bytes_in_flight(), 0u);
  EXPECT_EQ(recovery_.tracked_packets(), 0u);
  EXPECT_TRUE(cc_.sent.empty());
  EXPECT_EQ(recovery_.Deadline(), kNever);
}

TEST_F(LossRecoveryTest, SecondAckOfTheSamePacketChangesNothing) {
  Send();
  Advance(10ms);
  AckOne(0);
  LossRecovery::AckOutcome again = AckOne(0);
  EXPECT_TRUE(again.acked.empty());
  EXPECT_EQ(recovery_.stats().packets_acked, 1u);
}

// -------------------------------------------------------------- RTT samples

TEST_F(LossRecoveryTest, TakesAnRttSampleFromTheLargestNewlyAcked) {
  Send();
  Advance(80ms);
  AckOne(0);
  EXPECT_TRUE(recovery_.rtt().has_sample());
  EXPECT_EQ(recovery_.rtt().latest(), 80ms);
  EXPECT_EQ(recovery_.rtt().smoothed(), 80ms);
}

TEST_F(LossRecoveryTest, SubtractsTheReportedAckDelayCappedAtMaxAckDelay) {
  Warm(100ms);
  Send();
  Advance(150ms);
  // The peer claims it held the packet 50 ms; only kMaxAckDelay (10 ms)
  // is believed: adjusted = 140; smoothed = 87.5 + 17.5 = 105.
  AckOne(1, 50ms);
  EXPECT_EQ(recovery_.rtt().latest(), 150ms);
  EXPECT_EQ(recovery_.rtt().smoothed(), 105ms);
  // rttvar = 3/4 * 50 + 1/4 * |100 - 140| = 37.5 + 10 = 47.5.
  EXPECT_EQ(recovery_.rtt().variance(), 47500us);
}

TEST_F(LossRecoveryTest, AnAbsurdAckDelayIsCappedWithoutOverflow) {
  // The peer may write any varint as its delay: 2^62 - 1 microseconds is
  // far beyond what nanoseconds hold, and must still just mean
  // kMaxAckDelay.
  for (uint64_t delay_us : {kVarintMax, uint64_t{1} << 54, uint64_t{9'300'000'000'000}}) {
    FakeClock clock;
    RecordingController cc;
    LossRecovery recovery(&cc);
    SentPacket p;
    p.pn = 0;
    p.time_sent = clock.Now();
    p.bytes = 1000;
    p.ack_eliciting = p.in_flight = true;
    recovery.OnPacketSent(p, clock.Now());
    p.pn = 1;
    clock.Advance(100ms);
    recovery.OnAck(AckFrame{{{0, 0}}, 0}, clock.Now());  // first sample: 100 ms
    p.time_sent = clock.Now();
    recovery.OnPacketSent(p, clock.Now());
    clock.Advance(150ms);
    recovery.OnAck(AckFrame{{{1, 1}}, delay_us}, clock.Now());
    // As with a 10 ms delay: adjusted 140, smoothed 87.5 + 17.5 = 105.
    EXPECT_EQ(recovery.rtt().smoothed(), 105ms) << delay_us;
    EXPECT_EQ(recovery.rtt().variance(), 47500us) << delay_us;
  }
}

TEST_F(LossRecoveryTest, NoSampleWhenTheLargestWasAlreadyAcknowledged) {
  Send();  // 0
  Send();  // 1
  Advance(100ms);
  AckOne(1);
  ASSERT_EQ(recovery_.rtt().latest(), 100ms);
  Advance(400ms);
  // Now 0 as well, in a frame whose largest (1) is old news: no sample.
  Ack({{0, 1}});
  EXPECT_EQ(recovery_.rtt().latest(), 100ms);
}

TEST_F(LossRecoveryTest, NoSampleFromAnAckOfNothingNew) {
  Send();
  Advance(30ms);
  AckOne(0);
  Advance(500ms);
  AckOne(0);
  EXPECT_EQ(recovery_.rtt().latest(), 30ms);
  EXPECT_EQ(recovery_.rtt().smoothed(), 30ms);
}

// ----------------------------------------------------------- loss detection

TEST_F(LossRecoveryTest, PacketThresholdDeclaresAPacketThreeBehindLost) {
  for (int i = 0; i < 5; ++i) Send();
  Advance(10ms);
  // 3 acknowledged: 0 is kPacketThreshold behind and lost; 1 and 2 are not
  // (yet) and wait for the time threshold.
  LossRecovery::AckOutcome out = AckOne(3);
  EXPECT_EQ(Numbers(out.lost), (std::vector<uint64_t>{0}));
  EXPECT_EQ(cc_.lost, (std::vector<uint64_t>{0}));
  out = AckOne(4);
  EXPECT_EQ(Numbers(out.lost), (std::vector<uint64_t>{1}));
  EXPECT_EQ(recovery_.stats().packets_lost, 2u);
}

TEST_F(LossRecoveryTest, LostPacketsComeBackWithWhatTheyCarried) {
  for (int i = 0; i < 4; ++i) Send();
  Advance(10ms);
  LossRecovery::AckOutcome out = AckOne(3);
  ASSERT_EQ(out.lost.size(), 1u);
  ASSERT_EQ(out.lost[0].chunks.size(), 1u);
  EXPECT_EQ(out.lost[0].chunks[0].offset, 0u);
  EXPECT_EQ(recovery_.bytes_in_flight(), 2000u);  // 1 and 2 still out
}

TEST_F(LossRecoveryTest, TimeThresholdDeclaresAnOldPacketLostAfterNineEighthsRtt) {
  Send();  // 0
  Send();  // 1
  Advance(100ms);
  LossRecovery::AckOutcome out = AckOne(1);  // sample 100 ms
  EXPECT_TRUE(out.lost.empty());             // 0 is one behind, sent 100 ms ago
  // loss delay = 9/8 * max(latest, smoothed) = 112.5 ms after 0 was sent.
  const TimePoint sent0 = clock_.Now() - 100ms;
  EXPECT_EQ(recovery_.Deadline(), sent0 + 112500us);
  Advance(12ms);
  EXPECT_TRUE(recovery_.OnTimeout(clock_.Now()).lost.empty());
  Advance(500us);
  LossRecovery::TimeoutOutcome timeout = recovery_.OnTimeout(clock_.Now());
  EXPECT_EQ(Numbers(timeout.lost), (std::vector<uint64_t>{0}));
  EXPECT_EQ(timeout.probes, 0);
}

TEST_F(LossRecoveryTest, AnAckOfALostPacketDoesNotBringItBack) {
  for (int i = 0; i < 4; ++i) Send();
  Advance(10ms);
  AckOne(3);  // 0 lost
  LossRecovery::AckOutcome late = AckOne(0);
  EXPECT_TRUE(late.acked.empty());
  EXPECT_EQ(recovery_.stats().packets_acked, 1u);
}

// ------------------------------------------------------------ probe timeout

TEST_F(LossRecoveryTest, ProbeTimeoutFiresAfterSmoothedPlusFourVarPlusMaxAckDelay) {
  Warm(100ms);  // smoothed 100, rttvar 50
  const Duration pto = 100ms + 4 * 50ms + kMaxAckDelay;
  EXPECT_EQ(recovery_.ProbeTimeout(), pto);
  Send();
  EXPECT_EQ(recovery_.Deadline(), clock_.Now() + pto);
  Advance(pto - 1ms);
  EXPECT_EQ(recovery_.OnTimeout(clock_.Now()).probes, 0);
  Advance(1ms);
  LossRecovery::TimeoutOutcome out = recovery_.OnTimeout(clock_.Now());
  EXPECT_EQ(out.probes, 2);
  EXPECT_TRUE(out.lost.empty());  // a probe timeout declares nothing lost
  EXPECT_EQ(recovery_.pto_count(), 1);
  EXPECT_EQ(recovery_.stats().probe_timeouts, 1u);
}

TEST_F(LossRecoveryTest, ProbeTimeoutDoublesAndIsCappedAtMaxProbeTimeout) {
  Warm(100ms);  // base PTO 310 ms
  Send();
  const std::vector<Duration> expected = {310ms, 620ms, kMaxProbeTimeout, kMaxProbeTimeout,
                                          kMaxProbeTimeout};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(recovery_.ProbeTimeout(), expected[i]) << "after " << i << " probes";
    const TimePoint deadline = recovery_.Deadline();
    clock_.Set(deadline);
    EXPECT_EQ(recovery_.OnTimeout(clock_.Now()).probes, 2);
    // The next timeout counts from the probe, not from the original send.
    if (i + 1 < expected.size()) {
      EXPECT_EQ(recovery_.Deadline(), clock_.Now() + expected[i + 1]);
    }
  }
}

TEST_F(LossRecoveryTest, ProbeTimeoutIsNeverShorterThanTheBaseEvenAboveTheCap) {
  // Initial RTT: base PTO = 333 + 666 + 10 = 1009 ms, already above the
  // 1 s cap: the cap never shortens it.
  Send();
  EXPECT_EQ(recovery_.ProbeTimeout(), 1009ms);
  clock_.Set(recovery_.Deadline());
  recovery_.OnTimeout(clock_.Now());
  EXPECT_EQ(recovery_.ProbeTimeout(), 1009ms);
}

TEST_F(LossRecoveryTest, AnAckResetsTheBackoff) {
  Warm(100ms);
  const uint64_t pn = Send();
  clock_.Set(recovery_.Deadline());
  recovery_.OnTimeout(clock_.Now());
  clock_.Set(recovery_.Deadline());
  recovery_.OnTimeout(clock_.Now());
  ASSERT_EQ(recovery_.pto_count(), 2);
  AckOne(pn);
  EXPECT_EQ(recovery_.pto_count(), 0);
}

TEST_F(LossRecoveryTest, NoProbeTimeoutWithNothingInFlight) {
  Warm(100ms);
  EXPECT_EQ(recovery_.Deadline(), kNever);
  Advance(10s);
  EXPECT_EQ(recovery_.OnTimeout(clock_.Now()).probes, 0);
}

TEST_F(LossRecoveryTest, OldestUnackedIsWhatAProbeResends) {
  Send();
  Send();
  Send();
  Advance(10ms);
  AckOne(0);
  ASSERT_NE(recovery_.OldestUnacked(), nullptr);
  EXPECT_EQ(recovery_.OldestUnacked()->pn, 1u);
  Ack({{1, 2}});
  EXPECT_EQ(recovery_.OldestUnacked(), nullptr);
}

// ---------------------------------------------------- persistent congestion

TEST_F(LossRecoveryTest, LossesSpanningThreeProbeTimeoutsArePersistentCongestion) {
  Warm(100ms);  // PTO 310 ms; after the next sample (100 ms again) 260 ms
  Send();       // 1, the first of the losses
  Advance(500ms);
  Send();  // 2
  Advance(500ms);
  Send();  // 3: 1000 ms after 1, more than 3 PTOs
  Send();  // 4
  Send();  // 5
  Send();  // 6
  Advance(100ms);
  LossRecovery::AckOutcome out = AckOne(6);
  EXPECT_EQ(Numbers(out.lost), (std::vector<uint64_t>{1, 2, 3}));
  ASSERT_EQ(cc_.persistent_calls.size(), 1u);
  EXPECT_TRUE(cc_.persistent_calls[0]);
  EXPECT_EQ(recovery_.stats().persistent_congestion, 1u);
}

TEST_F(LossRecoveryTest, LossesWithinThreeProbeTimeoutsAreNot) {
  Warm(100ms);
  Send();  // 1
  Advance(300ms);
  Send();  // 2
  Send();  // 3
  Send();  // 4
  Send();  // 5
  Advance(100ms);
  AckOne(5);  // 1 and 2 lost, 300 ms apart: under 3 PTOs
  ASSERT_EQ(cc_.persistent_calls.size(), 1u);
  EXPECT_FALSE(cc_.persistent_calls[0]);
}

TEST_F(LossRecoveryTest, AnAcknowledgedPacketBetweenTheLossesBreaksPersistence) {
  Warm(100ms);
  Send();  // 1
  Advance(500ms);
  Send();  // 2: will be acknowledged
  Advance(500ms);
  Send();  // 3
  Send();  // 4
  Send();  // 5
  Send();  // 6
  Advance(100ms);
  Ack({{6, 6}, {2, 2}});  // 1 and 3 lost around an acknowledged 2
  ASSERT_FALSE(cc_.persistent_calls.empty());
  EXPECT_FALSE(cc_.persistent_calls[0]);
  EXPECT_EQ(recovery_.stats().persistent_congestion, 0u);
}

TEST_F(LossRecoveryTest, NoPersistentCongestionBeforeTheFirstRttSample) {
  Send();  // 0
  Advance(5s);
  Send();  // 1
  Send();  // 2
  Send();  // 3
  Send();  // 4
  Advance(100ms);
  AckOne(4);  // 0 and 1 lost, 5 s apart, but sent before any sample
  ASSERT_EQ(cc_.persistent_calls.size(), 1u);
  EXPECT_FALSE(cc_.persistent_calls[0]);
}

// ------------------------------------------------------------ hostile acks

TEST_F(LossRecoveryTest, AnAckOfAPacketNeverSentIsIgnoredWhole) {
  Send();
  Send();
  Advance(10ms);
  LossRecovery::AckOutcome out = Ack({{5, 5}, {0, 1}});  // 5 was never sent
  EXPECT_TRUE(out.acked.empty());
  EXPECT_EQ(recovery_.stats().bad_acks, 1u);
  EXPECT_EQ(recovery_.bytes_in_flight(), 2000u);
  EXPECT_FALSE(recovery_.rtt().has_sample());
  out = Ack({});
  EXPECT_EQ(recovery_.stats().bad_acks, 2u);
}

TEST_F(LossRecoveryTest, TracksAtMostMaxTrackedPacketsAndEvictsTheOldestAsLost) {
  for (size_t i = 0; i < kMaxTrackedPackets + 10; ++i) Send(100);
  EXPECT_LE(recovery_.tracked_packets(), kMaxTrackedPackets);
  std::vector<SentPacket> evicted = recovery_.TakeEvicted();
  ASSERT_EQ(evicted.size(), 10u);
  EXPECT_EQ(evicted.front().pn, 0u);
  EXPECT_EQ(evicted.back().pn, 9u);
  EXPECT_EQ(recovery_.stats().packets_lost, 10u);
  EXPECT_EQ(cc_.lost.size(), 10u);
  EXPECT_EQ(recovery_.bytes_in_flight(), kMaxTrackedPackets * 100);
  EXPECT_TRUE(recovery_.TakeEvicted().empty());
}

TEST_F(LossRecoveryTest, PathChangeForgetsTheRttEstimate) {
  Warm(50ms);
  recovery_.OnPathChange();
  EXPECT_FALSE(recovery_.rtt().has_sample());
  EXPECT_EQ(recovery_.rtt().smoothed(), kInitialRtt);
}

}  // namespace
}  // namespace roam::channel
