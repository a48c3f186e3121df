// ServerSession: the event loop of roam-server once it has detached.
//
// It joins the pieces of the server side: the UDP endpoint and the SSP
// transport (a ScreenState out, a UserStream in), the pty child running
// the user's program, the terminal emulator over its output, the echo-ack
// tracker, the frame pacer and the server timeouts. Per round it:
//   * feeds datagrams to the transport; new user events go to the pty
//     (keys after the cursor-key rewrite of docs/protocol.md §6.2, resizes as
//     TIOCSWINSZ + emulator resize), the first one releases the child;
//   * feeds pty output to the emulator and the emulator's query replies back
//     to the pty (never to the client);
//   * pushes the screen into the transport at the frame pacer's rhythm and
//     the echo-ack when it moves;
//   * ends the session through the shutdown handshake when the program exits,
//     on SIGTERM/SIGINT (and SIGUSR1 per MOSH_SERVER_SIGNAL_TMOUT), or when
//     MOSH_SERVER_NETWORK_TMOUT runs out; exits when no client came within
//     60 s.
// Logic that can be tested without a pty lives in the pieces; this file is
// wiring and is exercised by the end-to-end and interop tests.

#ifndef ROAM_SESSION_SERVER_SESSION_H_
#define ROAM_SESSION_SERVER_SESSION_H_

#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "crypto/key.h"
#include "net/udp_endpoint.h"
#include "session/channel_policy.h"
#include "session/pty_child.h"
#include "session/server_timeouts.h"
#include "term/emulator.h"

namespace roam::session {

struct ServerSessionConfig {
  PtyChildOptions child;  // program, TERM colours, initial size, environment
  ChannelPolicy policy;   // which channels roam clients may open
  // Give the session an SSH_AUTH_SOCK whose connections go to the client's
  // ssh agent (a socket in a private 0700 directory, removed at the end).
  bool forward_agent = false;
  // A TCP listener for framed-datagram streams (--tcp), or invalid.
  UniqueFd tcp_listener;
  ServerTimeoutConfig timeouts;
  bool verbose = false;
  // History lines kept for native scrollback; 0: off.
  size_t scrollback_lines = term::EmulatorOptions().scrollback_lines;
};

class ServerSession {
 public:
  // Takes the bound endpoint and the session key. The child is started by Run().
  ServerSession(crypto::Key key, net::UdpEndpoint endpoint, ServerSessionConfig config);
  ~ServerSession();

  // Runs until the session ends. Returns the process exit status: 0 after a
  // clean end (shutdown handshake, or no client ever came), 1 on errors.
  int Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_SERVER_SESSION_H_
