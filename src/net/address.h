// Address: a numeric IPv4 or IPv6 UDP endpoint, as a plain value.
//
// Used by the sans-I/O connection core to remember and compare peer
// addresses, and by the socket adapter to send. No name resolution here:
// roam-client takes a numeric address, like mosh-client.

#ifndef ROAM_NET_ADDRESS_H_
#define ROAM_NET_ADDRESS_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::net {

class Address {
 public:
  // An empty address (family AF_UNSPEC); equal only to other empty addresses.
  Address();

  // Parses a numeric IPv4 ("127.0.0.1") or IPv6 ("::1", "[::1]") address.
  // Errors: kInvalidArgument with a message naming the bad text.
  static Result<Address> Parse(std::string_view numeric_host, uint16_t port);
  // Copies a sockaddr filled in by the kernel (recvfrom, getsockname).
  // REQUIRES: len <= sizeof(sockaddr_storage); family AF_INET or AF_INET6.
  static Address FromSockaddr(const sockaddr* sa, socklen_t len);

  int family() const;  // AF_INET, AF_INET6 or AF_UNSPEC
  bool empty() const { return family() == AF_UNSPEC; }
  uint16_t port() const;
  // The same address with another port.
  Address WithPort(uint16_t port) const;
  // "127.0.0.1:60001" or "[::1]:60001".
  std::string ToString() const;
  // Numeric host only: "127.0.0.1" or "::1" (a v4-mapped v6 address prints as v6).
  std::string HostString() const;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t sockaddr_len() const { return len_; }

  friend bool operator==(const Address& a, const Address& b);
  friend bool operator!=(const Address& a, const Address& b) { return !(a == b); }

 private:
  sockaddr_storage storage_;
  socklen_t len_;
};

}  // namespace roam::net

#endif  // ROAM_NET_ADDRESS_H_
