// FrameScript: how the channel, client and session fuzz targets read
// channel packets from a FuzzScriptReader, and how their seed generators
// write the same records, so seeds and targets cannot drift apart.
//
//   packet = u64 packet number (masked to 62 bits), u8 frame count (mod 16),
//            frames
//   frame  = u8 kind (mod kFrameKinds), then by kind:
//     0 PADDING              u16 length (mod 2048, at least 1)
//     1 PING
//     2 ACK                  u8 ranges (mod 8, plus 1), u64 largest, u64 delay,
//                            u16 first length, then (u16 gap, u16 length)
//                            per further range; ranges that would run below
//                            packet 0 are left out
//     3 RESET_STREAM         id, u64 code, u64 final size
//     4 STOP_SENDING         id, u64 code
//     5 STREAM               id, u64 offset, u8 fin (bit 0), bytes data
//     6 MAX_DATA             u64
//     7 MAX_STREAM_DATA      id, u64
//     8 MAX_STREAMS          u64
//     9 DATA_BLOCKED         u64
//    10 STREAM_DATA_BLOCKED  id, u64
//    11 STREAMS_BLOCKED      u64
//   id     = u8 selector: below 0x80 the id itself (0..127: both sides'
//            channels and the unidirectional ids between them); from 0x80 a
//            u64 follows (masked to 62 bits)
// Every u64 value is masked to 62 bits, so every record encodes; what the
// decoder then refuses (a STREAM frame ending past 2^62, say) is refused as
// it would be from a peer.

#ifndef ROAM_FUZZ_CHANNEL_FRAME_SCRIPT_H_
#define ROAM_FUZZ_CHANNEL_FRAME_SCRIPT_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/byte_writer.h"
#include "base/varint.h"
#include "channel/frame.h"
#include "ssp/fuzz_script.h"

namespace roam::fuzz {

inline constexpr uint8_t kFrameKinds = 12;

// A decoded script packet; STREAM data points into `storage`.
struct ScriptPacket {
  uint64_t packet_number = 0;
  std::vector<channel::Frame> frames;
  std::deque<std::string> storage;

