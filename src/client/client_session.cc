// ClientSession: the I/O adapter around ClientCore (see client_session.h).

#include "client/client_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>

#include "base/clock.h"
#include "base/poll_wait.h"
#include "base/random.h"
#include "base/signal_pipe.h"
#include "base/write_all.h"
#include "client/client_core.h"
#include "client/datagram_paths.h"
#include "client/raw_terminal.h"
#include "client/terminal_sequences.h"
#include "net/udp_endpoint.h"

namespace roam::client {

namespace {

constexpr Duration kPollCap = std::chrono::seconds(1);
constexpr size_t kReadChunk = 16384;

}  // namespace

struct ClientSession::Impl {
  Impl(crypto::Key k, ClientSessionConfig c) : key(std::move(k)), config(std::move(c)) {}

  int Run();
  void ReadInput(TimePoint now);
  void Suspend(TimePoint now);

  crypto::Key key;
  ClientSessionConfig config;
  SystemClock clock;
  SystemRandom random;
  TerminalCapabilities caps;
  std::unique_ptr<RawTerminal> raw;
  std::unique_ptr<SignalPipe> signals;
  std::unique_ptr<ClientCore> core;
  std::unique_ptr<ClientForwarding> forwarding;
  net::UdpEndpoint endpoint = net::UdpEndpoint::ForClient();
  bool stdin_open = true;
};

ClientSession::ClientSession(crypto::Key key, ClientSessionConfig config)
    : impl_(std::make_unique<Impl>(std::move(key), std::move(config))) {}

ClientSession::~ClientSession() = default;

int ClientSession::Run() { return impl_->Run(); }

void ClientSession::Impl::ReadInput(TimePoint now) {
  char buf[kReadChunk];
  ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
  if (n > 0) {
    core->OnUserInput(std::string_view(buf, static_cast<size_t>(n)), now);
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  stdin_open = false;
  core->OnInputClosed(now);
}

void ClientSession::Impl::Suspend(TimePoint now) {
  // smcup and rmcup only around the alternate screen (not with native
  // scrollback, where the core takes the normal screen again itself).
  const bool no_alternate = config.no_term_init || !core->screen().alternate();
  WriteAll(STDOUT_FILENO, ExitSequence(caps, no_alternate));
  (void)raw->Restore();
  WriteAll(STDOUT_FILENO, SuspendText(config.program));
  kill(getpid(), SIGSTOP);
  // Resumed (SIGCONT): take the terminal again and redraw everything.
  (void)raw->Reenter();
  WriteAll(STDOUT_FILENO, InitSequence(caps, no_alternate));
  core->OnResumed(now);
}

int ClientSession::Impl::Run() {
  Result<TerminalCapabilities> loaded = LoadTerminalCapabilities(config.term);
  if (loaded.ok()) caps = std::move(*loaded);

  // Local forwards are bound before the terminal is taken, so a bind error
  // reads as a normal line (and, as with ssh, the session goes on).
  forwarding = std::make_unique<ClientForwarding>(config.forwarding);
  if (Status s = forwarding->Start(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), s.message().c_str());
  }
  Result<std::unique_ptr<RawTerminal>> entered = RawTerminal::Enter(STDIN_FILENO);
  if (!entered.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), entered.status().message().c_str());
    return 1;
  }
  raw = std::move(*entered);
  Result<std::unique_ptr<SignalPipe>> installed =
      SignalPipe::Install({SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCONT, SIGWINCH});
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
  ClientCoreConfig core_config;
  core_config.server = config.server;
  core_config.cols = size.cols;
  core_config.rows = size.rows;
  core_config.predict_mode = config.predict_mode;
  core_config.predict_overwrite = config.predict_overwrite;
  core_config.escape = config.escape;
  core_config.display = term::DisplayCapabilities::Client(
      caps.has_ech, caps.has_bce, TermSupportsTitle(config.term), config.title_prefix);
  core_config.display.clipboard = config.clipboard_writes;
  core_config.program = config.program;
  core_config.connect_failure_message = config.connect_failure_message;
  core_config.scrollback_lines = config.scrollback_lines;
  if (!config.no_term_init) {
    core_config.alternate_screen_enter = caps.smcup;
    core_config.alternate_screen_exit = caps.rmcup;
  }
  TimePoint now = clock.Now();
  core = std::make_unique<ClientCore>(std::move(key), std::move(core_config), &random, now);
  DatagramPaths pump(core.get(), &endpoint, config.transport, config.stream_opener,
                     std::move(config.initial_stream), now);
  std::string path_shown(pump.Describe(now));

  // The alternate screen, if it is used, is entered by the core's first
  // frame: only the server's first state tells (native scrollback or not).
  WriteAll(STDOUT_FILENO, InitSequence(caps, /*no_term_init=*/true));

  while (!core->done()) {
    now = clock.Now();
    std::vector<pollfd> fds;
    pump.AddPollFds(&fds);
    const size_t first_local = fds.size();
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    fds.push_back(pollfd{stdin_open ? STDIN_FILENO : -1, POLLIN, 0});
    forwarding->AddPollFds(&fds);
    const TimePoint wake = std::min(core->NextWakeup(now), pump.NextWakeup(now));
    PollFor(fds.data(), fds.size(), WaitUntil(now, wake, kPollCap));
    now = clock.Now();

    pump.OnPolled(fds, now);
    if (fds[first_local].revents & POLLIN) {
      // The window size is read once however many SIGWINCHs arrived, after
      // the other signals.
      bool resized = false;
      for (int sig : signals->Drain()) {
        if (sig == SIGWINCH) {
          resized = true;
        } else {
          core->OnSignal(sig, now);
        }
      }
      if (resized) {
        if (Result<WindowSize> ws = QueryWindowSize(STDOUT_FILENO); ws.ok()) {
          core->OnWindowSize(ws->cols, ws->rows, now);
        }
      }
    }
    if (fds[first_local + 1].revents & (POLLIN | POLLHUP | POLLERR)) ReadInput(now);
    if (core->TakeSuspendRequest()) Suspend(now);

    forwarding->Run(core->mux(), core->TakeIncomingChannels(), fds, now);
    for (const std::string& m : forwarding->TakeMessages()) core->Notify(m, now);
    Status flushed = pump.Flush(now);
    core->OnSendStatus(pump.datagram_send_failures() > 0 ? pump.last_send_error() : Status::Ok(),
                       now);
    if (pump.Describe(now) != path_shown) {
      path_shown = pump.Describe(now);
      core->Notify(path_shown == "UDP"
                       ? "back on UDP"
                       : "UDP is not getting through; the session goes over " + path_shown,
                   now);
    }
    if (!flushed.ok()) break;

    const std::string frame = core->Draw(now, /*with_bar=*/true);
    if (!frame.empty()) WriteAll(STDOUT_FILENO, frame);
  }

  forwarding->Abort();
  // The last frame without the bar, then give the terminal back.
  WriteAll(STDOUT_FILENO, core->Draw(clock.Now(), /*with_bar=*/false));
  WriteAll(STDOUT_FILENO, core->LeaveText());
  WriteAll(STDOUT_FILENO, ExitSequence(caps, config.no_term_init || !core->screen().alternate()));
  (void)raw->Restore();
  ClientOutcome outcome = core->Outcome();
  if (!config.command_given) {
    WriteAll(STDOUT_FILENO, ExitingText(config.program));
  } else {
    // A command's output stays where the user can read it, as with ssh.
    // (The normal screen of native scrollback shows it already.)
    if (!config.no_term_init && core->screen().alternate()) {
      WriteAll(STDOUT_FILENO, core->FinalScreenText());
    }
    if (outcome.exit_status == 0) {
      if (core->program_exit()) {
        outcome.exit_status = *core->program_exit();
      } else {
        outcome.message = config.program +
                          ": the server does not report the command's exit status (a stock "
                          "mosh-server); exiting with 0\n";
      }
    }
  }
  if (!outcome.message.empty()) std::fputs(outcome.message.c_str(), stderr);
  return outcome.exit_status;
}

}  // namespace roam::client
