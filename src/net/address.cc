// Address: numeric IPv4/IPv6 UDP endpoints. See address.h.

#include "net/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>

#include "base/check.h"

namespace roam::net {

Address::Address() : len_(0) {
  std::memset(&storage_, 0, sizeof(storage_));
  storage_.ss_family = AF_UNSPEC;
}

Result<Address> Address::Parse(std::string_view numeric_host, uint16_t port) {
  std::string host(numeric_host);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host.find('\0') != std::string::npos) {
    return InvalidArgument("not a numeric IP address: '" + std::string(numeric_host) + "'");
  }
  Address a;
  // IPv4: only the dotted-quad form (inet_pton), not the legacy short forms
  // like "1.2.3" that getaddrinfo would also take.
  sockaddr_in sin{};
  if (inet_pton(AF_INET, host.c_str(), &sin.sin_addr) == 1) {
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(&a.storage_, &sin, sizeof(sin));
    a.len_ = sizeof(sin);
    return a;
  }
  if (host.find(':') == std::string::npos) {
    return InvalidArgument("not a numeric IP address: '" + std::string(numeric_host) + "'");
  }
  // IPv6 (with an optional %scope) through getaddrinfo.
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  // AI_NUMERICHOST: this never touches the network or the resolver.
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return InvalidArgument("not a numeric IP address: '" + std::string(numeric_host) + "'");
  }
  if (res->ai_family == AF_INET6 && res->ai_addrlen <= sizeof(a.storage_)) {
    std::memcpy(&a.storage_, res->ai_addr, res->ai_addrlen);
    a.len_ = res->ai_addrlen;
  }
  freeaddrinfo(res);
  if (a.empty()) {
    return InvalidArgument("not an IPv4 or IPv6 address: '" + std::string(numeric_host) + "'");
  }
  return a;
}

Address Address::FromSockaddr(const sockaddr* sa, socklen_t len) {
  ROAM_CHECK(sa != nullptr && len <= sizeof(sockaddr_storage));
  ROAM_CHECK(sa->sa_family == AF_INET || sa->sa_family == AF_INET6);
  ROAM_CHECK(len >= (sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6)));
  Address a;
  std::memcpy(&a.storage_, sa, len);
  a.len_ = len;
  return a;
}

int Address::family() const { return storage_.ss_family; }

uint16_t Address::port() const {
  switch (family()) {
    case AF_INET:
      return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    case AF_INET6:
      return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    default:
      return 0;
  }
}

Address Address::WithPort(uint16_t port) const {
  Address a = *this;
  switch (family()) {
    case AF_INET:
      reinterpret_cast<sockaddr_in*>(&a.storage_)->sin_port = htons(port);
      break;
    case AF_INET6:
      reinterpret_cast<sockaddr_in6*>(&a.storage_)->sin6_port = htons(port);
      break;
    default:
      break;
  }
  return a;
}

std::string Address::HostString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  switch (family()) {
    case AF_INET:
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf,
                sizeof(buf));
      return buf;
    case AF_INET6:
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
                sizeof(buf));
      return buf;
    default:
      return "";
  }
}

std::string Address::ToString() const {
  switch (family()) {
    case AF_INET:
      return HostString() + ":" + std::to_string(port());
    case AF_INET6:
      return "[" + HostString() + "]:" + std::to_string(port());
    default:
      return "(none)";
  }
}

bool operator==(const Address& a, const Address& b) {
  if (a.family() != b.family()) return false;
  switch (a.family()) {
    case AF_INET: {
      const auto* x = reinterpret_cast<const sockaddr_in*>(&a.storage_);
      const auto* y = reinterpret_cast<const sockaddr_in*>(&b.storage_);
      return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    case AF_INET6: {
      const auto* x = reinterpret_cast<const sockaddr_in6*>(&a.storage_);
      const auto* y = reinterpret_cast<const sockaddr_in6*>(&b.storage_);
      return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
             std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
    }
    default:
      return true;  // both empty
  }
}

}  // namespace roam::net
