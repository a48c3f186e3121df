// Bbr: model-based congestion control after draft-cardwell-iccrg-bbr-
// congestion-control-00 (BBR version 1), made tolerant of random loss and
// careful with the bottleneck queue that keystrokes share.
//
// BBR does not read loss as a congestion signal. It keeps a model of the
// path: the bottleneck bandwidth (the largest delivery rate of the last
// kBandwidthWindowRounds round trips, from delivery_rate.h) and the
// round-trip propagation time (the smallest RTT of the last kMinRttWindow).
// It paces at gain x bandwidth and keeps at most cwnd_gain x bandwidth x
// min RTT (the bandwidth-delay product, BDP) in flight, plus room for the
// ACK bursts it has seen (ACK aggregation, from the later drafts):
//
//   Startup   pacing and cwnd gain 2/ln 2, doubling the rate each round trip,
//             until three rounds in a row fail to raise the bandwidth by
//             25 % (the pipe is full);
//   Drain     pacing gain ln 2 / 2, until what is in flight is down to one
//             BDP (the queue Startup built is gone);
//   ProbeBw   cwnd gain 2 and a cycle of eight pacing gains, each about
//             one min RTT long: 5/4 (probe for more bandwidth; less on
//             paths over 120 ms, see kMaxProbeQueue), 3/4 (drain the queue
//             that probe made), then six times 1 (cruise);
//   ProbeRtt  when no RTT sample has matched the min RTT for kMinRttWindow,
//             at most half a BDP in flight (the later drafts' choice; v1
//             used 4 packets) for kProbeRttDuration and a round trip, so
//             the queue empties and the propagation delay shows again.
//
// Random loss. A delivery rate counts only what arrived, so on a path
// that loses a fraction p of packets at random, pacing at 1.0 x the
// measured rate delivers (1 - p) of it, and the 5/4 probe cannot lift the
// estimate once 5/4 (1 - p) < 1: plain BBRv1 decays toward nothing above
// 20 % loss, which is exactly the lossy, far-away link roam is for. This
// controller therefore also measures the loss fraction of the packets it
// sends in the 3/4 phase — sent below the estimated bandwidth, into a queue
// being drained, so their losses are not the controller's own doing — and
// treats the path's capacity as delivery rate / (1 - loss): that is what
// it paces at and sizes the window from. Losses caused by overrunning the
// bottleneck happen in the 5/4 phase or in Startup and are not counted, so
// a congestive loss cannot talk the estimate up. The compensation is capped
// at kMaxLossCompensation.
//
// The queue. Keystroke echoes wait in the same bottleneck queue as channel
// data, so the controller watches it: the smallest RTT sample of a round
// trip, compared with the best such round minimum of the last two gain
// cycles, is the queue that stood the whole round (jitter cannot fake that
// for long; the allowance and the kQueueSamples minimum leave room for
// it). In Startup a standing queue, or a loss while one stands, means the
// pipe is full, rounds before the bandwidth plateau would say so. In
// ProbeBw it means the pacing rate is above the bottleneck — the largest of
// many noisy delivery-rate samples overstates it — so the controller
// drains at once and trims its cruising rate by the overshoot the queue
// shows (and recovers by kTrimUp per round without one). The probe is
// never trimmed, and on long paths it is gentler than 5/4
// (kMaxProbeQueue), so what a keystroke waits behind stays within tens of
// milliseconds.
//
// Loss still matters in two ways: lost bytes come off the window (as
// BBRv1's recovery does), and persistent congestion (RFC 9002 §7.6) drops
// the window to the minimum until ACKs resume.
//
// Sans-I/O and deterministic: time comes in with every call, and the
// random start of the gain cycle is drawn from a seed.

#ifndef ROAM_CHANNEL_BBR_H_
#define ROAM_CHANNEL_BBR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "channel/congestion_controller.h"
#include "channel/delivery_rate.h"
#include "channel/rtt_stats.h"
#include "channel/windowed_filter.h"

namespace roam::channel {

class Bbr final : public CongestionController {
 public:
  enum class Mode { kStartup, kDrain, kProbeBw, kProbeRtt };

