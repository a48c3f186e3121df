// SendStream: the sending half of a channel — the buffer limit, the peer's
// window and the session credit, resending what was lost but never what
// was acknowledged, the FIN, and reset.

#include "channel/send_stream.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace roam::channel {
namespace {

constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

// Bytes whose value tells their offset (mod 251).
std::string Pattern(size_t n, uint64_t start = 0) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((start + i) % 251);
  return out;
}

struct Sent {
  uint64_t offset;
  std::string data;
  bool fin;
  uint64_t new_bytes;
  friend bool operator==(const Sent&, const Sent&) = default;
};

std::ostream& operator<<(std::ostream& os, const Sent& s) {
  return os << "{" << s.offset << ", " << s.data.size() << " bytes, fin " << s.fin << ", new "
            << s.new_bytes << "}";
}

class SendStreamTest : public ::testing::Test {
 protected:
  explicit SendStreamTest(size_t buffer_limit = 1 << 20, uint64_t peer_limit = 1 << 20)
      : stream_(buffer_limit, peer_limit) {}

  // The next chunk of at most `max` bytes, copied out.
  std::optional<Sent> Next(size_t max = 1000, uint64_t credit = kUnlimited) {
    std::optional<SendStream::Chunk> c = stream_.NextChunk(max, credit);
    if (!c) return std::nullopt;
    return Sent{c->offset, std::string(c->data), c->fin, c->new_bytes};
  }
  // Takes every chunk there is (at most 10,000), spending `credit` new
  // bytes at most, as the multiplexer does with the session window.
  std::vector<Sent> Drain(size_t max = 1000, uint64_t credit = kUnlimited) {
    std::vector<Sent> out;
    for (int i = 0; i < 10000; ++i) {
      std::optional<Sent> s = Next(max, credit);
      if (!s) break;
      if (credit != kUnlimited) credit -= s->new_bytes;
      out.push_back(*s);
    }
    return out;
  }

  SendStream stream_;
};

TEST_F(SendStreamTest, NewDataGoesOutInOrderInChunksOfTheRoomGiven) {
  EXPECT_EQ(stream_.Write(Pattern(2500)), 2500u);
  EXPECT_TRUE(stream_.WantsToSend(kUnlimited));
  std::vector<Sent> sent = Drain(1000);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], (Sent{0, Pattern(1000), false, 1000}));
  EXPECT_EQ(sent[1], (Sent{1000, Pattern(1000, 1000), false, 1000}));
  EXPECT_EQ(sent[2], (Sent{2000, Pattern(500, 2000), false, 500}));
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
  EXPECT_EQ(stream_.highest_sent(), 2500u);
}

TEST_F(SendStreamTest, WriteTakesOnlyWhatFitsTheBufferLimit) {
  SendStream small(1000, 1 << 20);
  EXPECT_EQ(small.writable(), 1000u);
  EXPECT_EQ(small.Write(Pattern(600)), 600u);
  EXPECT_EQ(small.Write(Pattern(600)), 400u);
  EXPECT_EQ(small.writable(), 0u);
  EXPECT_EQ(small.Write("more"), 0u);
  EXPECT_EQ(small.buffered(), 1000u);
}

TEST_F(SendStreamTest, AcknowledgedBytesFreeBufferSpaceInOrderOnly) {
  SendStream small(1000, 1 << 20);
  small.Write(Pattern(1000));
  (void)small.NextChunk(500, kUnlimited);
  (void)small.NextChunk(500, kUnlimited);
  small.OnAcked(500, 500, false);  // the second half first: nothing freed yet
  EXPECT_EQ(small.writable(), 0u);
  small.OnAcked(0, 500, false);
  EXPECT_EQ(small.writable(), 1000u);
  EXPECT_EQ(small.buffered(), 0u);
}

