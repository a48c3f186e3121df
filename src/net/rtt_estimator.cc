// RttEstimator: the smoothing rules of docs/protocol.md §2.3. See rtt_estimator.h.

#include "net/rtt_estimator.h"

#include <algorithm>
#include <cmath>

namespace roam::net {
namespace {

Millis CeilClamp(double ms, Millis lo, Millis hi) {
  const double c = std::ceil(ms);
  if (c <= static_cast<double>(lo.count())) return lo;
  if (c >= static_cast<double>(hi.count())) return hi;
  return Millis(static_cast<Millis::rep>(c));
}

}  // namespace

void RttEstimator::AddSample(double rtt_ms) {
  // A sample this large means the peer (or this process) was stopped, not that
  // the path is slow; it would inflate SRTT for a long time.
  if (!(rtt_ms < static_cast<double>(kRttSampleLimit.count()))) return;
  if (!has_sample_) {
    srtt_ = rtt_ms;
    rttvar_ = rtt_ms / 2;
    has_sample_ = true;
    return;
  }
  // RFC 6298 with alpha = 1/8, beta = 1/4; RTTVAR uses the old SRTT.
  rttvar_ = 0.75 * rttvar_ + 0.25 * std::fabs(srtt_ - rtt_ms);
  srtt_ = 0.875 * srtt_ + 0.125 * rtt_ms;
}

Millis RttEstimator::rto() const { return CeilClamp(srtt_ + 4 * rttvar_, kMinRto, kMaxRto); }

Millis RttEstimator::send_interval() const {
  return CeilClamp(srtt_ / 2, kSendIntervalMin, kSendIntervalMax);
}

}  // namespace roam::net
