// UdpNat: the NAT in front of the client on the packet-level link, for UDP.
//
// Until the first Rebind() it translates nothing. After it, every UDP packet
// from the client leaves with its source port replaced by an external port
// of the NAT's choosing, and replies to that external port are translated
// back; a reply to any other port of the client (an external port of an
// earlier mapping, or the client's own port) is dropped, as a real NAT that
// has forgotten a mapping drops it. Each Rebind() forgets every mapping, so
// the server next hears the client from a new port: the NAT rebinding that a
// home router or a carrier-grade NAT does after an idle timeout. TCP and
// everything else pass untouched (their connections keep their mappings).
//
// IPv4 and IPv6 (no extension headers on this link). The UDP checksum is
// updated incrementally (RFC 1624); an IPv4 packet without one keeps none.

#ifndef ROAM_NETSIM_UDP_NAT_H_
#define ROAM_NETSIM_UDP_NAT_H_

#include <cstdint>
#include <map>
#include <string>

namespace roam::netsim {

class UdpNat {
 public:
  // External ports are taken in turn from this range.
  static constexpr uint16_t kFirstExternalPort = 40000;
  static constexpr uint16_t kLastExternalPort = 59999;

  // Client -> server. Rewrites the source port of a UDP packet when a
  // mapping is in force (creating one for a new client port).
  void Outbound(std::string* packet);
  // Server -> client. Rewrites the destination port of a UDP packet back to
  // the client's port; returns false if the packet must be dropped (no
  // mapping for its port).
  bool Inbound(std::string* packet);

  // Forgets every mapping; from now on the client's packets leave from new
  // external ports.
  void Rebind();

  uint64_t rebinds() const { return rebinds_; }
  uint64_t dropped() const { return dropped_; }  // replies with no mapping

 private:
  uint16_t NextExternalPort();

  uint64_t rebinds_ = 0;
  uint64_t dropped_ = 0;
  uint16_t next_port_ = kFirstExternalPort;
  std::map<uint16_t, uint16_t> outbound_;  // client port -> external port
  std::map<uint16_t, uint16_t> inbound_;   // external port -> client port
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_UDP_NAT_H_
