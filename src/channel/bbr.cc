#include "channel/bbr.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace roam::channel {

namespace {

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Drain-phase packet-number ranges kept at most; older ones have long been
// settled.
constexpr size_t kMaxDrainRanges = 8;

}  // namespace

Bbr::Bbr(size_t max_datagram_size, TimePoint now, uint64_t seed)
    : mds_(max_datagram_size), random_(seed), cwnd_(InitialWindow(max_datagram_size)) {
  min_rtt_stamp_ = now;
  EnterStartup();
  SetPacingRate();
}

double Bbr::bandwidth() const { return bandwidth_.Best() / (1 - loss_fraction_); }

uint64_t Bbr::Inflight(double gain) const {
  if (min_rtt_ <= Duration::zero() || bandwidth_.Best() <= 0) return InitialWindow(mds_);
  return static_cast<uint64_t>(std::ceil(gain * bandwidth() * Seconds(min_rtt_)));
}

double Bbr::CycleGain(size_t index) const {
  const double gain = kPacingGainCycle[index];
  if (gain <= 1 || min_rtt_ <= Duration::zero()) return gain;
  return 1 + std::clamp(Seconds(kMaxProbeQueue) / Seconds(min_rtt_), kMinProbeExtra, gain - 1);
}

void Bbr::EnterStartup() {
  mode_ = Mode::kStartup;
  pacing_gain_ = kHighGain;
  cwnd_gain_ = kHighGain;
}

void Bbr::EnterProbeBw(TimePoint now) {
  mode_ = Mode::kProbeBw;
  cwnd_gain_ = kCwndGain;
  // Start anywhere but the 3/4 phase (the queue was just drained), so
  // flows that start together do not probe together.
  const size_t n = kPacingGainCycle.size();
  cycle_index_ = (kDrainPhase + 1 + random_.Uniform(n - 1)) % n;
  pacing_gain_ = CycleGain(cycle_index_);
  cycle_stamp_ = now;
  lost_in_phase_ = false;
}

void Bbr::EnterProbeRtt() {
  mode_ = Mode::kProbeRtt;
  pacing_gain_ = 1;
  cwnd_gain_ = 1;
  prior_cwnd_ = std::max(prior_cwnd_, cwnd_);
  probe_rtt_done_set_ = false;
}

void Bbr::ExitProbeRtt(TimePoint now) {
  min_rtt_stamp_ = now;
  cwnd_ = std::max(cwnd_, prior_cwnd_);
  prior_cwnd_ = 0;
  if (filled_pipe_) {
    EnterProbeBw(now);
  } else {
    EnterStartup();
  }
}

void Bbr::OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t bytes_in_flight) {
  if (bytes_in_flight <= packet.bytes && rate_.app_limited()) {
    // Restarting from idle: the bandwidth estimate is still good, so go at
    // it straight away instead of at a probing or draining gain.
    idle_restart_ = true;
    if (mode_ == Mode::kProbeBw) {
      pacing_rate_ = bandwidth() * trim_;
    }
  }
  bytes_in_flight_ = bytes_in_flight;
  rate_.OnPacketSent(now, packet, bytes_in_flight);

  // Remember which packets went out in a drain phase, for the loss fraction.
  const bool draining = mode_ == Mode::kProbeBw && cycle_index_ == kDrainPhase;
  if (draining) {
    if (in_drain_range_ && !drain_ranges_.empty()) {
      drain_ranges_.back().last = packet.pn;
    } else {
      drain_ranges_.push_back(PnRange{packet.pn, packet.pn});
      if (drain_ranges_.size() > kMaxDrainRanges) drain_ranges_.pop_front();
    }
  }
  in_drain_range_ = draining;
}

void Bbr::CountForLossFraction(uint64_t pn, bool lost) {
  bool measured = false;
  for (const PnRange& r : drain_ranges_) {
    if (pn >= r.first && pn <= r.last) {
      measured = true;
      break;
    }
  }
  if (!measured) return;
  (lost ? drain_lost_ : drain_acked_) += 1;
  const double total = drain_acked_ + drain_lost_;
  if (total >= kLossMemoryPackets) {
    // An exponentially fading memory: the path's loss may change.
    drain_acked_ /= 2;
    drain_lost_ /= 2;
  }
  if (total >= kLossSamplePackets) {
    loss_fraction_ = std::min(drain_lost_ / (drain_acked_ + drain_lost_), kMaxLossCompensation);
  }
}

