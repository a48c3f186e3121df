// A hostile peer against the multiplexer: forged channel ids, replayed,
// truncated, malformed and oversized packets, absurd windows, a million
// channel opens, data beyond the windows and contradictory final sizes.
// Every case must be dropped and counted in MuxStats, memory must stay
// within the configured windows, and a normal transfer must still work
// afterwards.
//
// The hostile frames ride in the client's real packets (MuxBed::Inject),
// so the packet numbers stay the real client's and the session's
// acknowledgements stay honest.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/byte_writer.h"
#include "base/varint.h"
#include "channel/mux.h"
#include "unit/channel/mux_bed.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;
using testing::EncodePacket;
using testing::MuxBed;
using testing::Pattern;

constexpr uint64_t kKiB = 1024;

MuxConfig Config() {
  MuxConfig c;
  c.stream_window = 64 * kKiB;
  c.session_window = 256 * kKiB;
  c.stream_send_buffer = 64 * kKiB;
  c.max_incoming_channels = 16;
  return c;
}

// The most the server may hold with Config(): its session window in
// receive buffers plus a send buffer per channel it may have.
constexpr uint64_t kServerMemoryBound = 256 * kKiB + 32 * 64 * kKiB;

class MuxHostileTest : public ::testing::Test {
 protected:
  MuxHostileTest() : bed_(Config()) {}

  // Sends `frames` to the server in the client's next packet, and makes
  // sure there is one (a byte on a carrier channel).
  void Send(const std::vector<Frame>& frames) {
    if (carrier_ == kNone) {
      carrier_ = bed_.Open("carrier");
      bed_.Read(Side::kServer, carrier_);
    }
    bed_.Inject(/*to_server=*/true, frames);
    bed_.Write(Side::kClient, carrier_, "c");
    ASSERT_TRUE(bed_.RunUntil([&] { return !bed_.injections_pending(); }));
    bed_.Run(100ms);
  }

  const MuxStats& server_stats() { return bed_.server().stats(); }

  // A normal transfer on a fresh channel: 256 KiB up and back down.
  void ExpectTheSessionGoesOn() {
    const uint64_t id = bed_.Open("after the attack");
    const std::string data = Pattern(256 * kKiB, id);
    bed_.Write(Side::kClient, id, data, /*close=*/true);
    bed_.Read(Side::kServer, id);
    bed_.Read(Side::kClient, id);
    ASSERT_TRUE(bed_.RunUntil([&] { return bed_.Saw(Side::kServer, id, MuxEvent::kEof); }, 60s));
    EXPECT_TRUE(bed_.Received(Side::kServer, id) == data);
    bed_.Write(Side::kServer, id, data, /*close=*/true);
    ASSERT_TRUE(bed_.RunUntil([&] { return bed_.Saw(Side::kClient, id, MuxEvent::kEof); }, 60s));
    EXPECT_TRUE(bed_.Received(Side::kClient, id) == data);
  }

  void ExpectBoundedMemory() {
    EXPECT_LE(bed_.server().buffered_bytes(), kServerMemoryBound);
    EXPECT_LE(bed_.server().channel_count(), 2 * Config().max_incoming_channels);
  }

  static constexpr uint64_t kNone = ~uint64_t{0};
  MuxBed bed_;
  uint64_t carrier_ = kNone;
};

// ---------------------------------------------------------------- forged ids

TEST_F(MuxHostileTest, FramesForServerChannelsNeverOpenedAreDroppedAndCounted) {
  // Odd ids are the server's own; it opened none.
  Send({StreamFrame{1, 0, "forged", false}, MaxStreamDataFrame{5, 1 << 20},
        ResetStreamFrame{9, 1, 0}, StopSendingFrame{13, 1}});
  EXPECT_EQ(server_stats().frames_bad_stream, 4u);
  EXPECT_FALSE(bed_.server().Info(1));
  EXPECT_EQ(bed_.server().channel_count(), 1u);  // the carrier
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, FramesForUnidirectionalIdsAreDroppedAndCounted) {
  Send({StreamFrame{2, 0, "uni", false}, StreamFrame{3, 0, "uni", false}, MaxStreamDataFrame{6, 1},
        StopSendingFrame{7, 1}, ResetStreamFrame{1002, 0, 0}});
  EXPECT_EQ(server_stats().frames_bad_stream, 5u);
  EXPECT_EQ(bed_.server().channel_count(), 1u);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, FramesForAnIdFarBeyondTheChannelLimitOpenNothing) {
  Send({StreamFrame{uint64_t{4} << 40, 0, "far", false}, StreamFrame{kVarintMax - 3, 0, "", true},
        MaxStreamDataFrame{4000, 1}});
  EXPECT_EQ(server_stats().frames_too_many_streams, 3u);
  EXPECT_EQ(bed_.server().channel_count(), 1u);
  ExpectTheSessionGoesOn();
}

