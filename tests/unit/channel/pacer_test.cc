// Pacer: the byte budget that spreads channel packets at the congestion
// controller's rate (RFC 9002 §7.7), on a fake clock.

#include "channel/pacer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "base/clock.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;

constexpr size_t kMds = 1200;

class PacerTest : public ::testing::Test {
 protected:
  void SetRate(uint64_t bytes_per_second) { pacer_.SetRate(bytes_per_second, kMds, clock_.Now()); }
  // Sets the rate and lets the budget fill up.
  void StartPaced(uint64_t bytes_per_second) {
    SetRate(bytes_per_second);
    clock_.Advance(1s);
  }
  // Sends as many full packets as the budget allows now; returns how many.
  int SendAllowed() {
    int n = 0;
    for (; n < 100000 && pacer_.CanSend(kMds, clock_.Now()); ++n) pacer_.OnSent(kMds, clock_.Now());
    return n;
  }

  FakeClock clock_;
  Pacer pacer_;
};

TEST_F(PacerTest, RateZeroMeansUnpaced) {
  SetRate(0);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(pacer_.CanSend(kMds, clock_.Now()));
    pacer_.OnSent(kMds, clock_.Now());
  }
  EXPECT_EQ(pacer_.NextSendTime(kMds, clock_.Now()), clock_.Now());
}

TEST_F(PacerTest, AFreshPacerStartsWithAnEmptyBudget) {
  SetRate(1'000'000);
  EXPECT_FALSE(pacer_.CanSend(kMds, clock_.Now()));
  EXPECT_EQ(pacer_.NextSendTime(kMds, clock_.Now()), clock_.Now() + 1200us);
}

TEST_F(PacerTest, AnIdlePacerAllowsABurstOfFourPackets) {
  // At 1 MB/s, 2 ms of data is 2000 bytes, less than four packets: the
  // burst is four packets.
  StartPaced(1'000'000);
  EXPECT_EQ(SendAllowed(), static_cast<int>(Pacer::kBurstPackets));
}

TEST_F(PacerTest, AFastPacerAllowsTwoMillisecondsOfData) {
  // At 120 MB/s, 2 ms is 240,000 bytes = 200 packets.
  StartPaced(120'000'000);
  EXPECT_EQ(SendAllowed(), 200);
}

TEST_F(PacerTest, AfterTheBurstPacketsAreSpacedAtTheRate) {
  StartPaced(1'000'000);  // one 1200-byte packet per 1.2 ms
  SendAllowed();
  EXPECT_FALSE(pacer_.CanSend(kMds, clock_.Now()));
  EXPECT_EQ(pacer_.NextSendTime(kMds, clock_.Now()), clock_.Now() + 1200us);
  clock_.Advance(1199us);
  EXPECT_FALSE(pacer_.CanSend(kMds, clock_.Now()));
  clock_.Advance(1us);
  EXPECT_TRUE(pacer_.CanSend(kMds, clock_.Now()));
  pacer_.OnSent(kMds, clock_.Now());
  EXPECT_FALSE(pacer_.CanSend(kMds, clock_.Now()));
}

TEST_F(PacerTest, OverOneSecondTheRateIsKept) {
  StartPaced(1'200'000);  // 1000 packets a second
  int sent = SendAllowed();
  const TimePoint end = clock_.Now() + 1s;
  for (int guard = 0; guard < 10000 && clock_.Now() < end; ++guard) {
    clock_.Set(std::min(end, pacer_.NextSendTime(kMds, clock_.Now())));
    sent += SendAllowed();
  }
  // The initial burst of four plus one per millisecond.
  EXPECT_GE(sent, 1000);
  EXPECT_LE(sent, 1004);
}

TEST_F(PacerTest, IdleTimeDoesNotBuildUpMoreThanABurst) {
  StartPaced(1'000'000);
  SendAllowed();
  clock_.Advance(10s);
  EXPECT_EQ(SendAllowed(), static_cast<int>(Pacer::kBurstPackets));
}

TEST_F(PacerTest, DebtFromPacketsSentOverBudgetIsBounded) {
  // Probes and ACK-only packets go whatever the budget says.
  StartPaced(1'000'000);
  SendAllowed();
  for (int i = 0; i < 1000; ++i) pacer_.OnSent(kMds, clock_.Now());
  // At most a burst of debt: the next packet may go within
  // (burst + packet) / rate = (4800 + 1200) / 1e6 s = 6 ms.
  EXPECT_LE(pacer_.NextSendTime(kMds, clock_.Now()), clock_.Now() + 6ms);
  EXPECT_GT(pacer_.NextSendTime(kMds, clock_.Now()), clock_.Now());
}

TEST_F(PacerTest, LoweringTheRateClampsTheBudgetToTheNewBurst) {
  StartPaced(120'000'000);  // burst 240,000 bytes
  SetRate(1'000'000);       // burst four packets
  EXPECT_EQ(SendAllowed(), static_cast<int>(Pacer::kBurstPackets));
}

TEST_F(PacerTest, ASmallPacketFitsWhereAFullOneDoesNot) {
  StartPaced(1'000'000);
  SendAllowed();
  clock_.Advance(100us);  // 100 bytes of budget
  EXPECT_FALSE(pacer_.CanSend(kMds, clock_.Now()));
  EXPECT_TRUE(pacer_.CanSend(100, clock_.Now()));
}

}  // namespace
}  // namespace roam::channel
