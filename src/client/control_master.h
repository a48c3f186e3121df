// The serving side of a control socket (client/control_socket.h): each
// connection from another roam process of this user sends an open request
// (docs/protocol.md §9.8); the request becomes a channel of this session,
// the server's answer goes back on the socket, and from then on the socket
// and the channel are joined (service/socket_bridge.h). Only commands
// (exec requests) are served; anything else is refused on the socket.

#ifndef ROAM_CLIENT_CONTROL_MASTER_H_
#define ROAM_CLIENT_CONTROL_MASTER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "service/fd_service.h"

namespace roam::client {

// The listener service for a socket from ListenControl: accepts
// connections from processes running as `uid` (others are closed at once)
// and removes the socket file when it goes.
std::unique_ptr<service::FdService> MakeControlListener(UniqueFd listener, std::string path,
                                                        uid_t uid);

// One accepted connection, before its channel is open. Exposed for tests.
class ControlConnection final : public service::FdService {
 public:
  explicit ControlConnection(UniqueFd fd);
  ~ControlConnection() override;

  void AddPollFds(std::vector<pollfd>* fds) const override;
  void Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) override;
  bool done() const override { return done_; }
  void Abort() override;
  std::vector<std::unique_ptr<service::FdService>> TakeSpawned() override;

 private:
  void ReadRequest(channel::Mux* mux, TimePoint now);
  void Refuse(const std::string& reason);

  UniqueFd fd_;
  std::string head_;  // the request as it arrives, and what followed it
  std::optional<uint64_t> channel_;
  std::vector<std::unique_ptr<service::FdService>> spawned_;
  bool done_ = false;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_CONTROL_MASTER_H_
