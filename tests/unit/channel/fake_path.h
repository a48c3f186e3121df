// FakePath: one congestion controller sending over a single bottleneck on a
// fake clock, with no multiplexer in between: the smallest world in which a
// controller's model (bandwidth, RTT, queue) can be checked against the
// truth.
//
// The sender always has data. It sends whenever the controller's window is
// open and its pacing rate allows (the channel layer's Pacer, fed the
// controller's rate, or 1.25 x window / smoothed RTT when it has none, as
// the multiplexer does). A packet waits in a FIFO queue in front of a link
// of `rate` bytes per second (tail-dropped beyond `queue_bytes`), or with
// `policer` set, is dropped outright when it exceeds the rate (a token
// bucket of kPolicerBurstPackets), so the rate shows as loss, never as
// queueing delay. After the bottleneck it is lost at random with
// probability `loss`; otherwise its ACK returns base_rtt after it left the
// link (plus up to `ack_jitter`, in order), one ACK per packet. A lost
// packet is reported when the ACK of the next delivered packet arrives.

#ifndef ROAM_TESTS_UNIT_CHANNEL_FAKE_PATH_H_
#define ROAM_TESTS_UNIT_CHANNEL_FAKE_PATH_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "channel/congestion_controller.h"
#include "channel/pacer.h"
#include "channel/rtt_stats.h"

namespace roam::channel::testing {

struct FakePathConfig {
  uint64_t rate = 1'000'000;  // bytes per second
  Duration base_rtt = std::chrono::milliseconds(100);
  uint64_t queue_bytes = 1 << 30;
  bool policer = false;
  double loss = 0;
  // Each ACK is late by a uniform [0, ack_jitter], never overtaking the
  // one before (so they bunch, as jitter on a FIFO path does).
  Duration ack_jitter{};
  size_t packet_bytes = 1200;
};

class FakePath {
 public:
  static constexpr uint64_t kPolicerBurstPackets = 16;

  FakePath(CongestionController* cc, FakePathConfig config, uint64_t seed = 1)
      : cc_(cc), config_(config), random_(seed) {
    tokens_ = static_cast<double>(kPolicerBurstPackets * config_.packet_bytes);
    last_fill_ = clock_.Now();
  }

  // Called after every ACK (and the losses it revealed) was processed.
  std::function<void()> on_ack;

  // Changes the propagation delay of packets sent from now on.
  // REQUIRES: it only grows (ACKs stay in order).
  void SetBaseRtt(Duration rtt) { config_.base_rtt = rtt; }

  void RunFor(Duration d) {
    const TimePoint end = clock_.Now() + d;
    while (clock_.Now() < end) {
      TimePoint next = end;
      if (!flight_.empty()) next = std::min(next, NextEvent());
      SetPacingRate();
      if (bytes_in_flight_ < cc_->congestion_window()) {
        next = std::min(next, pacer_.NextSendTime(config_.packet_bytes, clock_.Now()));
      }
      clock_.Set(std::max(clock_.Now(), next));
      ProcessAcks();
      SendWhatIsAllowed();
    }
  }

  TimePoint Now() const { return clock_.Now(); }
  uint64_t bytes_in_flight() const { return bytes_in_flight_; }
  uint64_t delivered_bytes() const { return delivered_bytes_; }
  uint64_t sent_packets() const { return sent_packets_; }
  uint64_t lost_packets() const { return lost_packets_; }
  const RttStats& rtt() const { return rtt_; }
  // Time a packet sent now would wait in the bottleneck queue.
  Duration QueueDelay() const {
    return link_free_ > clock_.Now() ? link_free_ - clock_.Now() : Duration::zero();
  }

 private:
  struct Packet {
    PacketRef ref;
    TimePoint ack_at;
    bool lost = false;
  };

  TimePoint NextEvent() const {
    for (const Packet& p : flight_) {
      if (!p.lost) return p.ack_at;
    }
    return kNever;
  }

  void SetPacingRate() {
    uint64_t rate = cc_->pacing_rate();
    if (rate == 0 && rtt_.has_sample()) {
      rate = static_cast<uint64_t>(1.25 * static_cast<double>(cc_->congestion_window()) /
                                   std::chrono::duration<double>(rtt_.smoothed()).count());
    }
    pacer_.SetRate(rate, config_.packet_bytes, clock_.Now());
  }

