#include "channel/cubic.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace roam::channel {

namespace {

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

Cubic::Cubic(size_t max_datagram_size, bool fast_convergence, bool hystart)
    : mds_(max_datagram_size),
      fast_convergence_(fast_convergence),
      hystart_(hystart),
      cwnd_(static_cast<double>(InitialWindow(max_datagram_size))),
      ssthresh_(std::numeric_limits<uint64_t>::max()) {}

double Cubic::WindowAt(double t_seconds, double k_seconds, double w_max_bytes, size_t mds) {
  const double d = t_seconds - k_seconds;
  return kC * d * d * d * static_cast<double>(mds) + w_max_bytes;
}

double Cubic::KFor(double w_max_bytes, double cwnd_epoch_bytes, size_t mds) {
  if (cwnd_epoch_bytes >= w_max_bytes) return 0;
  return std::cbrt((w_max_bytes - cwnd_epoch_bytes) / static_cast<double>(mds) / kC);
}

uint64_t Cubic::congestion_window() const {
  return std::max(static_cast<uint64_t>(cwnd_), MinimumWindow(mds_));
}

Cubic::Phase Cubic::phase() const {
  if (static_cast<uint64_t>(cwnd_) >= ssthresh_) return Phase::kCongestionAvoidance;
  return in_css_ ? Phase::kConservativeSlowStart : Phase::kSlowStart;
}

uint64_t Cubic::pacing_rate() const {
  if (srtt_ <= Duration::zero()) return 0;  // the multiplexer's default until a sample
  const double factor = phase() == Phase::kCongestionAvoidance ? 1.2 : 2.0;
  return static_cast<uint64_t>(factor * static_cast<double>(congestion_window()) / Seconds(srtt_));
}

void Cubic::OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t) {
  if (app_limited_) {
    app_limited_ = false;
    // RFC 9438 §5.8: the time the flow did not use its window does not
    // advance the cubic.
    if (epoch_started_ && now > app_limited_since_) epoch_start_ += now - app_limited_since_;
  }
  largest_sent_pn_ = std::max(largest_sent_pn_, packet.pn);
  last_sent_ = now;
}

void Cubic::OnAppLimited(uint64_t) {
  if (app_limited_) return;
  app_limited_ = true;
  app_limited_since_ = last_sent_;
}

void Cubic::StartEpoch(TimePoint now) {
  // RFC 9438 §4.2: a congestion-avoidance stage starts from the current
  // window; without an earlier congestion event above it, the plateau is
  // where we are now.
  epoch_started_ = true;
  epoch_start_ = now;
  cwnd_epoch_ = cwnd_;
  if (w_max_ < cwnd_) w_max_ = cwnd_;
  k_ = KFor(w_max_, cwnd_epoch_, mds_);
  w_est_ = cwnd_epoch_;
}

void Cubic::OnAckInSlowStart(const PacketRef& p) {
  const double bytes = static_cast<double>(p.bytes);
  cwnd_ += in_css_ ? bytes / kHyStartCssGrowthDivisor : bytes;
}

void Cubic::OnAckInCongestionAvoidance(TimePoint now, const PacketRef& p) {
  if (!epoch_started_) StartEpoch(now);
  const double bytes = static_cast<double>(p.bytes);
  const double mds = static_cast<double>(mds_);
  const double t = Seconds(now - epoch_start_);

  // RFC 9438 §4.3: Reno's window, grown by alpha segments per window of
  // acknowledged bytes; alpha becomes 1 once W_est passes the window of the
  // last congestion event.
  const double alpha = w_est_ >= cwnd_prior_ ? 1.0 : kAlphaReno;
  w_est_ += alpha * mds * bytes / cwnd_;

  if (WindowAt(t, k_, w_max_, mds_) < w_est_) {
    // Reno-friendly region: at least as fast as Reno would be.
    cwnd_ = std::max(cwnd_, w_est_);
    return;
  }
  // RFC 9438 §4.4-§4.5: aim for where the cubic will be one RTT from now,
  // but never shrink and never more than 1.5 x per RTT.
  const double target =
      std::clamp(WindowAt(t + Seconds(srtt_), k_, w_max_, mds_), cwnd_, 1.5 * cwnd_);
  cwnd_ += (target - cwnd_) * bytes / cwnd_;
}

