// LoopbackEndpoint: a numeric loopback address and port (127.0.0.0/8 or ::1),
// and the non-blocking sockets the relays bind to one.
//
// The simulator only ever listens on and talks to loopback addresses, so the
// parser refuses anything else: a typo cannot send test traffic off the
// machine.

#ifndef ROAM_NETSIM_LOOPBACK_ENDPOINT_H_
#define ROAM_NETSIM_LOOPBACK_ENDPOINT_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam::netsim {

class LoopbackEndpoint {
 public:
  // An empty endpoint (family AF_UNSPEC).
  LoopbackEndpoint();

  // Parses "127.0.0.1:9000", "[::1]:9000" (port 0 allowed: "any free port").
  // Errors: kInvalidArgument for a malformed text or a non-loopback address.
  static Result<LoopbackEndpoint> Parse(std::string_view host_and_port);
  // Parses a bare numeric host ("127.0.0.2", "::1") with `port`.
  // Errors: kInvalidArgument as for Parse.
  static Result<LoopbackEndpoint> FromHost(std::string_view host, uint16_t port);
  // Copies a kernel-filled address. Any family/address is accepted here (the
  // relays compare it, never connect to it). REQUIRES: len <= sizeof(sockaddr_storage).
  static LoopbackEndpoint FromSockaddr(const sockaddr* sa, socklen_t len);

  int family() const { return storage_.ss_family; }
  bool empty() const { return family() == AF_UNSPEC; }
  uint16_t port() const;
  LoopbackEndpoint WithPort(uint16_t port) const;
  // "127.0.0.1:9000" or "[::1]:9000".
  std::string ToString() const;
  // "127.0.0.1" or "::1".
  std::string HostString() const;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t sockaddr_len() const { return len_; }

  friend bool operator==(const LoopbackEndpoint& a, const LoopbackEndpoint& b);

 private:
  sockaddr_storage storage_;
  socklen_t len_;
};

// Opens a non-blocking, close-on-exec socket of `type` (SOCK_DGRAM or
// SOCK_STREAM) bound to `local` (SO_REUSEADDR for streams); a stream socket
// also listens. Errors: kIoError with the failing call and errno text.
Result<UniqueFd> OpenBoundSocket(int type, const LoopbackEndpoint& local);

// The address a socket is bound to. Errors: kIoError.
Result<LoopbackEndpoint> LocalEndpoint(int fd);

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_LOOPBACK_ENDPOINT_H_
