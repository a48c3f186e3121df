// Transport: the receiver rules of docs/protocol.md §5.7 (duplicates, unknown
// references, throwaway, out of order, the 1024-state limit with its quench),
// delayed acks only for non-empty diffs, consumption of remote diffs, and
// what happens when the Connection cannot send. A "peer" Connection with the
// same key seals hand-built Instructions for the server Transport under test.

#include "ssp/transport.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "crypto/key.h"
#include "crypto/nonce.h"
#include "crypto/ocb_session.h"
#include "net/connection.h"
#include "net/datagram.h"
#include "unit/ssp/test_states.h"

namespace roam::ssp {
namespace {

using testing::AppendState;

crypto::Key TestKey() { return crypto::Key::FromBytes("0123456789abcdef"); }
net::Address ServerAddress() { return *net::Address::Parse("127.0.0.1", 60001); }
net::Address ClientAddress() { return *net::Address::Parse("127.0.0.1", 40000); }

using ServerTransport = Transport<AppendState, AppendState>;

class TransportTest : public ::testing::Test {
 protected:
  TransportTest()
      : server_(net::Connection::Server(TestKey()), AppendState(), AppendState(), &random_,
                clock_.Now()),
        peer_(net::Connection::Client(TestKey(), ServerAddress(),
                                      crypto::OcbSession::kDefaultBlockLimit, /*first_seq=*/0)) {}

  TimePoint Now() const { return clock_.Now(); }
  void AdvanceTime(Millis d) { clock_.Advance(d); }

  // The peer sends "apply `diff` to your state `old_num` to get `new_num`".
  void PeerSend(uint64_t old_num, uint64_t new_num, std::string diff = "", uint64_t ack = 0,
                uint64_t throwaway = 0) {
    TransportBuffers::Instruction instruction;
    instruction.set_protocol_version(wire::kProtocolVersion);
    instruction.set_old_num(old_num);
    instruction.set_new_num(new_num);
    instruction.set_ack_num(ack);
    instruction.set_throwaway_num(throwaway);
    instruction.set_diff(std::move(diff));
    instruction.set_chaff("");
    Result<std::vector<Fragment>> fragments =
        peer_fragmenter_.Split(wire::Serialize(instruction), peer_.mtu());
    ASSERT_TRUE(fragments.ok());
    for (const Fragment& fragment : *fragments) {
      Result<net::OutgoingDatagram> datagram = peer_.Seal(fragment.Encode(), Now());
      ASSERT_TRUE(datagram.ok());
      server_.Receive(datagram->bytes, ClientAddress(), 0, false, Now());
    }
  }

  // Seals an Instruction as the peer would, without delivering it.
  std::vector<std::string> PeerSeal(uint64_t old_num, uint64_t new_num, std::string diff) {
    TransportBuffers::Instruction instruction;
    instruction.set_protocol_version(wire::kProtocolVersion);
    instruction.set_old_num(old_num);
    instruction.set_new_num(new_num);
    instruction.set_ack_num(0);
    instruction.set_throwaway_num(old_num);
    instruction.set_diff(std::move(diff));
    instruction.set_chaff("");
    std::vector<std::string> out;
    Result<std::vector<Fragment>> fragments =
        peer_fragmenter_.Split(wire::Serialize(instruction), peer_.mtu());
    EXPECT_TRUE(fragments.ok());
    for (const Fragment& fragment : *fragments) {
      Result<net::OutgoingDatagram> datagram = peer_.Seal(fragment.Encode(), Now());
      EXPECT_TRUE(datagram.ok());
      out.push_back(datagram->bytes);
    }
    return out;
  }
  void Deliver(const std::string& datagram) {
    server_.Receive(datagram, ClientAddress(), 0, false, Now());
  }
  static std::vector<std::string> Drop(std::vector<std::string> datagrams, size_t index) {
    datagrams.erase(datagrams.begin() + static_cast<ptrdiff_t>(index));
    return datagrams;
  }
  static std::string CorruptByte(std::string datagram, size_t index) {
    datagram.at(index) ^= 0x20;
    return datagram;
  }

