// ReceiveStream: the receiving half of one channel — reassembly in order,
// the stream's flow-control window, the final size and a peer's reset
// (docs/protocol.md §9.7).
//
// Bytes that arrive out of order wait until the gap before them is filled,
// in blocks of kBlockBytes with a bit per byte saying whether it arrived:
// however a peer cuts and overlaps its frames, each offset is held once and
// the memory is that of the blocks the held bytes touch (about 1.15 times
// the window at worst), never a bookkeeping entry per piece.
// Nothing beyond the advertised limit is ever stored: such data, a final
// size that contradicts an earlier one, or data past the final size is a
// protocol violation the caller drops and counts, leaving the stream as it
// was. The advertised limit moves up by the window as the application
// reads, and the caller is told when a MAX_STREAM_DATA is worth sending
// (once half a window was read since the last one).

#ifndef ROAM_CHANNEL_RECEIVE_STREAM_H_
#define ROAM_CHANNEL_RECEIVE_STREAM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::channel {

class ReceiveStream {
 public:
  explicit ReceiveStream(uint64_t window) : window_(window), limit_(window) {}

  // Takes a STREAM frame's contents. Returns how many bytes beyond the
  // highest offset received so far it added (for the session-level window).
  // Errors (nothing changed): kOutOfRange when the data ends beyond the
  // advertised limit; kMalformed when it contradicts the final size.
  Result<uint64_t> OnData(uint64_t offset, std::string_view data, bool fin);
  // The peer abandoned the stream at `final_size`. Returns the growth of the
  // highest offset, as OnData. Errors as OnData.
  Result<uint64_t> OnReset(uint64_t final_size, uint64_t error_code);

  // Bytes ready to read, in order.
  size_t readable() const { return ready_.size() - ready_pos_; }
  // Moves up to `max` ready bytes to the end of `*out`; returns how many.
  size_t Read(std::string* out, size_t max);
  // Looks at the ready bytes without consuming them.
  std::string_view Peek() const { return std::string_view(ready_).substr(ready_pos_); }
  // Consumes `n` ready bytes (REQUIRES: n <= readable()).
  void Skip(size_t n);

  // Every byte up to the FIN has been read.
  bool finished() const { return final_size_ && read_offset_ == *final_size_; }
  bool reset() const { return reset_; }
  uint64_t reset_code() const { return reset_code_; }
  // The final size is known and everything before it arrived.
  bool all_received() const { return final_size_ && contiguous_ == *final_size_; }

  // The new limit to announce in MAX_STREAM_DATA when reading has moved far
  // enough (half a window) since the last announcement, else nullopt.
  // Once returned, the limit counts as announced.
  std::optional<uint64_t> TakeLimitUpdate();
  uint64_t limit() const { return limit_; }
  uint64_t read_offset() const { return read_offset_; }
  uint64_t highest_received() const { return highest_; }
  // Bytes held (ready plus out of order): never more than the window.
  size_t buffered() const;

 private:
  static constexpr size_t kBlockBytes = 4096;
  struct Block {
    std::array<uint64_t, kBlockBytes / 64> have{};  // bit i: byte i arrived
    std::array<char, kBlockBytes> bytes{};
  };

  // Holds [offset, offset + data.size()), all beyond contiguous_; bytes
  // already held keep their first copy.
  void Hold(uint64_t offset, std::string_view data);
  // Drops held bytes in [begin, end) (they arrived in order after all).
  void Forget(uint64_t begin, uint64_t end);
  // Moves held bytes that now continue the contiguous prefix to ready_.
  void Absorb();

  uint64_t window_;
  uint64_t limit_;            // highest offset the peer may send up to
  uint64_t read_offset_ = 0;  // bytes handed to the application
  uint64_t contiguous_ = 0;   // offset up to which everything arrived
  uint64_t highest_ = 0;      // highest offset + 1 seen
  std::string ready_;         // bytes [read_offset_, contiguous_) from ready_pos_
  size_t ready_pos_ = 0;
  // Out of order, by offset / kBlockBytes. Every bit set is for an offset
  // at or beyond contiguous_; no block lies wholly below it.
  std::map<uint64_t, Block> blocks_;
  size_t pending_bytes_ = 0;  // bits set in blocks_
  std::optional<uint64_t> final_size_;
  bool reset_ = false;
  uint64_t reset_code_ = 0;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_RECEIVE_STREAM_H_
