// AckTracker: received packet ranges, duplicates, the range bound, and when
// an ACK is due (RFC 9000 §13.2), on a fake clock.

#include "channel/ack_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/clock.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;

class AckTrackerTest : public ::testing::Test {
 protected:
  // A packet that carries data (ack-eliciting) arrives now.
  bool Receive(uint64_t pn) { return tracker_.OnPacket(pn, /*ack_eliciting=*/true, clock_.Now()); }
  // A packet that carries only ACK or PADDING frames arrives now.
  bool ReceiveAckOnly(uint64_t pn) { return tracker_.OnPacket(pn, false, clock_.Now()); }
  void Advance(Duration d) { clock_.Advance(d); }
  bool Due() const { return tracker_.AckDue(clock_.Now()); }
  std::vector<AckRange> Ranges() { return tracker_.BuildAck(clock_.Now()).ranges; }

  FakeClock clock_;
  AckTracker tracker_;
};

TEST_F(AckTrackerTest, NothingToAcknowledgeAtFirst) {
  EXPECT_FALSE(tracker_.HasRanges());
  EXPECT_FALSE(tracker_.HasNews());
  EXPECT_FALSE(Due());
  EXPECT_EQ(tracker_.AckDeadline(), kNever);
}

TEST_F(AckTrackerTest, InOrderPacketsFormOneRange) {
  for (uint64_t pn = 0; pn < 5; ++pn) EXPECT_TRUE(Receive(pn));
  EXPECT_EQ(tracker_.range_count(), 1u);
  EXPECT_EQ(tracker_.largest(), 4u);
  EXPECT_EQ(Ranges(), (std::vector<AckRange>{{0, 4}}));
}

TEST_F(AckTrackerTest, GapsMakeRangesDescending) {
  for (uint64_t pn : {0, 1, 2, 5, 6, 9}) EXPECT_TRUE(Receive(pn));
  EXPECT_EQ(Ranges(), (std::vector<AckRange>{{9, 9}, {5, 6}, {0, 2}}));
}

TEST_F(AckTrackerTest, FillingAGapJoinsTheRangesOnBothSides) {
  for (uint64_t pn : {0, 1, 3, 4}) Receive(pn);
  EXPECT_EQ(tracker_.range_count(), 2u);
  EXPECT_TRUE(Receive(2));
  EXPECT_EQ(Ranges(), (std::vector<AckRange>{{0, 4}}));
}

TEST_F(AckTrackerTest, APacketJustBelowARangeExtendsItDownwards) {
  for (uint64_t pn : {0, 5, 6}) Receive(pn);
  EXPECT_TRUE(Receive(4));
  EXPECT_EQ(Ranges(), (std::vector<AckRange>{{4, 6}, {0, 0}}));
}

TEST_F(AckTrackerTest, DuplicatesAreRefusedWherever) {
  for (uint64_t pn : {0, 1, 2, 5, 6, 7}) Receive(pn);
  for (uint64_t pn : {0, 1, 2, 5, 6, 7}) EXPECT_FALSE(Receive(pn)) << pn;
  EXPECT_FALSE(ReceiveAckOnly(6));
  EXPECT_EQ(Ranges(), (std::vector<AckRange>{{5, 7}, {0, 2}}));
}

TEST_F(AckTrackerTest, KeepsAtMostMaxRangesForgettingTheOldest) {
  // Every other packet: each is its own range.
  for (uint64_t i = 0; i < AckTracker::kMaxRanges + 8; ++i) Receive(2 * i);
  EXPECT_EQ(tracker_.range_count(), AckTracker::kMaxRanges);
  const std::vector<AckRange> ranges = Ranges();
  ASSERT_EQ(ranges.size(), AckTracker::kMaxRanges);
  EXPECT_EQ(ranges.front().largest, 2 * (AckTracker::kMaxRanges + 7));
  EXPECT_EQ(ranges.back().smallest, 2 * 8u);  // 0, 2, ... 14 forgotten
}

TEST_F(AckTrackerTest, APacketOlderThanEverythingRememberedIsRefused) {
  for (uint64_t i = 0; i < AckTracker::kMaxRanges + 8; ++i) Receive(2 * i);
  // 1 and 2 are below the oldest range kept (16): they cannot be told
  // apart from replays, so they are dropped.
  EXPECT_FALSE(Receive(1));
  EXPECT_FALSE(Receive(2));
  EXPECT_EQ(tracker_.range_count(), AckTracker::kMaxRanges);
}

TEST_F(AckTrackerTest, AForgottenPacketStaysForgottenAfterRangesMerge) {
  for (uint64_t i = 0; i < AckTracker::kMaxRanges + 8; ++i) Receive(2 * i);
  // Fill some gaps: the ranges merge and fewer than kMaxRanges remain.
  for (uint64_t pn = 17; pn < 40; pn += 2) EXPECT_TRUE(Receive(pn));
  ASSERT_LT(tracker_.range_count(), AckTracker::kMaxRanges);
  // Packet 0 was received and forgotten: a replay of it must not count as
  // new, even though there is room for a range again.
  EXPECT_FALSE(Receive(0));
  EXPECT_FALSE(Receive(2));
  EXPECT_FALSE(Receive(14));
  EXPECT_EQ(Ranges().back().smallest, 16u);
}