TEST_F(SendStreamTest, ThePeersStreamWindowHoldsNewDataBack) {
  SendStream s(1 << 20, 1500);
  s.Write(Pattern(4000));
  std::optional<SendStream::Chunk> a = s.NextChunk(1000, kUnlimited);
  std::optional<SendStream::Chunk> b = s.NextChunk(1000, kUnlimited);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->data.size(), 500u);
  EXPECT_FALSE(s.NextChunk(1000, kUnlimited));
  EXPECT_FALSE(s.WantsToSend(kUnlimited));
  EXPECT_TRUE(s.BlockedByPeer());
  s.OnPeerLimit(1000);  // lower: ignored
  EXPECT_EQ(s.peer_limit(), 1500u);
  EXPECT_FALSE(s.WantsToSend(kUnlimited));
  s.OnPeerLimit(3000);
  EXPECT_FALSE(s.BlockedByPeer());
  EXPECT_TRUE(s.WantsToSend(kUnlimited));
  std::optional<SendStream::Chunk> c = s.NextChunk(5000, kUnlimited);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->offset, 1500u);
  EXPECT_EQ(c->data.size(), 1500u);
}

TEST_F(SendStreamTest, TheSessionCreditHoldsNewDataBack) {
  stream_.Write(Pattern(3000));
  EXPECT_FALSE(stream_.WantsToSend(0));
  EXPECT_FALSE(Next(1000, 0));
  std::optional<Sent> s = Next(1000, 300);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->data.size(), 300u);
  EXPECT_EQ(s->new_bytes, 300u);
  EXPECT_FALSE(stream_.BlockedByPeer());  // blocked by the session, not the stream
}

TEST_F(SendStreamTest, LostRangesGoOutBeforeNewDataAndNeedNoCredit) {
  stream_.Write(Pattern(3000));
  Drain(1000, 2000);  // [0, 2000) sent
  stream_.OnLost(500, 700, false);
  EXPECT_TRUE(stream_.WantsToSend(0));
  std::optional<Sent> again = Next(1000, 0);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, (Sent{500, Pattern(700, 500), false, 0}));
  EXPECT_EQ(stream_.retransmitted_bytes(), 700u);
  std::optional<Sent> fresh = Next(1000, kUnlimited);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->offset, 2000u);
}

TEST_F(SendStreamTest, ALostRangeLargerThanTheRoomGoesOutInPieces) {
  stream_.Write(Pattern(3000));
  Drain(3000);
  stream_.OnLost(0, 3000, false);
  std::vector<Sent> resent = Drain(1200, 0);
  ASSERT_EQ(resent.size(), 3u);
  EXPECT_EQ(resent[0].offset, 0u);
  EXPECT_EQ(resent[1].offset, 1200u);
  EXPECT_EQ(resent[2], (Sent{2400, Pattern(600, 2400), false, 0}));
}

TEST_F(SendStreamTest, AcknowledgedRangesAreNeverResent) {
  stream_.Write(Pattern(3000));
  Drain(1000);  // three chunks
  stream_.OnAcked(1000, 1000, false);
  // A probe marks the whole oldest packet lost, or a stale loss arrives:
  // the middle thousand was acknowledged and must not go again.
  stream_.OnLost(0, 3000, false);
  std::vector<Sent> resent = Drain(5000, 0);
  ASSERT_EQ(resent.size(), 2u);
  EXPECT_EQ(resent[0], (Sent{0, Pattern(1000), false, 0}));
  EXPECT_EQ(resent[1], (Sent{2000, Pattern(1000, 2000), false, 0}));
}

TEST_F(SendStreamTest, AnAckArrivingAfterALossCancelsTheResend) {
  stream_.Write(Pattern(2000));
  Drain(1000);
  stream_.OnLost(0, 1000, false);
  stream_.OnAcked(0, 1000, false);  // another copy got through
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
  EXPECT_TRUE(Drain().empty());
}

TEST_F(SendStreamTest, LossOfBytesBelowTheAcknowledgedPrefixIsIgnored) {
  stream_.Write(Pattern(2000));
  Drain(1000);
  stream_.OnAcked(0, 2000, false);
  stream_.OnLost(0, 1000, false);
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
}

