// Cubic: the CUBIC congestion controller of RFC 9438, with HyStart++
// (RFC 9406) to leave slow start before it overflows a deep queue.
//
// CUBIC grows the window as a cubic function of the time since the last
// congestion event, centred on the window at which that event happened
// (W_max): quickly while far below it, slowly near it (so the window dwells
// where the path held before), then quickly again above it to find a new
// ceiling. A loss cuts the window to beta = 0.7 of its size, not half, and
// an estimate of what Reno would have reached (W_est) keeps CUBIC at least
// as fast as Reno on short, slow paths. All window arithmetic is in bytes;
// the RFC's formulas count segments of max_datagram_size, and the
// conversion happens in WindowAt / KFor.
//
// Like NewReno (congestion_controller.h) it reduces at most once per round
// trip: a loss of a packet sent before the current reduction began is part
// of the same event. Growth pauses while the sender is application-limited,
// and the time spent so does not count in t (RFC 9438 §5.8), so an idle
// flow does not come back with a window the path never carried.
//
// Pacing: 2 x window / smoothed RTT in slow start and 1.2 x afterwards, so
// a window's worth of packets is spread over the round trip rather than
// sent as a burst into the bottleneck queue.

#ifndef ROAM_CHANNEL_CUBIC_H_
#define ROAM_CHANNEL_CUBIC_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "channel/congestion_controller.h"
#include "channel/rtt_stats.h"

namespace roam::channel {

class Cubic final : public CongestionController {
 public:
  // RFC 9438 §5.1: the cubic's scaling constant, in segments per second^3.
  static constexpr double kC = 0.4;
  // RFC 9438 §5.1: the multiplicative decrease factor.
  static constexpr double kBeta = 0.7;
  // RFC 9438 §4.3: the additive increase (segments per RTT) that gives the
  // same average window as Reno under the same loss rate, given kBeta.
  static constexpr double kAlphaReno = 3 * (1 - kBeta) / (1 + kBeta);

  // HyStart++ (RFC 9406 §4.3): an RTT rise of min_rtt / 8, clamped to
  // [4 ms, 16 ms], seen over at least 8 samples of a round ends slow start
  // for conservative slow start, which grows 4 times slower for at most
  // 5 rounds before congestion avoidance begins.
  static constexpr Duration kHyStartMinRttThresh = std::chrono::milliseconds(4);
  static constexpr Duration kHyStartMaxRttThresh = std::chrono::milliseconds(16);
  static constexpr int kHyStartMinRttDivisor = 8;
  static constexpr int kHyStartRttSamples = 8;
  static constexpr int kHyStartCssGrowthDivisor = 4;
  static constexpr int kHyStartCssRounds = 5;

  explicit Cubic(size_t max_datagram_size, bool fast_convergence = true, bool hystart = true);

  std::string_view name() const override { return "cubic"; }
  void OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t bytes_in_flight) override;
  void OnPacketsAcked(TimePoint now, const std::vector<PacketRef>& acked, uint64_t prior_in_flight,
                      const RttStats& rtt) override;
  void OnPacketsLost(TimePoint now, const std::vector<PacketRef>& lost, bool persistent_congestion,
                     uint64_t bytes_in_flight) override;
  void OnAppLimited(uint64_t bytes_in_flight) override;
  void OnPathChange(TimePoint now) override;
  uint64_t congestion_window() const override;
  uint64_t pacing_rate() const override;

  // W_cubic(t) of RFC 9438 §4.2 in bytes: C (t - K)^3 + W_max, with C
  // scaled from segments to bytes.
  static double WindowAt(double t_seconds, double k_seconds, double w_max_bytes, size_t mds);
  // K of RFC 9438 §4.2 in seconds: the time the cubic takes to climb from
  // `cwnd_epoch_bytes` back to `w_max_bytes` (0 when already there).
  static double KFor(double w_max_bytes, double cwnd_epoch_bytes, size_t mds);

  // State, for tests and stats.
  enum class Phase { kSlowStart, kConservativeSlowStart, kCongestionAvoidance };
  Phase phase() const;
  uint64_t ssthresh() const { return ssthresh_; }
  double w_max() const { return w_max_; }            // bytes
  double k() const { return k_; }                    // seconds
  double w_est() const { return w_est_; }            // bytes
  double cwnd_prior() const { return cwnd_prior_; }  // bytes
  bool epoch_started() const { return epoch_started_; }
  TimePoint epoch_start() const { return epoch_start_; }

 private:
  void OnAckInSlowStart(const PacketRef& p);
  void OnAckInCongestionAvoidance(TimePoint now, const PacketRef& p);
  void StartEpoch(TimePoint now);
  // HyStart++ round and RTT bookkeeping for one ACK frame.
  void HyStartOnAck(const std::vector<PacketRef>& acked, const RttStats& rtt);

  size_t mds_;
  bool fast_convergence_;
  bool hystart_;
  double cwnd_;  // bytes; fractional growth accumulates here
  uint64_t ssthresh_;
  TimePoint recovery_start_{};
  Duration srtt_{};  // smoothed RTT of the last ACK; zero before the first sample

  // Congestion-avoidance epoch (RFC 9438 §4.2-§4.3).
  bool epoch_started_ = false;
  TimePoint epoch_start_{};
  double cwnd_epoch_ = 0;
  double w_max_ = 0;
  double k_ = 0;
  double w_est_ = 0;
  double cwnd_prior_ = 0;

  // Application-limited periods do not count in t.
  bool app_limited_ = false;
  TimePoint app_limited_since_{};
  TimePoint last_sent_{};

  // HyStart++ (RFC 9406).
  uint64_t largest_sent_pn_ = 0;
  uint64_t round_end_pn_ = 0;  // the round ends when a packet at or after this is acknowledged
  bool round_end_set_ = false;
  Duration last_round_min_rtt_ = Duration::max();
  Duration current_round_min_rtt_ = Duration::max();
  int rtt_samples_ = 0;
  bool in_css_ = false;
  Duration css_baseline_min_rtt_ = Duration::max();
  int css_rounds_ = 0;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_CUBIC_H_