  void ProcessAcks() {
    const TimePoint now = clock_.Now();
    while (!flight_.empty()) {
      std::vector<PacketRef> lost;
      while (!flight_.empty() && flight_.front().lost) {
        lost.push_back(flight_.front().ref);
        flight_.pop_front();
      }
      if (flight_.empty() || flight_.front().ack_at > now) {
        // Losses are only learnt from a later ACK; keep them for it.
        for (auto it = lost.rbegin(); it != lost.rend(); ++it) {
          flight_.push_front(Packet{*it, TimePoint{}, true});
        }
        return;
      }
      const Packet acked = flight_.front();
      flight_.pop_front();
      const uint64_t prior = bytes_in_flight_;
      bytes_in_flight_ -= acked.ref.bytes;
      delivered_bytes_ += acked.ref.bytes;
      rtt_.OnSample(now - acked.ref.time_sent, Duration::zero());
      cc_->OnPacketsAcked(now, {acked.ref}, prior, rtt_);
      if (!lost.empty()) {
        for (const PacketRef& p : lost) bytes_in_flight_ -= p.bytes;
        lost_packets_ += lost.size();
        cc_->OnPacketsLost(now, lost, false, bytes_in_flight_);
      }
      if (on_ack) on_ack();
    }
  }

  void SendWhatIsAllowed() {
    const TimePoint now = clock_.Now();
    SetPacingRate();
    for (int i = 0; i < 10000; ++i) {
      if (bytes_in_flight_ >= cc_->congestion_window()) return;
      if (!pacer_.CanSend(config_.packet_bytes, now)) return;
      Send(now);
    }
  }

  void Send(TimePoint now) {
    const size_t size = config_.packet_bytes;
    Packet p{PacketRef{next_pn_++, size, now}, TimePoint{}, false};
    const Duration serialize = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(
        static_cast<double>(size) / static_cast<double>(config_.rate)));
    if (config_.policer) {
      // Token bucket: refills at the rate, holds a few packets.
      const double burst = static_cast<double>(kPolicerBurstPackets * size);
      tokens_ =
          std::min(burst, tokens_ + static_cast<double>(config_.rate) *
                                        std::chrono::duration<double>(now - last_fill_).count());
      last_fill_ = now;
      if (tokens_ >= static_cast<double>(size)) {
        tokens_ -= static_cast<double>(size);
        p.ack_at = now + serialize + config_.base_rtt;
      } else {
        p.lost = true;
      }
    } else {
      const TimePoint start = std::max(now, link_free_);
      const double queued =
          std::chrono::duration<double>(start - now).count() * static_cast<double>(config_.rate);
      if (queued + static_cast<double>(size) > static_cast<double>(config_.queue_bytes)) {
        p.lost = true;  // tail drop
      } else {
        link_free_ = start + serialize;
        p.ack_at = link_free_ + config_.base_rtt;
      }
    }
    if (!p.lost && config_.loss > 0 && random_.Chance(config_.loss)) p.lost = true;
    if (!p.lost && config_.ack_jitter > Duration::zero()) {
      p.ack_at += Duration(static_cast<Duration::rep>(
          random_.Uniform(static_cast<uint64_t>(config_.ack_jitter.count()) + 1)));
    }
    if (!flight_.empty() && !p.lost) p.ack_at = std::max(p.ack_at, LastAckTime());
    flight_.push_back(p);
    bytes_in_flight_ += size;
    ++sent_packets_;
    pacer_.OnSent(size, now);
    cc_->OnPacketSent(now, p.ref, bytes_in_flight_);
  }

  TimePoint LastAckTime() const {
    for (auto it = flight_.rbegin(); it != flight_.rend(); ++it) {
      if (!it->lost) return it->ack_at;
    }
    return TimePoint{};
  }

  CongestionController* cc_;
  FakePathConfig config_;
  SeededRandom random_;
  FakeClock clock_;
  Pacer pacer_;
  RttStats rtt_;
  std::deque<Packet> flight_;  // in send order
  uint64_t next_pn_ = 0;
  uint64_t bytes_in_flight_ = 0;
  uint64_t delivered_bytes_ = 0;
  uint64_t sent_packets_ = 0;
  uint64_t lost_packets_ = 0;
  TimePoint link_free_{};
  double tokens_ = 0;
  TimePoint last_fill_{};
};

}  // namespace roam::channel::testing

#endif  // ROAM_TESTS_UNIT_CHANNEL_FAKE_PATH_H_
