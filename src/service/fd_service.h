// FdService: what runs at one end of a channel when that end is an
// operating-system object — a process (exec), a socket (forwarding), the
// user's ssh agent. The session adapters (ServerSession, ClientSession,
// ChannelSession) own these, put their descriptors into the poll set, and
// run each one every round; the multiplexer they talk to belongs to the
// session's core.
//
// A service moves bytes only as fast as the other side takes them: it reads
// its descriptors only while its channel has room, and reads its channel
// only while it has room to hold what it read (every buffer is bounded).

#ifndef ROAM_SERVICE_FD_SERVICE_H_
#define ROAM_SERVICE_FD_SERVICE_H_

#include <poll.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "channel/mux.h"

namespace roam::service {

class FdService {
 public:
  virtual ~FdService() = default;

  // Appends the descriptors to watch this round.
  virtual void AddPollFds(std::vector<pollfd>* fds) const = 0;
  // Does whatever can be done now; `fds` is the polled set (a service looks
  // only at its own entries).
  virtual void Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) = 0;
  // Finished: the adapter destroys it.
  virtual bool done() const = 0;
  // The session is ending: let go of everything now (end processes, close
  // sockets). done() holds afterwards.
  virtual void Abort() = 0;
  // Services this one created during Run (a listener's connections); the
  // adapter takes them over.
  virtual std::vector<std::unique_ptr<FdService>> TakeSpawned() { return {}; }
  // Lines for the user that Run produced (a connection the peer refused),
  // each once.
  virtual std::vector<std::string> TakeMessages() { return {}; }
};

// The revents poll() reported for `fd` in `fds` (0 when absent).
inline short Revents(const std::vector<pollfd>& fds, int fd) {
  if (fd < 0) return 0;
  for (const pollfd& p : fds) {
    if (p.fd == fd) return p.revents;
  }
  return 0;
}

}  // namespace roam::service

#endif  // ROAM_SERVICE_FD_SERVICE_H_
