#include "session/stream_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "session/ssh_connection.h"

namespace roam::session {

net::Address LocalSessionAddress(const net::Address& bound) {
  const std::string host = bound.HostString();
  if (host == "0.0.0.0" || host.empty()) return *net::Address::Parse("127.0.0.1", bound.port());
  if (host == "::") return *net::Address::Parse("::1", bound.port());
  return bound;
}

Result<net::Address> RelayTarget(const std::optional<std::string>& ip,
                                 std::optional<std::string_view> ssh_connection, uint16_t port) {
  if (ip) return net::Address::Parse(*ip, port);
  if (std::optional<std::string> local = LocalIpFromSshConnection(ssh_connection)) {
    return net::Address::Parse(*local, port);
  }
  return net::Address::Parse("127.0.0.1", port);
}

Result<std::unique_ptr<StreamRelay>> StreamRelay::Create(std::unique_ptr<net::StreamLink> link,
                                                         const net::Address& session) {
  const net::Address to = LocalSessionAddress(session);
  UniqueFd udp(socket(to.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!udp.valid()) return IoError(std::string("socket: ") + std::strerror(errno));
  if (connect(udp.get(), to.sockaddr_ptr(), to.sockaddr_len()) != 0) {
    return IoError(std::string("connect: ") + std::strerror(errno));
  }
  return std::unique_ptr<StreamRelay>(new StreamRelay(std::move(link), std::move(udp)));
}

void StreamRelay::AddPollFds(std::vector<pollfd>* fds) const {
  if (!link_->up()) return;
  link_->AddPollFds(fds);
  fds->push_back(pollfd{udp_.get(), POLLIN, 0});
}

void StreamRelay::OnPolled(const std::vector<pollfd>& fds, TimePoint /*now*/) {
  if (!link_->up()) return;
  for (const std::string& d : link_->OnPolled(fds)) {
    (void)send(udp_.get(), d.data(), d.size(), 0);  // loss here is loss on a path
  }
  bool readable = false;
  for (const pollfd& p : fds) readable |= p.fd == udp_.get() && (p.revents & POLLIN);
  if (!readable) return;
  char buf[net::kMaxFramedDatagram + 1];
  for (int i = 0; i < 256 && link_->up(); ++i) {
    ssize_t n = recv(udp_.get(), buf, sizeof buf, 0);
    if (n < 0) break;
    if (n < static_cast<ssize_t>(net::kMinFramedDatagram) ||
        n > static_cast<ssize_t>(net::kMaxFramedDatagram)) {
      continue;
    }
    (void)link_->Send(std::string_view(buf, static_cast<size_t>(n)));
  }
}

int RunStdioRelay(const net::Address& session, const std::function<bool()>& session_alive) {
  auto link =
      std::make_unique<net::StreamLink>(UniqueFd(dup(STDIN_FILENO)), UniqueFd(dup(STDOUT_FILENO)));
  Result<std::unique_ptr<StreamRelay>> relay = StreamRelay::Create(std::move(link), session);
  if (!relay.ok()) return 1;
  SystemClock clock;
  // Bounded by the stream and the session: it ends when either goes.
  while ((*relay)->up()) {
    std::vector<pollfd> fds;
    (*relay)->AddPollFds(&fds);
    poll(fds.data(), fds.size(), 1000);
    (*relay)->OnPolled(fds, clock.Now());
    if (!session_alive()) break;
  }
  return 0;
}

}  // namespace roam::session