TEST_F(AckTrackerTest, ShuffledArrivalsWithDuplicatesEndAsOneRange) {
  // 200 packets, each arriving once or twice in a shuffled order: every
  // first arrival is new, every second one a duplicate, and the ranges end
  // up as one.
  std::vector<uint64_t> order;
  for (uint64_t pn = 0; pn < 200; ++pn) order.push_back(pn);
  // A fixed permutation within windows of 8 (a few ranges at a time).
  for (size_t i = 0; i + 8 <= order.size(); i += 8)
    std::reverse(order.begin() + i, order.begin() + i + 8);
  for (uint64_t pn : order) {
    EXPECT_TRUE(Receive(pn)) << pn;
    EXPECT_FALSE(Receive(pn)) << pn;
  }
  EXPECT_EQ(Ranges(), (std::vector<AckRange>{{0, 199}}));
}

// ------------------------------------------------------------------ timing

TEST_F(AckTrackerTest, OneElicitingPacketWaitsForMaxAckDelay) {
  Receive(0);
  EXPECT_FALSE(Due());
  EXPECT_EQ(tracker_.AckDeadline(), clock_.Now() + kMaxAckDelay);
  Advance(kMaxAckDelay - 1ms);
  EXPECT_FALSE(Due());
  Advance(1ms);
  EXPECT_TRUE(Due());
}

TEST_F(AckTrackerTest, EverySecondElicitingPacketIsAcknowledgedAtOnce) {
  Receive(0);
  EXPECT_FALSE(Due());
  Receive(1);
  EXPECT_TRUE(Due());
  EXPECT_EQ(tracker_.AckDeadline(), TimePoint::min());
  tracker_.BuildAck(clock_.Now());
  EXPECT_FALSE(Due());
  Receive(2);
  EXPECT_FALSE(Due());
  Receive(3);
  EXPECT_TRUE(Due());
}

TEST_F(AckTrackerTest, APacketAfterAGapIsAcknowledgedAtOnce) {
  Receive(0);
  tracker_.BuildAck(clock_.Now());
  Receive(2);  // 1 is missing
  EXPECT_TRUE(Due());
}

TEST_F(AckTrackerTest, ALatePacketIsAcknowledgedAtOnce) {
  Receive(0);
  Receive(2);
  tracker_.BuildAck(clock_.Now());
  Receive(1);  // fills the gap, out of order
  EXPECT_TRUE(Due());
}

TEST_F(AckTrackerTest, AckOnlyPacketsAreNeverAcknowledgedOnTheirOwn) {
  for (uint64_t pn = 0; pn < 10; ++pn) ReceiveAckOnly(pn * 2);  // gaps too
  EXPECT_FALSE(Due());
  EXPECT_EQ(tracker_.AckDeadline(), kNever);
  Advance(1s);
  EXPECT_FALSE(Due());
  // But they are news worth piggybacking on a packet that goes anyway.
  EXPECT_TRUE(tracker_.HasNews());
  EXPECT_TRUE(tracker_.HasRanges());
}

TEST_F(AckTrackerTest, BuildAckClearsWhatWasPending) {
  Receive(0);
  Receive(1);
  ASSERT_TRUE(Due());
  tracker_.BuildAck(clock_.Now());
  EXPECT_FALSE(Due());
  EXPECT_FALSE(tracker_.HasNews());
  EXPECT_EQ(tracker_.AckDeadline(), kNever);
  EXPECT_TRUE(tracker_.HasRanges());  // still known, for the next ACK
}

TEST_F(AckTrackerTest, AckDelayIsTheTimeSinceTheLargestArrived) {
  Receive(0);
  Advance(3ms);
  Receive(5);
  Advance(4ms);
  Receive(2);  // older: does not restart the clock of the largest
  Advance(1ms);
  const AckFrame ack = tracker_.BuildAck(clock_.Now());
  EXPECT_EQ(ack.ack_delay_us, 5000u);
  EXPECT_EQ(ack.ranges.front().largest, 5u);
}

TEST_F(AckTrackerTest, BulkFlowsAreAcknowledgedEveryEighthPacket) {
  uint64_t pn = 0;
  for (; pn < AckTracker::kBulkAfterPackets; ++pn) {
    Receive(pn);
    if (Due()) tracker_.BuildAck(clock_.Now());
  }
  tracker_.BuildAck(clock_.Now());
  for (int i = 1; i < AckTracker::kBulkAckThreshold; ++i) {
    Receive(pn++);
    EXPECT_FALSE(Due()) << i;
  }
  Receive(pn++);
  EXPECT_TRUE(Due());
  // A gap still gets an immediate ACK in bulk mode.
  tracker_.BuildAck(clock_.Now());
  Receive(pn + 1);
  EXPECT_TRUE(Due());
}

TEST_F(AckTrackerTest, BulkFlowsStillRespectMaxAckDelay) {
  for (uint64_t pn = 0; pn < AckTracker::kBulkAfterPackets; ++pn) Receive(pn);
  tracker_.BuildAck(clock_.Now());
  Receive(AckTracker::kBulkAfterPackets);
  EXPECT_FALSE(Due());
  Advance(kMaxAckDelay);
  EXPECT_TRUE(Due());
}

}  // namespace
}  // namespace roam::channel