  // 2 / ln 2: the smallest gain that doubles the delivery rate every round
  // trip in Startup.
  static constexpr double kHighGain = 2.885;
  static constexpr double kDrainGain = 1 / kHighGain;
  static constexpr double kCwndGain = 2;
  static constexpr std::array<double, 8> kPacingGainCycle = {1.25, 0.75, 1, 1, 1, 1, 1, 1};
  static constexpr size_t kDrainPhase = 1;  // the 3/4 entry of the cycle
  static constexpr uint64_t kBandwidthWindowRounds = 10;
  static constexpr Duration kMinRttWindow = std::chrono::seconds(10);
  static constexpr Duration kProbeRttDuration = std::chrono::milliseconds(200);
  static constexpr uint64_t kMinPipeCwndPackets = 4;
  // ProbeRtt holds in flight to this share of the BDP (as the later BBR
  // drafts do), enough to empty the queue without stalling the flow.
  static constexpr double kProbeRttCwndGain = 0.5;
  // A round's RTT samples tell whether a queue stood through it only when
  // there are at least this many. (Startup checks the current round as
  // soon as it has them, so it stops within the round that filled the
  // pipe rather than a round later.)
  static constexpr int kQueueSamples = 4;
  // Startup ends after this many rounds without this much growth.
  static constexpr int kFullBandwidthRounds = 3;
  static constexpr double kFullBandwidthGrowth = 1.25;
  // Loss fractions above this are compensated only up to it: a path that
  // loses more than half of everything is not one to send twice as fast into.
  static constexpr double kMaxLossCompensation = 0.5;
  // The loss fraction is trusted once this many drain-phase packets were
  // settled; the counts are halved whenever they reach kLossMemoryPackets,
  // so the estimate follows the path over a few hundred packets.
  static constexpr uint64_t kLossSamplePackets = 32;
  static constexpr uint64_t kLossMemoryPackets = 256;
  // A round trip whose smallest RTT sample exceeds the min RTT by more than
  // min RTT x kQueueAllowanceFraction, clamped to [kMinQueueAllowance,
  // kMaxQueueAllowance], had a standing queue at the bottleneck all along:
  // the pipe is full (Startup ends) or the controller is sending faster
  // than the path (ProbeBw drains now instead of waiting for its 3/4
  // phase). The allowance keeps delay jitter from looking like a queue; its
  // cap keeps a long path from parking more than that in front of a
  // keystroke.
  static constexpr Duration kMinQueueAllowance = std::chrono::milliseconds(4);
  static constexpr double kQueueAllowanceFraction = 0.25;
  static constexpr Duration kMaxQueueAllowance = std::chrono::milliseconds(20);
  // The round minimum is compared with the smallest round minimum of the
  // last kQueueBaselineRounds rounds (two gain cycles, each with a drain),
  // not with the min RTT: that is the luckiest single sample of 10 s, and
  // on a jittery path an ordinary round's minimum sits well above it.
  static constexpr uint64_t kQueueBaselineRounds = 16;
  // The largest delivery rate of many noisy samples overstates the
  // bottleneck a little, and pacing even a few percent above it builds a
  // queue round after round. ProbeBw therefore cruises and drains at
  // bandwidth x trim: every round with a standing queue q (over a min RTT
  // R) multiplies the trim by min(kTrimDown, 1 - q / R), every round
  // without one adds kTrimUp, within [kMinTrim, 1].
  static constexpr double kTrimDown = 0.95;
  static constexpr double kTrimUp = 0.01;
  static constexpr double kMinTrim = 0.8;
  // The 5/4 probe leaves a quarter of a BDP in the queue by the end of its
  // round trip: 125 ms on a 500 ms path, in front of every keystroke. On
  // long paths the probe's extra rate is therefore kMaxProbeQueue / min RTT
  // (a probe then adds about that much queue), but never less than
  // kMinProbeExtra, so that a probe still lifts the estimate above the
  // noise of the loss compensation.
  static constexpr Duration kMaxProbeQueue = std::chrono::milliseconds(30);
  static constexpr double kMinProbeExtra = 0.1;

  // `seed` picks the phase the first gain cycle starts in.
  Bbr(size_t max_datagram_size, TimePoint now, uint64_t seed);

  std::string_view name() const override { return "bbr"; }
  void OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t bytes_in_flight) override;
  void OnPacketsAcked(TimePoint now, const std::vector<PacketRef>& acked, uint64_t prior_in_flight,
                      const RttStats& rtt) override;
  void OnPacketsLost(TimePoint now, const std::vector<PacketRef>& lost, bool persistent_congestion,
                     uint64_t bytes_in_flight) override;
  void OnAppLimited(uint64_t bytes_in_flight) override;
  void OnPathChange(TimePoint now) override;
  uint64_t congestion_window() const override { return cwnd_; }
  uint64_t pacing_rate() const override { return static_cast<uint64_t>(pacing_rate_); }