void Bbr::UpdateRound(const RateSample& rs) {
  round_start_ = false;
  if (!rs.has_packet) return;
  if (rs.prior_delivered >= next_round_delivered_) {
    next_round_delivered_ = rate_.delivered();
    ++round_count_;
    round_start_ = true;
    // A round with few RTT samples says little about the queue: its
    // smallest sample is mostly jitter.
    const bool enough = round_rtt_samples_ >= kQueueSamples;
    last_round_min_rtt_ = enough ? round_min_rtt_ : Duration::max();
    if (enough) round_min_rtts_.Update(round_min_rtt_, round_count_ - 1);
    round_min_rtt_ = Duration::max();
    round_rtt_samples_ = 0;
  }
  round_min_rtt_ = std::min(round_min_rtt_, rs.rtt);
  ++round_rtt_samples_;
  recent_rtt_[recent_rtt_count_++ % recent_rtt_.size()] = rs.rtt;
}

bool Bbr::StandingQueue(Duration round_min) const {
  if (min_rtt_ <= Duration::zero() || round_min == Duration::max()) return false;
  const Duration baseline = round_min_rtts_.empty() ? min_rtt_ : round_min_rtts_.Best();
  const Duration allowance =
      std::clamp<Duration>(std::chrono::duration_cast<Duration>(min_rtt_ * kQueueAllowanceFraction),
                           kMinQueueAllowance, kMaxQueueAllowance);
  return round_min > baseline + allowance;
}

Duration Bbr::RecentMinRtt() const {
  if (recent_rtt_count_ < recent_rtt_.size()) return Duration::max();
  return *std::min_element(recent_rtt_.begin(), recent_rtt_.end());
}

uint64_t Bbr::ProbeRttCwnd() const { return std::max(Inflight(kProbeRttCwndGain), MinPipeCwnd()); }

void Bbr::CheckStandingQueue(TimePoint now, const RateSample& rs) {
  if (rs.app_limited) return;
  if (mode_ == Mode::kStartup) {
    // Checked on every ACK once the round has enough samples, so Startup
    // stops within the round that filled the pipe.
    if (bandwidth_.Best() > 0 &&
        ((round_start_ && StandingQueue(last_round_min_rtt_)) ||
         (round_rtt_samples_ >= kQueueSamples && StandingQueue(round_min_rtt_)))) {
      filled_pipe_ = true;
    }
    return;
  }
  if (!round_start_) return;
  // (A round with too few samples for a verdict counts as one without.)
  const bool queue = StandingQueue(last_round_min_rtt_);
  if (mode_ != Mode::kProbeBw || pacing_gain_ > 1) return;
  if (!queue) {
    trim_ = std::min(1.0, trim_ + kTrimUp);
    return;
  }
  // Pacing x above the bottleneck for a round trip leaves (x - 1) of it in
  // the queue: a queue of q over a min RTT of R means the rate is about
  // q / R too high. Take at least that off (and at least kTrimDown).
  const Duration baseline = round_min_rtts_.empty() ? min_rtt_ : round_min_rtts_.Best();
  const double excess = Seconds(last_round_min_rtt_ - baseline) / Seconds(min_rtt_);
  trim_ = std::max(kMinTrim, trim_ * std::min(kTrimDown, 1 - excess));
  if (pacing_gain_ == 1) {
    // Drain now rather than at the cycle's own 3/4 phase.
    cycle_index_ = kDrainPhase;
    pacing_gain_ = CycleGain(cycle_index_);
    cycle_stamp_ = now;
    lost_in_phase_ = false;
  }
}

void Bbr::UpdateAckAggregation(TimePoint now, uint64_t acked_bytes) {
  const double bw = bandwidth_.Best();
  if (bw <= 0) return;
  double expected = bw * Seconds(now - extra_acked_start_);
  // ACKs arriving no faster than the bandwidth end the burst.
  if (static_cast<double>(extra_acked_delivered_) <= expected) {
    extra_acked_delivered_ = 0;
    extra_acked_start_ = now;
    expected = 0;
  }
  extra_acked_delivered_ += acked_bytes;
  const double extra = static_cast<double>(extra_acked_delivered_) - expected;
  extra_acked_.Update(std::min<uint64_t>(static_cast<uint64_t>(std::max(extra, 0.0)), cwnd_),
                      round_count_);
}

