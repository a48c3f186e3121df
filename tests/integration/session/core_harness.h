// CoreHarness: the real roam-client core and roam-server core in one
// process, joined by two seeded netsim::LinkModel directions on a FakeClock.
//
// Everything above the sockets is the production code: the SSP transport,
// the terminal emulator, the frame pacer, the echo-ack, the prediction
// engine, the handshake and the channel multiplexer. What stands in for the
// outside world:
//   * the program on the pty is a ShellModel (shell_model.h): a shell that
//     echoes what is typed and prints a prompt after Enter, with the echo
//     state a real pty would have, which the server core reads every turn
//     of the loop as roam-server's adapter does;
//   * the client's sockets are ids, seen by the server as 127.0.0.1 ports
//     40000 + 10 * id + nat_shift; changing nat_shift is a NAT rebinding;
//   * the user's terminal is a term::Emulator fed with what the client
//     draws, so a test can read what the user sees; it keeps its history
//     the way tmux does (history mode, and TmuxResize brings history lines
//     back when it grows), so native scrollback can be checked against it.
// The loop always advances the clock to the earliest of the two cores'
// deadlines, the next packet arrival and the caller's limit. No sleeps, no
// sockets: a seed gives the same run every time.

#ifndef ROAM_TESTS_INTEGRATION_SESSION_CORE_HARNESS_H_
#define ROAM_TESTS_INTEGRATION_SESSION_CORE_HARNESS_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "client/client_core.h"
#include "crypto/key.h"
#include "integration/session/shell_model.h"
#include "netsim/link_model.h"
#include "session/server_core.h"
#include "term/emulator.h"