  // Runs the server's Tick and decodes what it sent, as the peer.
  std::vector<TransportBuffers::Instruction> ServerTick() {
    std::vector<TransportBuffers::Instruction> out;
    for (const net::OutgoingDatagram& datagram : server_.Tick(Now())) {
      EXPECT_EQ(datagram.to, ClientAddress());
      std::optional<std::string> payload =
          peer_.Receive(datagram.bytes, ServerAddress(), 0, false, Now());
      if (!payload) continue;
      Result<Fragment> fragment = Fragment::Decode(*payload);
      if (!fragment.ok()) continue;
      std::optional<TransportBuffers::Instruction> instruction =
          peer_assembly_.Add(std::move(*fragment));
      if (instruction) out.push_back(std::move(*instruction));
    }
    return out;
  }

  // Ticks at the server's next wake-up; returns the one Instruction sent.
  std::optional<TransportBuffers::Instruction> ServerTickAtWakeup() {
    TimePoint wake = server_.NextWakeup(Now());
    if (wake == kNever) return std::nullopt;
    clock_.Set(wake);
    std::vector<TransportBuffers::Instruction> sent = ServerTick();
    if (sent.empty()) return std::nullopt;
    return sent.back();
  }

  const ReceiverStats& receiver() {
    stats_ = server_.stats();
    return stats_.receiver;
  }

  FakeClock clock_;
  SeededRandom random_{3};
  ServerTransport server_;
  net::Connection peer_;
  Fragmenter peer_fragmenter_;
  FragmentAssembly peer_assembly_;
  TransportStats stats_;
};

TEST_F(TransportTest, NoRemoteMeansNothingToSendAndNoWakeup) {
  server_.current_state().Append("output");
  EXPECT_EQ(server_.NextWakeup(Now()), kNever);
  EXPECT_TRUE(ServerTick().empty());
}

TEST_F(TransportTest, FirstContactIsAckedAtOnce) {
  PeerSend(0, 1, "R");
  EXPECT_EQ(server_.latest_remote_state_num(), 1u);
  EXPECT_EQ(server_.latest_remote_state().text(), "R");
  EXPECT_EQ(server_.last_new_state_at(), Now());
  EXPECT_EQ(server_.NextWakeup(Now()), Now());
  std::vector<TransportBuffers::Instruction> sent = ServerTick();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].old_num(), 0u);
  EXPECT_EQ(sent[0].new_num(), 1u);
  EXPECT_EQ(sent[0].ack_num(), 1u);
  EXPECT_EQ(sent[0].diff(), "");
}

TEST_F(TransportTest, FirstScreenWaitsTheInitialIntervalWithoutFastStart) {
  PeerSend(0, 1, "R");
  ASSERT_EQ(ServerTick().size(), 1u);  // the first ack, at once
  const TimePoint acked = Now();
  AdvanceTime(Millis(10));
  server_.current_state().Append("prompt$ ");
  // No RTT sample yet: SSP's initial 1 s guess gives a 250 ms interval.
  EXPECT_FALSE(server_.connection().rtt().has_sample());
  EXPECT_EQ(server_.frame_interval(), Millis(250));
  EXPECT_EQ(server_.NextWakeup(Now()), acked + Millis(250));
}

TEST_F(TransportTest, FastStartSendsTheFirstScreenAtTheMinimumInterval) {
  server_.SetFastStart(true);
  PeerSend(0, 1, "R");
  ASSERT_EQ(ServerTick().size(), 1u);
  const TimePoint acked = Now();
  AdvanceTime(Millis(10));
  server_.current_state().Append("prompt$ ");
  EXPECT_EQ(server_.frame_interval(), net::kSendIntervalMin);
  EXPECT_EQ(server_.NextWakeup(Now()), acked + Millis(20));
  clock_.Set(acked + Millis(20));
  std::vector<net::OutgoingDatagram> screen = server_.Tick(Now());
  ASSERT_EQ(screen.size(), 1u);
  // The screen takes 300 ms to reach the peer, which answers at once (the
  // answer arrives instantly in this harness): the first sample is a 300 ms
  // round trip, and frames are spaced by the measured interval from then on.
  AdvanceTime(Millis(300));
  ASSERT_TRUE(peer_.Receive(screen[0].bytes, ServerAddress(), 0, false, Now()).has_value());
  PeerSend(1, 2, "", /*ack=*/2);
  ASSERT_TRUE(server_.connection().rtt().has_sample());
  EXPECT_EQ(server_.frame_interval(), server_.connection().rtt().send_interval());
  EXPECT_EQ(server_.frame_interval(), Millis(150));
}