  // The model, for tests and stats.
  Mode mode() const { return mode_; }
  // Largest delivery rate of the window, bytes per second.
  double max_delivery_rate() const { return bandwidth_.Best(); }
  // The bottleneck's rate as the controller uses it: the delivery rate
  // compensated for random loss, bytes per second.
  double bandwidth() const;
  // Zero before the first sample.
  Duration min_rtt() const { return min_rtt_; }
  double loss_fraction() const { return loss_fraction_; }
  double pacing_gain() const { return pacing_gain_; }
  double trim() const { return trim_; }
  double cwnd_gain() const { return cwnd_gain_; }
  size_t cycle_index() const { return cycle_index_; }
  uint64_t round_count() const { return round_count_; }
  bool filled_pipe() const { return filled_pipe_; }
  uint64_t extra_acked() const { return extra_acked_.Best(); }
  // gain x bandwidth x min RTT, in bytes (the initial window before there
  // is a model).
  uint64_t Inflight(double gain) const;

 private:
  // The pacing gain of phase `index` of the ProbeBw cycle.
  double CycleGain(size_t index) const;
  void EnterStartup();
  void EnterProbeBw(TimePoint now);
  void EnterProbeRtt();
  void ExitProbeRtt(TimePoint now);
  void UpdateRound(const RateSample& rs);
  void UpdateBandwidth(const RateSample& rs);
  void UpdateCyclePhase(TimePoint now, uint64_t prior_in_flight);
  void CheckFullPipe(const RateSample& rs);
  void CheckDrain(TimePoint now);
  void UpdateMinRtt(TimePoint now, const RateSample& rs);
  void CheckProbeRtt(TimePoint now);
  void UpdateAckAggregation(TimePoint now, uint64_t acked_bytes);
  // Whether a round trip whose smallest RTT sample was `round_min` held a
  // standing queue.
  bool StandingQueue(Duration round_min) const;
  uint64_t ProbeRttCwnd() const;
  // The smallest of the last recent_rtt_.size() RTT samples (max() until
  // there are that many).
  Duration RecentMinRtt() const;
  void CheckStandingQueue(TimePoint now, const RateSample& rs);
  void SetPacingRate();
  void SetCwnd(uint64_t acked_bytes);
  // Counts a settled packet toward the loss fraction if it was sent in a
  // drain phase.
  void CountForLossFraction(uint64_t pn, bool lost);
  uint64_t MinPipeCwnd() const { return kMinPipeCwndPackets * mds_; }

  size_t mds_;
  SeededRandom random_;
  DeliveryRateEstimator rate_;
  WindowedMaxFilter<double> bandwidth_{kBandwidthWindowRounds};
  Mode mode_ = Mode::kStartup;
  double pacing_gain_ = kHighGain;
  double cwnd_gain_ = kHighGain;
  double pacing_rate_ = 0;  // bytes per second
  uint64_t cwnd_;
  uint64_t prior_cwnd_ = 0;  // saved over ProbeRtt and persistent congestion
  uint64_t bytes_in_flight_ = 0;

  // Round trips, counted in delivered bytes.
  uint64_t round_count_ = 0;
  uint64_t next_round_delivered_ = 0;
  bool round_start_ = false;

  // Smallest RTT samples of the current and the previous round trip.
  Duration round_min_rtt_ = Duration::max();
  Duration last_round_min_rtt_ = Duration::max();
  // The smallest round minimum of the last kQueueBaselineRounds rounds.
  WindowedMinFilter<Duration> round_min_rtts_{kQueueBaselineRounds};
  int round_rtt_samples_ = 0;
  // The last few RTT samples, for "is there a queue right now".
  std::array<Duration, 4> recent_rtt_{};
  size_t recent_rtt_count_ = 0;

  // ACK aggregation: how many bytes beyond bandwidth x time arrived in one
  // burst of ACKs (the best of the last kBandwidthWindowRounds rounds), so
  // that the window covers the bursts jitter and delayed ACKs make.
  WindowedMaxFilter<uint64_t> extra_acked_{kBandwidthWindowRounds};
  double trim_ = 1;
  TimePoint extra_acked_start_{};
  uint64_t extra_acked_delivered_ = 0;

  // Startup's full-pipe detector.
  bool filled_pipe_ = false;
  double full_bandwidth_ = 0;
  int full_bandwidth_count_ = 0;

  // ProbeBw's gain cycle.
  size_t cycle_index_ = 0;
  TimePoint cycle_stamp_{};
  bool lost_in_phase_ = false;

  // Min RTT filter and ProbeRtt.
  Duration min_rtt_{};
  TimePoint min_rtt_stamp_{};
  TimePoint probe_rtt_done_{};
  bool probe_rtt_done_set_ = false;
  bool probe_rtt_round_done_ = false;
  bool idle_restart_ = false;

  // Loss fraction of the packets sent in drain phases: ranges of their
  // packet numbers, and the packets settled so far.
  struct PnRange {
    uint64_t first = 0;
    uint64_t last = 0;
  };
  std::deque<PnRange> drain_ranges_;
  bool in_drain_range_ = false;
  double drain_acked_ = 0;
  double drain_lost_ = 0;
  double loss_fraction_ = 0;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_BBR_H_
