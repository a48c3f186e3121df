// The channel packet codec: golden bytes for every frame type (written out
// by hand from the layouts in frame.h and RFC 9000 §19), round trips, and
// every kind of malformed input the decoder must refuse whole.

#include "channel/frame.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_writer.h"
#include "base/varint.h"

namespace roam::channel {
namespace {

// "0a 04 02" -> the three bytes; spaces are ignored.
std::string Hex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

std::string EncodeOne(const Frame& frame) {
  std::string out;
  ByteWriter w(&out);
  EncodeFrame(frame, &w);
  return out;
}

std::string Packet(uint64_t pn, const std::vector<Frame>& frames) {
  std::string out;
  ByteWriter w(&out);
  EncodePacketHeader(pn, &w);
  for (const Frame& f : frames) EncodeFrame(f, &w);
  return out;
}

// A packet of one frame: marker, packet number 0, then `frame_bytes`.
std::string PacketOf(std::string_view frame_bytes) {
  return Hex("81 00") + std::string(frame_bytes);
}

bool IsMalformed(std::string_view packet) {
  Result<DecodedPacket> d = DecodePacket(packet);
  return !d.ok() && d.status().code() == StatusCode::kMalformed;
}

struct Golden {
  const char* name;
  Frame frame;
  std::string_view hex;
};

// Every frame type with its bytes. The STREAM data views point at string
// literals, which live for the whole program.
const std::vector<Golden>& Goldens() {
  static const std::vector<Golden> goldens = {
      {"padding", PaddingFrame{3}, "00 00 00"},
      {"ping", PingFrame{}, "01"},
      // largest 10, delay 25, no further ranges, first range 10 - 5.
      {"ack_one_range", AckFrame{{{5, 10}}, 25}, "02 0a 19 00 05"},
      // largest 10, delay 300 (two bytes), one more range: first 10 - 8,
      // gap 8 - 5 - 2 = 1, length 5 - 2 = 3.
      {"ack_two_ranges", AckFrame{{{8, 10}, {2, 5}}, 300}, "02 0a 41 2c 01 02 01 03"},
      // final size 1000 takes two bytes (0x43e8).
      {"reset_stream", ResetStreamFrame{4, 2, 1000}, "04 04 02 43 e8"},
      {"stop_sending", StopSendingFrame{5, 1}, "05 05 01"},
      // LEN set, no OFF (offset 0), no FIN.
      {"stream_at_zero", StreamFrame{4, 0, "hi", false}, "0a 04 02 68 69"},
      // OFF, LEN and FIN: offset 70000 takes four bytes (0x80011170).
      {"stream_offset_fin", StreamFrame{1, 70000, "x", true}, "0f 01 80 01 11 70 01 78"},
      {"stream_empty_fin", StreamFrame{8, 0, "", true}, "0b 08 00"},
      // 2^24 takes four bytes.
      {"max_data", MaxDataFrame{16777216}, "10 81 00 00 00"},
      {"max_stream_data", MaxStreamDataFrame{8, 65536}, "11 08 80 01 00 00"},
      {"max_streams", MaxStreamsFrame{128}, "12 40 80"},
      {"data_blocked", DataBlockedFrame{100}, "14 40 64"},
      {"stream_data_blocked", StreamDataBlockedFrame{0, 7}, "15 00 07"},
      {"streams_blocked", StreamsBlockedFrame{3}, "16 03"},
  };
  return goldens;
}

TEST(FrameTest, EachFrameTypeEncodesToItsGoldenBytes) {
  for (const Golden& g : Goldens()) {
    EXPECT_EQ(EncodeOne(g.frame), Hex(g.hex)) << g.name;
    EXPECT_EQ(EncodedSize(g.frame), Hex(g.hex).size()) << g.name;
  }
}

TEST(FrameTest, EachGoldenFrameDecodesToItself) {
  for (const Golden& g : Goldens()) {
    const std::string packet = PacketOf(Hex(g.hex));
    Result<DecodedPacket> d = DecodePacket(packet);
    ASSERT_TRUE(d.ok()) << g.name << ": " << d.status().ToString();
    EXPECT_EQ(d->packet_number, 0u);
    ASSERT_EQ(d->frames.size(), 1u) << g.name;
    EXPECT_EQ(d->frames[0], g.frame) << g.name;
  }
}

TEST(FrameTest, PacketHeaderIsTheMarkerAndAVarintPacketNumber) {
  EXPECT_EQ(Packet(0, {PingFrame{}}), Hex("81 00 01"));
  EXPECT_EQ(Packet(15293, {PingFrame{}}), Hex("81 7b bd 01"));
  EXPECT_EQ(Packet(494878333, {PingFrame{}}), Hex("81 9d 7f 3e 7d 01"));
}

TEST(FrameTest, AllFramesInOnePacketRoundTripInOrder) {
  std::vector<Frame> frames;
  for (const Golden& g : Goldens()) {
    if (!std::holds_alternative<PaddingFrame>(g.frame)) frames.push_back(g.frame);
  }
  frames.push_back(PaddingFrame{5});  // trailing padding, as NextPacket adds it
  const std::string packet = Packet(1234567, frames);
  Result<DecodedPacket> d = DecodePacket(packet);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->packet_number, 1234567u);
  EXPECT_EQ(d->frames, frames);
}

TEST(FrameTest, LargeValuesRoundTrip) {
  const std::vector<Frame> frames = {
      AckFrame{{{kVarintMax - 10, kVarintMax}, {0, 5}}, kVarintMax},
      ResetStreamFrame{kVarintMax - 3, kVarintMax, kVarintMax},
      StreamFrame{kVarintMax - 3, kVarintMax - 1, "z", true},
      MaxDataFrame{kVarintMax},
      MaxStreamDataFrame{kVarintMax - 3, kVarintMax},
      MaxStreamsFrame{kVarintMax},
  };
  const std::string packet = Packet(kVarintMax, frames);
  Result<DecodedPacket> d = DecodePacket(packet);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->packet_number, kVarintMax);
  EXPECT_EQ(d->frames, frames);
}