TEST_F(TransportTest, NonEmptyDiffIsAckedAfter100ms) {
  PeerSend(0, 1, "R");
  ServerTick();
  AdvanceTime(Millis(500));
  PeerSend(1, 2, "x");
  EXPECT_EQ(server_.NextWakeup(Now()), Now() + kAckDelay);
  std::optional<TransportBuffers::Instruction> ack = ServerTickAtWakeup();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->ack_num(), 2u);
}

TEST_F(TransportTest, EmptyDiffIsNotAckedEarly) {
  PeerSend(0, 1, "R");
  ServerTick();
  const TimePoint first_ack = Now();
  AdvanceTime(Millis(500));
  PeerSend(1, 2);  // a heartbeat: new number, empty diff
  EXPECT_EQ(server_.latest_remote_state_num(), 2u);
  EXPECT_EQ(server_.NextWakeup(Now()), first_ack + kAckInterval);
  std::optional<TransportBuffers::Instruction> beat = ServerTickAtWakeup();
  ASSERT_TRUE(beat.has_value());
  EXPECT_EQ(beat->ack_num(), 2u);  // the heartbeat still carries the newest ack
}

TEST_F(TransportTest, DuplicateIsIgnoredButItsAckIsProcessed) {
  PeerSend(0, 1, "R");
  std::vector<TransportBuffers::Instruction> sent = ServerTick();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(server_.sender().acked_num(), 0u);
  AdvanceTime(Millis(10));
  PeerSend(0, 1, "R", /*ack=*/sent[0].new_num());
  EXPECT_EQ(receiver().duplicate_states, 1u);
  EXPECT_EQ(server_.latest_remote_state().text(), "R");
  EXPECT_EQ(server_.sender().acked_num(), sent[0].new_num());
}

TEST_F(TransportTest, UnknownReferenceIsIgnored) {
  PeerSend(5, 6, "x");
  EXPECT_EQ(receiver().unknown_reference, 1u);
  EXPECT_EQ(server_.latest_remote_state_num(), 0u);
  EXPECT_FALSE(server_.has_remote_state());
  EXPECT_EQ(server_.last_new_state_at(), TimePoint{});
}

TEST_F(TransportTest, ThrowawayDropsOlderStates) {
  PeerSend(0, 1, "a");
  PeerSend(1, 2, "b");
  PeerSend(2, 3, "c");
  EXPECT_EQ(server_.received_states_size(), 4u);
  PeerSend(3, 4, "d", 0, /*throwaway=*/3);
  EXPECT_EQ(server_.received_states_size(), 2u);  // states 3 and 4
  EXPECT_EQ(server_.latest_remote_state().text(), "abcd");
  // A state based on a thrown-away one is now an unknown reference.
  PeerSend(1, 5, "z");
  EXPECT_EQ(receiver().unknown_reference, 1u);
}

TEST_F(TransportTest, OutOfOrderStateIsHeldButNotAcked) {
  PeerSend(0, 1, "a");
  ServerTick();
  AdvanceTime(Millis(20));
  PeerSend(1, 3, "bc");
  const TimePoint heard = server_.last_new_state_at();
  AdvanceTime(Millis(20));
  PeerSend(1, 2, "b");
  EXPECT_EQ(receiver().states_out_of_order, 1u);
  EXPECT_EQ(server_.latest_remote_state_num(), 3u);
  EXPECT_EQ(server_.last_new_state_at(), heard);
  EXPECT_EQ(server_.received_states_size(), 4u);
  std::optional<TransportBuffers::Instruction> ack = ServerTickAtWakeup();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->ack_num(), 3u);
}

