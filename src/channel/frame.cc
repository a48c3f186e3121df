#include "channel/frame.h"

#include <type_traits>

#include "base/byte_reader.h"
#include "base/check.h"
#include "base/varint.h"

namespace roam::channel {

namespace {

// The ACK frame's wire form: largest, delay, count, first range, then
// (gap, length) pairs where gap = previous smallest - this largest - 2 and
// length = largest - smallest (RFC 9000 §19.3.1).
void EncodeAck(const AckFrame& ack, ByteWriter* w) {
  ROAM_CHECK(!ack.ranges.empty());
  w->WriteU8(kFrameAck);
  const AckRange& first = ack.ranges.front();
  WriteVarint(w, first.largest);
  WriteVarint(w, ack.ack_delay_us);
  WriteVarint(w, ack.ranges.size() - 1);
  WriteVarint(w, first.largest - first.smallest);
  uint64_t previous_smallest = first.smallest;
  for (size_t i = 1; i < ack.ranges.size(); ++i) {
    const AckRange& r = ack.ranges[i];
    ROAM_CHECK(r.largest + 2 <= previous_smallest && r.smallest <= r.largest);
    WriteVarint(w, previous_smallest - r.largest - 2);
    WriteVarint(w, r.largest - r.smallest);
    previous_smallest = r.smallest;
  }
}

bool DecodeAck(ByteReader* r, AckFrame* ack) {
  uint64_t largest = 0, delay = 0, count = 0, first = 0;
  if (!ReadVarint(r, &largest) || !ReadVarint(r, &delay) || !ReadVarint(r, &count) ||
      !ReadVarint(r, &first)) {
    return false;
  }
  if (count >= kMaxAckRanges || first > largest) return false;
  ack->ack_delay_us = delay;
  ack->ranges.clear();
  ack->ranges.push_back(AckRange{largest - first, largest});
  uint64_t smallest = largest - first;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t gap = 0, length = 0;
    if (!ReadVarint(r, &gap) || !ReadVarint(r, &length)) return false;
    // The next range's largest is smallest - gap - 2; it must stay >= length.
    if (smallest < gap + 2) return false;
    const uint64_t next_largest = smallest - gap - 2;
    if (length > next_largest) return false;
    ack->ranges.push_back(AckRange{next_largest - length, next_largest});
    smallest = next_largest - length;
  }
  return true;
}

size_t AckSize(const AckFrame& ack) {
  const AckRange& first = ack.ranges.front();
  size_t n = 1 + VarintSize(first.largest) + VarintSize(ack.ack_delay_us) +
             VarintSize(ack.ranges.size() - 1) + VarintSize(first.largest - first.smallest);
  uint64_t previous_smallest = first.smallest;
  for (size_t i = 1; i < ack.ranges.size(); ++i) {
    const AckRange& r = ack.ranges[i];
    n += VarintSize(previous_smallest - r.largest - 2) + VarintSize(r.largest - r.smallest);
    previous_smallest = r.smallest;
  }
  return n;
}

}  // namespace

bool IsAckEliciting(const Frame& frame) {
  return !std::holds_alternative<PaddingFrame>(frame) && !std::holds_alternative<AckFrame>(frame);
}

size_t StreamFrameOverhead(uint64_t stream_id, uint64_t offset, size_t length) {
  return 1 + VarintSize(stream_id) + (offset ? VarintSize(offset) : 0) + VarintSize(length);
}

void EncodeFrame(const Frame& frame, ByteWriter* w) {
  std::visit(
      [w](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, PaddingFrame>) {
          for (size_t i = 0; i < f.length; ++i) w->WriteU8(kFramePadding);
        } else if constexpr (std::is_same_v<T, PingFrame>) {
          w->WriteU8(kFramePing);
        } else if constexpr (std::is_same_v<T, AckFrame>) {
          EncodeAck(f, w);
        } else if constexpr (std::is_same_v<T, ResetStreamFrame>) {
          w->WriteU8(kFrameResetStream);
          WriteVarint(w, f.stream_id);
          WriteVarint(w, f.error_code);
          WriteVarint(w, f.final_size);
        } else if constexpr (std::is_same_v<T, StopSendingFrame>) {
          w->WriteU8(kFrameStopSending);
          WriteVarint(w, f.stream_id);
          WriteVarint(w, f.error_code);
        } else if constexpr (std::is_same_v<T, StreamFrame>) {
          uint8_t type = kFrameStream | kStreamBitLen;
          if (f.offset) type |= kStreamBitOff;
          if (f.fin) type |= kStreamBitFin;
          w->WriteU8(type);
          WriteVarint(w, f.stream_id);
          if (f.offset) WriteVarint(w, f.offset);
          WriteVarint(w, f.data.size());
          w->WriteBytes(f.data);
        } else if constexpr (std::is_same_v<T, MaxDataFrame>) {
          w->WriteU8(kFrameMaxData);
          WriteVarint(w, f.maximum);
        } else if constexpr (std::is_same_v<T, MaxStreamDataFrame>) {
          w->WriteU8(kFrameMaxStreamData);
          WriteVarint(w, f.stream_id);
          WriteVarint(w, f.maximum);
        } else if constexpr (std::is_same_v<T, MaxStreamsFrame>) {
          w->WriteU8(kFrameMaxStreams);
          WriteVarint(w, f.maximum);
        } else if constexpr (std::is_same_v<T, DataBlockedFrame>) {
          w->WriteU8(kFrameDataBlocked);
          WriteVarint(w, f.limit);
        } else if constexpr (std::is_same_v<T, StreamDataBlockedFrame>) {
          w->WriteU8(kFrameStreamDataBlocked);
          WriteVarint(w, f.stream_id);
          WriteVarint(w, f.limit);
        } else {
          static_assert(std::is_same_v<T, StreamsBlockedFrame>);
          w->WriteU8(kFrameStreamsBlocked);
          WriteVarint(w, f.limit);
        }
      },
      frame);
}