void Cubic::HyStartOnAck(const std::vector<PacketRef>& acked, const RttStats& rtt) {
  if (!rtt.has_sample()) return;
  current_round_min_rtt_ = std::min(current_round_min_rtt_, rtt.latest());
  ++rtt_samples_;
  if (rtt_samples_ >= kHyStartRttSamples && last_round_min_rtt_ != Duration::max() &&
      current_round_min_rtt_ != Duration::max()) {
    if (!in_css_) {
      const Duration thresh = std::clamp(last_round_min_rtt_ / kHyStartMinRttDivisor,
                                         kHyStartMinRttThresh, kHyStartMaxRttThresh);
      if (current_round_min_rtt_ >= last_round_min_rtt_ + thresh) {
        in_css_ = true;
        css_baseline_min_rtt_ = current_round_min_rtt_;
        css_rounds_ = 0;
      }
    } else if (current_round_min_rtt_ < css_baseline_min_rtt_) {
      // The RTT rise was a blip: back to ordinary slow start.
      in_css_ = false;
      css_baseline_min_rtt_ = Duration::max();
    }
  }
  // A round ends when a packet sent after it began is acknowledged.
  if (!round_end_set_ || acked.back().pn >= round_end_pn_) {
    if (round_end_set_ && in_css_ && ++css_rounds_ >= kHyStartCssRounds) {
      ssthresh_ = static_cast<uint64_t>(cwnd_);  // RFC 9406 §4.2: on to congestion avoidance
      in_css_ = false;
    }
    round_end_set_ = true;
    round_end_pn_ = largest_sent_pn_ + 1;
    last_round_min_rtt_ = current_round_min_rtt_;
    current_round_min_rtt_ = Duration::max();
    rtt_samples_ = 0;
  }
}

void Cubic::OnPacketsAcked(TimePoint now, const std::vector<PacketRef>& acked, uint64_t,
                           const RttStats& rtt) {
  if (rtt.has_sample()) srtt_ = rtt.smoothed();
  if (acked.empty()) return;
  if (hystart_ && phase() != Phase::kCongestionAvoidance) HyStartOnAck(acked, rtt);
  for (const PacketRef& p : acked) {
    // No growth for packets sent before the current recovery period began,
    // nor while the application did not use the window.
    if (p.time_sent <= recovery_start_ || app_limited_) continue;
    if (phase() != Phase::kCongestionAvoidance) {
      OnAckInSlowStart(p);
    } else {
      OnAckInCongestionAvoidance(now, p);
    }
  }
}

void Cubic::OnPacketsLost(TimePoint now, const std::vector<PacketRef>& lost,
                          bool persistent_congestion, uint64_t) {
  if (lost.empty()) return;
  const double min_window = static_cast<double>(MinimumWindow(mds_));
  // One reduction per round trip: only a loss of a packet sent after the
  // last reduction began starts a new congestion event.
  if (lost.back().time_sent > recovery_start_) {
    recovery_start_ = now;
    cwnd_prior_ = cwnd_;
    // RFC 9438 §4.7: a window that peaked below the previous plateau means
    // a new flow is taking its share; give way by aiming lower.
    if (fast_convergence_ && cwnd_ < w_max_) {
      w_max_ = cwnd_ * (1 + kBeta) / 2;
    } else {
      w_max_ = cwnd_;
    }
    // RFC 9438 §4.6.
    cwnd_ = std::max(cwnd_ * kBeta, min_window);
    ssthresh_ = static_cast<uint64_t>(cwnd_);
    epoch_started_ = false;  // the next ACK in congestion avoidance starts one
    in_css_ = false;
  }
  if (persistent_congestion) {
    // RFC 9438 §4.8 with RFC 9002 §7.6.2: back to the minimum window and
    // slow start up to ssthresh.
    cwnd_ = min_window;
    epoch_started_ = false;
  }
}

void Cubic::OnPathChange(TimePoint) { *this = Cubic(mds_, fast_convergence_, hystart_); }

}  // namespace roam::channel
