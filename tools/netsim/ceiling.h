// MeasureCeiling: how much the packet-level link can carry with no
// impairment, so a benchmark can show that the forwarder is not what limits
// the transfers it measures.
//
// Two phases, each `each` long after a short warm-up, with the forwarder
// running in the calling thread and traffic made by two threads that enter
// the link's namespaces (no process is started):
//   * UDP: a sender in the client namespace keeps kUdpWindow datagrams of
//     kUdpPacketBytes (IP size) in flight towards a receiver in the server
//     namespace. The window stays below the device queue, so the figure is
//     the rate the link forwards, not the rate at which a queue overflows.
//   * TCP: one stream from the client to the server; the figure is the
//     payload rate a single kernel TCP connection gets through the link.
// The forwarder's share of one CPU during the UDP phase says whether the
// forwarder (near 1.0) or the endpoints' kernels limit the rate. On a busy
// machine all of these fall: they are measurements, never assertions.

#ifndef ROAM_NETSIM_CEILING_H_
#define ROAM_NETSIM_CEILING_H_

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "netsim/packet_link.h"

namespace roam::netsim {

inline constexpr int kUdpPacketBytes = 1500;  // IP packet size: a full-MTU datagram
inline constexpr int kUdpWindow = 256;        // datagrams in flight (device queue: 1000)

struct Ceiling {
  double udp_packets_per_s = 0;
  double udp_megabytes_per_s = 0;  // IP bytes (headers included) / 1e6
  double tcp_megabytes_per_s = 0;  // payload bytes / 1e6
  double forwarder_cpu_share = 0;  // forwarder thread CPU time / wall time, UDP phase
  uint64_t udp_packets_sent = 0;   // over the whole UDP phase, warm-up included
  uint64_t udp_packets_received = 0;
};

// Runs both phases through `link`, which should carry no impairment (the
// caller builds it with an empty profile). Takes about 2 * (each + 0.2 s).
// Errors: kIoError (a socket could not be set up in a namespace, or the
// forwarder failed).
Result<Ceiling> MeasureCeiling(PacketLink& link, Duration each);

// "NETSIM CEILING udp_packets_per_s=... udp_mb_per_s=... tcp_mb_per_s=...
// forwarder_cpu=... packet_bytes=1500"
std::string CeilingLine(const Ceiling& c);

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_CEILING_H_
