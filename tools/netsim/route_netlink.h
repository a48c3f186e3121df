// RouteNetlink: the few rtnetlink requests the packet-level link needs to
// configure its namespaces (a device up with an MTU, an IPv4 address added or
// removed, a route replaced), and the parser of the kernel's answers.
//
// A NETLINK_ROUTE socket acts on the network namespace it was opened in, so
// a RouteNetlink opened while a thread was inside a namespace keeps
// configuring that namespace wherever the thread goes afterwards.
//
// Every request asks for an acknowledgement (NLM_F_ACK); the kernel answers
// with an NLMSG_ERROR message whose error field is 0 on success or a
// negative errno. ParseNetlinkAck reads such answers through bounds checks:
// it is the only code here that parses bytes it did not write.

#ifndef ROAM_NETSIM_ROUTE_NETLINK_H_
#define ROAM_NETSIM_ROUTE_NETLINK_H_

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam::netsim {

// Reads one datagram from a netlink socket and looks for the answer to the
// request with sequence number `seq`. Returns the answer's errno (0 for
// success), or nullopt when the datagram holds no answer to `seq` (other
// messages are skipped). Errors: kMalformed when a header's length is
// shorter than a header, runs past the end, an error message is cut, or its
// error code is not 0 or -errno (-1 .. -4095).
Result<std::optional<int>> ParseNetlinkAck(std::string_view reply, uint32_t seq);

class RouteNetlink {
 public:
  RouteNetlink() = default;

  // Opens a NETLINK_ROUTE socket in the calling thread's network namespace.
  // Errors: kIoError.
  static Result<RouteNetlink> Open();

  // Sets the device up, with `mtu` and `tx_queue_len` when they are > 0.
  // Errors: kIoError naming the request and the kernel's errno.
  Status SetLinkUp(int ifindex, uint32_t mtu = 0, uint32_t tx_queue_len = 0);
  // Adds `local`/32 to the device (as `ip addr add LOCAL/32 dev DEV`).
  Status AddAddress(int ifindex, in_addr local);
  // Removes `local`/32 from the device.
  Status DeleteAddress(int ifindex, in_addr local);
  // Creates or replaces the route to `dst`/`prefix_len` through the device
  // (scope link: no gateway) with `src` as the preferred source address.
  Status ReplaceRoute(in_addr dst, int prefix_len, int ifindex, in_addr src);

 private:
  // Sends `request` (its sequence number is set here) and waits, bounded,
  // for its acknowledgement.
  Status Transact(std::string request, const std::string& what);

  UniqueFd fd_;
  uint32_t next_seq_ = 1;
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_ROUTE_NETLINK_H_