  std::string Encode() const {
    std::string out;
    ByteWriter w(&out);
    channel::EncodePacketHeader(packet_number, &w);
    for (const channel::Frame& f : frames) channel::EncodeFrame(f, &w);
    return out;
  }
};

inline uint64_t ReadValue(FuzzScriptReader& r) { return r.U64() & kVarintMax; }

inline uint64_t ReadStreamId(FuzzScriptReader& r) {
  const uint8_t selector = r.U8();
  return selector < 0x80 ? selector : ReadValue(r);
}

inline channel::Frame ReadFrame(FuzzScriptReader& r, std::deque<std::string>* storage) {
  using namespace channel;
  switch (r.U8() % kFrameKinds) {
    case 0:
      return PaddingFrame{std::max<size_t>(1, r.U16() % 2048)};
    case 1:
      return PingFrame{};
    case 2: {
      AckFrame ack;
      const int ranges = r.U8() % 8 + 1;
      const uint64_t largest = ReadValue(r);
      ack.ack_delay_us = ReadValue(r);
      const uint64_t first = std::min<uint64_t>(r.U16(), largest);
      ack.ranges.push_back(AckRange{largest - first, largest});
      for (int i = 1; i < ranges; ++i) {
        const uint64_t gap = r.U16();
        const uint64_t length = r.U16();
        const uint64_t smallest = ack.ranges.back().smallest;
        if (smallest < gap + 2 + length) break;
        const uint64_t next_largest = smallest - gap - 2;
        ack.ranges.push_back(AckRange{next_largest - length, next_largest});
      }
      return ack;
    }
    case 3: {
      ResetStreamFrame f;
      f.stream_id = ReadStreamId(r);
      f.error_code = ReadValue(r);
      f.final_size = ReadValue(r);
      return f;
    }
    case 4: {
      StopSendingFrame f;
      f.stream_id = ReadStreamId(r);
      f.error_code = ReadValue(r);
      return f;
    }
    case 5: {
      StreamFrame f;
      f.stream_id = ReadStreamId(r);
      f.offset = ReadValue(r);
      f.fin = r.U8() & 1;
      storage->push_back(r.Bytes());
      f.data = storage->back();
      return f;
    }
    case 6:
      return MaxDataFrame{ReadValue(r)};
    case 7: {
      const uint64_t id = ReadStreamId(r);
      return MaxStreamDataFrame{id, ReadValue(r)};
    }
    case 8:
      return MaxStreamsFrame{ReadValue(r)};
    case 9:
      return DataBlockedFrame{ReadValue(r)};
    case 10: {
      const uint64_t id = ReadStreamId(r);
      return StreamDataBlockedFrame{id, ReadValue(r)};
    }
    default:
      return StreamsBlockedFrame{ReadValue(r)};
  }
}

inline ScriptPacket ReadPacket(FuzzScriptReader& r) {
  ScriptPacket p;
  p.packet_number = ReadValue(r);
  const int count = r.U8() % 16;
  for (int i = 0; i < count; ++i) p.frames.push_back(ReadFrame(r, &p.storage));
  if (p.frames.empty()) p.frames.push_back(channel::PingFrame{});
  return p;
}

// ---- the writer side, for the seed generators ----

inline void WriteStreamId(FuzzScriptWriter& w, uint64_t id) {
  if (id < 0x80) {
    w.U8(static_cast<uint8_t>(id));
  } else {
    w.U8(0x80).U64(id);
  }
}

// REQUIRES: `frame` is what ReadFrame can produce (ACK ranges from a u16
// first length and u16 gaps and lengths; PADDING under 2048; data under
// 64 KiB).
inline void WriteFrame(FuzzScriptWriter& w, const channel::Frame& frame) {
  using namespace channel;
  std::visit(
      [&w](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, PaddingFrame>) {
          w.U8(0).U16(static_cast<uint16_t>(f.length));
        } else if constexpr (std::is_same_v<T, PingFrame>) {
          w.U8(1);
        } else if constexpr (std::is_same_v<T, AckFrame>) {
          w.U8(2).U8(static_cast<uint8_t>(f.ranges.size() - 1));
          w.U64(f.ranges[0].largest).U64(f.ack_delay_us);
          w.U16(static_cast<uint16_t>(f.ranges[0].largest - f.ranges[0].smallest));
          for (size_t i = 1; i < f.ranges.size(); ++i) {
            w.U16(static_cast<uint16_t>(f.ranges[i - 1].smallest - f.ranges[i].largest - 2));
            w.U16(static_cast<uint16_t>(f.ranges[i].largest - f.ranges[i].smallest));
          }
        } else if constexpr (std::is_same_v<T, ResetStreamFrame>) {
          w.U8(3);
          WriteStreamId(w, f.stream_id);
          w.U64(f.error_code).U64(f.final_size);
        } else if constexpr (std::is_same_v<T, StopSendingFrame>) {
          w.U8(4);
          WriteStreamId(w, f.stream_id);
          w.U64(f.error_code);
        } else if constexpr (std::is_same_v<T, StreamFrame>) {
          w.U8(5);
          WriteStreamId(w, f.stream_id);
          w.U64(f.offset).U8(f.fin ? 1 : 0).Bytes(f.data);
        } else if constexpr (std::is_same_v<T, MaxDataFrame>) {
          w.U8(6).U64(f.maximum);
        } else if constexpr (std::is_same_v<T, MaxStreamDataFrame>) {
          w.U8(7);
          WriteStreamId(w, f.stream_id);
          w.U64(f.maximum);
        } else if constexpr (std::is_same_v<T, MaxStreamsFrame>) {
          w.U8(8).U64(f.maximum);
        } else if constexpr (std::is_same_v<T, DataBlockedFrame>) {
          w.U8(9).U64(f.limit);
        } else if constexpr (std::is_same_v<T, StreamDataBlockedFrame>) {
          w.U8(10);
          WriteStreamId(w, f.stream_id);
          w.U64(f.limit);
        } else {
          w.U8(11).U64(f.limit);
        }
      },
      frame);
}

// REQUIRES: 1 to 15 frames, each as WriteFrame requires.
inline void WritePacket(FuzzScriptWriter& w, uint64_t packet_number,
                        const std::vector<channel::Frame>& frames) {
  w.U64(packet_number).U8(static_cast<uint8_t>(frames.size()));
  for (const channel::Frame& f : frames) WriteFrame(w, f);
}

}  // namespace roam::fuzz

#endif  // ROAM_FUZZ_CHANNEL_FRAME_SCRIPT_H_
