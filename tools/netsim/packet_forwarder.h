// PacketForwarder: the userspace hop of the packet-level link. It reads whole
// IP packets from the client's TUN device and the server's, puts each through
// the link model of its direction, and writes the copies that survive into
// the other device when they fall due.
//
// The forwarder never looks inside a packet: IPv4 or IPv6, TCP, UDP or ICMP,
// every packet meets the same model (link_model.h, datagram mode): outage,
// rate cap and queue, loss and bursts, delay and jitter, reordering,
// duplication. So the kernels' own TCP on both sides sees real loss and real
// delay and reacts as it would on a real path (SACK, RACK, slow start).
//
// Batching: one wake reads up to kMaxReadsPerWake packets from each device
// (a TUN read returns one packet) before writing what is due, so a busy link
// costs one poll per batch, not per packet. The forwarder's own ceiling is
// measured by ceiling.h.
//
// Single-threaded; call RunOnce in a loop. Time comes from the injected clock.

#ifndef ROAM_NETSIM_PACKET_FORWARDER_H_
#define ROAM_NETSIM_PACKET_FORWARDER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "base/unique_fd.h"
#include "netsim/delay_line.h"
#include "netsim/json_object.h"
#include "netsim/link_model.h"
#include "netsim/profile.h"
#include "netsim/udp_nat.h"

namespace roam::netsim {

struct PacketForwarderStats {
  LinkCounters up;                   // client -> server
  LinkCounters down;                 // server -> client
  uint64_t packets_from_client = 0;  // read from the client's device
  uint64_t packets_from_server = 0;
  uint64_t packets_to_server = 0;  // written into the server's device
  uint64_t packets_to_client = 0;
  uint64_t bytes_to_server = 0;  // IP bytes written (headers included)
  uint64_t bytes_to_client = 0;
  uint64_t delay_line_overflow = 0;  // dropped: too much waiting in the delay line
  uint64_t write_errors = 0;         // a device refused a packet (it is lost)
  uint64_t read_errors = 0;          // a read failed for another reason than "empty"
  uint64_t blocked_udp = 0;          // dropped while UDP was blocked
  uint64_t nat_rebinds = 0;          // RebindNat calls
  uint64_t nat_dropped = 0;          // replies to a port the NAT no longer maps
  uint64_t wakes = 0;                // RunOnce calls that found a device readable
};

class PacketForwarder {
 public:
  // Packets waiting in the delay line are bounded so a fast sender behind a
  // long delay cannot grow memory without limit; beyond these, new packets
  // are dropped and counted (delay_line_overflow).
  static constexpr size_t kMaxInFlightPackets = 100'000;
  static constexpr size_t kMaxInFlightBytes = 64u << 20;
  // Packets read per device per wake, so one busy direction cannot starve
  // the other.
  static constexpr int kMaxReadsPerWake = 64;
  // Largest packet a TUN read can return (the device MTU is far smaller).
  static constexpr size_t kMaxPacket = 65535;

  // Takes the two TUN descriptors (non-blocking, IFF_TUN | IFF_NO_PI).
  // The up model is seeded with `seed`, the down model with a value derived
  // from it, as in the relays. `clock` must outlive the forwarder; the
  // models' time starts at clock.Now().
  PacketForwarder(UniqueFd client_tun, UniqueFd server_tun, const Profile& profile, uint64_t seed,
                  const Clock& clock);

  // Waits at most `max_wait` for packets or the next due delivery, then
  // reads, schedules and writes everything due. If `extra_fd` >= 0 it is
  // polled too and *extra_ready says whether it is readable.
  // Errors: kIoError if poll fails (EINTR returns OK).
  Status RunOnce(Duration max_wait, int extra_fd = -1, bool* extra_ready = nullptr);

  // Drops everything entering the link in either direction for `duration`
  // from now. Packets already in the delay line still arrive.
  void StartOutage(Duration duration);
  // Switches both directions to `profile`'s settings.
  void SetProfile(const Profile& profile);
  // While on, every IPv4 or IPv6 UDP packet is dropped (counted in
  // blocked_udp) before the link model sees it, as a network that blocks UDP.
  void SetBlockUdp(bool on) { block_udp_ = on; }
  // A NAT rebinding in front of the client (udp_nat.h): from now on the
  // server hears the client's UDP from new ports, and replies to the old
  // ones are dropped (counted in nat_dropped).
  void RebindNat() { nat_.Rebind(); }

  PacketForwarderStats stats() const;
  // Adds the stats to `json`: "up" and "down" (the models' counters) and the
  // forwarder's own counters.
  void AddStats(JsonObject* json) const;

 private:
  void ReadFrom(int fd, LinkDirection direction, TimePoint now);
  void DeliverDue(TimePoint now);

  const Clock& clock_;
  UniqueFd client_tun_;
  UniqueFd server_tun_;
  LinkModel up_;
  LinkModel down_;
  DelayLine line_;
  std::string buffer_;
  PacketForwarderStats stats_;
  bool block_udp_ = false;
  UdpNat nat_;
};

// Whether an IP packet (v4 or v6, as read from a TUN device) carries UDP.
bool IsUdpPacket(std::string_view packet);

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_PACKET_FORWARDER_H_