TEST(FrameTest, RunsOfPaddingCollapseIntoOneFrameEach) {
  Result<DecodedPacket> d = DecodePacket(PacketOf(Hex("00 00 01 00 00 00 00")));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->frames, (std::vector<Frame>{PaddingFrame{2}, PingFrame{}, PaddingFrame{4}}));
}

TEST(FrameTest, StreamFrameWithoutLengthRunsToTheEndOfThePacket) {
  // Type 0x08 (no OFF, no LEN, no FIN), id 4, then everything left is data.
  const std::string packet = PacketOf(Hex("08 04 61 62 63 00 01"));
  Result<DecodedPacket> d = DecodePacket(packet);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->frames.size(), 1u);
  EXPECT_EQ(d->frames[0], (Frame{StreamFrame{4, 0, std::string_view("abc\x00\x01", 5), false}}));
}

TEST(FrameTest, ExplicitZeroOffsetDecodesAsOffsetZero) {
  // OFF set with offset 0 (legal, if wasteful); re-encoding drops the field.
  const std::string packet = PacketOf(Hex("0e 04 00 01 61"));
  Result<DecodedPacket> d = DecodePacket(packet);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->frames.size(), 1u);
  EXPECT_EQ(d->frames[0], (Frame{StreamFrame{4, 0, "a", false}}));
  EXPECT_EQ(EncodeOne(d->frames[0]), Hex("0a 04 01 61"));
}

TEST(FrameTest, NonShortestVarintsAreAccepted) {
  // MAX_STREAMS 5 written in eight bytes.
  Result<DecodedPacket> d = DecodePacket(PacketOf(Hex("12 c0 00 00 00 00 00 00 05")));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->frames[0], (Frame{MaxStreamsFrame{5}}));
}

TEST(FrameTest, OnlyPaddingAndAckAreNotAckEliciting) {
  for (const Golden& g : Goldens()) {
    const bool expected = !std::holds_alternative<PaddingFrame>(g.frame) &&
                          !std::holds_alternative<AckFrame>(g.frame);
    EXPECT_EQ(IsAckEliciting(g.frame), expected) << g.name;
  }
}

