// LoopbackEndpoint: parsing, printing and binding loopback addresses.

#include "netsim/loopback_endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roam::netsim {
namespace {

Status Errno(const char* what) { return IoError(std::string(what) + ": " + std::strerror(errno)); }

}  // namespace

LoopbackEndpoint::LoopbackEndpoint() : storage_{}, len_(0) { storage_.ss_family = AF_UNSPEC; }

Result<LoopbackEndpoint> LoopbackEndpoint::FromHost(std::string_view host, uint16_t port) {
  std::string h(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  LoopbackEndpoint e;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    if ((ntohl(v4.s_addr) >> 24) != 127) {
      return InvalidArgument("'" + h + "' is not a loopback address (want 127.0.0.0/8)");
    }
    auto* sin = reinterpret_cast<sockaddr_in*>(&e.storage_);
    sin->sin_family = AF_INET;
    sin->sin_addr = v4;
    sin->sin_port = htons(port);
    e.len_ = sizeof(sockaddr_in);
    return e;
  }
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6)) return InvalidArgument("'" + h + "' is not ::1");
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&e.storage_);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = v6;
    sin6->sin6_port = htons(port);
    e.len_ = sizeof(sockaddr_in6);
    return e;
  }
  return InvalidArgument("'" + h + "' is not a numeric IP address");
}

Result<LoopbackEndpoint> LoopbackEndpoint::Parse(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= text.size()) {
    return InvalidArgument("'" + std::string(text) + "': want HOST:PORT");
  }
  const std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.find(':') != std::string_view::npos && host.front() != '[') {
    return InvalidArgument("'" + std::string(text) + "': write IPv6 as [::1]:PORT");
  }
  uint32_t port = 0;
  if (port_text.size() > 5) return InvalidArgument("'" + std::string(text) + "': bad port");
  for (char c : port_text) {
    if (c < '0' || c > '9') return InvalidArgument("'" + std::string(text) + "': bad port");
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) return InvalidArgument("'" + std::string(text) + "': bad port");
  return FromHost(host, static_cast<uint16_t>(port));
}

LoopbackEndpoint LoopbackEndpoint::FromSockaddr(const sockaddr* sa, socklen_t len) {
  ROAM_CHECK(len <= sizeof(sockaddr_storage));
  LoopbackEndpoint e;
  std::memcpy(&e.storage_, sa, len);
  e.len_ = len;
  return e;
}

uint16_t LoopbackEndpoint::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

LoopbackEndpoint LoopbackEndpoint::WithPort(uint16_t port) const {
  LoopbackEndpoint e = *this;
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&e.storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&e.storage_)->sin6_port = htons(port);
  return e;
}

std::string LoopbackEndpoint::HostString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof buf);
  }
  return buf;
}

std::string LoopbackEndpoint::ToString() const {
  if (family() == AF_INET6) return "[" + HostString() + "]:" + std::to_string(port());
  return HostString() + ":" + std::to_string(port());
}

bool operator==(const LoopbackEndpoint& a, const LoopbackEndpoint& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET) {
    const auto* x = reinterpret_cast<const sockaddr_in*>(&a.storage_);
    const auto* y = reinterpret_cast<const sockaddr_in*>(&b.storage_);
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  if (a.family() == AF_INET6) {
    const auto* x = reinterpret_cast<const sockaddr_in6*>(&a.storage_);
    const auto* y = reinterpret_cast<const sockaddr_in6*>(&b.storage_);
    return x->sin6_port == y->sin6_port &&
           std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return true;
}

Result<UniqueFd> OpenBoundSocket(int type, const LoopbackEndpoint& local) {
  UniqueFd fd(::socket(local.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Errno("socket");
  if (type == SOCK_STREAM) {
    const int one = 1;
    if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
      return Errno("setsockopt(SO_REUSEADDR)");
    }
  }
  if (::bind(fd.get(), local.sockaddr_ptr(), local.sockaddr_len()) != 0) {
    return IoError("bind " + local.ToString() + ": " + std::strerror(errno));
  }
  if (type == SOCK_STREAM && ::listen(fd.get(), 64) != 0) return Errno("listen");
  return fd;
}

Result<LoopbackEndpoint> LocalEndpoint(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Errno("getsockname");
  return LoopbackEndpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

}  // namespace roam::netsim
