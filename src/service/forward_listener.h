// ForwardListener and SocksConnection: the listening ends of forwards.
//
// A ForwardListener owns a listening socket; each connection it accepts is
// handed to a factory that opens a channel for it and returns the service
// that carries it (a SocketBridge, or a SocksConnection for -D). On the
// server (-R) the listener belongs to the client's Listen channel and stops
// when that channel ends. A Unix-socket listener removes its socket file
// when it goes.
//
// A SocksConnection runs the SOCKS5 handshake on an accepted connection,
// opens a Connect channel to the target it names, answers the SOCKS client
// with the outcome, and then hands the connection to a SocketBridge.

#ifndef ROAM_SERVICE_FORWARD_LISTENER_H_
#define ROAM_SERVICE_FORWARD_LISTENER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "service/fd_service.h"
#include "service/socks5.h"

namespace roam::service {

class ForwardListener final : public FdService {
 public:
  // Opens a channel for a connection from `origin` and returns its service,
  // or nullptr (the connection is then closed).
  using Factory = std::function<std::unique_ptr<FdService>(
      channel::Mux* mux, UniqueFd connection, const std::string& origin, TimePoint now)>;

  // `control`: the channel whose end ends the listener (server side of -R).
  // `unix_path`: the socket file to remove when the listener goes (if it is
  // still the file that was there when the listener was made).
  ForwardListener(UniqueFd listener, Factory factory, std::optional<uint64_t> control,
                  std::string unix_path = "");
  ~ForwardListener() override;

  void AddPollFds(std::vector<pollfd>* fds) const override;
  void Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) override;
  bool done() const override { return done_; }
  void Abort() override;
  std::vector<std::unique_ptr<FdService>> TakeSpawned() override {
    return std::exchange(spawned_, {});
  }

 private:
  UniqueFd listener_;
  Factory factory_;
  std::optional<uint64_t> control_;
  std::string unix_path_;
  std::optional<std::pair<dev_t, ino_t>> unix_file_;  // the socket file we made
  std::vector<std::unique_ptr<FdService>> spawned_;
  bool done_ = false;
};

class SocksConnection final : public FdService {
 public:
  explicit SocksConnection(UniqueFd connection) : fd_(std::move(connection)) {}

  void AddPollFds(std::vector<pollfd>* fds) const override;
  void Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) override;
  bool done() const override { return done_; }
  void Abort() override;
  std::vector<std::unique_ptr<FdService>> TakeSpawned() override {
    return std::exchange(spawned_, {});
  }
  std::vector<std::string> TakeMessages() override { return std::exchange(messages_, {}); }

 private:
  void Answer(const std::string& bytes);

  UniqueFd fd_;
  Socks5Server socks_;
  std::optional<uint64_t> channel_;
  std::string leftover_;
  std::vector<std::unique_ptr<FdService>> spawned_;
  std::vector<std::string> messages_;
  bool done_ = false;
};

// The request of a Connect channel to `target`.
std::string ConnectRequest(const Endpoint& target);

}  // namespace roam::service

#endif  // ROAM_SERVICE_FORWARD_LISTENER_H_