void Bbr::UpdateBandwidth(const RateSample& rs) {
  if (!rs.valid) return;
  // An app-limited sample only says "at least this much"; it can raise the
  // estimate but never lower it.
  // (Comparing with the kept best, expired or not, also keeps the model
  // through ProbeRtt and idle periods, which offer only such samples.)
  if (rs.app_limited && rs.rate() < bandwidth_.Best()) return;
  bandwidth_.Update(rs.rate(), round_count_);
}

void Bbr::UpdateCyclePhase(TimePoint now, uint64_t prior_in_flight) {
  if (mode_ != Mode::kProbeBw) return;
  const bool full_length = now - cycle_stamp_ > min_rtt_;
  bool advance = false;
  if (pacing_gain_ > 1) {
    // Probe until a round trip has passed and either the queue has grown
    // by the probe (in flight reached gain x BDP) or the path dropped.
    advance = full_length && (lost_in_phase_ || prior_in_flight >= Inflight(pacing_gain_));
  } else if (pacing_gain_ < 1) {
    // Drain for a round trip, or less if the queue is already gone.
    advance = full_length || prior_in_flight <= Inflight(trim_);
  } else {
    advance = full_length;
  }
  if (!advance) return;
  cycle_index_ = (cycle_index_ + 1) % kPacingGainCycle.size();
  pacing_gain_ = CycleGain(cycle_index_);
  cycle_stamp_ = now;
  lost_in_phase_ = false;
}

void Bbr::CheckFullPipe(const RateSample& rs) {
  if (filled_pipe_ || !round_start_ || rs.app_limited) return;
  const double bw = bandwidth_.Best();
  if (bw >= full_bandwidth_ * kFullBandwidthGrowth) {
    full_bandwidth_ = bw;
    full_bandwidth_count_ = 0;
    return;
  }
  if (++full_bandwidth_count_ >= kFullBandwidthRounds) filled_pipe_ = true;
}

void Bbr::CheckDrain(TimePoint now) {
  if (mode_ == Mode::kStartup && filled_pipe_) {
    mode_ = Mode::kDrain;
    pacing_gain_ = kDrainGain;
    cwnd_gain_ = kHighGain;
  }
  if (mode_ == Mode::kDrain && bytes_in_flight_ <= Inflight(1)) EnterProbeBw(now);
}

void Bbr::UpdateMinRtt(TimePoint now, const RateSample& rs) {
  if (!rs.has_packet) return;
  const bool expired = now > min_rtt_stamp_ + kMinRttWindow;
  if (min_rtt_ <= Duration::zero() && rs.rtt > Duration::zero()) {
    // The first RTT replaces the 1 ms guess the initial pacing rate was
    // made with; from here on the rate only grows until the pipe is full.
    pacing_rate_ = kHighGain * static_cast<double>(cwnd_) / Seconds(rs.rtt);
  }
  if (min_rtt_ <= Duration::zero() || rs.rtt <= min_rtt_ || expired) {
    min_rtt_ = rs.rtt;
    min_rtt_stamp_ = now;
  }
  if (expired && !idle_restart_ && mode_ != Mode::kProbeRtt) EnterProbeRtt();
}

void Bbr::CheckProbeRtt(TimePoint now) {
  if (mode_ == Mode::kProbeRtt) {
    // Samples taken while the window is held down do not measure the path.
    rate_.OnAppLimited(bytes_in_flight_);
    if (!probe_rtt_done_set_ && bytes_in_flight_ <= ProbeRttCwnd()) {
      probe_rtt_done_ = now + kProbeRttDuration;
      probe_rtt_done_set_ = true;
      probe_rtt_round_done_ = false;
      next_round_delivered_ = rate_.delivered();
    } else if (probe_rtt_done_set_) {
      if (round_start_) probe_rtt_round_done_ = true;
      if (probe_rtt_round_done_ && now >= probe_rtt_done_) ExitProbeRtt(now);
    }
  }
  idle_restart_ = false;
}

