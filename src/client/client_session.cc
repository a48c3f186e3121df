// ClientSession: wiring of the client's event loop (see client_session.h).

#include "client/client_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "base/clock.h"
#include "base/poll_wait.h"
#include "base/random.h"
#include "base/signal_pipe.h"
#include "base/unique_fd.h"
#include "client/bar_overlay.h"
#include "client/raw_terminal.h"
#include "client/terminal_sequences.h"
#include "net/connection.h"
#include "net/udp_endpoint.h"
#include "predict/connect_phase.h"
#include "predict/notification_bar.h"
#include "ssp/transport.h"
#include "ssp/udp_pump.h"
#include "state/complete_terminal.h"
#include "state/user_stream.h"
#include "term/display.h"

namespace roam::client {

namespace {

using ClientTransport = ssp::Transport<state::UserStream, state::CompleteTerminal>;

constexpr Duration kPollCap = std::chrono::milliseconds(1000);
constexpr size_t kReadChunk = 16384;
constexpr char kCtrlL = 0x0C;

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

struct ClientSession::Impl {
  Impl(crypto::Key k, ClientSessionConfig c) : key(std::move(k)), config(std::move(c)) {}

  int Run();
  void StartShutdown(TimePoint now, const std::string& why);
  void HandleInput(TimePoint now);
  void HandleSignals(TimePoint now);
  void HandleRemoteState();
  void Draw(TimePoint now, bool with_bar);
  void Suspend();

  crypto::Key key;
  ClientSessionConfig config;
  SystemClock clock;
  SystemRandom random;
  TerminalCapabilities caps;
  std::unique_ptr<RawTerminal> raw;
  std::unique_ptr<WinchPipe> winch;
  std::unique_ptr<ClientTransport> transport;
  net::UdpEndpoint endpoint = net::UdpEndpoint::ForClient();
  std::optional<ssp::UdpPump<ClientTransport>> pump;
  std::optional<term::Display> display;
  std::optional<predict::NotificationBar> bar;
  std::optional<predict::ConnectPhase> connect;
  predict::PredictionEngine prediction;
  std::optional<EscapeKey> escape;
  std::unique_ptr<SignalPipe> signals;