size_t EncodedSize(const Frame& frame) {
  return std::visit(
      [](const auto& f) -> size_t {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, PaddingFrame>) {
          return f.length;
        } else if constexpr (std::is_same_v<T, PingFrame>) {
          return 1;
        } else if constexpr (std::is_same_v<T, AckFrame>) {
          return AckSize(f);
        } else if constexpr (std::is_same_v<T, ResetStreamFrame>) {
          return 1 + VarintSize(f.stream_id) + VarintSize(f.error_code) + VarintSize(f.final_size);
        } else if constexpr (std::is_same_v<T, StopSendingFrame>) {
          return 1 + VarintSize(f.stream_id) + VarintSize(f.error_code);
        } else if constexpr (std::is_same_v<T, StreamFrame>) {
          return StreamFrameOverhead(f.stream_id, f.offset, f.data.size()) + f.data.size();
        } else if constexpr (std::is_same_v<T, MaxStreamDataFrame>) {
          return 1 + VarintSize(f.stream_id) + VarintSize(f.maximum);
        } else if constexpr (std::is_same_v<T, StreamDataBlockedFrame>) {
          return 1 + VarintSize(f.stream_id) + VarintSize(f.limit);
        } else if constexpr (std::is_same_v<T, MaxDataFrame> ||
                             std::is_same_v<T, MaxStreamsFrame>) {
          return 1 + VarintSize(f.maximum);
        } else {
          return 1 + VarintSize(f.limit);
        }
      },
      frame);
}

void EncodePacketHeader(uint64_t packet_number, ByteWriter* w) {
  w->WriteU8(kPacketMarker);
  WriteVarint(w, packet_number);
}

Result<DecodedPacket> DecodePacket(std::string_view packet) {
  ByteReader r(packet);
  uint8_t marker = 0;
  DecodedPacket out;
  if (!r.ReadU8(&marker) || marker != kPacketMarker) return Malformed("not a channel packet");
  if (!ReadVarint(&r, &out.packet_number)) return Malformed("truncated packet number");
  auto bad = [](const char* what) { return Malformed(std::string("bad ") + what + " frame"); };
  while (!r.empty()) {
    uint8_t type = 0;
    (void)r.ReadU8(&type);
    switch (type) {
      case kFramePadding: {
        size_t length = 1;
        std::string_view rest = r.ReadRest();
        size_t zeros = rest.find_first_not_of('\0');
        if (zeros == std::string_view::npos) zeros = rest.size();
        length += zeros;
        r = ByteReader(rest.substr(zeros));
        out.frames.push_back(PaddingFrame{length});
        break;
      }
      case kFramePing:
        out.frames.push_back(PingFrame{});
        break;
      case kFrameAck: {
        AckFrame ack;
        if (!DecodeAck(&r, &ack)) return bad("ACK");
        out.frames.push_back(std::move(ack));
        break;
      }
      case kFrameResetStream: {
        ResetStreamFrame f;
        if (!ReadVarint(&r, &f.stream_id) || !ReadVarint(&r, &f.error_code) ||
            !ReadVarint(&r, &f.final_size)) {
          return bad("RESET_STREAM");
        }
        out.frames.push_back(f);
        break;
      }
      case kFrameStopSending: {
        StopSendingFrame f;
        if (!ReadVarint(&r, &f.stream_id) || !ReadVarint(&r, &f.error_code)) {
          return bad("STOP_SENDING");
        }
        out.frames.push_back(f);
        break;
      }
      case kFrameMaxData:
      case kFrameMaxStreams:
      case kFrameDataBlocked:
      case kFrameStreamsBlocked: {
        uint64_t v = 0;
        if (!ReadVarint(&r, &v)) return bad("flow-control");
        if (type == kFrameMaxData) out.frames.push_back(MaxDataFrame{v});
        if (type == kFrameMaxStreams) out.frames.push_back(MaxStreamsFrame{v});
        if (type == kFrameDataBlocked) out.frames.push_back(DataBlockedFrame{v});
        if (type == kFrameStreamsBlocked) out.frames.push_back(StreamsBlockedFrame{v});
        break;
      }
      case kFrameMaxStreamData:
      case kFrameStreamDataBlocked: {
        uint64_t id = 0, v = 0;
        if (!ReadVarint(&r, &id) || !ReadVarint(&r, &v)) return bad("stream flow-control");
        if (type == kFrameMaxStreamData) {
          out.frames.push_back(MaxStreamDataFrame{id, v});
        } else {
          out.frames.push_back(StreamDataBlockedFrame{id, v});
        }
        break;
      }
      default: {
        if ((type & ~0x07) != kFrameStream) return Malformed("unknown frame type");
        StreamFrame f;
        f.fin = type & kStreamBitFin;
        if (!ReadVarint(&r, &f.stream_id)) return bad("STREAM");
        if ((type & kStreamBitOff) && !ReadVarint(&r, &f.offset)) return bad("STREAM");
        uint64_t length = r.remaining();
        if ((type & kStreamBitLen) && !ReadVarint(&r, &length)) return bad("STREAM");
        if (length > r.remaining()) return bad("STREAM");
        if (f.offset > kVarintMax - length) return bad("STREAM");
        (void)r.ReadBytes(static_cast<size_t>(length), &f.data);
        out.frames.push_back(f);
        break;
      }
    }
  }
  if (out.frames.empty()) return Malformed("packet without frames");
  return out;
}

}  // namespace roam::channel
