// LossRecovery: RFC 9002 loss detection and probe timeouts for channel
// packets (docs/protocol.md §9.5).
//
// It remembers every sent packet until it is acknowledged or declared lost,
// together with what it carried (stream byte ranges and control frames), and
// hands those back so the multiplexer can mark data delivered or send it
// again. A packet is lost when a packet sent kPacketThreshold later was
// acknowledged, or when it is older than 9/8 of the round trip and a later
// one was acknowledged (RFC 9002 §6.1). With nothing acknowledged for a
// probe timeout, the caller sends probes (§6.2); the timeout doubles per
// unanswered probe but is capped at kMaxProbeTimeout, so that a channel
// resumes within about a second after an outage, like the screen does.
//
// Memory: one entry per packet in flight, and the congestion window bounds
// what is in flight; entries for packets that never count in flight (ACK
// only) are dropped as soon as anything newer is acknowledged.

#ifndef ROAM_CHANNEL_LOSS_RECOVERY_H_
#define ROAM_CHANNEL_LOSS_RECOVERY_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "base/clock.h"
#include "channel/congestion_controller.h"
#include "channel/frame.h"
#include "channel/rtt_stats.h"

namespace roam::channel {

inline constexpr uint64_t kPacketThreshold = 3;
// The probe timeout never grows beyond this, however many probes went
// unanswered.
inline constexpr Duration kMaxProbeTimeout = std::chrono::seconds(1);
// Packets remembered at most. Beyond this (a peer that stopped acknowledging
// for hours while probes went out), the oldest is declared lost.
inline constexpr size_t kMaxTrackedPackets = 1 << 16;

// A byte range of one stream carried by a packet.
struct StreamChunk {
  uint64_t stream_id = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool fin = false;
};

struct SentPacket {
  uint64_t pn = 0;
  TimePoint time_sent{};
  size_t bytes = 0;
  bool ack_eliciting = false;
  bool in_flight = false;  // counts against the congestion window
  std::vector<StreamChunk> chunks;
  std::vector<Frame> control;  // frames to reconsider on loss (never STREAM or ACK)
};

struct LossStats {
  uint64_t packets_sent = 0;
  uint64_t packets_acked = 0;
  uint64_t packets_lost = 0;
  uint64_t probe_timeouts = 0;
  uint64_t persistent_congestion = 0;
  uint64_t bad_acks = 0;  // acknowledged a packet number never sent: ignored
};

class LossRecovery {
 public:
  // REQUIRES: `cc` outlives this object.
  explicit LossRecovery(CongestionController* cc) : cc_(cc) {}

  // Records a packet just sent. REQUIRES: packet numbers increase by one
  // from 0 with every call.
  void OnPacketSent(SentPacket packet, TimePoint now);

  struct AckOutcome {
    std::vector<SentPacket> acked;  // newly acknowledged, ascending
    std::vector<SentPacket> lost;   // newly declared lost, ascending
  };
  // Processes one ACK frame received at `now`.
  AckOutcome OnAck(const AckFrame& ack, TimePoint now);

  struct TimeoutOutcome {
    std::vector<SentPacket> lost;
    int probes = 0;  // ack-eliciting packets to send now, whatever the window
  };
  // Runs the loss-detection timer if it is due at `now`.
  TimeoutOutcome OnTimeout(TimePoint now);

  // Packets declared lost because too many were tracked (kMaxTrackedPackets);
  // the caller treats them like any other lost packets.
  std::vector<SentPacket> TakeEvicted();

  // When OnTimeout next has something to do (kNever when nothing is in flight).
  TimePoint Deadline() const;

  // The oldest unacknowledged ack-eliciting packet, for a probe that resends
  // its data; nullptr when there is none.
  const SentPacket* OldestUnacked() const;

  // The peer moved: forget the RTT estimate; the caller resets the
  // congestion controller.
  void OnPathChange() { rtt_.Reset(); }

  uint64_t bytes_in_flight() const { return bytes_in_flight_; }
  const RttStats& rtt() const { return rtt_; }
  int pto_count() const { return pto_count_; }
  Duration ProbeTimeout() const;
  const LossStats& stats() const { return stats_; }
  size_t tracked_packets() const { return sent_.size(); }

 private:
  enum class State : uint8_t { kOutstanding, kAcked, kLost, kDone };
  struct Entry {
    SentPacket packet;
    State state = State::kOutstanding;
  };

  Entry* Find(uint64_t pn);
  // Takes `e` out of flight and marks it `state`; returns the packet.
  SentPacket Settle(Entry* e, State state);
  std::vector<SentPacket> DetectLost(TimePoint now);
  bool IsPersistentCongestion(const std::vector<SentPacket>& lost) const;
  void ReportLost(TimePoint now, const std::vector<SentPacket>& lost);
  void PopCompleted();

  CongestionController* cc_;
  RttStats rtt_;
  std::deque<Entry> sent_;  // ascending pn, contiguous from first_pn_
  uint64_t first_pn_ = 0;   // pn of sent_.front()
  uint64_t next_pn_ = 0;
  uint64_t bytes_in_flight_ = 0;
  size_t eliciting_in_flight_ = 0;
  bool has_largest_acked_ = false;
  uint64_t largest_acked_ = 0;
  TimePoint loss_time_ = kNever;
  TimePoint last_eliciting_sent_{};
  int pto_count_ = 0;
  TimePoint first_sample_time_ = kNever;
  LossStats stats_;
  std::vector<SentPacket> evicted_;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_LOSS_RECOVERY_H_