namespace roam::testing {

inline crypto::Key HarnessKey() { return crypto::Key::FromBytes("roam-core-key-16"); }
inline net::Address HarnessServerAddr() { return *net::Address::Parse("127.0.0.1", 60001); }

// Text of row `r` of `fb`, trailing blanks removed.
inline std::string RowText(const term::Framebuffer& fb, int r) {
  std::string text;
  for (int c = 0; c < fb.width(); ++c) {
    std::string cell = fb.row(r).CellText(c);
    text += cell.empty() ? " " : cell;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// A terminal emulator that keeps its history as tmux does (history mode).
inline term::EmulatorOptions TerminalOptions() {
  term::EmulatorOptions options;
  options.history_mode = true;
  options.scrollback_lines = 100000;
  return options;
}

// Resizes `t` as tmux resizes a pane: a shrink by the emulator's history
// mode (rows below the cursor first, then rows off the top into the
// history); a grow first brings the newest history lines back onto the
// top of the screen, moving the cursor down with them.
inline void TmuxResize(term::Emulator* t, int cols, int rows) {
  const int old_rows = t->fb().height();
  if (rows <= old_rows) {
    t->Resize(cols, rows);
    return;
  }
  term::Scrollback* sb = t->mutable_scrollback();
  const size_t back = std::min(static_cast<size_t>(rows - old_rows), sb->size());
  std::vector<term::Row> lines;
  std::vector<std::string> kept;
  for (size_t i = 0; i < sb->size(); ++i) {
    if (i + back < sb->size()) {
      kept.emplace_back(sb->EncodedLine(i));
    } else {
      lines.push_back(sb->Line(i));
    }
  }
  sb->Clear();
  for (const std::string& line : kept) sb->PushEncoded(line);
  t->Resize(cols, rows);
  term::Framebuffer* fb = t->mutable_fb();
  const int n = static_cast<int>(back);
  fb->InsertLines(0, n, 0, rows - 1, term::kDefaultColor);
  for (int i = 0; i < n; ++i) {
    lines[static_cast<size_t>(i)].Resize(cols, term::kDefaultColor);
    fb->SetRow(i, std::make_shared<term::Row>(lines[static_cast<size_t>(i)]));
  }
  fb->mutable_ds()->cursor_row += n;
}

struct CoreHarnessOptions {
  netsim::LinkConfig up;    // client -> server
  netsim::LinkConfig down;  // server -> client
  int cols = 80;
  int rows = 24;
  bool client_extensions = true;
  bool server_extensions = true;
  bool no_terminal = false;  // the client asks for a session without a terminal
  bool draw = true;          // feed the client's output to the user's terminal
  ShellModel::Style shell = ShellModel::Style::kCanonical;
  // Native scrollback: the history each side keeps (0: off).
  size_t client_scrollback = 10000;
  size_t server_scrollback = 10000;
  // The client's alternate screen sequences (smcup / rmcup).
  std::string alternate_enter = "\x1b[?1049h";
  std::string alternate_exit = "\x1b[?1049l";
  channel::MuxConfig channels;
};

class CoreHarness {
 public:
  CoreHarness(uint64_t seed, CoreHarnessOptions options)
      : options_(options),
        client_random_(seed * 3 + 1),
        server_random_(seed * 7 + 2),
        up_(options.up, seed * 11 + 3, clock_.Now()),
        down_(options.down, seed * 13 + 4, clock_.Now()),
        client_(HarnessKey(), ClientConfig(options), &client_random_, clock_.Now()),
        server_(HarnessKey(), ServerConfig(options), &server_random_, clock_.Now()),
        terminal_(options.cols, options.rows, TerminalOptions()),
        shell_(options.shell) {
    open_sockets_.insert(0);
  }

  TimePoint Now() const { return clock_.Now(); }
  client::ClientCore& client() { return client_; }
  session::ServerCore& server() { return server_; }
  netsim::LinkModel& up() { return up_; }
  netsim::LinkModel& down() { return down_; }
  // What the user's terminal shows.
  const term::Emulator& terminal() const { return terminal_; }
  // The program on the pty.
  ShellModel& shell() { return shell_; }
  const term::Framebuffer& remote_screen() {
    return client_.transport().latest_remote_state().fb();
  }

  void Type(std::string_view keys) { client_.OnUserInput(keys, clock_.Now()); }
  // The program on the pty writes `bytes` (besides what the ShellModel says).
  void ProgramWrite(std::string_view bytes) {
    program_output_.append(bytes);
    server_.OnPtyOutput(bytes, clock_.Now());
  }
  // Everything the program wrote, in order.
  const std::string& program_output() const { return program_output_; }
  // The user resizes the window: the terminal resizes as tmux does, then
  // the client hears of it.
  void ResizeWindow(int cols, int rows) {
    TmuxResize(&terminal_, cols, rows);
    client_.OnWindowSize(cols, rows, clock_.Now());
  }
  void set_nat_shift(uint16_t shift) { nat_shift_ = shift; }
  // Both directions drop everything for `d` from now.
  void Blackout(Duration d) {
    up_.AddOutageNow(clock_.Now(), d);
    down_.AddOutageNow(clock_.Now(), d);
  }

  // Called every loop turn after deliveries, before the cores send.
  std::function<void(TimePoint)> application;

  net::Address ClientAddr(int socket_id) const {
    return *net::Address::Parse("127.0.0.1",
                                static_cast<uint16_t>(40000 + 10 * socket_id + nat_shift_));
  }

  void Step(TimePoint until) {
    TimePoint now = clock_.Now();
    TimePoint next = std::min({client_.NextWakeup(now), server_.NextWakeup(now), until});
    if (!arrivals_.empty()) next = std::min(next, arrivals_.begin()->first.first);
    clock_.Set(std::max(now, next));
    now = clock_.Now();

    while (!arrivals_.empty() && arrivals_.begin()->first.first <= now) {
      auto node = arrivals_.extract(arrivals_.begin());
      Arrival& a = node.mapped();
      if (a.to_server) {
        server_.Receive(a.bytes, a.from, 0, false, now);
      } else {
        const int socket = SocketFor(a.to);
        if (socket < 0) {
          ++undeliverable_;
          continue;
        }
        client_.Receive(a.bytes, HarnessServerAddr(), socket, false, now);
      }
    }
    RunProgram(now);
    if (application) application(now);
    for (net::OutgoingDatagram& d : client_.Tick(now)) {
      open_sockets_.insert(d.socket_id);
      Send(&up_, true, std::move(d.bytes), ClientAddr(d.socket_id), d.to, now);
    }
    for (net::OutgoingDatagram& d : server_.Tick(now)) {
      Send(&down_, false, std::move(d.bytes), HarnessServerAddr(), d.to, now);
    }
    for (int closed : client_.connection().TakeSocketsToClose(now)) open_sockets_.erase(closed);
    RunProgram(now);  // a screen pushed by Tick may have released the program
    if (options_.draw) terminal_.Write(client_.Draw(now, /*with_bar=*/true));
    ++steps_;
  }

  // Runs until `t`, or until `stop()` holds; returns whether it held (or,
  // without `stop`, true).
  bool RunUntil(TimePoint t, const std::function<bool()>& stop = nullptr) {
    for (uint64_t guard = 0; guard < 20'000'000; ++guard) {
      if (stop && stop()) return true;
      if (clock_.Now() >= t) return stop ? stop() : true;
      Step(t);
    }
    ADD_FAILURE() << "event loop did not progress";
    return false;
  }
  bool RunFor(Duration d, const std::function<bool()>& stop = nullptr) {
    return RunUntil(clock_.Now() + d, stop);
  }

  uint64_t steps() const { return steps_; }
  uint64_t undeliverable() const { return undeliverable_; }
  uint64_t datagrams_to_server() const { return sent_[1]; }
  uint64_t datagrams_to_client() const { return sent_[0]; }
  // Every datagram a side put on the link (for captures).
  std::function<void(bool to_server, const std::string&)> on_send;

 private:
  struct Arrival {
    std::string bytes;
    net::Address from;
    net::Address to;
    bool to_server;
  };

  static client::ClientCoreConfig ClientConfig(const CoreHarnessOptions& o) {
    client::ClientCoreConfig c;
    c.server = HarnessServerAddr();
    c.cols = o.cols;
    c.rows = o.rows;
    c.roam_extensions = o.client_extensions;
    c.no_terminal = o.no_terminal;
    c.channels = o.channels;
    c.scrollback_lines = o.client_scrollback;
    c.alternate_screen_enter = o.alternate_enter;
    c.alternate_screen_exit = o.alternate_exit;
    return c;
  }
  static session::ServerCoreConfig ServerConfig(const CoreHarnessOptions& o) {
    session::ServerCoreConfig c;
    c.scrollback_lines = o.server_scrollback;
    c.cols = o.cols;
    c.rows = o.rows;
    c.roam_extensions = o.server_extensions;
    c.channels = o.channels;
    return c;
  }

  void RunProgram(TimePoint now) {
    if (!server_.release_child()) return;
    if (!program_started_) {
      program_started_ = true;
      const std::string prompt = shell_.Start();
      program_output_ += prompt;
      server_.OnPtyOutput(prompt, now);
    }
    if (!server_.pty_input().empty()) {
      std::string input = server_.pty_input();
      server_.ConsumePtyInput(input.size(), now);
      const std::string output = shell_.OnInput(input);
      program_output_ += output;
      server_.OnPtyOutput(output, now);
    }
    server_.OnTtyModes(shell_.Modes(), now);
    (void)server_.TakePtyResize();
  }

  void Send(netsim::LinkModel* link, bool to_server, std::string bytes, const net::Address& from,
            const net::Address& to, TimePoint now) {
    ++sent_[to_server ? 1 : 0];
    if (on_send) on_send(to_server, bytes);
    for (netsim::Delivery& d : link->Send(bytes, now)) {
      arrivals_.emplace(std::make_pair(d.at, order_++),
                        Arrival{std::move(d.bytes), from, to, to_server});
    }
  }

  int SocketFor(const net::Address& to) const {
    for (int id : open_sockets_) {
      if (ClientAddr(id) == to) return id;
    }
    return -1;
  }

  CoreHarnessOptions options_;
  FakeClock clock_;
  SeededRandom client_random_;
  SeededRandom server_random_;
  netsim::LinkModel up_;
  netsim::LinkModel down_;
  client::ClientCore client_;
  session::ServerCore server_;
  term::Emulator terminal_;
  ShellModel shell_;
  std::string program_output_;
  bool program_started_ = false;
  std::map<std::pair<TimePoint, uint64_t>, Arrival> arrivals_;
  uint64_t order_ = 0;
  std::set<int> open_sockets_;
  uint16_t nat_shift_ = 0;
  uint64_t steps_ = 0;
  uint64_t undeliverable_ = 0;
  uint64_t sent_[2] = {0, 0};
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_INTEGRATION_SESSION_CORE_HARNESS_H_
