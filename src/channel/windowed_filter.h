// WindowedMaxFilter: the largest value seen within the last `window` units
// of a count that only grows (BBR's bandwidth filter keeps the best delivery
// rate of the last 10 round trips).
//
// It keeps, per unit, the best value of that unit, and drops every entry
// that a later, larger one makes irrelevant; so it holds at most `window`
// entries and answers exactly, not approximately.

#ifndef ROAM_CHANNEL_WINDOWED_FILTER_H_
#define ROAM_CHANNEL_WINDOWED_FILTER_H_

#include <cstdint>
#include <deque>

namespace roam::channel {

template <typename T>
class WindowedMaxFilter {
 public:
  explicit WindowedMaxFilter(uint64_t window) : window_(window) {}

  // Offers `value` measured at `now` (never less than earlier calls' `now`).
  void Update(T value, uint64_t now) {
    Expire(now);
    while (!entries_.empty() && entries_.back().value <= value) entries_.pop_back();
    // A larger value of the same unit is already kept: one entry per unit.
    if (!entries_.empty() && entries_.back().at == now) return;
    entries_.push_back(Entry{value, now});
  }

  // The best value of the window ending at `now`, or `T{}` when empty.
  // Entries older than the window are dropped.
  T Best(uint64_t now) {
    Expire(now);
    return entries_.empty() ? T{} : entries_.front().value;
  }
  // The best value kept, without expiring anything.
  T Best() const { return entries_.empty() ? T{} : entries_.front().value; }

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
  std::deque<Entry> entries_;  // values descending, times ascending
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_WINDOWED_FILTER_H_