TEST_F(TransportTest, MoreThan1024StatesAreQuenched) {
  // Every state is based on state 0, which is never thrown away.
  uint64_t n = 1;
  for (; n <= 1024; ++n) PeerSend(0, n, "s");
  EXPECT_EQ(server_.received_states_size(), 1025u);
  EXPECT_EQ(receiver().quenched, 0u);
  PeerSend(0, n++, "s");  // over the limit: accepted, and the quench starts
  EXPECT_EQ(server_.received_states_size(), 1026u);
  PeerSend(0, n++, "s");
  AdvanceTime(Millis(14'999));
  PeerSend(0, n++, "s");
  EXPECT_EQ(receiver().quenched, 2u);
  EXPECT_EQ(server_.received_states_size(), 1026u);
  AdvanceTime(Millis(1));
  PeerSend(0, n++, "s");  // 15 s later one more gets in
  EXPECT_EQ(server_.received_states_size(), 1027u);
  PeerSend(0, n++, "s");
  EXPECT_EQ(receiver().quenched, 3u);
  // Thrown-away states make room again.
  PeerSend(0, n, "s", 0, /*throwaway=*/n - 2);  // n - 2 is the newest held
  EXPECT_EQ(server_.received_states_size(), 2u);
}

TEST_F(TransportTest, BadDiffIsCountedAndChangesNothing) {
  PeerSend(0, 1, "a");
  PeerSend(1, 2, "!bad", 0, /*throwaway=*/1);
  EXPECT_EQ(receiver().bad_diffs, 1u);
  EXPECT_EQ(server_.latest_remote_state_num(), 1u);
  EXPECT_EQ(server_.received_states_size(), 2u);  // the throwaway was not applied either
}

TEST_F(TransportTest, TakeRemoteDiffReturnsWhatArrivedSinceLastTime) {
  PeerSend(0, 1, "ab");
  EXPECT_EQ(server_.TakeRemoteDiff(), "ab");
  EXPECT_EQ(server_.TakeRemoteDiff(), "");
  PeerSend(1, 2, "c", 0, 1);
  PeerSend(2, 3, "de", 0, 1);
  EXPECT_EQ(server_.TakeRemoteDiff(), "cde");
  PeerSend(3, 4, "f", 0, 3);
  EXPECT_EQ(server_.TakeRemoteDiff(), "f");
}

TEST_F(TransportTest, CorruptedDatagramIsDroppedThenTheGenuineOneIsAccepted) {
  std::vector<std::string> datagrams = PeerSeal(0, 1, "a");
  ASSERT_EQ(datagrams.size(), 1u);
  Deliver(CorruptByte(datagrams[0], 30));
  EXPECT_EQ(server_.stats().connection.dropped_auth, 1u);
  EXPECT_EQ(server_.latest_remote_state_num(), 0u);
  EXPECT_FALSE(server_.connection().has_remote());
  Deliver(datagrams[0]);
  EXPECT_EQ(server_.latest_remote_state_num(), 1u);
  EXPECT_TRUE(server_.connection().has_remote());
}

TEST_F(TransportTest, LostFragmentMeansNoStateUntilTheResendArrives) {
  SeededRandom bytes(4);
  std::string big(3000, '\0');
  for (char& c : big) c = static_cast<char>(bytes.Next());
  std::vector<std::string> first_try = PeerSeal(0, 1, big);
  ASSERT_GE(first_try.size(), 3u);
  for (const std::string& d : Drop(first_try, 1)) Deliver(d);
  EXPECT_EQ(server_.latest_remote_state_num(), 0u);
  // The sender resends the whole Instruction under a new id; it arrives
  // reordered, and a late fragment of the first try is harmless.
  std::vector<std::string> second_try = PeerSeal(0, 1, big);
  Deliver(second_try[2]);
  Deliver(second_try[0]);
  Deliver(first_try[1]);
  for (const std::string& d : second_try) Deliver(d);
  EXPECT_EQ(server_.latest_remote_state_num(), 1u);
  EXPECT_EQ(server_.latest_remote_state().text(), big);
  // The second try abandoned the first; the late fragment of the first try
  // was older than the assembly in progress and was ignored.
  EXPECT_EQ(server_.stats().assembly.abandoned, 1u);
  EXPECT_EQ(server_.stats().assembly.stale, 1u);
}

// An authentic datagram with an old counter and a garbled fragment id (a
// replay with the key, as the hostile-server test sends) must not move the
// fragment assembly on: the peer's next Instructions still arrive.
TEST_F(TransportTest, AStaleDatagramWithAGarbledFragmentIdFreezesNothing) {
  PeerSend(0, 1, "a");
  ASSERT_EQ(server_.latest_remote_state_num(), 1u);
  crypto::OcbSession forger(TestKey());
  net::Datagram stale;
  stale.payload = Fragment{uint64_t{1} << 60, 0, true, "garbage-garbage"}.Encode();
  Result<std::string> sealed =
      forger.Seal(crypto::MakeNonce(crypto::Direction::kToServer, 0), stale.Encode());
  ASSERT_TRUE(sealed.ok());
  Deliver(*sealed);
  EXPECT_EQ(server_.stats().connection.out_of_order, 1u);
  EXPECT_EQ(server_.stats().assembly.stale, 1u);
  PeerSend(1, 2, "b", 0, 1);
  PeerSend(2, 3, "c", 0, 2);
  EXPECT_EQ(server_.latest_remote_state_num(), 3u);
  EXPECT_EQ(server_.TakeRemoteDiff(), "abc");
}

TEST_F(TransportTest, PeerShutdownIsAcknowledgedOnce) {
  PeerSend(0, 1, "a");
  ServerTick();
  AdvanceTime(Millis(300));
  PeerSend(1, wire::kShutdownStateNum, "", 0, 1);
  EXPECT_EQ(server_.latest_remote_state_num(), wire::kShutdownStateNum);
  EXPECT_FALSE(server_.counterparty_shutdown_ack_sent());
  std::optional<TransportBuffers::Instruction> ack = ServerTickAtWakeup();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->ack_num(), wire::kShutdownStateNum);
  EXPECT_TRUE(server_.counterparty_shutdown_ack_sent());
}

TEST_F(TransportTest, ServerInitiatedShutdownCompletesWhenAcked) {
  PeerSend(0, 1, "a");
  ServerTick();
  AdvanceTime(Millis(300));
  server_.StartShutdown(Now());
  std::optional<TransportBuffers::Instruction> bye = ServerTickAtWakeup();
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(bye->new_num(), wire::kShutdownStateNum);
  EXPECT_FALSE(server_.shutdown_acknowledged());
  AdvanceTime(Millis(5));
  PeerSend(1, 2, "", wire::kShutdownStateNum, 1);
  EXPECT_TRUE(server_.shutdown_acknowledged());
  EXPECT_FALSE(server_.shutdown_ack_timed_out(Now()));
}

TEST_F(TransportTest, LargeStateIsSentInSeveralFragments) {
  PeerSend(0, 1, "a");
  ServerTick();
  SeededRandom bytes(9);
  std::string big(5000, '\0');
  for (char& c : big) c = static_cast<char>(bytes.Next());
  server_.current_state().Append(big);
  std::optional<TransportBuffers::Instruction> sent = ServerTickAtWakeup();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->diff(), big);
  EXPECT_GE(server_.stats().connection.sent, 1u + 5u);
}

