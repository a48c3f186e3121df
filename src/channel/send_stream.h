// SendStream: the sending half of one channel — the application's bytes
// from the moment they are written until the peer acknowledged them
// (docs/protocol.md §9.7).
//
// The buffer holds the bytes between the acknowledged prefix and the write
// offset and never more than `buffer_limit`: Write() takes only what fits,
// so a writer is held back by the peer's reading speed through the window,
// and memory stays bounded whatever the peer announces. Chunks to send come
// first from ranges declared lost, then from new data up to the peer's
// stream limit. Acknowledged ranges are remembered so that a late second
// copy changes nothing.

#ifndef ROAM_CHANNEL_SEND_STREAM_H_
#define ROAM_CHANNEL_SEND_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "channel/interval_set.h"

namespace roam::channel {

class SendStream {
 public:
  // `peer_limit`: the peer's initial stream window.
  SendStream(size_t buffer_limit, uint64_t peer_limit)
      : buffer_limit_(buffer_limit), peer_limit_(peer_limit) {}

  // Buffers as much of `data` as fits and returns how much that was (0 after
  // Finish or Reset).
  size_t Write(std::string_view data);
  // No more data will be written: a FIN follows the last byte.
  void Finish() { fin_requested_ = true; }
  size_t writable() const;

  // The peer raised its window (MAX_STREAM_DATA). Lower values are ignored.
  void OnPeerLimit(uint64_t limit) { peer_limit_ = std::max(peer_limit_, limit); }
  uint64_t peer_limit() const { return peer_limit_; }

  struct Chunk {
    uint64_t offset = 0;
    std::string_view data;  // valid until the next call that changes the stream
    bool fin = false;
    uint64_t new_bytes = 0;  // bytes beyond the highest offset sent before
  };
  // True when NextChunk would return something, given `session_credit` new
  // bytes the session-level window still allows.
  bool WantsToSend(uint64_t session_credit) const;
  // The next chunk of at most `max_bytes` (>= 1) data bytes, marked sent.
  std::optional<Chunk> NextChunk(size_t max_bytes, uint64_t session_credit);
  // True when the next chunk would be new data blocked only by the peer's
  // stream window (for STREAM_DATA_BLOCKED).
  bool BlockedByPeer() const;

  void OnAcked(uint64_t offset, uint64_t length, bool fin);
  void OnLost(uint64_t offset, uint64_t length, bool fin);

  // Abandons the stream: nothing more is sent or resent; returns the final
  // size (the highest offset sent).
  uint64_t Reset();
  bool reset() const { return reset_; }

  // Every byte and the FIN acknowledged.
  bool done() const { return fin_acked_ && acked_prefix_ == write_offset_; }
  uint64_t write_offset() const { return write_offset_; }
  uint64_t highest_sent() const { return highest_sent_; }
  uint64_t buffered() const { return write_offset_ - acked_prefix_; }
  uint64_t retransmitted_bytes() const { return retransmitted_; }

 private:
  void Compact();

  size_t buffer_limit_;
  uint64_t peer_limit_;
  std::string buf_;    // bytes from base_ to write_offset_
  uint64_t base_ = 0;  // stream offset of buf_[0]
  uint64_t acked_prefix_ = 0;
  uint64_t write_offset_ = 0;
  uint64_t highest_sent_ = 0;  // new data goes out from here
  IntervalSet acked_;          // acknowledged ranges above acked_prefix_
  IntervalSet lost_;           // ranges to send again
  bool fin_requested_ = false;
  bool fin_sent_ = false;
  bool fin_lost_ = false;
  bool fin_acked_ = false;
  bool reset_ = false;
  uint64_t retransmitted_ = 0;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_SEND_STREAM_H_
