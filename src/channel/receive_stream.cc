#include "channel/receive_stream.h"

#include <algorithm>
#include <bit>
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
    Forget(contiguous_, contiguous_ + data.size());
    contiguous_ += data.size();
    Absorb();
  } else {
    Hold(offset, data);
  }
  return growth;
}

namespace {

// Bits [lo, hi) of a 64-bit word, 0 <= lo < hi <= 64.
uint64_t BitRange(size_t lo, size_t hi) {
  const uint64_t width = hi - lo == 64 ? ~uint64_t{0} : (uint64_t{1} << (hi - lo)) - 1;
  return width << lo;
}

}  // namespace

void ReceiveStream::Hold(uint64_t offset, std::string_view data) {
  const uint64_t end = offset + data.size();
  for (uint64_t index = offset / kBlockBytes; index * kBlockBytes < end; ++index) {
    const uint64_t block_start = index * kBlockBytes;
    const size_t lo = static_cast<size_t>(std::max(offset, block_start) - block_start);
    const size_t hi = static_cast<size_t>(std::min(end, block_start + kBlockBytes) - block_start);
    Block& block = blocks_[index];
    const char* src = data.data() + (block_start + lo - offset);
    for (size_t w = lo / 64; w * 64 < hi; ++w) {
      const size_t wlo = std::max(lo, w * 64);
      const size_t whi = std::min(hi, w * 64 + 64);
      const uint64_t mask = BitRange(wlo - w * 64, whi - w * 64);
      const uint64_t fresh = mask & ~block.have[w];
      if (fresh == mask) {
        std::copy(src + (wlo - lo), src + (whi - lo), block.bytes.begin() + wlo);
      } else {
        for (size_t i = wlo; i < whi; ++i) {
          if (fresh & (uint64_t{1} << (i - w * 64))) block.bytes[i] = src[i - lo];
        }
      }
      block.have[w] |= mask;
      pending_bytes_ += static_cast<size_t>(std::popcount(fresh));
    }
  }
}

void ReceiveStream::Forget(uint64_t begin, uint64_t end) {
  auto it = blocks_.lower_bound(begin / kBlockBytes);
  while (it != blocks_.end() && it->first * kBlockBytes < end) {
    const uint64_t block_start = it->first * kBlockBytes;
    const size_t lo = static_cast<size_t>(std::max(begin, block_start) - block_start);
    const size_t hi = static_cast<size_t>(std::min(end, block_start + kBlockBytes) - block_start);
    Block& block = it->second;
    for (size_t w = lo / 64; w * 64 < hi; ++w) {
      const uint64_t mask =
          BitRange(std::max(lo, w * 64) - w * 64, std::min(hi, w * 64 + 64) - w * 64);
      pending_bytes_ -= static_cast<size_t>(std::popcount(block.have[w] & mask));
      block.have[w] &= ~mask;
    }
    it = hi == kBlockBytes ? blocks_.erase(it) : std::next(it);
  }
}

void ReceiveStream::Absorb() {
  while (!blocks_.empty()) {
    auto it = blocks_.begin();
    const uint64_t block_start = it->first * kBlockBytes;
    if (block_start > contiguous_) return;  // a gap before the first held byte
    Block& block = it->second;
    const size_t pos = static_cast<size_t>(contiguous_ - block_start);
    // The run of held bytes from pos.
    size_t run_end = pos;
    while (run_end < kBlockBytes) {
      const size_t bit = run_end % 64;
      // The shift leaves zeros on top, so at most 64 - bit ones count.
      const size_t ones = static_cast<size_t>(std::countr_one(block.have[run_end / 64] >> bit));
      run_end += ones;
      if (ones < 64 - bit) break;  // the run ends inside this word
    }
    if (run_end == pos) return;
    ready_.append(block.bytes.data() + pos, run_end - pos);
    Forget(contiguous_, block_start + run_end);  // clears the run (and the block, at its end)
    contiguous_ = block_start + run_end;
    if (run_end < kBlockBytes) return;
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
    blocks_.clear();
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
