// TransportSender: every timing and numbering decision of docs/protocol.md §5.4-§5.6 and
// the shutdown handshake of §5.9, on a fake clock.

#include "ssp/transport_sender.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "unit/ssp/test_states.h"

namespace roam::ssp {
namespace {

using std::chrono::milliseconds;
using testing::AppendState;

constexpr uint64_t kMax64 = wire::kShutdownStateNum;

class TransportSenderTest : public ::testing::Test {
 protected:
  TransportSenderTest() { MakeSender(kSendMinDelayServer); }

  void MakeSender(Millis mindelay) {
    start_ = clock_.Now();
    sender_.emplace(AppendState(), mindelay, &random_, start_);
    link_.rto = Millis(100);
    link_.send_interval = Millis(50);
    link_.last_new_state_at = TimePoint{};
    link_.remote_known = true;
  }

  TimePoint Now() const { return clock_.Now(); }
  void AdvanceTime(Millis d) { clock_.Advance(d); }
  void AdvanceTo(TimePoint t) { clock_.Set(t); }
  // Milliseconds since the sender was created.
  int64_t At(TimePoint t) const { return (t - start_) / milliseconds(1); }

  void Type(std::string_view text) { sender_->current_state().Append(text); }
  void HearPeer() { link_.last_new_state_at = Now(); }
  std::optional<TransportBuffers::Instruction> Tick() { return sender_->Tick(link_, Now()); }
  TimePoint NextWakeup() const { return sender_->NextWakeup(link_, Now()); }
  // Advances to the next wake-up and ticks there.
  std::optional<TransportBuffers::Instruction> TickAtWakeup() {
    AdvanceTo(NextWakeup());
    return Tick();
  }
  // Sends the pending change now (the ack timer of a fresh sender is due).
  TransportBuffers::Instruction MustSend() {
    std::optional<TransportBuffers::Instruction> sent = Tick();
    EXPECT_TRUE(sent.has_value());
    return sent.value_or(TransportBuffers::Instruction());
  }

