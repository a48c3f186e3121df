#include <algorithm>
#include <limits>

#include "channel/congestion_controller.h"

namespace roam::channel {

NewReno::NewReno(size_t max_datagram_size)
    : mds_(max_datagram_size),
      cwnd_(InitialWindow(max_datagram_size)),
      ssthresh_(std::numeric_limits<uint64_t>::max()) {}

void NewReno::OnPacketSent(TimePoint, const PacketRef&, uint64_t) { app_limited_ = false; }

void NewReno::OnPacketsAcked(TimePoint, const std::vector<PacketRef>& acked, uint64_t,
                             const RttStats&) {
  for (const PacketRef& p : acked) {
    // No growth for packets sent before the current recovery period began,
    // nor while the application did not use the window.
    if (p.time_sent <= recovery_start_ || app_limited_) continue;
    if (cwnd_ < ssthresh_) {
      cwnd_ += p.bytes;
    } else {
      cwnd_ += std::max<uint64_t>(1, mds_ * p.bytes / cwnd_);
    }
  }
}

void NewReno::OnPacketsLost(TimePoint now, const std::vector<PacketRef>& lost,
                            bool persistent_congestion, uint64_t) {
  if (lost.empty()) return;
  // One reduction per round trip: only a loss of a packet sent after the
  // last reduction began starts a new one.
  if (lost.back().time_sent > recovery_start_) {
    recovery_start_ = now;
    ssthresh_ = std::max(cwnd_ / 2, MinimumWindow(mds_));
    cwnd_ = ssthresh_;
  }
  if (persistent_congestion) cwnd_ = MinimumWindow(mds_);
}

void NewReno::OnAppLimited(uint64_t) { app_limited_ = true; }

void NewReno::OnPathChange(TimePoint) {
  cwnd_ = InitialWindow(mds_);
  ssthresh_ = std::numeric_limits<uint64_t>::max();
  recovery_start_ = {};
}

}  // namespace roam::channel
