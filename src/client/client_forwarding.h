// ClientForwarding: the client's ends of -L, -R, -D and -A, for every kind
// of session (with a terminal, a command, or -N).
//
//   -L, -D  listeners here, bound at start; each connection becomes a
//           Connect channel (for -D after its SOCKS5 handshake);
//   -R      a Listen channel per forward, opened once the server welcomed
//           channels; the server's connections come back as Forwarded
//           channels, which are joined to connections made here;
//   -A      the server's agent connections come back as Agent channels,
//           joined to this side's SSH_AUTH_SOCK. Agent channels are refused
//           unless -A was given.
//   control the control socket through which other roam commands of this
//           user open their command channels on this session
//           (client/control_socket.h, control_master.h).
//
// Messages for the user ("Allocated port N for remote forward to ...", a
// forward the server refused) are collected for the adapter to show.

#ifndef ROAM_CLIENT_CLIENT_FORWARDING_H_
#define ROAM_CLIENT_CLIENT_FORWARDING_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "client/client_core.h"
#include "service/fd_service.h"
#include "service/forward_spec.h"

namespace roam::client {

struct ForwardingOptions {
  std::vector<service::ForwardSpec> forwards;
  bool agent = false;        // -A
  std::string agent_socket;  // this side's SSH_AUTH_SOCK
  // Serve other roam commands through this session at this control socket
  // (client/control_socket.h) once the server has welcomed channels; empty:
  // serve none.
  std::string control_path;
  bool verbose = false;  // say under -v why the control socket was not made
  // -L, -R, -D or -A asked for (the control socket is not among them).
  bool empty() const { return forwards.empty() && !agent; }
};

class ClientForwarding {
 public:
  explicit ClientForwarding(ForwardingOptions options);
  ~ClientForwarding();

  // Binds the local listeners (-L, -D). Errors: the first bind that failed
  // (kIoError, "bind 127.0.0.1:8080: Address already in use"-style).
  Status Start();

  void AddPollFds(std::vector<pollfd>* fds) const;
  // Runs everything once the channels exist (`mux` non-null), answering the
  // server's channels in `incoming`.
  void Run(channel::Mux* mux, std::vector<ClientCore::IncomingChannel> incoming,
           const std::vector<pollfd>& fds, TimePoint now);
  // The session is ending.
  void Abort();
  std::vector<std::string> TakeMessages() { return std::exchange(messages_, {}); }

 private:
  struct Remote {
    uint32_t number = 0;
    service::ForwardSpec spec;
    std::optional<uint64_t> channel;
    std::string answer;  // the bound port (varint) after acceptance
    bool reported = false;
  };

  void OpenRemotes(channel::Mux* mux, TimePoint now);
  void StartControl();
  void WatchRemotes(channel::Mux* mux);
  void Answer(channel::Mux* mux, ClientCore::IncomingChannel incoming);

  ForwardingOptions options_;
  std::vector<std::unique_ptr<service::FdService>> services_;
  std::vector<Remote> remotes_;
  bool remotes_opened_ = false;
  bool control_started_ = false;
  std::vector<std::string> messages_;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_CLIENT_FORWARDING_H_