  FakeClock clock_;
  SeededRandom random_{11};
  TimePoint start_;
  LinkTiming link_;
  std::optional<TransportSender<AppendState>> sender_;
};

TEST_F(TransportSenderTest, FirstChangeGoesOutAtOnceWithAllFieldsSet) {
  Type("R");
  TransportBuffers::Instruction sent = MustSend();
  EXPECT_TRUE(sent.has_protocol_version() && sent.has_old_num() && sent.has_new_num() &&
              sent.has_ack_num() && sent.has_throwaway_num() && sent.has_diff() &&
              sent.has_chaff());
  EXPECT_EQ(sent.protocol_version(), 2u);
  EXPECT_EQ(sent.old_num(), 0u);
  EXPECT_EQ(sent.new_num(), 1u);
  EXPECT_EQ(sent.ack_num(), 0u);
  EXPECT_EQ(sent.throwaway_num(), 0u);
  EXPECT_EQ(sent.diff(), "R");
  EXPECT_LE(sent.chaff().size(), 16u);
}

TEST_F(TransportSenderTest, NothingToSayMeansNoInstructionUntilTheHeartbeat) {
  // The fresh ack timer is due at once: an empty ack with a new number.
  TransportBuffers::Instruction first = MustSend();
  EXPECT_EQ(first.new_num(), 1u);
  EXPECT_EQ(first.diff(), "");
  EXPECT_EQ(NextWakeup(), Now() + kAckInterval);
  AdvanceTime(Millis(2999));
  EXPECT_FALSE(Tick().has_value());
}

TEST_F(TransportSenderTest, HeartbeatEveryThreeSecondsWithANewNumber) {
  Type("a");
  MustSend();
  sender_->ProcessAcknowledgmentThrough(1);
  const TimePoint sent_at = Now();
  EXPECT_EQ(NextWakeup(), sent_at + kAckInterval);
  for (uint64_t expected = 2; expected <= 4; ++expected) {
    std::optional<TransportBuffers::Instruction> beat = TickAtWakeup();
    ASSERT_TRUE(beat.has_value());
    EXPECT_EQ(At(Now()) - At(sent_at), 3000 * static_cast<int64_t>(expected - 1));
    EXPECT_EQ(beat->new_num(), expected);
    EXPECT_EQ(beat->diff(), "");
    sender_->ProcessAcknowledgmentThrough(expected);
  }
}

TEST_F(TransportSenderTest, MinDelayCollectsChangesOnTheServer) {
  MustSend();  // empty ack at t=0 resets the ack timer
  AdvanceTime(Millis(100));
  Type("x");
  EXPECT_EQ(At(NextWakeup()), 108);  // mindelay 8 ms beats the 50 ms frame interval
  AdvanceTime(Millis(3));
  Type("y");
  EXPECT_EQ(At(NextWakeup()), 108);  // the clock started at the first change
  AdvanceTo(start_ + Millis(107));
  EXPECT_FALSE(Tick().has_value());
  AdvanceTo(start_ + Millis(108));
  std::optional<TransportBuffers::Instruction> sent = Tick();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->diff(), "xy");
}

TEST_F(TransportSenderTest, ZeroMinDelaySendsAtOnceButKeepsTheFrameInterval) {
  sender_->SetSendMinDelay(Millis(0));
  EXPECT_EQ(sender_->send_mindelay(), Millis(0));
  MustSend();
  AdvanceTime(Millis(100));
  Type("x");
  EXPECT_EQ(At(NextWakeup()), 100);
  std::optional<TransportBuffers::Instruction> sent = Tick();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->diff(), "x");
  sender_->ProcessAcknowledgmentThrough(sent->new_num());
  // The next change still waits for the 50 ms frame interval.
  AdvanceTime(Millis(5));
  Type("y");
  EXPECT_EQ(At(NextWakeup()), 150);
  AdvanceTo(start_ + Millis(149));
  EXPECT_FALSE(Tick().has_value());
  AdvanceTo(start_ + Millis(150));
  sent = Tick();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->diff(), "y");
}

TEST_F(TransportSenderTest, MinDelayIsOneMillisecondOnTheClient) {
  MakeSender(kSendMinDelayClient);
  MustSend();
  AdvanceTime(Millis(100));
  Type("x");
  EXPECT_EQ(At(NextWakeup()), 101);
}

TEST_F(TransportSenderTest, FrameIntervalSpacesSends) {
  Type("a");
  MustSend();  // t=0
  AdvanceTime(Millis(2));
  Type("b");
  EXPECT_EQ(At(NextWakeup()), 50);  // last send + send_interval beats 2 + 8
  link_.send_interval = Millis(20);
  EXPECT_EQ(At(NextWakeup()), 20);
  AdvanceTo(start_ + Millis(19));
  EXPECT_FALSE(Tick().has_value());
  AdvanceTo(start_ + Millis(20));
  std::optional<TransportBuffers::Instruction> sent = Tick();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->new_num(), 2u);
}

TEST_F(TransportSenderTest, DelayedAckGoesOutWithin100ms) {
  MustSend();  // t=0, ack timer now at 3000
  AdvanceTime(Millis(500));
  sender_->set_ack_num(7);
  sender_->SetDataAck(Now());
  EXPECT_EQ(At(NextWakeup()), 600);
  std::optional<TransportBuffers::Instruction> ack = TickAtWakeup();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->ack_num(), 7u);
  EXPECT_EQ(ack->new_num(), 2u);  // an ack is a new state number
  EXPECT_EQ(ack->diff(), "");
  // Sending cleared the pending ack: next is the heartbeat.
  EXPECT_EQ(At(NextWakeup()), 3600);
}

TEST_F(TransportSenderTest, NoDelayedAckWithoutDataAck) {
  MustSend();
  AdvanceTime(Millis(500));
  sender_->set_ack_num(7);  // a new state with an empty diff: ack number only
  EXPECT_EQ(At(NextWakeup()), 3000);
}

