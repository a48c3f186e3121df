// RelayedSession: the usual end-to-end set-up of roam over an emulated
// link. roam-server (this build, or another server program) runs `env PS1=<prompt> /bin/sh` on
// loopback, a netsim UDP relay with a given profile sits in front of it on
// its own thread, and roam-client (this build) runs in a tmux pane talking to
// the relay, with local echo off (MOSH_PREDICTION_DISPLAY=never): what the
// pane shows came from the server.
//
// Start() waits (bounded) for the first prompt; Context() is a readable
// dump for assertion messages. Everything started is owned here and ended
// by PID when the object goes.

#ifndef ROAM_TESTS_E2E_COMMON_RELAYED_SESSION_H_
#define ROAM_TESTS_E2E_COMMON_RELAYED_SESSION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "e2e/common/detached_server.h"
#include "e2e/common/relay_thread.h"
#include "netsim/profile.h"
#include "support/tmux_session.h"

namespace roam::testing {

struct RelayedSessionOptions {
  std::string prompt;  // PS1 of the shell, e.g. "e2e$ "
  int cols = 80;
  int rows = 24;
  netsim::Profile profile;
  uint64_t seed = 1;
  std::chrono::milliseconds connect_timeout{20000};
  // Added to the environment of both the server and the client
  // ("NAME=VALUE").
  std::vector<std::string> env;
  // The pane's history-limit (0: tmux's default).
  int history_limit = 0;
  // The server program: this build's roam-server unless set (e.g. the
  // stock "mosh-server", found on PATH).
  std::string server_program;
};

class RelayedSession {
 public:
  RelayedSession() = default;
  RelayedSession(const RelayedSession&) = delete;
  RelayedSession& operator=(const RelayedSession&) = delete;

  // Starts all three and waits until the prompt shows in the pane. Returns
  // "" on success, else what failed (with the pane's content when there is
  // one). REQUIRES: called once.
  std::string Start(const RelayedSessionOptions& options);

  DetachedServer& server() { return server_; }
  RelayThread& relay() { return *relay_; }
  TmuxSession& pane() { return *pane_; }
  const std::string& client_command() const { return command_; }

  // The client command, the pane's text and the relay's counters.
  std::string Context();

 private:
  std::string name_;
  DetachedServer server_;
  std::unique_ptr<RelayThread> relay_;
  std::unique_ptr<TmuxSession> pane_;
  std::string command_;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_RELAYED_SESSION_H_
