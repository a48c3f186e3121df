// StreamRelay: one stream of framed datagrams (net/stream_link.h) joined to
// a session's UDP address on this machine, so a session whose client cannot
// reach it over UDP is carried by a TCP connection or an ssh connection
// instead (docs/protocol.md §10).
//
// The relay sends every datagram from the stream to the session's address
// from a UDP socket of its own, and everything the session sends back to
// that socket down the stream. The session sees a client at a loopback
// address and follows it there as it follows any roaming client; nothing
// in the session is specific to streams, and the relay never holds the key.

#ifndef ROAM_SESSION_STREAM_RELAY_H_
#define ROAM_SESSION_STREAM_RELAY_H_

#include <poll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/unique_fd.h"
#include "net/address.h"
#include "net/stream_link.h"

namespace roam::session {

class StreamRelay {
 public:
  // `session`: the session's UDP address (a wildcard address means the
  // loopback one). Errors: kIoError when the UDP socket cannot be made.
  static Result<std::unique_ptr<StreamRelay>> Create(std::unique_ptr<net::StreamLink> link,
                                                     const net::Address& session);

  void AddPollFds(std::vector<pollfd>* fds) const;
  void OnPolled(const std::vector<pollfd>& fds, TimePoint now);
  // The stream is still there.
  bool up() const { return link_->up(); }
  const net::StreamLink& link() const { return *link_; }

 private:
  StreamRelay(std::unique_ptr<net::StreamLink> link, UniqueFd udp)
      : link_(std::move(link)), udp_(std::move(udp)) {}

  std::unique_ptr<net::StreamLink> link_;
  UniqueFd udp_;  // connected to the session's port
};

// Serves one stream on this process's stdin and stdout until it ends or
// `session_alive()` says the session is gone (checked about once a second):
// `roam-server new --ssh-stream` and `roam-server relay` (docs/protocol.md
// §10.2). Returns the exit status (0).
int RunStdioRelay(const net::Address& session, const std::function<bool()>& session_alive);

// Where a relay on this machine reaches the session bound to `bound`: the
// same address, or loopback for a wildcard one.
net::Address LocalSessionAddress(const net::Address& bound);

// Where `roam-server relay [IP] PORT` sends: to `ip` when given; else to the
// local address of the ssh connection the relay runs under (from
// `ssh_connection`, $SSH_CONNECTION), where a session started with -s is
// bound and where a session bound to every address answers too; else to
// loopback. Errors: kInvalidArgument for an `ip` that is not an address.
Result<net::Address> RelayTarget(const std::optional<std::string>& ip,
                                 std::optional<std::string_view> ssh_connection, uint16_t port);

}  // namespace roam::session

#endif  // ROAM_SESSION_STREAM_RELAY_H_
