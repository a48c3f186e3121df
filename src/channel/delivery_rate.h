// DeliveryRateEstimator: how fast the path delivered data, measured per
// acknowledged packet as in draft-cheng-iccrg-delivery-rate-estimation.
//
// When a packet is sent, the estimator notes how much had been delivered
// (acknowledged) so far and when, and when the current send burst began.
// When that packet is acknowledged, the data delivered in between, divided
// by the longer of the send interval and the ACK interval, is a sample of
// the delivery rate. Taking the longer of the two keeps a sample honest both
// when ACKs arrive compressed (a short ACK interval would overstate the
// rate) and when the sender sent in a burst (a short send interval would).
// Of the packets one ACK frame acknowledges, the one sent last gives the
// sample, as it covers the most recent interval. A sample shorter than the
// minimum RTT is discarded: no path delivers a round trip's data faster
// than a round trip.
//
// Samples taken while the sender was application-limited (it had less to
// send than the window allowed) say only that the path can do *at least*
// this much; they are flagged so the caller can use them as lower bounds.
//
// The estimator keeps one record per packet in flight, keyed by packet
// number, so its memory follows the congestion window. Records of packets
// it never learns the fate of (after a path change) are dropped when older
// packets are, and at most kMaxRecords are kept.

#ifndef ROAM_CHANNEL_DELIVERY_RATE_H_
#define ROAM_CHANNEL_DELIVERY_RATE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "base/clock.h"
#include "channel/congestion_controller.h"

namespace roam::channel {

struct RateSample {
  // The ACK frame acknowledged a packet the estimator knew: prior_delivered
  // and rtt are set (the rate may still be invalid).
  bool has_packet = false;
  // The rate is usable: the interval is at least the minimum RTT.
  bool valid = false;
  uint64_t delivered = 0;  // bytes delivered over `interval`
  Duration interval{};
  bool app_limited = false;
  // Total bytes delivered when the sampled packet was sent (round counting).
  uint64_t prior_delivered = 0;
  // Round-trip time of the packet that gave the sample (no ACK-delay
  // adjustment).
  Duration rtt{};
  uint64_t acked_bytes = 0;  // bytes this ACK frame newly acknowledged

  // Bytes per second; 0 when not valid.
  double rate() const;
};

class DeliveryRateEstimator {
 public:
  static constexpr size_t kMaxRecords = 1 << 16;

  // A packet that counts in flight was sent; `bytes_in_flight` includes it.
  void OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t bytes_in_flight);
  // The packets of one ACK frame (ascending); returns the sample it gives.
  // `min_rtt` (zero when unknown) rejects samples over shorter intervals.
  RateSample OnAck(TimePoint now, const std::vector<PacketRef>& acked, Duration min_rtt);
  // Forgets the records of lost packets.
  void OnLost(const std::vector<PacketRef>& lost);
  // The sender ran out of data with `bytes_in_flight` in flight: samples of
  // packets sent from now until those are delivered are app-limited.
  void OnAppLimited(uint64_t bytes_in_flight);

  uint64_t delivered() const { return delivered_; }
  bool app_limited() const { return app_limited_until_ != 0; }
  size_t records() const { return records_.size(); }

 private:
  struct Record {
    uint64_t pn = 0;
    size_t bytes = 0;
    TimePoint sent{};
    uint64_t delivered = 0;
    TimePoint delivered_time{};
    TimePoint first_sent_time{};
    bool app_limited = false;
    bool done = false;
  };

  Record* Find(uint64_t pn);
  void PopDone();

  std::deque<Record> records_;  // ascending pn
  uint64_t delivered_ = 0;
  TimePoint delivered_time_{};
  TimePoint first_sent_time_{};
  // Nonzero: the delivered count at which the app-limited period ends.
  uint64_t app_limited_until_ = 0;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_DELIVERY_RATE_H_