// --------------------------------------------------------- packet-level abuse

TEST_F(MuxHostileTest, ReplayedPacketsAreDroppedWhole) {
  const uint64_t id = bed_.Open("original");
  const std::string data = Pattern(64 * kKiB, 4);
  bed_.Write(Side::kClient, id, data, /*close=*/true);
  bed_.Read(Side::kServer, id);
  ASSERT_TRUE(bed_.RunUntil([&] { return bed_.Saw(Side::kServer, id, MuxEvent::kEof); }));
  bed_.Run(1s);  // nothing left on the way
  const std::vector<std::string> sent = bed_.captured(/*to_server=*/true);
  const uint64_t before = server_stats().packets_duplicate;
  for (const std::string& packet : sent) bed_.server().OnPacket(packet, bed_.Now());
  EXPECT_EQ(server_stats().packets_duplicate - before, sent.size());
  EXPECT_TRUE(bed_.server().TakeEvents().empty());  // nothing happened again
  EXPECT_TRUE(bed_.Received(Side::kServer, id) == data);
  ExpectTheSessionGoesOn();
  EXPECT_TRUE(bed_.Received(Side::kServer, id) == data);
}

TEST_F(MuxHostileTest, TruncatedPacketsAreDroppedWholeAndTheirNumbersStayUnused) {
  // Every cut of the client's packets that breaks a frame reaches the
  // server first; then the packet itself, which must still count as new.
  uint64_t cuts = 0;
  bed_.pair().filter = [&](bool to_server, const std::string& packet) {
    if (!to_server) return false;
    for (size_t n = 0; n < packet.size(); ++n) {
      const std::string_view cut(packet.data(), n);
      if (DecodePacket(cut).ok()) continue;  // a whole-frame prefix: a different packet
      bed_.server().OnPacket(cut, bed_.Now());
      ++cuts;
    }
    return false;
  };
  const uint64_t id = bed_.Open("cut");
  const std::string data = Pattern(20 * kKiB, 5);
  bed_.Write(Side::kClient, id, data, /*close=*/true);
  bed_.Read(Side::kServer, id);
  ASSERT_TRUE(bed_.RunUntil([&] { return bed_.Saw(Side::kServer, id, MuxEvent::kEof); }));
  bed_.pair().filter = nullptr;
  EXPECT_GT(cuts, 1000u);
  EXPECT_EQ(server_stats().packets_malformed, cuts);
  EXPECT_EQ(server_stats().packets_duplicate, 0u);
  EXPECT_TRUE(bed_.Received(Side::kServer, id) == data);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, MalformedPacketsAreDroppedWhole) {
  const std::vector<std::string> garbage = {
      "",
      std::string(1, '\x81'),
      std::string("\x81\x05", 2),                              // no frames
      std::string("\x81\x05\x03\x00\x00\x00\x00", 7),          // unknown type 0x03
      std::string("\x81\x05\x01\x1f", 4),                      // PING, then unknown
      std::string("\x80\x05\x01", 3),                          // not the marker
      std::string("\xff", 1) + std::string(1000, '\xff'),      // all ones
      std::string("\x81\x05\x02\x0a\x00\x00\x0b", 7),          // ACK below zero
      std::string("\x81\x05\x0a\x00\xbf\xff\xff\xff\x61", 9),  // STREAM longer than packet
  };
  for (const std::string& g : garbage) bed_.server().OnPacket(g, bed_.Now());
  EXPECT_EQ(server_stats().packets_malformed, garbage.size());
  EXPECT_EQ(server_stats().packets_received, 0u);
  EXPECT_EQ(bed_.server().channel_count(), 0u);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, AnOversizedStreamFrameBeyondTheWindowIsDropped) {
  // 1 MiB for a fresh channel whose window is 64 KiB, in one packet.
  const std::string huge = Pattern(1 << 20, 9);
  Send({StreamFrame{40, 0, huge, false}});
  EXPECT_EQ(server_stats().frames_flow_violation, 1u);
  ExpectBoundedMemory();
  EXPECT_EQ(bed_.server().buffered_bytes(), 0u);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, AHugePacketOfHarmlessFramesCostsNothing) {
  std::vector<Frame> pings(50000, PingFrame{});
  pings.push_back(PaddingFrame{100000});
  Send(pings);
  EXPECT_EQ(server_stats().dropped(), 0u);
  ExpectBoundedMemory();
  ExpectTheSessionGoesOn();
}