TEST(FrameTest, StreamFrameOverheadMatchesTheEncoding) {
  for (uint64_t id : {uint64_t{0}, uint64_t{64}, uint64_t{1} << 20}) {
    for (uint64_t offset : {uint64_t{0}, uint64_t{1}, uint64_t{70000}, uint64_t{1} << 40}) {
      for (size_t length : {size_t{0}, size_t{63}, size_t{64}, size_t{1200}}) {
        const std::string data(length, 'd');
        const std::string bytes = EncodeOne(StreamFrame{id, offset, data, false});
        EXPECT_EQ(bytes.size(), StreamFrameOverhead(id, offset, length) + length);
      }
    }
  }
}

// ---------------------------------------------------------------- malformed

TEST(FrameTest, RefusesAPacketWithoutTheMarker) {
  EXPECT_TRUE(IsMalformed(""));
  EXPECT_TRUE(IsMalformed(Hex("80 00 01")));
  EXPECT_TRUE(IsMalformed(Hex("00 00 01")));  // an SSP fragment starts like this
}

TEST(FrameTest, RefusesAPacketCutInItsPacketNumber) {
  EXPECT_TRUE(IsMalformed(Hex("81")));
  EXPECT_TRUE(IsMalformed(Hex("81 40")));
  EXPECT_TRUE(IsMalformed(Hex("81 c0 00 00 00 00 00 00")));
}

TEST(FrameTest, RefusesAPacketWithoutFrames) { EXPECT_TRUE(IsMalformed(Hex("81 05"))); }

TEST(FrameTest, RefusesEveryUnknownFrameType) {
  // Types RFC 9000 has but roam does not (ACK_ECN, CRYPTO, NEW_TOKEN,
  // unidirectional MAX_STREAMS and STREAMS_BLOCKED, NEW_CONNECTION_ID, ...,
  // HANDSHAKE_DONE), and beyond.
  int unknown = 0;
  for (int type = 0; type < 256; ++type) {
    const bool known = type <= 0x02 || type == 0x04 || type == 0x05 ||
                       (type >= 0x08 && type <= 0x12) || type == 0x14 || type == 0x15 ||
                       type == 0x16;
    if (known) continue;
    ++unknown;
    // Followed by enough zeros to satisfy any field it might have had.
    std::string frame(1, static_cast<char>(type));
    frame += std::string(8, '\0');
    EXPECT_TRUE(IsMalformed(PacketOf(frame))) << "type " << type;
    // Also after a valid frame: the whole packet goes.
    EXPECT_TRUE(IsMalformed(PacketOf(Hex("01") + frame))) << "type " << type;
  }
  EXPECT_EQ(unknown, 256 - 19);
}

TEST(FrameTest, EveryTruncationOfEveryFrameIsRefused) {
  for (const Golden& g : Goldens()) {
    if (std::holds_alternative<PaddingFrame>(g.frame)) continue;  // any run is a valid run
    if (std::holds_alternative<PingFrame>(g.frame)) continue;     // one byte: nothing to cut
    const std::string frame = Hex(g.hex);
    for (size_t n = 1; n < frame.size(); ++n) {
      EXPECT_TRUE(IsMalformed(PacketOf(frame.substr(0, n)))) << g.name << " cut at " << n;
    }
  }
}

TEST(FrameTest, EveryPrefixOfAPacketDecodesToAPrefixOfItsFramesOrNothing) {
  std::vector<Frame> frames;
  for (const Golden& g : Goldens()) {
    if (!std::holds_alternative<PaddingFrame>(g.frame)) frames.push_back(g.frame);
  }
  const std::string packet = Packet(77, frames);
  for (size_t n = 0; n <= packet.size(); ++n) {
    Result<DecodedPacket> d = DecodePacket(std::string_view(packet).substr(0, n));
    if (!d.ok()) continue;
    ASSERT_LE(d->frames.size(), frames.size());
    for (size_t i = 0; i < d->frames.size(); ++i) EXPECT_EQ(d->frames[i], frames[i]) << n;
  }
  ASSERT_TRUE(DecodePacket(packet).ok());
}

TEST(FrameTest, RefusesAnAckWhoseFirstRangeRunsBelowZero) {
  // largest 3, first range 4: would start at -1.
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("02 03 00 00 04"))));
  // first range exactly reaching 0 is fine.
  EXPECT_FALSE(IsMalformed(PacketOf(Hex("02 03 00 00 03"))));
}

