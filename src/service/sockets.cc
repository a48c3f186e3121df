#include "service/sockets.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roam::service {

namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool FillUnixAddress(const std::string& path, sockaddr_un* addr) {
  if (path.empty() || path.size() >= sizeof addr->sun_path) return false;
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  std::memcpy(addr->sun_path, path.data(), path.size());
  return true;
}

}  // namespace

Result<UniqueFd> StartTcpConnect(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return InvalidArgument("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address for " + host;
  for (addrinfo* a = found; a; a = a->ai_next) {
    UniqueFd fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      last_error = Errno("socket");
      continue;
    }
    const int one = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      freeaddrinfo(found);
      return fd;
    }
    last_error = Errno("connect");
  }
  freeaddrinfo(found);
  return IoError(last_error);
}

Result<UniqueFd> StartUnixConnect(const std::string& path) {
  sockaddr_un addr;
  if (!FillUnixAddress(path, &addr)) return InvalidArgument("bad socket path " + path);
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return IoError(Errno("socket"));
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS && errno != EAGAIN) {
    return IoError(Errno(("connect " + path).c_str()));
  }
  return fd;
}

Status ConnectResult(int fd) {
  int error = 0;
  socklen_t len = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return IoError(Errno("getsockopt"));
  if (error != 0) return IoError(std::strerror(error));
  return Status::Ok();
}

Result<UniqueFd> ListenTcp(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  const bool any = host == "*" || host == "0.0.0.0";
  const char* node =
      any ? nullptr : (host.empty() || host == "localhost" ? "127.0.0.1" : host.c_str());
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(node, service.c_str(), &hints, &found); rc != 0) {
    return InvalidArgument("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address to listen on";
  for (addrinfo* a = found; a; a = a->ai_next) {
    UniqueFd fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) continue;
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd.get(), a->ai_addr, a->ai_addrlen) == 0 && listen(fd.get(), 64) == 0) {
      freeaddrinfo(found);
      return fd;
    }
    last_error = Errno("listen");
  }
  freeaddrinfo(found);
  return IoError(last_error);
}

Result<UniqueFd> ListenUnix(const std::string& path) {
  sockaddr_un addr;
  if (!FillUnixAddress(path, &addr)) return InvalidArgument("bad socket path " + path);
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return IoError(Errno("socket"));
  const mode_t old = umask(0177);
  const int rc = bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old);
  if (rc != 0) return IoError(Errno(("bind " + path).c_str()));
  if (listen(fd.get(), 64) != 0) return IoError(Errno("listen"));
  return fd;
}

uint16_t BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

UniqueFd AcceptConnection(int listener, std::string* origin) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  UniqueFd fd(
      accept4(listener, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd.valid()) return fd;
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    *origin = std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
    const int one = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    *origin = "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
    const int one = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  } else {
    *origin = "unix";
  }
  return fd;
}

}  // namespace roam::service