// --------------------------------------------------------------- windows

TEST_F(MuxHostileTest, DataBeyondAStreamWindowIsDroppedAndCounted) {
  Send({});  // the carrier (id 0) exists and is open
  Send({StreamFrame{carrier_, 64 * kKiB, "x", false}, StreamFrame{carrier_, 1 << 30, "y", false}});
  EXPECT_EQ(server_stats().frames_flow_violation, 2u);
  EXPECT_LE(bed_.server().Info(carrier_)->buffered_receive, 64 * kKiB);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, DataBeyondTheSessionWindowIsDroppedAndCounted) {
  // Sixteen channels, each filled to its 64 KiB window: 1 MiB in all, four
  // times the 256 KiB session window. Nobody reads.
  std::vector<Frame> frames;
  const std::string piece = Pattern(60 * kKiB, 3);
  for (uint64_t index = 1; index < 16; ++index) {
    frames.push_back(StreamFrame{index * 4, 0, piece, false});
  }
  Send(frames);
  EXPECT_GE(server_stats().frames_flow_violation, 11u);  // 4 pieces fit 256 KiB
  EXPECT_LE(bed_.server().buffered_bytes(), 256 * kKiB);
  ExpectBoundedMemory();
}

TEST_F(MuxHostileTest, ResetsBeyondTheWindowsAreDroppedAndCounted) {
  Send({ResetStreamFrame{40, 1, 64 * kKiB + 1}, ResetStreamFrame{44, 1, kVarintMax}});
  EXPECT_EQ(server_stats().frames_flow_violation, 2u);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, AbsurdWindowsFromThePeerDoNotGrowOurBuffers) {
  // The server announces windows of 2^62 - 1 and as many channels.
  const uint64_t id = bed_.Open();
  ASSERT_TRUE(bed_.RunUntil([&] { return bed_.Saw(Side::kClient, id, MuxEvent::kAccepted); }));
  bed_.Inject(/*to_server=*/false, {MaxDataFrame{kVarintMax}, MaxStreamDataFrame{id, kVarintMax},
                                    MaxStreamsFrame{kVarintMax}});
  bed_.Write(Side::kServer, id, "w");
  ASSERT_TRUE(bed_.RunUntil([&] { return !bed_.injections_pending(); }));
  // The client writes 8 MiB; the server does not read.
  // The client believes it and writes 8 MiB into a channel the server does
  // not read: its own buffer stays at its limit, and the honest server
  // keeps to the window it really granted.
  bed_.Write(Side::kClient, id, Pattern(8 << 20));
  bed_.Run(5s);
  EXPECT_LE(bed_.client().buffered_bytes(), Config().stream_send_buffer);
  EXPECT_LE(bed_.server().Info(id)->buffered_receive, Config().stream_window);
  EXPECT_GT(server_stats().frames_flow_violation, 0u);
  // And the client may now open more channels than the server can take,
  // each costing only what is written to it.
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bed_.client().Open("x", bed_.Now()).ok());
  EXPECT_EQ(bed_.client().channel_count(), 1001u);
  EXPECT_LE(bed_.client().buffered_bytes(), Config().stream_send_buffer + 1000 * 8);
}

