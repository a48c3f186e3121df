// RttEstimator: SRTT, RTTVAR, RTO and the SSP frame interval (docs/protocol.md §2.3).
//
// Samples are whole milliseconds from 16-bit timestamp echoes. Values are
// doubles, as in the reference, so roam paces frames exactly like Mosh.

#ifndef ROAM_NET_RTT_ESTIMATOR_H_
#define ROAM_NET_RTT_ESTIMATOR_H_

#include <chrono>

#include "base/clock.h"

namespace roam::net {

inline constexpr double kInitialSrttMs = 1000;
inline constexpr double kInitialRttvarMs = 500;
inline constexpr Millis kMinRto{50};
inline constexpr Millis kMaxRto{1000};
inline constexpr Millis kSendIntervalMin{20};   // at most 50 frames per second
inline constexpr Millis kSendIntervalMax{250};  // at least 4 frames per second
inline constexpr Millis kRttSampleLimit{5000};  // larger samples (a stopped peer) are ignored

class RttEstimator {
 public:
  // Feeds one sample R in ms (0..65535). Samples >= 5000 ms are ignored.
  void AddSample(double rtt_ms);

  bool has_sample() const { return has_sample_; }
  double srtt_ms() const { return srtt_; }
  double rttvar_ms() const { return rttvar_; }
  // clamp(ceil(SRTT + 4 RTTVAR), 50, 1000) ms.
  Millis rto() const;
  // clamp(ceil(SRTT / 2), 20, 250) ms: about two frames per round trip.
  Millis send_interval() const;

 private:
  bool has_sample_ = false;
  double srtt_ = kInitialSrttMs;
  double rttvar_ = kInitialRttvarMs;
};

}  // namespace roam::net

#endif  // ROAM_NET_RTT_ESTIMATOR_H_
