// UdpEndpoint: socket creation, options, binding, sendto/recvmsg. See
// udp_endpoint.h.

#include "net/udp_endpoint.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cstring>

#include "base/logging.h"

namespace roam::net {
namespace {

constexpr int kEct0 = 0x02;     // TOS ECN field: ECN-capable transport
constexpr int kEcnMask = 0x03;  // the two ECN bits of the TOS byte
constexpr int kEcnCe = 0x03;    // Congestion Experienced

std::string Errno(int err) { return std::strerror(err); }

// Sets the options every roam socket has. Failures of these are not fatal
// (the session works without ECN or with PMTU discovery on); they are logged.
void ConfigureSocket(int fd, int family) {
  if (family == AF_INET) {
    int pmtu = IP_PMTUDISC_DONT;
    if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) != 0) {
      Log(LogLevel::kDebug, "IP_MTU_DISCOVER: " + Errno(errno));
    }
    int tos = kEct0;
    if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) != 0) {
      Log(LogLevel::kDebug, "IP_TOS: " + Errno(errno));
    }
    int on = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on)) != 0) {
      Log(LogLevel::kDebug, "IP_RECVTOS: " + Errno(errno));
    }
  } else if (family == AF_INET6) {
    int pmtu = IPV6_PMTUDISC_DONT;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)) != 0) {
      Log(LogLevel::kDebug, "IPV6_MTU_DISCOVER: " + Errno(errno));
    }
  }
}

Result<UniqueFd> OpenSocket(int family) {
  UniqueFd fd(socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return IoError("socket: " + Errno(errno));
  ConfigureSocket(fd.get(), family);
  return fd;
}

bool IsIpv6Wildcard(const Address& a) {
  if (a.family() != AF_INET6) return false;
  const auto* sa = reinterpret_cast<const sockaddr_in6*>(a.sockaddr_ptr());
  return IN6_IS_ADDR_UNSPECIFIED(&sa->sin6_addr);
}

// Binds a socket for `base` (any port) to the first free port of `ports`.
Result<UniqueFd> BindInRange(const Address& base, PortRange ports) {
  Result<UniqueFd> fd = OpenSocket(base.family());
  if (!fd.ok()) return fd.status();
  if (IsIpv6Wildcard(base)) {
    int off = 0;  // dual stack: also accept IPv4 clients
    if (setsockopt(fd->get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) != 0) {
      Log(LogLevel::kDebug, "IPV6_V6ONLY: " + Errno(errno));
    }
  }
  int last_error = 0;
  // Bounded: at most 65536 attempts, one per port of the range.
  for (uint32_t port = ports.low; port <= ports.high; ++port) {
    const Address a = base.WithPort(static_cast<uint16_t>(port));
    if (bind(fd->get(), a.sockaddr_ptr(), a.sockaddr_len()) == 0) return fd;
    last_error = errno;
  }
  return IoError("cannot bind UDP " + base.HostString() + " port " + std::to_string(ports.low) +
                 (ports.high != ports.low ? ".." + std::to_string(ports.high) : "") + ": " +
                 Errno(last_error));
}

}  // namespace