TEST(MuxHostileHandshakeTest, AbsurdInitialParametersDoNotGrowOurBuffers) {
  FakeClock clock;
  const TransportParameters absurd{kVarintMax, kVarintMax, kVarintMax};
  Mux mux(Side::kClient, Config(), absurd, clock.Now());
  Result<uint64_t> id = mux.Open("x", clock.Now());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(mux.Write(*id, Pattern(1 << 20)), Config().stream_send_buffer - 2);
  // Nothing is acknowledged: what goes out is held by the congestion
  // window, whatever the peer allowed.
  uint64_t sent = 0;
  for (int i = 0; i < 10000; ++i) {
    std::optional<std::string> p = mux.NextPacket(clock.Now(), 1200);
    if (!p) break;
    sent += p->size();
  }
  EXPECT_LE(sent, mux.congestion_window() + 1200);
  EXPECT_LE(mux.buffered_bytes(), Config().stream_send_buffer);
}

// ------------------------------------------------------------ channel count

TEST_F(MuxHostileTest, AMillionChannelOpensAreRefusedBeyondTheLimit) {
  // Ids of the client's, all new, 10,000 per packet.
  constexpr uint64_t kOpens = 1'000'000;
  constexpr uint64_t kPerPacket = 10'000;
  for (uint64_t first = 1; first < kOpens + 1; first += kPerPacket) {
    std::vector<Frame> frames;
    for (uint64_t index = first; index < first + kPerPacket; ++index) {
      frames.push_back(StreamFrame{index * 4, 0, "", false});
    }
    bed_.Inject(/*to_server=*/true, frames);
  }
  const uint64_t carrier = bed_.Open("carrier");
  bed_.Write(Side::kClient, carrier, Pattern(2 << 20), /*close=*/true);
  bed_.Read(Side::kServer, carrier);
  ASSERT_TRUE(bed_.RunUntil([&] { return !bed_.injections_pending(); }, 120s));
  bed_.Run(1s);  // the last ones arrive
  // The server made the channels it allows (the carrier and ids 4 .. 60)
  // and refused every other open.
  EXPECT_EQ(server_stats().frames_too_many_streams, kOpens - 15);
  EXPECT_EQ(bed_.server().channel_count(), 16u);
  EXPECT_EQ(server_stats().channels_incoming, 16u);
  ExpectBoundedMemory();
  // The half-open channels never had a request: nothing was announced.
  EXPECT_EQ(bed_.incoming().size(), 1u);
}

TEST_F(MuxHostileTest, ARequestHeaderLongerThanTheLimitIsRefusedUnread) {
  std::string header;
  ByteWriter w(&header);
  WriteVarint(&w, kMaxOpenRequestBytes + 1);
  header += "the start of a very long request";
  Send({StreamFrame{40, 0, header, false}});
  EXPECT_EQ(server_stats().requests_too_long, 1u);
  EXPECT_TRUE(bed_.incoming().size() <= 1u);  // only the carrier
  ExpectTheSessionGoesOn();
}

// ----------------------------------------------------------- final sizes

TEST_F(MuxHostileTest, ContradictoryFinalSizesAreDroppedAndCounted) {
  Send({});
  // The carrier ends at 100 ... then at 200, then data past 100, then a
  // reset at 50.
  const std::string bytes = Pattern(200, 1);
  Send({StreamFrame{carrier_, 1, std::string_view(bytes).substr(0, 99), true},
        StreamFrame{carrier_, 100, std::string_view(bytes).substr(0, 100), true},
        StreamFrame{carrier_, 100, "z", false}, ResetStreamFrame{carrier_, 1, 50},
        ResetStreamFrame{carrier_, 1, 300}});
  EXPECT_EQ(server_stats().frames_final_size, 4u);
  ExpectTheSessionGoesOn();
}

TEST_F(MuxHostileTest, AnUnreadableReplyRefusesTheChannel) {
  // The server answers with a status byte that means nothing.
  bed_.set_answer(MuxBed::Answer::kHold);
  const uint64_t id = bed_.Open();
  ASSERT_TRUE(bed_.RunUntil([&] { return !bed_.incoming().empty(); }));
  bed_.Inject(/*to_server=*/false, {StreamFrame{id, 0, std::string_view("\x07\x00", 2), false}});
  ASSERT_TRUE(bed_.server().Open("poke", bed_.Now()).ok());  // a packet to carry it
  ASSERT_TRUE(bed_.RunUntil([&] { return bed_.Saw(Side::kClient, id, MuxEvent::kRefused); }));
  EXPECT_EQ(bed_.client().Info(id)->reason, "unreadable reply from the peer");
}

}  // namespace
}  // namespace roam::channel
