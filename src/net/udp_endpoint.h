// UdpEndpoint: the thin socket adapter below net::Connection.
//
// It performs exactly the socket operations Connection asks for and holds no
// protocol logic. A server endpoint owns one socket (id 0), bound as in
// docs/protocol.md §0.5; a client endpoint owns the set of sockets named by Connection's socket
// ids, opens one (ephemeral port, family of the destination) the first time a
// datagram names its id, receives on all of them, and closes the ids it is
// told to close.
//
// Every socket is non-blocking and close-on-exec. IPv4 sockets send with
// IP_TOS = 0x02 (ECT(0)) and ask for the received TOS (IP_RECVTOS) so a
// Congestion Experienced mark reaches Connection::Receive; path-MTU discovery
// is off (IP_PMTUDISC_DONT / IPV6_PMTUDISC_DONT) so the kernel fragments rather
// than drops. Received datagrams are read into a 2048 + 1 byte buffer: a
// result longer than 2048 bytes means the datagram was too big (and was
// truncated); Connection drops and counts it.

#ifndef ROAM_NET_UDP_ENDPOINT_H_
#define ROAM_NET_UDP_ENDPOINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"
#include "net/address.h"
#include "net/connection.h"
#include "net/port_range.h"

namespace roam::net {

// One datagram read from a socket.
struct Received {
  std::string bytes;  // at most kMaxDatagramSize + 1 bytes (see above)
  Address from;
  int socket_id = 0;
  bool ecn_ce = false;  // the IP header carried Congestion Experienced (IPv4)
};

class UdpEndpoint {
 public:
  // Server: binds one UDP socket (docs/protocol.md §0.5). If `desired_ip` is not empty
  // (a numeric address from -i / -s), tries it first; on any failure logs a
  // warning and falls back to the wildcard, the first result of
  // getaddrinfo(NULL, AI_PASSIVE, AF_UNSPEC) (dual-stack if that is the IPv6
  // wildcard). Ports are tried upwards from ports.low to ports.high and the
  // first that binds is kept; {0, 0} lets the OS choose.
  // Errors: kIoError naming the address and range when nothing could be bound.
  static Result<UdpEndpoint> BindServer(std::string_view desired_ip, PortRange ports);

  // Client: no socket yet; Send opens them on demand.
  static UdpEndpoint ForClient();

  UdpEndpoint(UdpEndpoint&&) noexcept = default;
  UdpEndpoint& operator=(UdpEndpoint&&) noexcept = default;

  // Sends `d.bytes` to `d.to` from socket `d.socket_id` (client: opened first
  // if new). Errors: kOutOfRange for EMSGSIZE — call
  // Connection::OnMessageTooBig(); kUnavailable for transient conditions
  // (EAGAIN, ENOBUFS, unreachable, refused: the datagram is lost, SSP
  // retransmits); kIoError if a socket cannot be opened or another error.
  // Server: REQUIRES d.socket_id == 0.
  Status Send(const OutgoingDatagram& d);

  // Closes the client sockets with these ids (unknown ids are ignored).
  void Close(const std::vector<int>& socket_ids);

  // The descriptors to poll for reading, one per open socket.
  std::vector<int> fds() const;

  // Reads one datagram from `fd` (one of fds()). Returns nullopt when there
  // is nothing to read, `fd` is not ours, or the read failed (an ICMP error
  // reported on the socket, for example); never blocks.
  std::optional<Received> Receive(int fd);

  // The local address of socket `socket_id` (port included).
  // Errors: kInvalidArgument if no such socket is open; kIoError.
  Result<Address> LocalAddress(int socket_id = 0) const;

 private:
  struct Socket {
    int id;
    UniqueFd fd;
  };

  explicit UdpEndpoint(bool server) : server_(server) {}
  Socket* Find(int socket_id);

  bool server_;
  std::vector<Socket> sockets_;
};

}  // namespace roam::net

#endif  // ROAM_NET_UDP_ENDPOINT_H_
