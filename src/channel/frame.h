// Frame: the units a channel packet carries, and the packet codec
// (docs/protocol.md §9.2-§9.3).
//
// A channel packet is the payload of one sealed datagram, after the
// datagram layer's two timestamps (docs/protocol.md §2). Its first byte is
// kPacketMarker, which no SSP fragment can start with (fragment ids start at
// 1 and count up, so their first byte is 0x00), then the packet number as a
// varint (base/varint.h), then one or more frames. The frames follow
// RFC 9000 §19 in meaning and, where the meaning is the same, in type number
// and layout; roam has no connection IDs, no crypto frames and no
// unidirectional streams.
//
//   packet  = 0x81 ‖ varint packet_number ‖ frame+
//   PADDING            0x00
//   PING               0x01
//   ACK                0x02 largest ack_delay_us range_count first_range (gap len)*
//   RESET_STREAM       0x04 stream_id error_code final_size
//   STOP_SENDING       0x05 stream_id error_code
//   STREAM             0x08|OFF(4)|LEN(2)|FIN(1) stream_id [offset] [length] data
//   MAX_DATA           0x10 maximum
//   MAX_STREAM_DATA    0x11 stream_id maximum
//   MAX_STREAMS        0x12 maximum                  (bidirectional)
//   DATA_BLOCKED       0x14 limit
//   STREAM_DATA_BLOCKED 0x15 stream_id limit
//   STREAMS_BLOCKED    0x16 limit
//
// Every integer is a varint. Decoding checks every length against the input
// before use, so untrusted bytes can never read past the packet; a frame
// type not listed, a truncated field, an ACK whose ranges run below zero or
// number more than kMaxAckRanges, or a STREAM frame ending past 2^62 makes
// the whole packet malformed (it is dropped and counted, never acted on in
// part).

#ifndef ROAM_CHANNEL_FRAME_H_
#define ROAM_CHANNEL_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/byte_writer.h"
#include "base/status.h"

namespace roam::channel {

// First byte of every channel packet (docs/protocol.md §9.1).
inline constexpr uint8_t kPacketMarker = 0x81;
// The datagram layer refuses payloads shorter than an SSP fragment header
// (a stock peer aborts on those); channel packets are padded up to this.
inline constexpr size_t kMinPacketSize = 10;
// More ACK ranges than this in one frame is malformed; the sender keeps
// fewer (AckTracker::kMaxRanges).
inline constexpr size_t kMaxAckRanges = 256;

enum FrameTypeByte : uint8_t {
  kFramePadding = 0x00,
  kFramePing = 0x01,
  kFrameAck = 0x02,
  kFrameResetStream = 0x04,
  kFrameStopSending = 0x05,
  kFrameStream = 0x08,  // 0x08..0x0f with the three flag bits below
  kFrameMaxData = 0x10,
  kFrameMaxStreamData = 0x11,
  kFrameMaxStreams = 0x12,
  kFrameDataBlocked = 0x14,
  kFrameStreamDataBlocked = 0x15,
  kFrameStreamsBlocked = 0x16,
};
inline constexpr uint8_t kStreamBitOff = 0x04;
inline constexpr uint8_t kStreamBitLen = 0x02;
inline constexpr uint8_t kStreamBitFin = 0x01;

// Inclusive range of packet numbers.
struct AckRange {
  uint64_t smallest = 0;
  uint64_t largest = 0;
  friend bool operator==(const AckRange&, const AckRange&) = default;
};

struct PaddingFrame {
  size_t length = 1;
  friend bool operator==(const PaddingFrame&, const PaddingFrame&) = default;
};
struct PingFrame {
  friend bool operator==(const PingFrame&, const PingFrame&) = default;
};
struct AckFrame {
  std::vector<AckRange> ranges;  // descending, disjoint, not adjacent; never empty
  uint64_t ack_delay_us = 0;     // how long the receiver held the largest before acking
  friend bool operator==(const AckFrame&, const AckFrame&) = default;
};
struct ResetStreamFrame {
  uint64_t stream_id = 0;
  uint64_t error_code = 0;
  uint64_t final_size = 0;
  friend bool operator==(const ResetStreamFrame&, const ResetStreamFrame&) = default;
};
struct StopSendingFrame {
  uint64_t stream_id = 0;
  uint64_t error_code = 0;
  friend bool operator==(const StopSendingFrame&, const StopSendingFrame&) = default;
};
// `data` points into the decoded packet (or, when encoding, the caller's
// buffer): copy it before the packet goes away.
struct StreamFrame {
  uint64_t stream_id = 0;
  uint64_t offset = 0;
  std::string_view data;
  bool fin = false;
  friend bool operator==(const StreamFrame&, const StreamFrame&) = default;
};
struct MaxDataFrame {
  uint64_t maximum = 0;
  friend bool operator==(const MaxDataFrame&, const MaxDataFrame&) = default;
};
struct MaxStreamDataFrame {
  uint64_t stream_id = 0;
  uint64_t maximum = 0;
  friend bool operator==(const MaxStreamDataFrame&, const MaxStreamDataFrame&) = default;
};
struct MaxStreamsFrame {
  uint64_t maximum = 0;
  friend bool operator==(const MaxStreamsFrame&, const MaxStreamsFrame&) = default;
};
struct DataBlockedFrame {
  uint64_t limit = 0;
  friend bool operator==(const DataBlockedFrame&, const DataBlockedFrame&) = default;
};
struct StreamDataBlockedFrame {
  uint64_t stream_id = 0;
  uint64_t limit = 0;
  friend bool operator==(const StreamDataBlockedFrame&, const StreamDataBlockedFrame&) = default;
};
struct StreamsBlockedFrame {
  uint64_t limit = 0;
  friend bool operator==(const StreamsBlockedFrame&, const StreamsBlockedFrame&) = default;
};

using Frame = std::variant<PaddingFrame, PingFrame, AckFrame, ResetStreamFrame, StopSendingFrame,
                           StreamFrame, MaxDataFrame, MaxStreamDataFrame, MaxStreamsFrame,
                           DataBlockedFrame, StreamDataBlockedFrame, StreamsBlockedFrame>;

// True for frames that oblige the receiver to acknowledge the packet
// (everything but PADDING and ACK, RFC 9002 §2).
bool IsAckEliciting(const Frame& frame);

// Appends the encoding of `frame`. A StreamFrame is written with an explicit
// offset (when non-zero) and an explicit length. REQUIRES: every value fits a
// varint; an AckFrame's ranges are descending and non-empty.
void EncodeFrame(const Frame& frame, ByteWriter* w);
// Bytes EncodeFrame would append.
size_t EncodedSize(const Frame& frame);
// Bytes of a STREAM frame's header (type, id, offset, length) for these
// values: the room a packet needs besides the data itself.
size_t StreamFrameOverhead(uint64_t stream_id, uint64_t offset, size_t length);

struct DecodedPacket {
  uint64_t packet_number = 0;
  std::vector<Frame> frames;  // PADDING runs are collapsed into one frame each
};

// Parses a whole channel packet, marker included. Errors: kMalformed (wrong
// marker, no frames, truncated or invalid frame, unknown frame type).
Result<DecodedPacket> DecodePacket(std::string_view packet);

// Starts a packet: marker and packet number.
void EncodePacketHeader(uint64_t packet_number, ByteWriter* w);

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_FRAME_H_
