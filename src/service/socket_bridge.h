// SocketBridge: a stream socket (TCP or Unix) joined to a channel, both
// ways: the forwarding services' common end.
//
// Bytes go through as they are; EOF from the socket becomes the channel's
// FIN and the peer's FIN a shutdown of the socket's sending side, so a
// half-closed connection stays half-open end to end. A reset of either side
// closes the other. The socket is read only while the channel has room, and
// the channel only while less than kMaxToSocket waits for the socket.
//
// A bridge may start with a connect still in progress: for a channel the
// peer opened (kIncoming) it then accepts the channel once connected, or
// refuses it with the connect's error.

#ifndef ROAM_SERVICE_SOCKET_BRIDGE_H_
#define ROAM_SERVICE_SOCKET_BRIDGE_H_

#include <cstdint>
#include <string>

#include "base/unique_fd.h"
#include "service/fd_service.h"

namespace roam::service {

class SocketBridge final : public FdService {
 public:
  static constexpr size_t kMaxToSocket = 256 * 1024;

  // `connecting`: a non-blocking connect is under way on `socket`; the
  // channel (opened by the peer) is answered when it ends.
  SocketBridge(uint64_t channel, UniqueFd socket, bool connecting = false);
  ~SocketBridge() override;

  void AddPollFds(std::vector<pollfd>* fds) const override;
  void Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) override;
  bool done() const override { return done_; }
  void Abort() override;

  std::vector<std::string> TakeMessages() override { return std::exchange(messages_, {}); }
  // For a channel this side opened: what the user is told if the peer
  // refuses it ("-L 8080 to db:5432").
  void set_label(std::string label) { label_ = std::move(label); }

  uint64_t channel() const { return channel_; }
  uint64_t bytes_up() const { return bytes_up_; }      // socket -> channel
  uint64_t bytes_down() const { return bytes_down_; }  // channel -> socket

 private:
  void Close(channel::Mux* mux);

  uint64_t channel_;
  UniqueFd fd_;
  bool connecting_;
  bool read_open_ = true;   // socket -> channel
  bool write_open_ = true;  // channel -> socket
  bool want_read_ = true;
  std::string to_socket_;
  uint64_t bytes_up_ = 0;
  uint64_t bytes_down_ = 0;
  bool done_ = false;
  std::string label_;
  std::vector<std::string> messages_;
};

}  // namespace roam::service

#endif  // ROAM_SERVICE_SOCKET_BRIDGE_H_
