#include "channel/ack_tracker.h"

#include <algorithm>

#include "base/check.h"

namespace roam::channel {

bool AckTracker::OnPacket(uint64_t pn, bool ack_eliciting, TimePoint now) {
  if (pn < floor_) return false;  // forgotten: cannot be told from a replay
  const bool in_order = ranges_.empty() || pn == ranges_.front().largest + 1;
  // Find the first range (descending) whose smallest is <= pn.
  auto it = std::find_if(ranges_.begin(), ranges_.end(),
                         [pn](const AckRange& r) { return r.smallest <= pn; });
  if (it != ranges_.end() && pn <= it->largest) return false;             // duplicate
  if (it == ranges_.end() && ranges_.size() >= kMaxRanges) return false;  // too old to know
  if (it != ranges_.end() && it->largest + 1 == pn) {
    it->largest = pn;
    // Joins the range above it?
    if (it != ranges_.begin()) {
      auto above = std::prev(it);
      if (above->smallest == pn + 1) {
        above->smallest = it->smallest;
        ranges_.erase(it);
      }
    }
  } else if (it != ranges_.begin() && std::prev(it)->smallest == pn + 1) {
    std::prev(it)->smallest = pn;
  } else {
    ranges_.insert(it, AckRange{pn, pn});
    while (ranges_.size() > kMaxRanges) {
      floor_ = std::max(floor_, ranges_.back().largest + 1);
      ranges_.pop_back();
    }
  }
  if (pn == ranges_.front().largest) largest_time_ = now;
  ++received_;
  news_ = true;
  if (!ack_eliciting) return true;
  if (unacked_eliciting_ == 0) first_unacked_time_ = now;
  ++unacked_eliciting_;
  const int threshold = received_ >= kBulkAfterPackets ? kBulkAckThreshold : kAckElicitingThreshold;
  if (!in_order || unacked_eliciting_ >= threshold) immediate_ = true;
  return true;
}

bool AckTracker::AckDue(TimePoint now) const {
  if (unacked_eliciting_ == 0) return false;
  return immediate_ || now >= first_unacked_time_ + kMaxAckDelay;
}

TimePoint AckTracker::AckDeadline() const {
  if (unacked_eliciting_ == 0) return kNever;
  if (immediate_) return TimePoint::min();
  return first_unacked_time_ + kMaxAckDelay;
}

AckFrame AckTracker::BuildAck(TimePoint now) {
  ROAM_CHECK(!ranges_.empty());
  AckFrame ack;
  ack.ranges.assign(ranges_.begin(), ranges_.end());
  const auto held = std::chrono::duration_cast<std::chrono::microseconds>(now - largest_time_);
  ack.ack_delay_us = static_cast<uint64_t>(std::max<int64_t>(0, held.count()));
  unacked_eliciting_ = 0;
  immediate_ = false;
  news_ = false;
  return ack;
}

}  // namespace roam::channel
