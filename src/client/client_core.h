// ClientCore: every decision roam-client makes about a running session, as a
// sans-I/O state machine (datagrams, the user's keys, window sizes and
// signals in, with `now`; datagrams and the bytes that draw the user's
// terminal out; a deadline for the next call).
//
// It owns the SSP transport (a UserStream out, a ScreenState in), the
// escape key, the prediction engine, the notification bar, the connect
// phase, the display diff from the last drawn frame, the roam handshake
// and, once the server welcomed us, the channel multiplexer. It never
// touches a terminal, a socket or a clock: ClientSession reads them and
// calls in, and the integration tests drive the same core on a fake clock.
//
// Its first state announces the window size and, unless extensions are
// off, a Hello (docs/protocol.md §8.1). A stock mosh-server ignores the
// Hello; nothing else beyond Mosh 1.4 is sent until a Welcome arrives.

#ifndef ROAM_CLIENT_CLIENT_CORE_H_
#define ROAM_CLIENT_CLIENT_CORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "channel/mux.h"
#include "client/escape_key.h"
#include "client/local_screen.h"
#include "crypto/key.h"
#include "net/address.h"
#include "net/connection.h"
#include "predict/prediction_engine.h"
#include "ssp/transport.h"
#include "state/screen_state.h"
#include "state/user_stream.h"
#include "term/display.h"
#include "wire/channel_open.pb.h"

namespace roam::client {

using ClientTransport = ssp::Transport<state::UserStream, state::ScreenState>;

struct ClientCoreConfig {
  net::Address server;
  int cols = 80;  // the user's window when the session starts
  int rows = 24;
  predict::DisplayMode predict_mode = predict::DisplayMode::kAdaptive;
  bool predict_overwrite = false;
  EscapeKeyConfig escape;
  term::DisplayCapabilities display = term::DisplayCapabilities::Client(true, true, true, "");
  std::string program = "roam";  // in messages: "roam: Last contact ..."
  // Printed when the server never answered; empty: the Mosh-style text of
  // predict::ConnectFailureText.
  std::string connect_failure_message;
  // Say Hello to the server (off: behave exactly like mosh-client).
  bool roam_extensions = true;
  // No terminal: ask a roam server not to run its program (channels only).
  bool no_terminal = false;
  // Native scrollback (docs/protocol.md §8.5): with a roam server that
  // agrees, draw in the normal screen and write the session's history into
  // the terminal's own, catching up on at most this many lines; 0: off.
  size_t scrollback_lines = 10000;
  // The terminal's alternate screen (terminfo smcup / rmcup), used when
  // there is no native scrollback; "" when none (or MOSH_NO_TERM_INIT).
  std::string alternate_screen_enter;
  std::string alternate_screen_exit;
  channel::MuxConfig channels;
};

// How the session ended, for the adapter to print and return.
struct ClientOutcome {
  int exit_status = 0;
  std::string message;  // for stderr, may be empty
};

class ClientCore {
 public:
  // REQUIRES: `random` outlives the core.
  ClientCore(crypto::Key key, ClientCoreConfig config, Random* random, TimePoint now);
  ~ClientCore();
  ClientCore(const ClientCore&) = delete;
  ClientCore& operator=(const ClientCore&) = delete;

  // ---- events ----

  // One datagram from the network (the UdpPump interface).
  void Receive(std::string_view datagram, const net::Address& from, int socket_id, bool ecn_ce,
               TimePoint now);
  // Bytes the user typed (raw, before the escape key).
  void OnUserInput(std::string_view bytes, TimePoint now);
  // The user's input ended (EOF or an error on stdin).
  void OnInputClosed(TimePoint now);
  // The user's window is now `cols` x `rows`.
  void OnWindowSize(int cols, int rows, TimePoint now);
  // SIGTERM, SIGINT, SIGHUP or SIGPIPE: end the session. SIGCONT: repaint.
  void OnSignal(int signal, TimePoint now);
  // The terminal was given back and taken again (suspend): repaint all.
  void OnResumed(TimePoint now);
  // Ends the session (the shutdown handshake) on the program's own account,
  // e.g. when the channel it ran is done.
  void Quit(TimePoint now) { StartShutdown(now, "Exiting..."); }
  // The outcome of the adapter's latest sends: `error` is OK when they
  // succeeded, else the error to show on the bar.
  void OnSendStatus(const Status& error, TimePoint now);