TEST_F(TransportSenderTest, ProspectiveResendDiffsAgainstTheAckedState) {
  // docs/protocol.md §5.5: state 4 = output based on 3; 50 ms later state 5 = echo ack +
  // the same output, again based on 3 because 4 was not yet acked.
  HearPeer();
  for (int i = 1; i <= 3; ++i) {
    Type("s");
    TickAtWakeup();
  }
  sender_->ProcessAcknowledgmentThrough(3);
  AdvanceTime(Millis(1000));
  Type("echo output");
  std::optional<TransportBuffers::Instruction> four = TickAtWakeup();
  ASSERT_TRUE(four.has_value());
  EXPECT_EQ(four->old_num(), 3u);
  EXPECT_EQ(four->new_num(), 4u);
  AdvanceTime(Millis(50));
  Type("+ack");
  std::optional<TransportBuffers::Instruction> five = TickAtWakeup();
  ASSERT_TRUE(five.has_value());
  EXPECT_EQ(five->new_num(), 5u);
  EXPECT_EQ(five->old_num(), 3u);
  EXPECT_EQ(five->diff(), "echo output+ack");
}

TEST_F(TransportSenderTest, NoProspectiveResendWhenTheAckedDiffIsMuchBigger) {
  HearPeer();
  Type("s");
  TickAtWakeup();
  sender_->ProcessAcknowledgmentThrough(1);
  AdvanceTime(Millis(1000));
  Type(std::string(1000, 'o'));  // d2 >= 1000 bytes
  TickAtWakeup();                // state 2 based on 1
  AdvanceTime(Millis(50));
  Type("k");
  std::optional<TransportBuffers::Instruction> three = TickAtWakeup();
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->new_num(), 3u);
  EXPECT_EQ(three->old_num(), 2u);
  EXPECT_EQ(three->diff(), "k");
}

TEST_F(TransportSenderTest, SlowerResendAtRtoPlusAckDelayWhileHearingThePeer) {
  MustSend();  // t=0 empty ack
  sender_->ProcessAcknowledgmentThrough(1);
  AdvanceTime(Millis(1000));
  HearPeer();
  Type("lost");
  std::optional<TransportBuffers::Instruction> first = TickAtWakeup();
  ASSERT_TRUE(first.has_value());
  const int64_t sent_at = At(Now());
  // Unacked but assumed received: wait RTO + ACK_DELAY before resending.
  EXPECT_EQ(At(NextWakeup()), sent_at + 100 + 100);
  std::optional<TransportBuffers::Instruction> resend = TickAtWakeup();
  ASSERT_TRUE(resend.has_value());
  EXPECT_EQ(resend->new_num(), first->new_num());  // same state, same number
  EXPECT_EQ(resend->old_num(), first->old_num());
  EXPECT_EQ(resend->diff(), "lost");
}

// Loss-aware sending: on a link that loses a measurable share of datagrams,
// small Instructions go out twice and are resent after about one SRTT.
TEST_F(TransportSenderTest, SmallInstructionsGoOutTwiceOnALossyLink) {
  MustSend();  // t=0 empty ack
  EXPECT_EQ(sender_->copies(), 1);
  sender_->ProcessAcknowledgmentThrough(1);
  AdvanceTime(Millis(1000));
  HearPeer();
  link_.loss = 0.29;
  Type("k");
  ASSERT_TRUE(TickAtWakeup().has_value());
  EXPECT_EQ(sender_->copies(), 2);
  // Bulk output is not doubled.
  AdvanceTime(Millis(1000));
  Type(std::string(kSmallDiffBytes + 1, 'x'));
  ASSERT_TRUE(TickAtWakeup().has_value());
  EXPECT_EQ(sender_->copies(), 1);
  // Nor is anything on a link that loses less than kLossAwareMinLoss.
  link_.loss = kLossAwareMinLoss / 2;
  AdvanceTime(Millis(1000));
  Type("j");
  ASSERT_TRUE(TickAtWakeup().has_value());
  EXPECT_EQ(sender_->copies(), 1);
}

