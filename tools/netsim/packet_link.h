// PacketLink: the packet-level mode of roam-netsim. Two network namespaces,
// "client" and "server", each with one TUN device, joined by the
// PacketForwarder, which carries every IP packet between the two devices
// through the seeded link model of its direction.
//
//   client namespace                                server namespace
//   198.18.1.1 ── roam0 (TUN) ══ PacketForwarder ══ roam0 (TUN) ── 198.18.2.1
//                               up: client -> server
//                               down: server -> client
//
// Addresses come from 198.18.0.0/15, the block set aside for benchmarking
// network devices, and exist only inside the two namespaces: the client
// holds one address of 198.18.1.0/24 and reaches 198.18.2.0/24 through its
// device; the server holds 198.18.2.1 and reaches 198.18.1.0/24 through its
// own. Nothing else is routed, and neither namespace has any other device
// than its loopback, so traffic from inside cannot go anywhere but across
// the link. IPv6 is turned off in both (no router solicitations or other
// chatter on the link: every packet the forwarder sees is one a test or a
// benchmark sent).
//
// Why TUN devices and not a veth pair with the forwarder in between: a TUN
// read or write is one whole IP packet with no Ethernet header, no ARP and
// no third namespace, the devices vanish with the descriptors (a crashed
// forwarder leaves none behind), and the forwarder's one-read-one-packet
// cost is far below what the links being emulated carry (ceiling.h
// measures it). The devices have a 1500-byte MTU and no offloads, so TCP
// segments are real-sized packets and loss hits them one by one.
//
// Roaming: MoveClient gives the client a new address in 198.18.1.0/24 (the
// next one, or a chosen one) and removes the old: the new address is added,
// the route to the server is switched to it as preferred source, then the
// old address goes. A UDP socket that is not bound to the old address
// (roam's and mosh's clients send with sendto from a wildcard socket)
// continues from the new address; a TCP connection on the old address
// breaks, as it would when a laptop changes network.
//
// Lifetime: the namespaces are anonymous (see network_namespace.h). Other
// processes enter them through client_namespace().PathForOthers() (e.g. with
// nsenter). EndProcessesInside ends every process found in either
// namespace, so that once this object is gone nothing keeps the namespaces
// alive: the link owns whatever runs inside it.

#ifndef ROAM_NETSIM_PACKET_LINK_H_
#define ROAM_NETSIM_PACKET_LINK_H_

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "netsim/control_command.h"
#include "netsim/network_namespace.h"
#include "netsim/packet_forwarder.h"
#include "netsim/profile.h"
#include "netsim/route_netlink.h"

namespace roam::netsim {

struct PacketLinkConfig {
  Profile profile;
  uint64_t seed = 1;  // seeds the up model; the down model's is derived from it
};

class PacketLink {
 public:
  static constexpr const char* kDeviceName = "roam0";
  static constexpr uint32_t kMtu = 1500;  // an Ethernet path's MTU
  // Packets the kernel may queue on a device for the forwarder to read.
  static constexpr uint32_t kTxQueueLength = 1000;
  static constexpr const char* kClientNetwork = "198.18.1.0";  // /24
  static constexpr const char* kFirstClientAddress = "198.18.1.1";
  static constexpr const char* kServerNetwork = "198.18.2.0";  // /24
  static constexpr const char* kServerAddress = "198.18.2.1";
  // How long EndProcessesInside waits after SIGTERM before SIGKILL, and
  // after SIGKILL for the processes to be gone.
  static constexpr Duration kEndGrace = std::chrono::seconds(1);

  // Creates both namespaces, their devices, addresses and routes, and the
  // forwarder. `clock` must outlive the link. On error nothing is left
  // behind (the namespaces had no name and no process).
  // Errors: kIoError (not root, no namespace or TUN support, a netlink
  // request refused).
  static Result<std::unique_ptr<PacketLink>> Create(PacketLinkConfig config, const Clock& clock);

  // Ends what runs inside (see EndProcessesInside), then closes the
  // devices and namespaces.
  ~PacketLink();
  PacketLink(const PacketLink&) = delete;
  PacketLink& operator=(const PacketLink&) = delete;

  const NetworkNamespace& client_namespace() const { return client_ns_; }
  const NetworkNamespace& server_namespace() const { return server_ns_; }
  // The client's current address ("198.18.1.1" until it moves).
  std::string client_address() const;
  std::string server_address() const { return kServerAddress; }

  // One line that tells a caller where everything is:
  // "NETSIM LINK client 198.18.1.1 server 198.18.2.1 client-netns PATH server-netns PATH"
  std::string Banner() const;

  // The forwarder's loop step (PacketForwarder::RunOnce).
  Status RunOnce(Duration max_wait, int extra_fd = -1, bool* extra_ready = nullptr) {
    return forwarder_->RunOnce(max_wait, extra_fd, extra_ready);
  }
  PacketForwarder& forwarder() { return *forwarder_; }

  // Moves the client to `ip` (dotted IPv4 in 198.18.1.0/24, host part
  // 1..254, not the current address), or to the next address when empty.
  // Errors: kInvalidArgument (bad or current address), kIoError (netlink).
  Status MoveClient(std::string_view ip);

  // Applies a control line: profile, outage, move, block, rebind (new NAT
  // ports for the client's UDP, udp_nat.h). Errors: kInvalidArgument
  // (rebind with an address; an unknown profile), or MoveClient's.
  Status Apply(const ControlCommand& command);

  // PIDs of the processes with a thread in either namespace (this process
  // excluded).
  std::vector<pid_t> ProcessesInside() const;
  // SIGTERM to every process inside, a bounded wait (kEndGrace), SIGKILL to
  // those left, a bounded wait for them to be gone. Returns how many
  // processes it signalled. Safe to call more than once.
  int EndProcessesInside();

  // Counters as JSON: "mode": "link", the addresses, client moves, ended
  // processes, "up"/"down" model counters and the forwarder's counters.
  std::string StatsJson() const;

 private:
  PacketLink() = default;

  NetworkNamespace client_ns_;
  NetworkNamespace server_ns_;
  RouteNetlink client_netlink_;  // opened inside the client namespace
  int client_ifindex_ = 0;
  in_addr client_address_{};
  std::unique_ptr<PacketForwarder> forwarder_;
  uint64_t client_moves_ = 0;
  uint64_t ended_processes_ = 0;
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_PACKET_LINK_H_