Result<UdpEndpoint> UdpEndpoint::BindServer(std::string_view desired_ip, PortRange ports) {
  UdpEndpoint ep(/*server=*/true);
  if (!desired_ip.empty()) {
    Result<Address> ip = Address::Parse(desired_ip, 0);
    Result<UniqueFd> fd = ip.ok() ? BindInRange(*ip, ports) : Result<UniqueFd>(ip.status());
    if (fd.ok()) {
      ep.sockets_.push_back(Socket{0, std::move(fd).value()});
      return ep;
    }
    Log(LogLevel::kWarning, "Error binding to IP " + std::string(desired_ip) + ": " +
                                fd.status().message() + "; trying the wildcard address");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(nullptr, "0", &hints, &res);
  if (rc != 0 || res == nullptr) {
    return IoError(std::string("getaddrinfo for the wildcard address: ") + gai_strerror(rc));
  }
  Result<UniqueFd> fd = IoError("no usable wildcard address");
  if ((res->ai_family == AF_INET || res->ai_family == AF_INET6) &&
      res->ai_addrlen <= sizeof(sockaddr_storage)) {
    fd = BindInRange(Address::FromSockaddr(res->ai_addr, res->ai_addrlen), ports);
  }
  freeaddrinfo(res);
  if (!fd.ok()) return fd.status();
  ep.sockets_.push_back(Socket{0, std::move(fd).value()});
  return ep;
}

UdpEndpoint UdpEndpoint::ForClient() { return UdpEndpoint(/*server=*/false); }

UdpEndpoint::Socket* UdpEndpoint::Find(int socket_id) {
  for (Socket& s : sockets_) {
    if (s.id == socket_id) return &s;
  }
  return nullptr;
}

Status UdpEndpoint::Send(const OutgoingDatagram& d) {
  Socket* s = Find(d.socket_id);
  if (s == nullptr) {
    if (server_) return Status(StatusCode::kInternal, "server endpoint has only socket 0");
    Result<UniqueFd> fd = OpenSocket(d.to.family());
    if (!fd.ok()) return fd.status();
    sockets_.push_back(Socket{d.socket_id, std::move(fd).value()});
    s = &sockets_.back();
  }
  const ssize_t n = sendto(s->fd.get(), d.bytes.data(), d.bytes.size(), MSG_DONTWAIT,
                           d.to.sockaddr_ptr(), d.to.sockaddr_len());
  if (n >= 0) return Status::Ok();
  const int err = errno;
  switch (err) {
    case EMSGSIZE:
      return OutOfRange("sendto: " + Errno(err));
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case ENOBUFS:
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EPERM:  // a local firewall rule; the path may come back
      return Status(StatusCode::kUnavailable, "sendto " + d.to.ToString() + ": " + Errno(err));
    default:
      return IoError("sendto " + d.to.ToString() + ": " + Errno(err));
  }
}

void UdpEndpoint::Close(const std::vector<int>& socket_ids) {
  sockets_.erase(std::remove_if(sockets_.begin(), sockets_.end(),
                                [&](const Socket& s) {
                                  return std::find(socket_ids.begin(), socket_ids.end(), s.id) !=
                                         socket_ids.end();
                                }),
                 sockets_.end());
}

std::vector<int> UdpEndpoint::fds() const {
  std::vector<int> out;
  out.reserve(sockets_.size());
  for (const Socket& s : sockets_) out.push_back(s.fd.get());
  return out;
}

std::optional<Received> UdpEndpoint::Receive(int fd) {
  const Socket* sock = nullptr;
  for (const Socket& s : sockets_) {
    if (s.fd.get() == fd) sock = &s;
  }
  if (sock == nullptr) return std::nullopt;

  Received r;
  r.socket_id = sock->id;
  r.bytes.resize(kMaxDatagramSize + 1);
  sockaddr_storage from{};
  iovec iov{r.bytes.data(), r.bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int)) * 4];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  const ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
  if (n < 0) return std::nullopt;
  if (from.ss_family != AF_INET && from.ss_family != AF_INET6) return std::nullopt;
  r.bytes.resize(static_cast<size_t>(n));
  r.from = Address::FromSockaddr(reinterpret_cast<const sockaddr*>(&from), msg.msg_namelen);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    // The kernel delivers the TOS byte as one unsigned char for IP_TOS.
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS && c->cmsg_len >= CMSG_LEN(1)) {
      const unsigned char tos = *CMSG_DATA(c);
      r.ecn_ce = (tos & kEcnMask) == kEcnCe;
    }
  }
  return r;
}

Result<Address> UdpEndpoint::LocalAddress(int socket_id) const {
  for (const Socket& s : sockets_) {
    if (s.id != socket_id) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (getsockname(s.fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
      return IoError("getsockname: " + Errno(errno));
    }
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
      return IoError("socket " + std::to_string(socket_id) + " is not bound yet");
    }
    return Address::FromSockaddr(reinterpret_cast<const sockaddr*>(&ss), len);
  }
  return InvalidArgument("no open socket with id " + std::to_string(socket_id));
}

}  // namespace roam::net