TEST_F(TransportSenderTest, LossAwareResendComesAfterAboutOneSrtt) {
  MustSend();  // t=0 empty ack
  sender_->ProcessAcknowledgmentThrough(1);
  AdvanceTime(Millis(1000));
  HearPeer();
  link_.loss = 0.29;
  link_.srtt = Millis(100);
  link_.rto = Millis(150);
  Type("lost");
  std::optional<TransportBuffers::Instruction> first = TickAtWakeup();
  ASSERT_TRUE(first.has_value());
  const int64_t sent_at = At(Now());
  // SRTT * 5/4 + 20 ms = 145 ms, before RTO + ACK_DELAY = 250 ms.
  EXPECT_EQ(At(NextWakeup()), sent_at + 145);
  std::optional<TransportBuffers::Instruction> resend = TickAtWakeup();
  ASSERT_TRUE(resend.has_value());
  EXPECT_EQ(resend->new_num(), first->new_num());
  EXPECT_EQ(resend->diff(), "lost");
  EXPECT_EQ(sender_->copies(), 2);
  // Without measured loss: RTO + ACK_DELAY as SSP says.
  link_.loss = 0;
  EXPECT_EQ(At(NextWakeup()), At(Now()) + 150 + 100);
}

TEST_F(TransportSenderTest, SmallPeerStateIsAcknowledgedAtOnceOnALossyLink) {
  MustSend();
  AdvanceTime(Millis(1000));
  HearPeer();
  link_.loss = 0.29;
  sender_->SetDataAck(Now(), /*small=*/true);
  EXPECT_EQ(NextWakeup(), Now());
  ASSERT_TRUE(Tick().has_value());
  EXPECT_EQ(sender_->copies(), 2);
  // A big peer state, or a clean link: within ACK_DELAY as usual, once.
  AdvanceTime(Millis(1000));
  sender_->SetDataAck(Now(), /*small=*/false);
  EXPECT_EQ(At(NextWakeup()), At(Now()) + 100);
  ASSERT_TRUE(TickAtWakeup().has_value());
  EXPECT_EQ(sender_->copies(), 1);
  AdvanceTime(Millis(1000));
  link_.loss = 0;
  sender_->SetDataAck(Now(), /*small=*/true);
  EXPECT_EQ(At(NextWakeup()), At(Now()) + 100);
  // Heartbeats are never doubled.
  link_.loss = 0.29;
  ASSERT_TRUE(TickAtWakeup().has_value());
  AdvanceTime(kAckInterval);
  ASSERT_TRUE(TickAtWakeup().has_value());
  EXPECT_EQ(sender_->copies(), 1);
}

TEST_F(TransportSenderTest, ResendAtFrameRateWhenAnIntermediateStateIsPresumedLost) {
  MustSend();  // state 1 (empty ack) at t=0
  sender_->ProcessAcknowledgmentThrough(1);
  AdvanceTime(Millis(1000));
  HearPeer();
  Type("a");
  TickAtWakeup();  // state 2 at ~1001
  AdvanceTime(Millis(150));
  Type("b");
  std::optional<TransportBuffers::Instruction> three = TickAtWakeup();  // state 3
  ASSERT_TRUE(three.has_value());
  const TimePoint three_at = Now();
  // 200 ms after state 2 it is no longer assumed received, so state 3 (the
  // live state) is not either: resend at the frame rate, not after RTO.
  AdvanceTo(three_at + Millis(50));
  std::optional<TransportBuffers::Instruction> resend = Tick();
  ASSERT_TRUE(resend.has_value());
  EXPECT_EQ(resend->new_num(), 3u);
  EXPECT_EQ(resend->old_num(), 1u);
  EXPECT_EQ(resend->diff(), "ab");
}

