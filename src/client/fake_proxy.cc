#include "client/fake_proxy.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/unique_fd.h"

namespace roam::client {

namespace {

int FamilyHint(AddressFamily family) {
  switch (family) {
    case AddressFamily::kInet:
      return AF_INET;
    case AddressFamily::kInet6:
      return AF_INET6;
    default:
      return AF_UNSPEC;
  }
}

// Orders resolved addresses by the --family preference.
std::vector<const addrinfo*> Ordered(const addrinfo* list, AddressFamily family) {
  std::vector<const addrinfo*> first, second;
  const int preferred = family == AddressFamily::kPreferInet6 ? AF_INET6 : AF_INET;
  for (const addrinfo* a = list; a; a = a->ai_next) {
    if (family == AddressFamily::kAuto || a->ai_family == preferred) {
      first.push_back(a);
    } else {
      second.push_back(a);
    }
  }
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// Copies what is readable on `from` to `to`; returns false at EOF or error.
bool Pump(int from, int to) {
  char buf[16384];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += w;
  }
  return true;
}

}  // namespace

int RunFakeProxy(const std::string& host, const std::string& port, AddressFamily family) {
  addrinfo hints{};
  hints.ai_family = FamilyHint(family);
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) {
    std::fprintf(stderr, "roam: could not resolve %s: %s\n", host.c_str(), gai_strerror(rc));
    return 1;
  }
  UniqueFd sock;
  char numeric[NI_MAXHOST] = {0};
  for (const addrinfo* a : Ordered(list, family)) {
    UniqueFd s(socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!s.valid()) continue;
    if (connect(s.get(), a->ai_addr, a->ai_addrlen) != 0) continue;
    if (getnameinfo(a->ai_addr, a->ai_addrlen, numeric, sizeof numeric, nullptr, 0,
                    NI_NUMERICHOST) != 0) {
      continue;
    }
    sock = std::move(s);
    break;
  }
  freeaddrinfo(list);
  if (!sock.valid()) {
    std::fprintf(stderr, "roam: could not connect to %s port %s\n", host.c_str(), port.c_str());
    return 1;
  }
  std::fprintf(stderr, "MOSH IP %s\n", numeric);
  std::fflush(stderr);

  bool up = true;    // stdin -> socket still open
  bool down = true;  // socket -> stdout still open
  while (up || down) {
    pollfd fds[2] = {{up ? STDIN_FILENO : -1, POLLIN, 0}, {down ? sock.get() : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (up && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !Pump(STDIN_FILENO, sock.get())) {
      up = false;
      shutdown(sock.get(), SHUT_WR);
    }
    if (down && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
        !Pump(sock.get(), STDOUT_FILENO)) {
      down = false;
      close(STDOUT_FILENO);
    }
  }
  return 0;
}

}  // namespace roam::client
