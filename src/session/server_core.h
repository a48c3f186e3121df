// ServerCore: every decision roam-server makes about a running session, as a
// sans-I/O state machine (events and `now` in; datagrams, pty input, pty
// resizes and the end of the session out; a deadline for the next call).
//
// It owns the SSP transport (a ScreenState out, a UserStream in), the
// terminal emulator over the program's output, the echo-ack tracker, the
// frame pacer, the server timeouts, the roam handshake and, once a roam
// client said Hello, the channel multiplexer with its policy table and test
// services. It never touches a socket, a pty, a signal or a clock: the
// adapter (ServerSession) reads them and calls in, and the integration
// tests drive the same core over a fake link on a fake clock.
//
// Per event:
//   * Receive: authenticated datagrams go to the transport; new user
//     events are decoded once, straight from the received states: keys
//     (after the cursor-key rewrite) queue up as pty input, resizes resize
//     the emulator and ask the adapter to resize the pty, a Hello from a
//     roam client is answered with the Welcome; channel packets go to the
//     multiplexer;
//   * OnPtyOutput: the program's bytes go to the emulator; its query
//     replies queue up as pty input (never to the client);
//   * OnTtyModes: the pty's echo state, for a roam client's predictions;
//   * Tick: the echo-ack and the frame pacer push the screen into the
//     synced state; the end of the program, a signal, the network timeout
//     or no client at all start the shutdown handshake; then the screen
//     state and keystroke acks go out first, channel packets after them.

#ifndef ROAM_SESSION_SERVER_CORE_H_
#define ROAM_SESSION_SERVER_CORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "channel/mux.h"
#include "crypto/key.h"
#include "net/connection.h"
#include "session/channel_policy.h"
#include "session/server_timeouts.h"
#include "ssp/transport.h"
#include "state/screen_state.h"
#include "state/user_stream.h"
#include "term/emulator.h"

namespace roam::session {

using ServerTransport = ssp::Transport<state::ScreenState, state::UserStream>;

struct ServerCoreConfig {
  int cols = 80;
  int rows = 24;
  ServerTimeoutConfig timeouts;
  // Answer a roam client's Hello (off: behave exactly like mosh-server).
  bool roam_extensions = true;
  // History lines kept for native scrollback (docs/protocol.md §8.5); 0
  // turns the feature off.
  size_t scrollback_lines = term::EmulatorOptions().scrollback_lines;
  channel::MuxConfig channels;
  ChannelPolicy policy;
};

struct ServerCoreStats {
  uint64_t dropped_input_bytes = 0;  // typed while the program did not read
  uint64_t channels_refused = 0;
  uint64_t bad_channel_requests = 0;
};

class ServerCore {
 public:
  // REQUIRES: `random` outlives the core; config sizes within the emulator's
  // limits.
  ServerCore(crypto::Key key, ServerCoreConfig config, Random* random, TimePoint now);
  ~ServerCore();
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;

  // ---- events ----

  // One datagram from the network (the UdpPump interface).
  void Receive(std::string_view datagram, const net::Address& from, int socket_id, bool ecn_ce,
               TimePoint now);
  // The program wrote `bytes`.
  void OnPtyOutput(std::string_view bytes, TimePoint now);
  // The pty is closed (EOF or EIO): the program and all it started are gone.
  void OnPtyClosed(TimePoint now);
  // The program ended with `status` (exit code, or 128 + signal). A roam
  // client is told before the session shuts down (docs/protocol.md §8.3).
  void OnProgramExit(int status, TimePoint now);
  // SIGTERM, SIGINT or SIGUSR1 arrived.
  void OnSignal(int signal, TimePoint now);
  // The pty's echo state as the adapter just read it (session/tty_modes.h).
  // The adapter reads it after pty output, after writing input and at every
  // wake-up: NextWakeup asks for one whenever the modes may have changed
  // without output. A roam client that asked for echo hints is sent it
  // (docs/protocol.md §8.4); for anyone else it is only kept.
  void OnTtyModes(const state::EchoHint& modes, TimePoint now);

  // Runs the timers and returns the datagrams to send now: screen state
  // first, then channel packets (the UdpPump interface).
  std::vector<net::OutgoingDatagram> Tick(TimePoint now);
  // When Tick should next run (never before `now`).
  TimePoint NextWakeup(TimePoint now) const;
  // The datagram layer, for the socket adapter (EMSGSIZE, sockets to close).
  net::Connection& connection() { return transport_->connection(); }

  // ---- actions ----

  // Bytes for the pty, oldest first; the adapter writes what it can and
  // reports it with ConsumePtyInput (what the program prints next may be
  // its echo, which the frame pacer pushes sooner).
  const std::string& pty_input() const { return pty_input_; }
  void ConsumePtyInput(size_t n, TimePoint now);
  // A window size for the pty, once per change.
  std::optional<std::pair<int, int>> TakePtyResize() { return std::exchange(pty_resize_, {}); }
  // Channels accepted by the policy whose service needs the operating
  // system (a command, a socket): the adapter starts each and accepts or
  // refuses its channel.
  struct ServiceRequest {
    uint64_t channel = 0;
    RoamChannel::OpenRequest request;
  };
  std::vector<ServiceRequest> TakeServiceRequests() { return std::exchange(service_requests_, {}); }
  // The program may start: the first client state has been applied.
  bool release_child() const { return release_child_; }
  // False once a roam client asked for a session without a terminal: the
  // program must never run, and the pty's end does not end the session.
  bool wants_program() const { return wants_program_; }
  // The session is over; exit with exit_status().
  bool done() const { return done_; }
  int exit_status() const { return exit_status_; }
  // The client's host for utmp while a client is attached, else "".
  std::string AttachedHost(TimePoint now) const;

  // ---- introspection ----
  const term::Emulator& emulator() const { return *emulator_; }
  const ServerTransport& transport() const { return *transport_; }
  ServerTransport& transport() { return *transport_; }
  // The channel multiplexer, once a roam client negotiated channels.
  channel::Mux* mux() { return mux_.get(); }
  const ServerCoreStats& stats() const { return stats_; }
  bool roam_peer() const { return roam_peer_; }
  // The client asked for native scrollback and this server agreed.
  bool history_on() const { return history_on_; }

 private:
  void HandleUserEvents(TimePoint now);
  void HandleHello(const state::RoamHello& hello, TimePoint now);
  void HandleChannels(TimePoint now);
  void StartShutdown(TimePoint now);
  void CheckEnd(TimePoint now);

  ServerCoreConfig config_;
  std::unique_ptr<term::Emulator> emulator_;
  std::unique_ptr<ServerTransport> transport_;
  class Pieces;
  std::unique_ptr<Pieces> pieces_;  // echo-ack, pacer, timeouts, services
  std::unique_ptr<channel::Mux> mux_;

  std::string pty_input_;
  std::optional<std::pair<int, int>> pty_resize_;
  std::vector<ServiceRequest> service_requests_;
  uint64_t consumed_remote_num_ = 0;
  uint64_t last_roamed_ = 0;
  bool release_child_ = false;
  bool wants_program_ = true;
  bool pty_open_ = true;
  TimePoint pty_closed_at_{};
  bool program_exited_ = false;
  bool roam_peer_ = false;
  bool history_on_ = false;
  bool done_ = false;
  int exit_status_ = 0;
  std::string last_remote_;
  ServerCoreStats stats_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_SERVER_CORE_H_
