#include "e2e/common/tapped_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace roam::testing {

namespace {

int BindLoopback(int* port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

TappedRelay::TappedRelay(int server_port, Tap tap)
    : tap_(std::move(tap)), server_port_(server_port) {
  int unused = 0;
  client_fd_ = BindLoopback(&listen_port_);
  server_fd_ = BindLoopback(&unused);
  if (client_fd_ < 0 || server_fd_ < 0) {
    listen_port_ = 0;
    return;
  }
  worker_ = std::thread([this] { Loop(); });
}

TappedRelay::~TappedRelay() {
  Stop();
  if (client_fd_ >= 0) close(client_fd_);
  if (server_fd_ >= 0) close(server_fd_);
}

void TappedRelay::Stop() {
  stop_ = true;
  if (worker_.joinable()) worker_.join();
}

void TappedRelay::Loop() {
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  server.sin_port = htons(static_cast<uint16_t>(server_port_));
  sockaddr_in client{};
  bool have_client = false;
  char buf[65536];
  while (!stop_) {
    pollfd fds[2] = {{client_fd_, POLLIN, 0}, {server_fd_, POLLIN, 0}};
    if (poll(fds, 2, 50) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      for (int i = 0; i < 256; ++i) {
        sockaddr_in from{};
        socklen_t len = sizeof from;
        ssize_t n =
            recvfrom(client_fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) break;
        client = from;
        have_client = true;
        tap_(true, std::string_view(buf, static_cast<size_t>(n)));
        sendto(server_fd_, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&server),
               sizeof server);
      }
    }
    if (fds[1].revents & POLLIN) {
      for (int i = 0; i < 256; ++i) {
        ssize_t n = recv(server_fd_, buf, sizeof buf, 0);
        if (n < 0) break;
        if (!have_client) continue;
        tap_(false, std::string_view(buf, static_cast<size_t>(n)));
        sendto(client_fd_, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&client),
               sizeof client);
      }
    }
  }
}

}  // namespace roam::testing
