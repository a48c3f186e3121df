#include "channel/receive_stream.h"

#include <algorithm>
#include <iterator>

#include "base/check.h"

namespace roam::channel {

Result<uint64_t> ReceiveStream::OnData(uint64_t offset, std::string_view data, bool fin) {
  const uint64_t end = offset + data.size();
  if (end > limit_) return OutOfRange("stream data beyond the flow-control limit");
  if (final_size_ && (end > *final_size_ || (fin && end != *final_size_))) {
    return Malformed("stream data contradicts the final size");
  }
  if (fin && end < highest_) return Malformed("final size below data already received");
  if (reset_) return uint64_t{0};  // abandoned: nothing more is kept
  if (fin) final_size_ = end;
  const uint64_t growth = end > highest_ ? end - highest_ : 0;
  highest_ = std::max(highest_, end);

  // Keep only the part not yet received contiguously.
  if (end <= contiguous_ || data.empty()) return growth;
  if (offset < contiguous_) {
    data.remove_prefix(contiguous_ - offset);
    offset = contiguous_;
  }
  if (offset == contiguous_) {
    ready_.append(data);
    contiguous_ += data.size();
    Absorb();
  } else {
    // Out of order: store only the parts no held piece covers, so the
    // pieces never overlap and never hold more than the window.
    uint64_t cur = offset;
    auto next = pending_.upper_bound(cur);
    if (next != pending_.begin()) {
      auto prev = std::prev(next);
      cur = std::max(cur, prev->first + prev->second.size());
    }
    while (cur < end) {
      next = pending_.lower_bound(cur);
      const uint64_t gap_end = next == pending_.end() ? end : std::min(end, next->first);
      if (gap_end > cur) {
        pending_.emplace(cur, std::string(data.substr(cur - offset, gap_end - cur)));
        pending_bytes_ += gap_end - cur;
      }
      if (next == pending_.end()) break;
      cur = std::max(cur, next->first + next->second.size());
    }
  }
  return growth;
}

void ReceiveStream::Absorb() {
  while (!pending_.empty() && pending_.begin()->first <= contiguous_) {
    auto it = pending_.begin();
    const uint64_t off = it->first;
    std::string& piece = it->second;
    const uint64_t piece_end = off + piece.size();
    if (piece_end > contiguous_) {
      ready_.append(piece, static_cast<size_t>(contiguous_ - off), std::string::npos);
      contiguous_ = piece_end;
    }
    pending_bytes_ -= piece.size();
    pending_.erase(it);
  }
}

Result<uint64_t> ReceiveStream::OnReset(uint64_t final_size, uint64_t error_code) {
  if (final_size > limit_) return OutOfRange("reset beyond the flow-control limit");
  if (final_size_ && *final_size_ != final_size) return Malformed("reset changes the final size");
  if (final_size < highest_) return Malformed("reset below data already received");
  const uint64_t growth = final_size - highest_;
  highest_ = final_size;
  final_size_ = final_size;
  if (!reset_) {
    reset_ = true;
    reset_code_ = error_code;
    ready_.clear();
    ready_pos_ = 0;
    pending_.clear();
    pending_bytes_ = 0;
  }
  return growth;
}

size_t ReceiveStream::Read(std::string* out, size_t max) {
  const size_t n = std::min(max, readable());
  out->append(ready_, ready_pos_, n);
  Skip(n);
  return n;
}

void ReceiveStream::Skip(size_t n) {
  ROAM_CHECK(n <= readable());
  ready_pos_ += n;
  read_offset_ += n;
  if (ready_pos_ == ready_.size()) {
    ready_.clear();
    ready_pos_ = 0;
  } else if (ready_pos_ >= 64 * 1024 && ready_pos_ * 2 >= ready_.size()) {
    ready_.erase(0, ready_pos_);
    ready_pos_ = 0;
  }
}

std::optional<uint64_t> ReceiveStream::TakeLimitUpdate() {
  if (final_size_ || reset_) return std::nullopt;  // the peer sends nothing more
  const uint64_t wanted = read_offset_ + window_;
  if (wanted <= limit_ || wanted - limit_ < window_ / 2) return std::nullopt;
  limit_ = wanted;
  return limit_;
}

size_t ReceiveStream::buffered() const { return readable() + pending_bytes_; }

}  // namespace roam::channel
