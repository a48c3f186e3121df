// Pacer: spreads channel packets over time at the congestion controller's
// rate instead of sending a window's worth at once (RFC 9002 §7.7), so that
// bulk data does not fill the bottleneck queue in front of the screen
// updates and keystrokes that share the path.
//
// A byte budget refills at the pacing rate up to a burst of kBurstPackets
// packets or kBurstTime of data, whichever is larger (so a fast flow is not
// held to one packet per timer wake-up). A packet may go when the budget
// holds it; otherwise NextSendTime says when it will.

#ifndef ROAM_CHANNEL_PACER_H_
#define ROAM_CHANNEL_PACER_H_

#include <cstddef>
#include <cstdint>

#include "base/clock.h"

namespace roam::channel {

class Pacer {
 public:
  static constexpr size_t kBurstPackets = 4;
  static constexpr Duration kBurstTime = std::chrono::milliseconds(2);

  // `rate` in bytes per second (0 = unpaced) for the calls until the next
  // SetRate.
  void SetRate(uint64_t rate, size_t max_datagram_size, TimePoint now);

  // Whether a packet of `bytes` may be sent at `now`.
  bool CanSend(size_t bytes, TimePoint now) const;
  // When a packet of `bytes` may go (now or later).
  TimePoint NextSendTime(size_t bytes, TimePoint now) const;
  void OnSent(size_t bytes, TimePoint now);

  uint64_t rate() const { return rate_; }

 private:
  double BudgetAt(TimePoint now) const;
  double Burst() const;

  uint64_t rate_ = 0;
  size_t mds_ = 1200;
  double budget_ = 0;  // bytes, at last_
  TimePoint last_{};
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_PACER_H_