TEST_F(TransportSenderTest, NoFastResendMoreThanTenSecondsAfterLastHeard) {
  MustSend();
  AdvanceTime(Millis(1000));
  HearPeer();
  AdvanceTime(Millis(10'000));  // the peer has been silent for 10 s
  Type("x");
  std::optional<TransportBuffers::Instruction> first = TickAtWakeup();
  ASSERT_TRUE(first.has_value());
  const int64_t sent_at = At(Now());
  // Only the heartbeat cadence remains.
  EXPECT_EQ(At(NextWakeup()), sent_at + 3000);
  std::optional<TransportBuffers::Instruction> retry = TickAtWakeup();
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->diff(), "x");
  EXPECT_EQ(retry->new_num(), first->new_num());
}

TEST_F(TransportSenderTest, NeverHeardClientRetriesEveryThreeSeconds) {
  MakeSender(kSendMinDelayClient);
  Type("R");
  TransportBuffers::Instruction first = MustSend();
  for (int i = 1; i <= 4; ++i) {
    std::optional<TransportBuffers::Instruction> retry = TickAtWakeup();
    ASSERT_TRUE(retry.has_value());
    EXPECT_EQ(At(Now()), 3000 * i);
    EXPECT_EQ(retry->new_num(), 1u);
    EXPECT_EQ(retry->diff(), "R");
  }
}

TEST_F(TransportSenderTest, UnknownRemoteSendsNothingAndNeverWakes) {
  link_.remote_known = false;
  Type("x");
  EXPECT_EQ(NextWakeup(), kNever);
  EXPECT_FALSE(Tick().has_value());
}

TEST_F(TransportSenderTest, AckDropsOlderStatesAndSetsThrowaway) {
  HearPeer();
  for (int i = 1; i <= 4; ++i) {
    Type("s");
    TickAtWakeup();
  }
  EXPECT_EQ(sender_->sent_states_size(), 5u);
  sender_->ProcessAcknowledgmentThrough(99);  // never sent: ignored
  EXPECT_EQ(sender_->sent_states_size(), 5u);
  sender_->ProcessAcknowledgmentThrough(3);
  EXPECT_EQ(sender_->sent_states_size(), 2u);
  EXPECT_EQ(sender_->acked_num(), 3u);
  sender_->ProcessAcknowledgmentThrough(2);  // older ack: nothing held below 3 anyway
  EXPECT_EQ(sender_->acked_num(), 3u);
  // The live state was rationalized against the acknowledged state 3.
  Type("t");
  std::optional<TransportBuffers::Instruction> next = TickAtWakeup();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->throwaway_num(), 3u);
  EXPECT_EQ(sender_->current_state().text(), "st");
}

TEST_F(TransportSenderTest, QueueKeeps32StatesCullingThe16thFromTheEnd) {
  HearPeer();
  for (int i = 1; i <= 32; ++i) {
    Type("s");
    ASSERT_TRUE(TickAtWakeup().has_value());
  }
  ASSERT_EQ(sender_->sent_states_size(), 32u);
  // States 0..16 kept, 17 culled when the 33rd entry (state 32) arrived.
  EXPECT_EQ(sender_->sent_state_num(16), 16u);
  EXPECT_EQ(sender_->sent_state_num(17), 18u);
  EXPECT_EQ(sender_->last_sent_num(), 32u);
  Type("s");
  ASSERT_TRUE(TickAtWakeup().has_value());
  EXPECT_EQ(sender_->sent_states_size(), 32u);
  EXPECT_EQ(sender_->sent_state_num(17), 19u);
  EXPECT_EQ(sender_->last_sent_num(), 33u);
  // An ack of a culled state is ignored.
  sender_->ProcessAcknowledgmentThrough(17);
  EXPECT_EQ(sender_->acked_num(), 0u);
}

