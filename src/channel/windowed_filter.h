// WindowedFilter: the best value seen within the last `window` units of a
// count that only grows. BBR keeps the largest delivery rate of the last 10
// round trips (WindowedMaxFilter) and the smallest per-round RTT of the
// last two gain cycles (WindowedMinFilter).
//
// It keeps, per unit, the best value of that unit, and drops every entry
// that a later, better one makes irrelevant; so it holds at most `window`
// entries and answers exactly, not approximately.

#ifndef ROAM_CHANNEL_WINDOWED_FILTER_H_
#define ROAM_CHANNEL_WINDOWED_FILTER_H_

#include <cstdint>
#include <deque>
#include <functional>

namespace roam::channel {

// `Better(a, b)` is true when a is strictly better than b.
template <typename T, typename Better>
class WindowedFilter {
 public:
  explicit WindowedFilter(uint64_t window) : window_(window) {}

  // Offers `value` measured at `now` (never less than earlier calls' `now`).
  void Update(T value, uint64_t now) {
    Expire(now);
    while (!entries_.empty() && !Better()(entries_.back().value, value)) entries_.pop_back();
    // A better value of the same unit is already kept: one entry per unit.
    if (!entries_.empty() && entries_.back().at == now) return;
    entries_.push_back(Entry{value, now});
  }

  // The best value of the window ending at `now`, or `T{}` when empty.
  // Entries older than the window are dropped.
  T Best(uint64_t now) {
    Expire(now);
    return entries_.empty() ? T{} : entries_.front().value;
  }
  // The best value kept, without expiring anything; `T{}` when empty.
  T Best() const { return entries_.empty() ? T{} : entries_.front().value; }
  bool empty() const { return entries_.empty(); }

  void Reset() { entries_.clear(); }

 private:
  struct Entry {
    T value;
    uint64_t at;
  };

  void Expire(uint64_t now) {
    while (!entries_.empty() && entries_.front().at + window_ <= now) entries_.pop_front();
  }

  uint64_t window_;
  std::deque<Entry> entries_;  // best first; times ascending
};

template <typename T>
using WindowedMaxFilter = WindowedFilter<T, std::greater<T>>;
template <typename T>
using WindowedMinFilter = WindowedFilter<T, std::less<T>>;

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_WINDOWED_FILTER_H_