TEST(FrameTest, RefusesAnAckWhoseGapRunsBelowZero) {
  // Ranges [5,10]; gap 3 would put the next largest at 5 - 3 - 2 = 0: fine.
  EXPECT_FALSE(IsMalformed(PacketOf(Hex("02 0a 00 01 05 03 00"))));
  // gap 4: next largest would be -1.
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("02 0a 00 01 05 04 00"))));
}

TEST(FrameTest, RefusesAnAckWhoseSecondRangeRunsBelowZero) {
  // Ranges [5,10], gap 1 -> next largest 2; length 3 would reach -1.
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("02 0a 00 01 05 01 03"))));
  EXPECT_FALSE(IsMalformed(PacketOf(Hex("02 0a 00 01 05 01 02"))));
}

// An ACK frame with `count` ranges of one packet each, two apart.
std::string AckWithRanges(uint64_t count) {
  std::string frame;
  ByteWriter w(&frame);
  w.WriteU8(kFrameAck);
  WriteVarint(&w, 2 * count);  // largest
  WriteVarint(&w, 0);          // delay
  WriteVarint(&w, count - 1);  // further ranges
  WriteVarint(&w, 0);          // first range: one packet
  for (uint64_t i = 1; i < count; ++i) {
    WriteVarint(&w, 0);  // gap: skip one packet
    WriteVarint(&w, 0);  // one packet
  }
  return frame;
}

TEST(FrameTest, AcceptsAnAckWithTheMostRangesAllowed) {
  Result<DecodedPacket> d = DecodePacket(PacketOf(AckWithRanges(kMaxAckRanges)));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const auto& ack = std::get<AckFrame>(d->frames[0]);
  ASSERT_EQ(ack.ranges.size(), kMaxAckRanges);
  EXPECT_EQ(ack.ranges.front(), (AckRange{2 * kMaxAckRanges, 2 * kMaxAckRanges}));
  EXPECT_EQ(ack.ranges.back(), (AckRange{2, 2}));
}

TEST(FrameTest, RefusesAnAckWithTooManyRanges) {
  EXPECT_TRUE(IsMalformed(PacketOf(AckWithRanges(kMaxAckRanges + 1))));
}

TEST(FrameTest, RefusesAnAckThatAnnouncesAHugeRangeCountItDoesNotCarry) {
  // A count of 2^62 - 1 must be refused before anything is reserved for it.
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("02 0a 00 ff ff ff ff ff ff ff ff 00"))));
}

TEST(FrameTest, RefusesAStreamFrameEndingPast2To62) {
  std::string frame;
  ByteWriter w(&frame);
  w.WriteU8(kFrameStream | kStreamBitOff | kStreamBitLen);
  WriteVarint(&w, 0);
  WriteVarint(&w, kVarintMax);  // offset 2^62 - 1
  WriteVarint(&w, 1);           // and one byte: ends at 2^62
  w.WriteU8('x');
  EXPECT_TRUE(IsMalformed(PacketOf(frame)));

  // Ending exactly at 2^62 - 1 is the limit and still fine.
  std::string ok;
  ByteWriter w2(&ok);
  w2.WriteU8(kFrameStream | kStreamBitOff | kStreamBitLen);
  WriteVarint(&w2, 0);
  WriteVarint(&w2, kVarintMax - 1);
  WriteVarint(&w2, 1);
  w2.WriteU8('x');
  EXPECT_FALSE(IsMalformed(PacketOf(ok)));
}

TEST(FrameTest, RefusesAStreamFrameLongerThanThePacket) {
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("0a 04 05 61 62 63"))));
  // A length of 2^62 - 1 with nothing behind it.
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("0a 04 ff ff ff ff ff ff ff ff"))));
}

TEST(FrameTest, ABadFrameAfterGoodOnesDropsTheWholePacket) {
  EXPECT_TRUE(IsMalformed(PacketOf(Hex("01 0a 04 02 68 69 10"))));  // MAX_DATA cut short
}

}  // namespace
}  // namespace roam::channel
