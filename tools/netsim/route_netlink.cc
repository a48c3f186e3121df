// RouteNetlink: building rtnetlink requests and reading their acknowledgements.

#include "netsim/route_netlink.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace roam::netsim {
namespace {

// How long a request may wait for its answer; the kernel answers at once.
constexpr int kAckTimeoutMs = 2000;
// Datagrams read while looking for one answer (others are skipped).
constexpr int kMaxRepliesPerRequest = 8;
// The largest errno the kernel reports (its MAX_ERRNO).
constexpr int kMaxErrno = 4095;

// A request under construction: header, a fixed-size body, attributes.
class Request {
 public:
  Request(uint16_t type, uint16_t flags) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    Append(&h, sizeof h);
  }
  template <typename Body>
  Request& Fixed(const Body& body) {
    Append(&body, sizeof body);
    return *this;
  }
  template <typename Value>
  Request& Attr(uint16_t type, const Value& value) {
    rtattr a{};
    a.rta_type = type;
    a.rta_len = static_cast<uint16_t>(RTA_LENGTH(sizeof value));
    Append(&a, sizeof a);
    Append(&value, sizeof value);
    return *this;
  }
  // The finished message, with its length in the header.
  std::string Finish() {
    const uint32_t len = static_cast<uint32_t>(bytes_.size());
    std::memcpy(bytes_.data() + offsetof(nlmsghdr, nlmsg_len), &len, sizeof len);
    return bytes_;
  }

 private:
  void Append(const void* p, size_t n) {
    bytes_.append(static_cast<const char*>(p), n);
    bytes_.resize(NLMSG_ALIGN(bytes_.size()), '\0');
  }
  std::string bytes_;
};

std::string Dotted(in_addr a) {
  char text[INET_ADDRSTRLEN] = {};
  const auto* b = reinterpret_cast<const unsigned char*>(&a.s_addr);
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return text;
}

}  // namespace

Result<std::optional<int>> ParseNetlinkAck(std::string_view reply, uint32_t seq) {
  size_t pos = 0;
  // Each pass consumes at least one aligned header, so this ends.
  while (reply.size() - pos >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, reply.data() + pos, sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > reply.size() - pos) {
      return Malformed("netlink: message length " + std::to_string(h.nlmsg_len) +
                       " outside the datagram");
    }
    if (h.nlmsg_type == NLMSG_ERROR && h.nlmsg_seq == seq) {
      if (h.nlmsg_len < sizeof h + sizeof(int)) return Malformed("netlink: error message cut");
      int error = 0;
      std::memcpy(&error, reply.data() + pos + sizeof h, sizeof error);
      // The kernel sends 0 or -errno, and errno never exceeds kMaxErrno;
      // anything else is not from it (and INT_MIN could not be negated).
      if (error > 0 || error < -kMaxErrno) {
        return Malformed("netlink: error code " + std::to_string(error) + " is not an errno");
      }
      return std::optional<int>(-error);
    }
    const size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= reply.size() - pos) break;
    pos += step;
  }
  return std::optional<int>();
}

Result<RouteNetlink> RouteNetlink::Open() {
  RouteNetlink nl;
  nl.fd_.Reset(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!nl.fd_.valid()) return IoError(std::string("netlink socket: ") + std::strerror(errno));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (bind(nl.fd_.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    return IoError(std::string("netlink bind: ") + std::strerror(errno));
  }
  return nl;
}

Status RouteNetlink::Transact(std::string request, const std::string& what) {
  const uint32_t seq = next_seq_++;
  std::memcpy(request.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_.get(), request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
             sizeof kernel) != static_cast<ssize_t>(request.size())) {
    return IoError(what + ": send: " + std::strerror(errno));
  }
  std::string buf(8192, '\0');
  for (int i = 0; i < kMaxRepliesPerRequest; ++i) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (poll(&p, 1, kAckTimeoutMs) <= 0) return IoError(what + ": no answer from the kernel");
    const ssize_t n = recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n < 0) return IoError(what + ": recv: " + std::strerror(errno));
    Result<std::optional<int>> ack =
        ParseNetlinkAck(std::string_view(buf.data(), static_cast<size_t>(n)), seq);
    if (!ack.ok()) return IoError(what + ": " + ack.status().message());
    if (!ack->has_value()) continue;
    if (**ack != 0) return IoError(what + ": " + std::strerror(**ack));
    return Status::Ok();
  }
  return IoError(what + ": no answer from the kernel");
}

Status RouteNetlink::SetLinkUp(int ifindex, uint32_t mtu, uint32_t tx_queue_len) {
  ifinfomsg body{};
  body.ifi_family = AF_UNSPEC;
  body.ifi_index = ifindex;
  body.ifi_flags = IFF_UP;
  body.ifi_change = IFF_UP;
  Request r(RTM_NEWLINK, 0);
  r.Fixed(body);
  if (mtu > 0) r.Attr(IFLA_MTU, mtu);
  if (tx_queue_len > 0) r.Attr(IFLA_TXQLEN, tx_queue_len);
  return Transact(r.Finish(), "set link " + std::to_string(ifindex) + " up");
}

Status RouteNetlink::AddAddress(int ifindex, in_addr local) {
  ifaddrmsg body{};
  body.ifa_family = AF_INET;
  body.ifa_prefixlen = 32;
  body.ifa_scope = RT_SCOPE_UNIVERSE;
  body.ifa_index = static_cast<uint32_t>(ifindex);
  Request r(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  r.Fixed(body).Attr(IFA_LOCAL, local).Attr(IFA_ADDRESS, local);
  return Transact(r.Finish(), "add address " + Dotted(local));
}

Status RouteNetlink::DeleteAddress(int ifindex, in_addr local) {
  ifaddrmsg body{};
  body.ifa_family = AF_INET;
  body.ifa_prefixlen = 32;
  body.ifa_index = static_cast<uint32_t>(ifindex);
  Request r(RTM_DELADDR, 0);
  r.Fixed(body).Attr(IFA_LOCAL, local).Attr(IFA_ADDRESS, local);
  return Transact(r.Finish(), "delete address " + Dotted(local));
}

Status RouteNetlink::ReplaceRoute(in_addr dst, int prefix_len, int ifindex, in_addr src) {
  rtmsg body{};
  body.rtm_family = AF_INET;
  body.rtm_dst_len = static_cast<unsigned char>(prefix_len);
  body.rtm_table = RT_TABLE_MAIN;
  body.rtm_protocol = RTPROT_STATIC;
  body.rtm_scope = RT_SCOPE_LINK;
  body.rtm_type = RTN_UNICAST;
  const uint32_t oif = static_cast<uint32_t>(ifindex);
  Request r(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
  r.Fixed(body).Attr(RTA_DST, dst).Attr(RTA_OIF, oif).Attr(RTA_PREFSRC, src);
  return Transact(r.Finish(), "route " + Dotted(dst) + "/" + std::to_string(prefix_len) + " src " +
                                  Dotted(src));
}

}  // namespace roam::netsim