TEST_F(TransportSenderTest, ChaffIsZeroToSixteenBytes) {
  bool saw_empty = false;
  bool saw_sixteen = false;
  for (int i = 0; i < 400; ++i) {
    std::optional<TransportBuffers::Instruction> beat = TickAtWakeup();
    ASSERT_TRUE(beat.has_value());
    EXPECT_LE(beat->chaff().size(), 16u);
    saw_empty |= beat->chaff().empty();
    saw_sixteen |= beat->chaff().size() == 16;
    sender_->ProcessAcknowledgmentThrough(beat->new_num());
  }
  EXPECT_TRUE(saw_empty);
  EXPECT_TRUE(saw_sixteen);
}

TEST_F(TransportSenderTest, ShutdownSendsMax64AtFrameRateUntilAcked) {
  Type("a");
  MustSend();
  sender_->ProcessAcknowledgmentThrough(1);
  AdvanceTime(Millis(1000));
  Type("bye");
  sender_->StartShutdown(Now());
  EXPECT_TRUE(sender_->shutdown_in_progress());
  std::optional<TransportBuffers::Instruction> first = TickAtWakeup();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->new_num(), kMax64);
  EXPECT_EQ(first->old_num(), 1u);
  EXPECT_EQ(first->diff(), "bye");
  // Hurried: the next try one frame interval later, not after 3 s.
  const TimePoint first_at = Now();
  EXPECT_EQ(NextWakeup(), first_at + link_.send_interval);
  std::optional<TransportBuffers::Instruction> second = TickAtWakeup();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->new_num(), kMax64);
  EXPECT_FALSE(sender_->shutdown_acknowledged());
  sender_->ProcessAcknowledgmentThrough(kMax64);
  EXPECT_TRUE(sender_->shutdown_acknowledged());
  EXPECT_FALSE(sender_->shutdown_ack_timed_out(Now()));
}

TEST_F(TransportSenderTest, ShutdownGivesUpAfterSixteenTries) {
  sender_->StartShutdown(Now());
  int tries = 0;
  while (!sender_->shutdown_ack_timed_out(Now())) {
    ASSERT_LT(tries, 100);
    std::optional<TransportBuffers::Instruction> sent = TickAtWakeup();
    if (sent) {
      EXPECT_EQ(sent->new_num(), kMax64);
      ++tries;
    }
  }
  EXPECT_EQ(tries, kShutdownRetries);
  EXPECT_LT(Now() - start_, kActiveRetryTimeout);  // 16 x 50 ms, well within 10 s
  EXPECT_FALSE(sender_->shutdown_acknowledged());
}

TEST_F(TransportSenderTest, ShutdownGivesUpAfterTenSeconds) {
  link_.send_interval = Millis(250);
  sender_->StartShutdown(Now());
  ASSERT_TRUE(TickAtWakeup().has_value());
  // Sends are rarer than the retry limit would need (say the caller ticks
  // only every second): the 10 s timeout ends it.
  for (int i = 0; i < 9; ++i) {
    AdvanceTime(Millis(1000));
    Tick();
    EXPECT_FALSE(sender_->shutdown_ack_timed_out(Now()));
  }
  AdvanceTime(Millis(1000));
  EXPECT_TRUE(sender_->shutdown_ack_timed_out(Now()));
  EXPECT_LT(sender_->shutdown_tries(), kShutdownRetries);
}

TEST_F(TransportSenderTest, PeerShutdownIsAcknowledgedOnceAtFrameRate) {
  MustSend();  // t=0; ack timer at 3000
  AdvanceTime(Millis(1000));
  sender_->set_ack_num(kMax64);  // the peer's shutdown state arrived (empty diff)
  EXPECT_FALSE(sender_->counterparty_shutdown_ack_sent());
  EXPECT_EQ(NextWakeup(), Now());  // hurried: last send + 50 ms is long past
  std::optional<TransportBuffers::Instruction> ack = Tick();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->ack_num(), kMax64);
  EXPECT_NE(ack->new_num(), kMax64);
  EXPECT_TRUE(sender_->counterparty_shutdown_ack_sent());
}

}  // namespace
}  // namespace roam::ssp
