// CongestionController: how much channel data may be in flight, and how fast
// it is paced (docs/protocol.md §9.6).
//
// The loss recovery (loss_recovery.h) tells the controller what was sent,
// acknowledged and lost; the channel multiplexer asks it for the window and
// the pacing rate before each packet. The controllers are sans-I/O and
// deterministic: time is a parameter.
//
// Implementations:
//   * kNewReno — RFC 9002 Appendix B; the reference the others are tested
//     against.
//   * kCubic — RFC 9438 (see cubic.h).
//   * kBbr — BBR (see bbr.h), model-based: random loss does not shrink its
//     window, which is what lossy and long paths need.
// Which one roam uses, and why, is in docs/channels.md.

#ifndef ROAM_CHANNEL_CONGESTION_CONTROLLER_H_
#define ROAM_CHANNEL_CONGESTION_CONTROLLER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "channel/rtt_stats.h"

namespace roam::channel {

// One sent packet as the controller sees it.
struct PacketRef {
  uint64_t pn = 0;
  size_t bytes = 0;
  TimePoint time_sent{};
};

enum class CongestionAlgorithm { kNewReno, kCubic, kBbr };

class CongestionController {
 public:
  virtual ~CongestionController() = default;

  virtual std::string_view name() const = 0;

  // A packet that counts in flight went out; `bytes_in_flight` includes it.
  virtual void OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t bytes_in_flight) = 0;
  // Newly acknowledged in-flight packets from one ACK frame, ascending by
  // packet number; `prior_in_flight` is the bytes in flight before they were
  // removed. `rtt` already holds the sample this ACK produced, if any.
  virtual void OnPacketsAcked(TimePoint now, const std::vector<PacketRef>& acked,
                              uint64_t prior_in_flight, const RttStats& rtt) = 0;
  // Packets declared lost (ascending). `persistent_congestion` per
  // RFC 9002 §7.6. `bytes_in_flight` is after their removal.
  virtual void OnPacketsLost(TimePoint now, const std::vector<PacketRef>& lost,
                             bool persistent_congestion, uint64_t bytes_in_flight) = 0;
  // The sender had nothing to send although the window allowed more: the
  // samples taken until the next packet goes out do not measure the path.
  virtual void OnAppLimited(uint64_t bytes_in_flight) = 0;
  // The peer's address changed (roaming): the old path's model is void.
  virtual void OnPathChange(TimePoint now) = 0;

  // Bytes that may be in flight.
  virtual uint64_t congestion_window() const = 0;
  // Bytes per second to pace at; 0 means "derive it from the window"
  // (the Pacer then uses 1.25 × window / smoothed RTT, RFC 9002 §7.7).
  virtual uint64_t pacing_rate() const = 0;
};

// Creates a controller for packets of at most `max_datagram_size` bytes.
std::unique_ptr<CongestionController> MakeCongestionController(CongestionAlgorithm algorithm,
                                                               size_t max_datagram_size,
                                                               TimePoint now);

// The window a controller starts with and never goes below (RFC 9002 §7.2).
inline uint64_t InitialWindow(size_t max_datagram_size) {
  const uint64_t mds = max_datagram_size;
  return std::min<uint64_t>(10 * mds, std::max<uint64_t>(14720, 2 * mds));
}
inline uint64_t MinimumWindow(size_t max_datagram_size) { return 2 * max_datagram_size; }

// RFC 9002 Appendix B.
class NewReno final : public CongestionController {
 public:
  explicit NewReno(size_t max_datagram_size);

  std::string_view name() const override { return "newreno"; }
  void OnPacketSent(TimePoint now, const PacketRef& packet, uint64_t bytes_in_flight) override;
  void OnPacketsAcked(TimePoint now, const std::vector<PacketRef>& acked, uint64_t prior_in_flight,
                      const RttStats& rtt) override;
  void OnPacketsLost(TimePoint now, const std::vector<PacketRef>& lost, bool persistent_congestion,
                     uint64_t bytes_in_flight) override;
  void OnAppLimited(uint64_t bytes_in_flight) override;
  void OnPathChange(TimePoint now) override;
  uint64_t congestion_window() const override { return cwnd_; }
  uint64_t pacing_rate() const override { return 0; }

  uint64_t ssthresh() const { return ssthresh_; }

 private:
  size_t mds_;
  uint64_t cwnd_;
  uint64_t ssthresh_;
  TimePoint recovery_start_{};
  bool app_limited_ = false;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_CONGESTION_CONTROLLER_H_