  // Runs the timers and returns the datagrams to send now: the user's
  // state first, then channel packets (the UdpPump interface).
  std::vector<net::OutgoingDatagram> Tick(TimePoint now);
  // When Tick (and Draw) should next run (never before `now`).
  TimePoint NextWakeup(TimePoint now) const;
  net::Connection& connection() { return transport_->connection(); }

  // ---- actions ----

  // The bytes that bring the user's terminal to remote screen + predictions
  // (+ the notification bar when `with_bar`), from what was drawn last.
  std::string Draw(TimePoint now, bool with_bar);
  // The user asked to suspend (escape key, Ctrl-Z): the adapter gives the
  // terminal back, stops, and calls OnResumed.
  bool TakeSuspendRequest() { return std::exchange(suspend_requested_, false); }
  bool done() const { return done_; }
  // REQUIRES: done().
  ClientOutcome Outcome() const;

  // ---- introspection ----
  const ClientTransport& transport() const { return *transport_; }
  ClientTransport& transport() { return *transport_; }
  const predict::PredictionEngine& prediction() const { return prediction_; }
  // The channel multiplexer, once the server welcomed channels.
  channel::Mux* mux() { return mux_.get(); }
  // How the server's program ended, when a roam server said so.
  const std::optional<int>& program_exit() const {
    return transport_->latest_remote_state().program_exit();
  }
  // The server's final screen as plain terminal output (rows as text with
  // their renditions, down to the last row that is not blank), for leaving
  // a command's output on the user's terminal after the session.
  std::string FinalScreenText() const;
  // Channels the server opened (remote forwards' connections, the agent),
  // for the adapter to answer. Requests that do not parse are refused here.
  struct IncomingChannel {
    uint64_t id = 0;
    RoamChannel::OpenRequest request;
  };
  std::vector<IncomingChannel> TakeIncomingChannels() { return std::exchange(incoming_, {}); }
  // Shows `message` on the notification bar for a while.
  void Notify(const std::string& message, TimePoint now);
  // How the terminal is used: the alternate screen, or the normal one with
  // native scrollback (undecided until the server's first state).
  const LocalScreen& screen() const { return *screen_; }
  // After the session's last frame: puts the cursor on a line of its own
  // below what the normal screen shows ("" otherwise).
  std::string LeaveText() const { return screen_->LeaveText(last_drawn_); }
  // The server's Welcome (invalid until a roam server answered).
  const state::RoamHello& welcome() const { return transport_->latest_remote_state().welcome(); }
  bool ever_connected() const { return ever_connected_; }

 private:
  class Pieces;
  void StartShutdown(TimePoint now, const std::string& why);
  Duration HistorySettle() const;
  void HandleRemoteState(TimePoint now);

  ClientCoreConfig config_;
  std::unique_ptr<ClientTransport> transport_;
  std::unique_ptr<Pieces> pieces_;  // display, bar, connect phase, escape key
  predict::PredictionEngine prediction_;
  std::unique_ptr<channel::Mux> mux_;
  std::unique_ptr<LocalScreen> screen_;
  std::vector<IncomingChannel> incoming_;

  std::optional<term::Framebuffer> last_drawn_;  // what the terminal shows
  bool repaint_ = true;                          // next draw is a full redraw
  uint64_t seen_remote_num_ = 0;
  bool ever_connected_ = false;
  bool gave_up_ = false;
  bool input_open_ = true;
  bool suspend_requested_ = false;
  bool done_ = false;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_CLIENT_CORE_H_
