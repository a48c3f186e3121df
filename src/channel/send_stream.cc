#include "channel/send_stream.h"

#include <algorithm>
#include <vector>

namespace roam::channel {

namespace {
// Acknowledged bytes are dropped from the front of the buffer in steps of at
// least this much, so a stream of small acknowledgements costs no copying.
constexpr uint64_t kCompactStep = 64 * 1024;
}  // namespace

size_t SendStream::writable() const {
  const uint64_t used = write_offset_ - acked_prefix_;
  return used >= buffer_limit_ ? 0 : static_cast<size_t>(buffer_limit_ - used);
}

size_t SendStream::Write(std::string_view data) {
  if (fin_requested_ || reset_) return 0;
  const size_t n = std::min(data.size(), writable());
  buf_.append(data.data(), n);
  write_offset_ += n;
  return n;
}

bool SendStream::WantsToSend(uint64_t session_credit) const {
  if (reset_) return false;
  if (!lost_.empty() || fin_lost_) return true;
  const uint64_t sendable = std::min(write_offset_, peer_limit_);
  if (highest_sent_ < sendable && session_credit > 0) return true;
  return fin_requested_ && !fin_sent_ && highest_sent_ == write_offset_;
}

bool SendStream::BlockedByPeer() const {
  return !reset_ && highest_sent_ < write_offset_ && highest_sent_ >= peer_limit_;
}

std::optional<SendStream::Chunk> SendStream::NextChunk(size_t max_bytes, uint64_t session_credit) {
  if (reset_) return std::nullopt;
  Chunk chunk;
  if (auto first = lost_.First()) {
    const uint64_t begin = first->first;
    const uint64_t end = std::min<uint64_t>(first->second, begin + max_bytes);
    lost_.Remove(begin, end);
    chunk.offset = begin;
    chunk.data = std::string_view(buf_).substr(begin - base_, end - begin);
    retransmitted_ += end - begin;
    if (fin_lost_ && end == write_offset_) {
      chunk.fin = true;
      fin_lost_ = false;
    }
    return chunk;
  }
  if (fin_lost_) {
    fin_lost_ = false;
    chunk.offset = write_offset_;
    chunk.fin = true;
    return chunk;
  }
  const uint64_t sendable = std::min(write_offset_, peer_limit_);
  if (highest_sent_ < sendable && session_credit > 0) {
    const uint64_t n = std::min<uint64_t>({sendable - highest_sent_, max_bytes, session_credit});
    chunk.offset = highest_sent_;
    chunk.data = std::string_view(buf_).substr(highest_sent_ - base_, n);
    chunk.new_bytes = n;
    highest_sent_ += n;
    if (fin_requested_ && highest_sent_ == write_offset_) {
      chunk.fin = true;
      fin_sent_ = true;
    }
    return chunk;
  }
  if (fin_requested_ && !fin_sent_ && highest_sent_ == write_offset_) {
    fin_sent_ = true;
    chunk.offset = write_offset_;
    chunk.fin = true;
    return chunk;
  }
  return std::nullopt;
}

void SendStream::OnAcked(uint64_t offset, uint64_t length, bool fin) {
  if (fin) fin_acked_ = true;
  if (length == 0) return;
  const uint64_t end = offset + length;
  lost_.Remove(offset, end);
  if (end <= acked_prefix_) return;
  acked_.Add(std::max(offset, acked_prefix_), end);
  while (auto first = acked_.First()) {
    if (first->first > acked_prefix_) break;
    acked_prefix_ = std::max(acked_prefix_, first->second);
    acked_.Remove(first->first, first->second);
  }
  Compact();
}

void SendStream::OnLost(uint64_t offset, uint64_t length, bool fin) {
  if (reset_) return;
  if (fin && !fin_acked_) fin_lost_ = true;
  const uint64_t begin = std::max(offset, acked_prefix_);
  const uint64_t end = offset + length;
  if (begin >= end) return;
  lost_.Add(begin, end);
  std::vector<std::pair<uint64_t, uint64_t>> acked;
  acked_.ForEachOverlap(begin, end, [&](uint64_t b, uint64_t e) { acked.emplace_back(b, e); });
  for (const auto& [b, e] : acked) lost_.Remove(b, e);
}

uint64_t SendStream::Reset() {
  reset_ = true;
  buf_.clear();
  buf_.shrink_to_fit();
  base_ = write_offset_;
  lost_.Clear();
  acked_.Clear();
  fin_lost_ = false;
  return highest_sent_;
}

void SendStream::Compact() {
  const uint64_t droppable = acked_prefix_ - base_;
  if (droppable < kCompactStep || droppable * 2 < buf_.size()) return;
  buf_.erase(0, droppable);
  base_ = acked_prefix_;
}

}  // namespace roam::channel
