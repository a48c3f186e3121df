// LinkModel: one direction of an emulated network link, as a pure function of
// packets, arrival times and a seeded random generator.
//
// The model never touches a socket or a clock. The caller hands it a packet
// and the time it arrived; the model answers with the copies to deliver and
// when (zero copies when the packet is lost, two when it is duplicated). A
// socket adapter (udp_relay.h, tcp_relay.h) keeps those deliveries in a timer
// heap and moves the bytes when they fall due. Given the same config, seed and
// inputs, the output is identical run to run.
//
// What happens to one packet, in order:
//   1. Outage: a packet arriving inside an outage window is dropped.
//   2. Bottleneck: with a rate cap the packet waits for the packets queued
//      before it to be serialized (rate_bytes_per_sec). If the bytes waiting
//      plus this packet would exceed queue_bytes it is tail-dropped. A packet
//      that gets through occupies the link for size / rate.
//   3. Loss on the wire: independent random loss (`loss`), then the
//      Gilbert-Elliott chain (`burst`), which steps once per packet. A packet
//      lost here has still used the bottleneck, as on a real link.
//   4. Propagation: `delay` plus a uniform jitter in [-jitter, +jitter]
//      (never below zero). Jitter alone NEVER reorders: a packet is never
//      delivered before the previous in-order packet, as on a FIFO path, so
//      jitter shows up as delay variation and bunching only.
//   5. Reordering: with probability `reorder` the packet is held back an
//      extra `reorder_extra`; it does not push later packets back, so they
//      overtake it. This is the only source of reordering.
//   6. Duplication: with probability `duplicate` a second copy is delivered
//      at the same time, right after the original.
//
// Stream mode (LinkMode::kStream, used by the TCP relay) keeps a byte stream
// intact: nothing is ever dropped, duplicated or reordered. A chunk that the
// model would lose is instead delayed by a simulated retransmission timeout
// (at least kStreamRetransmitFloor, doubling per consecutive loss), a chunk
// arriving in an outage waits for the outage to end, and every delivery time
// is at or after the previous one. The queue limit is not enforced by
// dropping: the adapter must stop reading while BacklogBytes() >= queue_bytes
// (the sender's TCP window closes instead).

#ifndef ROAM_NETSIM_LINK_MODEL_H_
#define ROAM_NETSIM_LINK_MODEL_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"

namespace roam::netsim {

// The Linux minimum TCP retransmission timeout: the least a lost segment
// costs a stream.
inline constexpr Duration kStreamRetransmitFloor = std::chrono::milliseconds(200);
// Consecutive simulated losses of one stream chunk are capped so the delay
// stays bounded (2^kStreamMaxRetransmits backoff at most).
inline constexpr int kStreamMaxRetransmits = 8;

// Gilbert-Elliott two-state loss: a Markov chain that steps once per packet.
// In the good state packets are lost with loss_good, in the bad state with
// loss_bad. Mean stay in the bad state is 1 / p_bad_to_good packets.
struct BurstLoss {
  double p_good_to_bad = 0;
  double p_bad_to_good = 1;
  double loss_good = 0;
  double loss_bad = 1;

  bool enabled() const { return p_good_to_bad > 0; }
};

// A window relative to the model's start during which everything is dropped.
struct Outage {
  Duration start{0};
  Duration duration{0};
};

struct LinkConfig {
  Duration delay{0};   // one-way propagation delay
  Duration jitter{0};  // uniform in [-jitter, +jitter] around delay
  double loss = 0;     // independent loss probability per packet
  BurstLoss burst;     // Gilbert-Elliott bursty loss, off by default
  double reorder = 0;  // probability a packet is held back reorder_extra
  Duration reorder_extra = std::chrono::milliseconds(20);
  double duplicate = 0;               // probability a packet is delivered twice
  uint64_t rate_bytes_per_sec = 0;    // bottleneck rate; 0 = unlimited
  uint64_t queue_bytes = 256 * 1024;  // bottleneck queue limit (tail drop)
  std::vector<Outage> outages;        // relative to the model's start
};

enum class LinkMode { kDatagram, kStream };

struct LinkCounters {
  uint64_t received = 0;       // packets handed to Send
  uint64_t passed = 0;         // packets delivered at least once
  uint64_t lost_random = 0;    // lost by independent loss
  uint64_t lost_burst = 0;     // lost by the Gilbert-Elliott chain
  uint64_t lost_outage = 0;    // arrived inside an outage
  uint64_t dropped_queue = 0;  // tail-dropped at the bottleneck queue
  uint64_t duplicated = 0;     // extra copies made
  uint64_t reordered = 0;      // packets held back by the reorder knob
  uint64_t bytes_passed = 0;   // bytes of passed packets (copies not counted)
};

// The counters as one JSON object, e.g. {"received": 10, "passed": 7, ...}.
std::string CountersToJson(const LinkCounters& c);

// One copy of a packet and when it leaves the link.
struct Delivery {
  std::string bytes;
  TimePoint at;
};

class LinkModel {
 public:
  // `start` is the origin for config.outages. REQUIRES: probabilities in
  // [0, 1], delay/jitter/reorder_extra >= 0 (Profile parsing checks these).
  LinkModel(LinkConfig config, uint64_t seed, TimePoint start, LinkMode mode = LinkMode::kDatagram);

  // Feeds one packet (or stream chunk) that arrived at `now`. Returns the
  // copies to deliver, each with its delivery time (>= now); empty when the
  // packet was dropped. REQUIRES: `now` never decreases between calls.
  std::vector<Delivery> Send(std::string_view packet, TimePoint now);

  // Bytes waiting at the bottleneck at `now` (0 without a rate cap).
  uint64_t BacklogBytes(TimePoint now) const;

  // Starts an outage of `duration` at `now` (the control channel's
  // "outage SECONDS"). Kept across SetConfig.
  void AddOutageNow(TimePoint now, Duration duration);

  // If `now` is inside an outage, returns when that outage (and any that
  // overlap it) ends; otherwise nullopt. The TCP relay uses this to stall
  // chunks that fall due during an outage.
  std::optional<TimePoint> OutageEnd(TimePoint now) const;

  // Replaces the link's settings (the control channel's "profile NAME").
  // Keeps the random generator, counters, start time and runtime outages.
  void SetConfig(LinkConfig config);

  const LinkConfig& config() const { return config_; }
  const LinkCounters& counters() const { return counters_; }

 private:
  struct Window {
    TimePoint begin;
    TimePoint end;
  };

  bool InOutage(TimePoint t) const;
  // Steps the Gilbert-Elliott chain and decides loss. Returns 0 = kept,
  // 1 = lost at random, 2 = lost in a burst.
  int DrawLoss();
  Duration DrawPropagation();

  LinkConfig config_;
  SeededRandom random_;
  TimePoint start_;
  LinkMode mode_;
  std::vector<Window> runtime_outages_;
  bool burst_bad_ = false;
  TimePoint link_free_at_;      // when the bottleneck finishes its backlog
  TimePoint last_in_order_at_;  // FIFO floor for deliveries
  LinkCounters counters_;
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_LINK_MODEL_H_
