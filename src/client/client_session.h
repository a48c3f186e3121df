// ClientSession: the event loop of roam-client (and of `roam` once the
// server has been started).
//
// It joins the client side: the raw terminal, the escape key, the SSP
// transport (a UserStream out, a ScreenState in) over a UDP endpoint,
// the prediction engine and the notification bar, and draws
// (remote screen + predictions + bar) on the user's terminal with the
// display diff in client mode. It ends on a clean shutdown handshake (exit
// status 0), on the user's request through the escape key, on signals, or
// when the server never answered (exit status 1), and always gives the
// terminal back as it found it.

#ifndef ROAM_CLIENT_CLIENT_SESSION_H_
#define ROAM_CLIENT_CLIENT_SESSION_H_

#include <memory>
#include <string>

#include "client/client_forwarding.h"
#include "client/datagram_paths.h"
#include "client/escape_key.h"
#include "client/path_selector.h"
#include "crypto/key.h"
#include "net/address.h"
#include "predict/prediction_engine.h"

namespace roam::client {

struct ClientSessionConfig {
  net::Address server;
  predict::DisplayMode predict_mode = predict::DisplayMode::kAdaptive;
  bool predict_overwrite = false;
  EscapeKeyConfig escape;
  std::string term;           // $TERM, for terminfo
  std::string title_prefix;   // "[roam] ", or "" with MOSH_TITLE_NOPREFIX
  bool no_term_init = false;  // MOSH_NO_TERM_INIT: no smcup/rmcup
  // Native scrollback with a roam server (docs/protocol.md §8.5): history
  // lines caught up on at most; 0 keeps Mosh's alternate screen.
  size_t scrollback_lines = 10000;
  bool clipboard_writes = true;  // false: OSC 52 from the server is not passed on
  std::string program = "roam";  // in messages: "roam: Last contact ..."
  // Printed when the server never answered; empty: the Mosh-style text of
  // predict::ConnectFailureText.
  std::string connect_failure_message;
  // The session runs a command the user gave: its output stays on the
  // terminal afterwards and its exit status is roam's.
  bool command_given = false;
  ForwardingOptions forwarding;  // -L, -R, -D, -A
  // How datagrams travel (docs/protocol.md §10): `transport` chooses; the
  // bootstrap's stream (--ssh-stream) comes in `initial_stream`; more are
  // opened through `stream_opener` when needed.
  TransportMode transport = TransportMode::kUdp;
  DatagramPaths::Opener stream_opener;
  std::optional<OpenedStream> initial_stream;
};

class ClientSession {
 public:
  ClientSession(crypto::Key key, ClientSessionConfig config);
  ~ClientSession();

  // Runs the session on stdin/stdout. Returns the process exit status.
  int Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_CLIENT_SESSION_H_
