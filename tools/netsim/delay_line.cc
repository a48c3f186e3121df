// DelayLine: a bounded min-heap of packets keyed by (delivery time, arrival order).

#include "netsim/delay_line.h"

#include <utility>

#include "base/check.h"

namespace roam::netsim {

DelayLine::DelayLine(size_t max_packets, size_t max_bytes)
    : max_packets_(max_packets), max_bytes_(max_bytes) {
  ROAM_CHECK(max_packets > 0 && max_bytes > 0);
}

bool DelayLine::Push(TimePoint at, LinkDirection direction, std::string bytes) {
  if (heap_.size() >= max_packets_ || bytes.size() > max_bytes_ - bytes_) {
    ++overflows_;
    return false;
  }
  bytes_ += bytes.size();
  heap_.push(Entry{at, next_seq_++, direction, std::move(bytes)});
  return true;
}

TimePoint DelayLine::NextDeadline() const { return heap_.empty() ? kNever : heap_.top().at; }

std::optional<DelayLine::Packet> DelayLine::PopDue(TimePoint now) {
  if (heap_.empty() || heap_.top().at > now) return std::nullopt;
  const Entry& top = heap_.top();
  Packet p{top.at, top.direction, std::move(top.bytes)};
  bytes_ -= p.bytes.size();
  heap_.pop();
  return p;
}

}  // namespace roam::netsim