  std::optional<term::Framebuffer> last_drawn;  // what the terminal shows
  bool repaint = true;                          // next draw is a full redraw
  uint64_t seen_remote_num = 0;
  bool ever_connected = false;
  bool gave_up = false;
  bool quit = false;
  bool stdin_open = true;
};

ClientSession::ClientSession(crypto::Key key, ClientSessionConfig config)
    : impl_(std::make_unique<Impl>(std::move(key), std::move(config))) {}

ClientSession::~ClientSession() = default;

int ClientSession::Run() { return impl_->Run(); }

void ClientSession::Impl::StartShutdown(TimePoint now, const std::string& why) {
  if (transport->shutdown_in_progress()) return;
  bar->SetMessage(why, now, /*permanent=*/true);
  if (!transport->connection().has_remote()) {
    quit = true;
    return;
  }
  transport->StartShutdown(now);
}

void ClientSession::Impl::HandleInput(TimePoint now) {
  char buf[kReadChunk];
  ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
  if (n == 0) {
    stdin_open = false;
    StartShutdown(now, "Exiting...");
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) {
      stdin_open = false;
      StartShutdown(now, "Exiting...");
    }
    return;
  }
  if (transport->shutdown_in_progress()) return;  // the final state is frozen
  for (const EscapeEvent& event : escape->Feed(std::string_view(buf, static_cast<size_t>(n)))) {
    switch (event.kind) {
      case EscapeEvent::Kind::kSend:
        prediction.SetLocalFrameSent(transport->sender().last_sent_num());
        prediction.NewUserBytes(event.bytes, transport->latest_remote_state().fb(), now);
        transport->current_state().PushBytes(event.bytes);
        // Ctrl-L still goes to the server, and also repaints our terminal.
        if (event.bytes.find(kCtrlL) != std::string::npos) repaint = true;
        break;
      case EscapeEvent::Kind::kShowHelp:
        bar->SetMessage(escape->config().HelpText(), now, /*permanent=*/true,
                        /*with_quit_hint=*/false);
        break;
      case EscapeEvent::Kind::kClearHelp:
        bar->ClearMessage();
        break;
      case EscapeEvent::Kind::kQuit:
        StartShutdown(now, "Exiting on user request...");
        return;
      case EscapeEvent::Kind::kSuspend:
        Suspend();
        break;
    }
  }
}

void ClientSession::Impl::HandleSignals(TimePoint now) {
  for (int sig : signals->Drain()) {
    if (sig == SIGCONT) {
      repaint = true;
      continue;
    }
    StartShutdown(now, "Signal received, shutting down...");
  }
}

void ClientSession::Impl::HandleRemoteState() {
  const uint64_t num = transport->latest_remote_state_num();
  if (num == seen_remote_num) return;
  seen_remote_num = num;
  // The first server state ends the connect phase: its permanent "Nothing
  // received" message (shown when the reply takes over 250 ms) must go.
  if (!ever_connected) bar->ClearMessage();
  ever_connected = true;
  bar->ServerHeard(transport->last_heard());
  const state::CompleteTerminal& remote = transport->latest_remote_state();
  prediction.SetLocalFrameAcked(transport->sender().acked_num());
  prediction.SetLocalFrameLateAcked(remote.echo_ack());
  // The predictions are culled against the new screen by the Draw() that
  // follows in the same loop round.
}

void ClientSession::Impl::Draw(TimePoint now, bool with_bar) {
  term::Framebuffer frame = transport->latest_remote_state().fb();
  prediction.SetSendInterval(transport->connection().rtt().send_interval());
  prediction.Cull(transport->latest_remote_state().fb(), now);
  prediction.Apply(&frame);
  if (with_bar) {
    predict::BarRender render = bar->Render(now);
    if (render.text) DrawBar(*render.text, predict::kBarColors, &frame);
  }
  const bool initialized = last_drawn.has_value() && !repaint;
  std::string bytes = display->NewFrame(initialized, last_drawn ? *last_drawn : frame, frame);
  if (!bytes.empty()) WriteAll(STDOUT_FILENO, bytes);
  last_drawn = std::move(frame);
  repaint = false;
}

void ClientSession::Impl::Suspend() {
  WriteAll(STDOUT_FILENO, ExitSequence(caps, config.no_term_init));
  (void)raw->Restore();
  WriteAll(STDOUT_FILENO, SuspendText(config.program));
  kill(getpid(), SIGSTOP);
  // Resumed (SIGCONT): take the terminal again and redraw everything.
  (void)raw->Reenter();
  WriteAll(STDOUT_FILENO, InitSequence(caps, config.no_term_init));
  repaint = true;
}

int ClientSession::Impl::Run() {
  Result<TerminalCapabilities> loaded = LoadTerminalCapabilities(config.term);
  if (loaded.ok()) caps = std::move(*loaded);

  Result<std::unique_ptr<RawTerminal>> entered = RawTerminal::Enter(STDIN_FILENO);
  if (!entered.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), entered.status().message().c_str());
    return 1;
  }
  raw = std::move(*entered);
  Result<std::unique_ptr<WinchPipe>> w = WinchPipe::Install();
  if (w.ok()) winch = std::move(*w);
  Result<std::unique_ptr<SignalPipe>> installed =
      SignalPipe::Install({SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCONT});
  if (!installed.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), installed.status().message().c_str());
    return 1;
  }
  signals = std::move(*installed);
  fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);

  WindowSize size{80, 24};
  if (Result<WindowSize> ws = QueryWindowSize(STDOUT_FILENO); ws.ok() && ws->cols && ws->rows) {
    size = *ws;
  }
  TimePoint now = clock.Now();
  transport = std::make_unique<ClientTransport>(
      net::Connection::Client(std::move(key), config.server), state::UserStream(),
      state::CompleteTerminal(size.cols, size.rows), &random, now);
  transport->current_state().PushResize(size.cols, size.rows);
  // A keystroke goes out at once: the frame interval still batches fast
  // typing, and one read of the terminal already holds a whole paste or
  // escape sequence, so SSP's 1 ms collection delay only adds to every echo.
  transport->SetSendMinDelay(Millis(0));
  pump.emplace(transport.get(), &endpoint);
  term::DisplayCapabilities display_caps = term::DisplayCapabilities::Client(
      caps.has_ech, caps.has_bce, TermSupportsTitle(config.term), config.title_prefix);
  display_caps.clipboard = config.clipboard_writes;
  display.emplace(std::move(display_caps));
  bar.emplace(now, config.program + ": ");
  escape.emplace(config.escape);
  bar->SetQuitHint(escape->config().QuitHint());
  connect.emplace(now, config.server.port());
  prediction.set_display_mode(config.predict_mode);
  prediction.set_overwrite(config.predict_overwrite);

  WriteAll(STDOUT_FILENO, InitSequence(caps, config.no_term_init));

  while (!quit) {
    now = clock.Now();
    std::vector<pollfd> fds;
    pump->AddPollFds(&fds);
    const size_t first_local = fds.size();
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    fds.push_back(pollfd{winch ? winch->read_fd() : -1, POLLIN, 0});
    fds.push_back(pollfd{stdin_open ? STDIN_FILENO : -1, POLLIN, 0});

    TimePoint wake = std::min(prediction.NextWakeup(now), bar->Render(now).next_update);
    if (!transport->has_remote_state()) wake = std::min(wake, connect->Check(now).next_wakeup);
    const Duration timeout =
        std::min(pump->PollTimeout(now, kPollCap), WaitUntil(now, wake, kPollCap));
    PollFor(fds.data(), fds.size(), timeout);
    now = clock.Now();

    pump->OnPolled(fds, now);
    if (fds[first_local].revents & POLLIN) HandleSignals(now);
    if (winch && (fds[first_local + 1].revents & POLLIN) && winch->Drain()) {
      if (Result<WindowSize> ws = QueryWindowSize(STDOUT_FILENO);
          ws.ok() && ws->cols && ws->rows && !transport->shutdown_in_progress()) {
        transport->current_state().PushResize(ws->cols, ws->rows);
        prediction.OnResize();
        repaint = true;
      }
    }
    if (fds[first_local + 2].revents & (POLLIN | POLLHUP | POLLERR)) HandleInput(now);
    HandleRemoteState();

    if (!transport->has_remote_state() && !transport->shutdown_in_progress()) {
      predict::ConnectPhase::Step step = connect->Check(now);
      if (step.message) bar->SetMessage(*step.message, now, /*permanent=*/true);
      if (step.give_up) {
        gave_up = true;
        StartShutdown(now, "Timed out waiting for server...");
      }
    } else if (ever_connected && transport->has_remote_state() &&
               !transport->shutdown_in_progress() &&
               seen_remote_num == transport->latest_remote_state_num()) {
      bar->ServerAcked(transport->sender().last_acked_time());
    }

    Status flushed = pump->Flush(now);
    if (pump->send_errors() > 0 && !pump->last_send_error().ok()) {
      bar->SetNetworkError(pump->last_send_error().message(), now);
    } else {
      bar->NoteSendSucceeded(now);
    }
    if (!flushed.ok() || !transport->fatal_error().ok()) break;

    Draw(now, /*with_bar=*/true);

    if (transport->counterparty_shutdown_ack_sent()) break;  // the server ended the session
    if (transport->shutdown_in_progress() &&
        (transport->shutdown_acknowledged() || transport->shutdown_ack_timed_out(now))) {
      break;
    }
  }

  const bool clean =
      transport->shutdown_acknowledged() || transport->counterparty_shutdown_ack_sent();
  // The last frame without the bar, then give the terminal back.
  Draw(clock.Now(), /*with_bar=*/false);
  WriteAll(STDOUT_FILENO, ExitSequence(caps, config.no_term_init));
  (void)raw->Restore();
  WriteAll(STDOUT_FILENO, ExitingText(config.program));
  if (gave_up || !ever_connected) {
    std::string text = config.connect_failure_message.empty()
                           ? predict::ConnectFailureText(config.program, config.server.HostString(),
                                                         config.server.port())
                           : config.connect_failure_message + "\n";
    std::fputs(text.c_str(), stderr);
    return 1;
  }
  if (!clean) {
    std::fputs(predict::UncleanShutdownText(config.program, config.server.HostString()).c_str(),
               stderr);
    return 1;
  }
  return 0;
}

}  // namespace roam::client