void Bbr::SetPacingRate() {
  if (bandwidth_.Best() <= 0) {
    // No model yet: the initial window per RTT (per millisecond before the
    // first RTT sample), at Startup's gain.
    const double rtt = min_rtt_ > Duration::zero() ? Seconds(min_rtt_) : 0.001;
    pacing_rate_ = kHighGain * static_cast<double>(cwnd_) / rtt;
    return;
  }
  // The trim holds cruising and draining below an overstated estimate; the
  // probe is never trimmed, or samples taken at the trimmed rate would
  // pull the estimate, and with it the rate, down round after round.
  const bool trimmed = mode_ == Mode::kProbeBw && pacing_gain_ <= 1;
  const double rate = pacing_gain_ * bandwidth() * (trimmed ? trim_ : 1);
  // Until the pipe is full the rate only grows, so one low sample early on
  // cannot stall Startup.
  if (filled_pipe_ || rate > pacing_rate_) pacing_rate_ = rate;
}

void Bbr::SetCwnd(uint64_t acked_bytes) {
  // Room for the ACK bursts seen lately, and for pacing bursts.
  uint64_t target = Inflight(cwnd_gain_) + extra_acked_.Best() + 3 * mds_;
  if (mode_ == Mode::kProbeBw && pacing_gain_ > 1) target += 2 * mds_;
  if (filled_pipe_) {
    cwnd_ = std::min(cwnd_ + acked_bytes, target);
  } else if (cwnd_ < target || rate_.delivered() < InitialWindow(mds_)) {
    cwnd_ += acked_bytes;
  }
  cwnd_ = std::max(cwnd_, MinPipeCwnd());
  if (mode_ == Mode::kProbeRtt) cwnd_ = std::min(cwnd_, ProbeRttCwnd());
}

void Bbr::OnPacketsAcked(TimePoint now, const std::vector<PacketRef>& acked,
                         uint64_t prior_in_flight, const RttStats&) {
  uint64_t acked_bytes = 0;
  for (const PacketRef& p : acked) {
    acked_bytes += p.bytes;
    CountForLossFraction(p.pn, false);
  }
  bytes_in_flight_ = prior_in_flight > acked_bytes ? prior_in_flight - acked_bytes : 0;
  const RateSample rs = rate_.OnAck(now, acked, min_rtt_);

  UpdateRound(rs);
  UpdateBandwidth(rs);
  UpdateAckAggregation(now, acked_bytes);
  UpdateCyclePhase(now, prior_in_flight);
  CheckStandingQueue(now, rs);
  CheckFullPipe(rs);
  CheckDrain(now);
  UpdateMinRtt(now, rs);
  CheckProbeRtt(now);
  SetPacingRate();
  SetCwnd(acked_bytes);
}

void Bbr::OnPacketsLost(TimePoint, const std::vector<PacketRef>& lost, bool persistent_congestion,
                        uint64_t bytes_in_flight) {
  bytes_in_flight_ = bytes_in_flight;
  rate_.OnLost(lost);
  uint64_t lost_bytes = 0;
  for (const PacketRef& p : lost) {
    lost_bytes += p.bytes;
    CountForLossFraction(p.pn, true);
  }
  if (lost.empty()) return;
  lost_in_phase_ = true;
  // A loss while the queue is standing is the bottleneck's queue
  // overflowing: the pipe is full. (A loss without a queue is the path's
  // random loss, and Startup goes on.)
  if (mode_ == Mode::kStartup && bandwidth_.Best() > 0 && StandingQueue(RecentMinRtt())) {
    filled_pipe_ = true;
  }
  // What was lost is no longer in the pipe; the window shrinks with it and
  // regrows as ACKs arrive.
  cwnd_ = std::max(cwnd_ > lost_bytes ? cwnd_ - lost_bytes : 0, MinPipeCwnd());
  // Nothing got through for several probe timeouts: start again from the
  // minimum; the model is kept, so ACKs regrow the window within a few
  // round trips.
  if (persistent_congestion) cwnd_ = MinPipeCwnd();
}

void Bbr::OnAppLimited(uint64_t bytes_in_flight) {
  bytes_in_flight_ = bytes_in_flight;
  rate_.OnAppLimited(bytes_in_flight);
}

void Bbr::OnPathChange(TimePoint now) {
  // The old path's bandwidth and delay say nothing about the new one.
  const uint64_t seed = random_.Next();
  *this = Bbr(mds_, now, seed);
}

}  // namespace roam::channel