TEST_F(SendStreamTest, ResentBytesAreRightAfterTheBufferWasCompacted) {
  // 200 KiB: acknowledging the first 150 KiB drops them from the buffer.
  const std::string data = Pattern(200 * 1024);
  ASSERT_EQ(stream_.Write(data), data.size());
  Drain(1000);
  stream_.OnAcked(0, 150 * 1024, false);
  stream_.OnLost(160 * 1024, 3000, false);
  std::vector<Sent> resent = Drain(1000, 0);
  ASSERT_EQ(resent.size(), 3u);
  for (const Sent& s : resent) EXPECT_EQ(s.data, data.substr(s.offset, s.data.size())) << s;
  EXPECT_EQ(stream_.buffered(), data.size() - 150 * 1024);
}

// --------------------------------------------------------------------- FIN

TEST_F(SendStreamTest, FinRidesOnTheLastDataChunk) {
  stream_.Write(Pattern(1500));
  stream_.Finish();
  std::vector<Sent> sent = Drain(1000);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_FALSE(sent[0].fin);
  EXPECT_TRUE(sent[1].fin);
  EXPECT_EQ(stream_.Write("late"), 0u);  // nothing after Finish
}

TEST_F(SendStreamTest, FinAfterEverythingWasSentGoesAlone) {
  stream_.Write(Pattern(100));
  Drain();
  stream_.Finish();
  EXPECT_TRUE(stream_.WantsToSend(0));
  EXPECT_EQ(Next(1000, 0), (Sent{100, "", true, 0}));
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
}

TEST_F(SendStreamTest, FinOfAnEmptyStreamIsAtOffsetZero) {
  stream_.Finish();
  EXPECT_EQ(Next(), (Sent{0, "", true, 0}));
}

TEST_F(SendStreamTest, ALostFinIsSentAgain) {
  stream_.Write(Pattern(100));
  stream_.Finish();
  Drain();
  stream_.OnAcked(0, 100, false);
  stream_.OnLost(100, 0, true);
  EXPECT_TRUE(stream_.WantsToSend(0));
  EXPECT_EQ(Next(), (Sent{100, "", true, 0}));
}

TEST_F(SendStreamTest, ALostFinWithItsDataComesBackWithTheData) {
  stream_.Write(Pattern(100));
  stream_.Finish();
  Drain();
  stream_.OnLost(0, 100, true);
  EXPECT_EQ(Next(), (Sent{0, Pattern(100), true, 0}));
  EXPECT_TRUE(Drain().empty());
}

TEST_F(SendStreamTest, DoneOnlyWhenEveryByteAndTheFinAreAcknowledged) {
  stream_.Write(Pattern(100));
  stream_.Finish();
  Drain();
  EXPECT_FALSE(stream_.done());
  stream_.OnAcked(0, 100, true);
  EXPECT_TRUE(stream_.done());
  stream_.OnLost(0, 100, true);  // stale: ignored
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
}

TEST_F(SendStreamTest, ALostFinAlreadyAcknowledgedIsNotResent) {
  stream_.Finish();
  Drain();
  stream_.OnAcked(0, 0, true);
  stream_.OnLost(0, 0, true);
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
}

// ------------------------------------------------------------------- reset

TEST_F(SendStreamTest, ResetStopsEverythingAndReportsTheHighestOffsetSent) {
  stream_.Write(Pattern(3000));
  Drain(1000, 2000);
  EXPECT_EQ(stream_.Reset(), 2000u);
  EXPECT_TRUE(stream_.reset());
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
  EXPECT_FALSE(Next());
  stream_.OnLost(0, 1000, false);
  EXPECT_FALSE(stream_.WantsToSend(kUnlimited));
  EXPECT_EQ(stream_.Write("x"), 0u);
  EXPECT_FALSE(stream_.BlockedByPeer());
}

}  // namespace
}  // namespace roam::channel
