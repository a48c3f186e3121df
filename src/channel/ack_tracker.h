// AckTracker: which channel packets this side has received, and when to tell
// the peer (docs/protocol.md §9.4; RFC 9000 §13.2).
//
// It keeps the received packet numbers as at most kMaxRanges disjoint
// ranges (the oldest are forgotten first, so memory is fixed whatever the
// peer sends), answers whether a packet is new, and decides when an ACK is
// due: at once after a packet that arrived out of order, after every
// kAckElicitingThreshold ack-eliciting packets (kBulkAckThreshold once the
// flow is bulk), or kMaxAckDelay after the first unacknowledged
// ack-eliciting packet. Packets that only carry ACKs or padding are never
// acknowledged on their own. Sans-I/O: time is a parameter.

#ifndef ROAM_CHANNEL_ACK_TRACKER_H_
#define ROAM_CHANNEL_ACK_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <deque>

#include "base/clock.h"
#include "channel/frame.h"

namespace roam::channel {

// The longest a receiver waits before acknowledging an ack-eliciting packet;
// announced to the peer as part of the protocol (its PTO includes it).
inline constexpr Millis kMaxAckDelay{10};

class AckTracker {
 public:
  static constexpr size_t kMaxRanges = 32;
  // Acknowledge at least every this many ack-eliciting packets ...
  static constexpr int kAckElicitingThreshold = 2;
  // ... and, once this many packets arrived, every this many: fewer ACK
  // datagrams on a bulk flow, still several per round trip.
  static constexpr uint64_t kBulkAfterPackets = 1000;
  static constexpr int kBulkAckThreshold = 8;

  // Records packet `pn`. Returns false (nothing recorded) when it was seen
  // before or is older than everything remembered: the caller drops it.
  bool OnPacket(uint64_t pn, bool ack_eliciting, TimePoint now);

  // True when an ACK frame should go out at `now`.
  bool AckDue(TimePoint now) const;
  // When an ACK will be due (kNever when nothing waits for one).
  TimePoint AckDeadline() const;
  // True when packets arrived since the last ACK frame was built (worth
  // piggybacking an ACK on a packet that goes out anyway).
  bool HasNews() const { return news_; }
  // True when any packet is known (an ACK frame can be built).
  bool HasRanges() const { return !ranges_.empty(); }

  // The ACK frame for everything remembered, with the delay since the
  // largest packet arrived. Marks the pending acknowledgement done.
  // REQUIRES: HasRanges().
  AckFrame BuildAck(TimePoint now);

  uint64_t largest() const { return ranges_.empty() ? 0 : ranges_.front().largest; }
  size_t range_count() const { return ranges_.size(); }

 private:
  std::deque<AckRange> ranges_;  // descending
  // Packets below this were forgotten with the oldest ranges: whatever
  // arrives there now may be a replay, so it is refused (even once merges
  // have left room for a range again).
  uint64_t floor_ = 0;
  TimePoint largest_time_{};
  int unacked_eliciting_ = 0;
  TimePoint first_unacked_time_{};
  bool immediate_ = false;
  uint64_t received_ = 0;
  bool news_ = false;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_ACK_TRACKER_H_