TEST_F(TransportTest, ExhaustedKeyIsAFatalError) {
  // A key good for very few cipher blocks: the server soon cannot seal.
  ServerTransport server(net::Connection::Server(TestKey(), /*block_limit=*/8), AppendState(),
                         AppendState(), &random_, Now());
  Result<std::vector<Fragment>> hello = Fragmenter().Split(
      [] {
        TransportBuffers::Instruction i;
        i.set_protocol_version(2);
        i.set_new_num(1);
        return wire::Serialize(i);
      }(),
      peer_.mtu());
  ASSERT_TRUE(hello.ok());
  Result<net::OutgoingDatagram> datagram = peer_.Seal((*hello)[0].Encode(), Now());
  ASSERT_TRUE(datagram.ok());
  server.Receive(datagram->bytes, ClientAddress(), 0, false, Now());
  ASSERT_EQ(server.latest_remote_state_num(), 1u);
  for (int i = 0; i < 20 && server.fatal_error().ok(); ++i) {
    server.current_state().Append(std::string(100, 'x'));
    clock_.Set(std::max(Now(), server.NextWakeup(Now())));
    server.Tick(Now());
  }
  EXPECT_EQ(server.fatal_error().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(server.Tick(Now()).empty());
  EXPECT_EQ(server.NextWakeup(Now()), kNever);
}

}  // namespace
}  // namespace roam::ssp
