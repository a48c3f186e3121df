// ControlClient: `roam host -- command` through a session that another roam
// process of this user already has with that host (client/control_socket.h):
// no ssh, no new server, no new session — one open request on the control
// socket, the server's answer, then the command's exec records (docs/
// protocol.md §9.11) both ways, with this process's stdin, stdout and
// stderr joined to them exactly as in a session of its own (StdioPump).
//
// The command's exit status is returned (128 + N for signal N); roam's own
// failures (the request refused, the serving session gone before the
// command ended) are 255 with one line on stderr. The first SIGINT,
// SIGTERM or SIGHUP goes to the command; another ends roam.

#ifndef ROAM_CLIENT_CONTROL_CLIENT_H_
#define ROAM_CLIENT_CONTROL_CLIENT_H_

#include <string>

#include "base/unique_fd.h"

namespace roam::client {

struct ControlClientConfig {
  std::string request;      // the serialized exec OpenRequest
  bool stdin_null = false;  // ssh -n
  std::string program = "roam";
  bool verbose = false;
};

// Runs the command over `socket` (connected by ConnectControl). Returns its
// exit status, or 255.
int RunControlClient(UniqueFd socket, const ControlClientConfig& config);

}  // namespace roam::client

#endif  // ROAM_CLIENT_CONTROL_CLIENT_H_
