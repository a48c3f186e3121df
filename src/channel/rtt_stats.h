// RttStats: the round-trip estimate of the channel layer, RFC 9002 §5.
//
// Samples come from ACK frames: the time since the largest newly acknowledged
// packet was sent, less the peer's reported ack delay (capped at
// kMaxAckDelay, and never below min_rtt). The datagram layer keeps its own
// estimate from timestamps for SSP (docs/protocol.md §2); this one also sees
// the queueing that bulk channel data causes, which is what loss detection
// and congestion control need.

#ifndef ROAM_CHANNEL_RTT_STATS_H_
#define ROAM_CHANNEL_RTT_STATS_H_

#include <algorithm>
#include <chrono>

#include "base/clock.h"

namespace roam::channel {

// RTT assumed before the first sample (RFC 9002 §6.2.2).
inline constexpr Duration kInitialRtt = std::chrono::milliseconds(333);
// Timer granularity (RFC 9002 §6.1.2).
inline constexpr Duration kGranularity = std::chrono::milliseconds(1);

class RttStats {
 public:
  // Takes one sample. `ack_delay` is what the peer reported (already capped
  // by the caller at its max_ack_delay).
  void OnSample(Duration latest, Duration ack_delay) {
    latest_ = latest;
    if (!has_sample_) {
      has_sample_ = true;
      min_ = latest;
      smoothed_ = latest;
      variance_ = latest / 2;
      return;
    }
    min_ = std::min(min_, latest);
    Duration adjusted = latest;
    if (latest >= min_ + ack_delay) adjusted = latest - ack_delay;
    const Duration diff = smoothed_ > adjusted ? smoothed_ - adjusted : adjusted - smoothed_;
    variance_ = (variance_ * 3 + diff) / 4;
    smoothed_ = (smoothed_ * 7 + adjusted) / 8;
  }

  // Forgets everything (the path changed).
  void Reset() { *this = RttStats(); }

  bool has_sample() const { return has_sample_; }
  Duration latest() const { return latest_; }
  Duration min() const { return min_; }
  Duration smoothed() const { return smoothed_; }
  Duration variance() const { return variance_; }

  // The probe timeout before backoff: smoothed + max(4 var, granularity)
  // + the peer's max ack delay (RFC 9002 §6.2.1).
  Duration ProbeTimeout(Duration max_ack_delay) const {
    return smoothed_ + std::max<Duration>(variance_ * 4, kGranularity) + max_ack_delay;
  }

 private:
  bool has_sample_ = false;
  Duration latest_ = kInitialRtt;
  Duration min_ = kInitialRtt;
  Duration smoothed_ = kInitialRtt;
  Duration variance_ = kInitialRtt / 2;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_RTT_STATS_H_
