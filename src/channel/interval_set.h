// IntervalSet: a set of byte offsets stored as disjoint half-open ranges,
// for the stream layer's "acknowledged" and "to resend" bookkeeping.

#ifndef ROAM_CHANNEL_INTERVAL_SET_H_
#define ROAM_CHANNEL_INTERVAL_SET_H_

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

namespace roam::channel {

class IntervalSet {
 public:
  // Adds [begin, end). Merges with neighbours it touches.
  void Add(uint64_t begin, uint64_t end) {
    if (begin >= end) return;
    auto it = ranges_.upper_bound(begin);
    if (it != ranges_.begin()) {
      auto prev = std::prev(it);
      if (prev->second >= begin) {
        begin = prev->first;
        end = std::max(end, prev->second);
        it = ranges_.erase(prev);
      }
    }
    while (it != ranges_.end() && it->first <= end) {
      end = std::max(end, it->second);
      it = ranges_.erase(it);
    }
    ranges_.emplace(begin, end);
  }

  // Removes [begin, end).
  void Remove(uint64_t begin, uint64_t end) {
    if (begin >= end) return;
    auto it = ranges_.upper_bound(begin);
    if (it != ranges_.begin()) --it;
    while (it != ranges_.end() && it->first < end) {
      const uint64_t b = it->first;
      const uint64_t e = it->second;
      if (e <= begin) {
        ++it;
        continue;
      }
      it = ranges_.erase(it);
      if (b < begin) ranges_.emplace(b, begin);
      if (e > end) {
        ranges_.emplace(end, e);
        break;
      }
    }
  }

  // True when every offset of [begin, end) is in the set.
  bool Contains(uint64_t begin, uint64_t end) const {
    if (begin >= end) return true;
    auto it = ranges_.upper_bound(begin);
    if (it == ranges_.begin()) return false;
    --it;
    return it->first <= begin && it->second >= end;
  }

  // Calls fn(b, e) for each stored range's overlap [b, e) with [begin, end),
  // ascending. `fn` must not change the set.
  template <typename Fn>
  void ForEachOverlap(uint64_t begin, uint64_t end, Fn fn) const {
    auto it = ranges_.upper_bound(begin);
    if (it != ranges_.begin()) --it;
    for (; it != ranges_.end() && it->first < end; ++it) {
      const uint64_t b = std::max(begin, it->first);
      const uint64_t e = std::min(end, it->second);
      if (b < e) fn(b, e);
    }
  }

  // The lowest range, if any.
  std::optional<std::pair<uint64_t, uint64_t>> First() const {
    if (ranges_.empty()) return std::nullopt;
    return *ranges_.begin();
  }

  bool empty() const { return ranges_.empty(); }
  size_t size() const { return ranges_.size(); }
  void Clear() { ranges_.clear(); }

 private:
  std::map<uint64_t, uint64_t> ranges_;  // begin -> end
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_INTERVAL_SET_H_
