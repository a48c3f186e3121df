// ServerSession: wiring of roam-server's event loop (see server_session.h).

#include "session/server_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/logging.h"
#include "base/poll_wait.h"
#include "base/random.h"
#include "base/signal_pipe.h"
#include "base/unique_fd.h"
#include "net/connection.h"
#include "session/echo_ack.h"
#include "session/frame_pacer.h"
#include "session/utmp_record.h"
#include "ssp/transport.h"
#include "ssp/udp_pump.h"
#include "state/complete_terminal.h"
#include "state/user_stream.h"
#include "term/emulator.h"

namespace roam::session {

namespace {

using ServerTransport = ssp::Transport<state::CompleteTerminal, state::UserStream>;

// Input for the application that it has not read yet; beyond this, typed
// bytes are dropped (and counted) rather than buffered without bound.
constexpr size_t kMaxPendingPtyInput = 1 << 20;
// Application output read per round before the loop turns to the network.
constexpr size_t kMaxPtyReadPerRound = 256 * 1024;
constexpr Duration kPollCap = std::chrono::milliseconds(1000);

}  // namespace

struct ServerSession::Impl {
  Impl(crypto::Key k, net::UdpEndpoint e, ServerSessionConfig c)
      : key(std::move(k)), endpoint(std::move(e)), config(std::move(c)) {}

  int Run();
  void HandleSignals(TimePoint now);
  void HandleUserEvents(TimePoint now);
  void ReadPty(TimePoint now);
  void WritePty();
  void StartShutdown(TimePoint now);

  crypto::Key key;
  net::UdpEndpoint endpoint;
  ServerSessionConfig config;

  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<PtyChild> child;
  std::unique_ptr<term::Emulator> emulator;
  std::unique_ptr<ServerTransport> transport;
  std::optional<ssp::UdpPump<ServerTransport>> pump;
  std::unique_ptr<UtmpRecord> utmp;
  EchoAckTracker echo_ack;
  FramePacer pacer;
  std::optional<ServerTimeouts> timeouts;
  std::unique_ptr<SignalPipe> signals;

  std::string pty_input;  // keystrokes waiting for the application
  uint64_t dropped_input_bytes = 0;
  uint64_t consumed_remote_num = 0;
  bool pty_open = true;
  bool exit_requested = false;
  int exit_status = 0;
  std::string last_remote;
};

ServerSession::ServerSession(crypto::Key key, net::UdpEndpoint endpoint, ServerSessionConfig config)
    : impl_(std::make_unique<Impl>(std::move(key), std::move(endpoint), std::move(config))) {}

ServerSession::~ServerSession() = default;

int ServerSession::Run() { return impl_->Run(); }

void ServerSession::Impl::StartShutdown(TimePoint now) {
  if (transport->shutdown_in_progress()) return;
  if (!transport->connection().has_remote()) {
    // Nobody to tell: done at once (spec §7.8).
    exit_requested = true;
    return;
  }
  transport->StartShutdown(now);
}

void ServerSession::Impl::HandleSignals(TimePoint now) {
  for (int sig : signals->Drain()) {
    switch (sig) {
      case SIGTERM:
      case SIGINT:
        Log(LogLevel::kInfo, "signal received, shutting down");
        StartShutdown(now);
        break;
      case SIGUSR1:
        if (timeouts->Sigusr1Ends(now)) {
          Log(LogLevel::kInfo, "SIGUSR1 received, shutting down");
          StartShutdown(now);
        }
        break;
      default:
        break;  // SIGCHLD: the pty read path notices the exit
    }
  }
}

void ServerSession::Impl::HandleUserEvents(TimePoint now) {
  if (transport->latest_remote_state_num() == consumed_remote_num) return;
  consumed_remote_num = transport->latest_remote_state_num();
  timeouts->OnClientState(now);
  Result<std::vector<state::UserEvent>> events =
      state::UserStream::EventsOfDiff(transport->TakeRemoteDiff());
  if (!events.ok()) return;  // cannot happen for a diff we built; nothing to act on
  const std::vector<state::UserEvent> compacted = state::UserStream::CompactResizes(*events);
  for (const state::UserEvent& event : compacted) {
    if (const auto* byte = std::get_if<state::UserByte>(&event)) {
      std::string translated = emulator->TranslateUserInput(std::string_view(&byte->byte, 1));
      if (pty_input.size() + translated.size() > kMaxPendingPtyInput) {
        dropped_input_bytes += translated.size();
      } else {
        pty_input += translated;
      }
    } else if (const auto* resize = std::get_if<state::Resize>(&event)) {
      // A peer may ask for any size (a stock client in a 5000-column
      // window): clamp it into the emulator's range.
      const int cols = term::Emulator::ClampDimension(resize->width);
      const int rows = term::Emulator::ClampDimension(resize->height);
      if (emulator->Resize(cols, rows)) {
        (void)child->Resize(static_cast<uint16_t>(cols), static_cast<uint16_t>(rows));
        pacer.OnOutput(now);
      }
    }
  }
  if (!compacted.empty()) echo_ack.RecordUserEvents(consumed_remote_num, now);
  // The program starts once the first client state (normally its window
  // size) has been applied, so it sees the client's size from the start.
  if (!child->released()) (void)child->Release();
}

void ServerSession::Impl::ReadPty(TimePoint now) {
  char buf[65536];
  size_t total = 0;
  while (total < kMaxPtyReadPerRound) {
    ssize_t n = read(child->master_fd(), buf, sizeof buf);
    if (n > 0) {
      emulator->Write(std::string_view(buf, static_cast<size_t>(n)));
      total += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    // EOF or EIO: the program and everything holding the pty are gone.
    pty_open = false;
    break;
  }
  if (total > 0) pacer.OnOutput(now, total);
  std::string replies = emulator->TakeReplies();
  if (!replies.empty() && pty_input.size() + replies.size() <= kMaxPendingPtyInput) {
    pty_input += replies;
  }
}

void ServerSession::Impl::WritePty() {
  // Until the program has been exec'd, input would reach the waiting child
  // (a Ctrl-C would end it): hold it.
  if (!child->ExecConfirmed()) return;
  while (!pty_input.empty()) {
    ssize_t n = write(child->master_fd(), pty_input.data(), pty_input.size());
    if (n > 0) {
      pty_input.erase(0, static_cast<size_t>(n));
      pacer.OnInput(clock.Now());  // what the program prints next may be its echo
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EAGAIN: the application is not reading; try next round
  }
}

int ServerSession::Impl::Run() {
  // Signals arrive through a self-pipe the loop polls; SIGHUP and SIGPIPE
  // were already ignored before the server detached.
  Result<std::unique_ptr<SignalPipe>> installed =
      SignalPipe::Install({SIGTERM, SIGINT, SIGUSR1, SIGCHLD});
  if (!installed.ok()) {
    Log(LogLevel::kError, installed.status().message());
    return 1;
  }
  signals = std::move(*installed);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  Result<std::unique_ptr<PtyChild>> started = PtyChild::Start(config.child);
  if (!started.ok()) {
    Log(LogLevel::kError, "cannot start the session's program: " + started.status().message());
    return 1;
  }
  child = std::move(*started);
  fcntl(child->master_fd(), F_SETFL, fcntl(child->master_fd(), F_GETFL) | O_NONBLOCK);
  utmp = std::make_unique<UtmpRecord>(child->master_fd(), UtmpHost(getpid(), ""));

  const int cols = config.child.cols;
  const int rows = config.child.rows;
  TimePoint now = clock.Now();
  timeouts.emplace(config.timeouts, now);
  // The server's screen only ever leaves through the Mosh-subset display
  // diff, which never sends OSC 8 links: do not store them at all.
  term::EmulatorOptions emulator_options;
  emulator_options.keep_links = false;
  emulator = std::make_unique<term::Emulator>(cols, rows, emulator_options);
  transport = std::make_unique<ServerTransport>(net::Connection::Server(std::move(key)),
                                                state::CompleteTerminal(cols, rows),
                                                state::UserStream(), &random, now);
  // The frame pacer already collects the program's output (a screen is
  // pushed once the output has been quiet for kSettle, or after one frame
  // interval), so SSP's fixed 8 ms SEND_MINDELAY would only add to every
  // echo. The frame interval still spaces the sends.
  transport->SetSendMinDelay(Millis(0));
  // The first screen (the shell's prompt) should not wait for the interval
  // derived from SSP's initial 1 s RTT guess.
  transport->SetFastStart(true);
  pump.emplace(transport.get(), &endpoint);

  while (!exit_requested) {
    now = clock.Now();
    std::vector<pollfd> fds;
    pump->AddPollFds(&fds);
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    const size_t pty_index = fds.size();
    if (pty_open) {
      short events = POLLIN;
      if (!pty_input.empty() && child->ExecConfirmed()) events |= POLLOUT;
      fds.push_back(pollfd{child->master_fd(), events, 0});
    }
    if (child->exec_watch_fd() >= 0) fds.push_back(pollfd{child->exec_watch_fd(), POLLIN, 0});

    const Millis interval = transport->frame_interval();
    TimePoint wake = std::min(echo_ack.NextWakeup(), pacer.NextWakeup(interval));
    const Duration ssp_wait = pump->PollTimeout(now, kPollCap);
    const Duration other_wait = wake == kNever ? Duration::max() : wake - now;
    Duration timeout =
        timeouts->PollTimeout(now, ssp_wait, other_wait, transport->shutdown_in_progress());
    PollFor(fds.data(), fds.size(), std::clamp<Duration>(timeout, Duration::zero(), kPollCap));
    now = clock.Now();

    pump->OnPolled(fds, now);
    if (fds[pty_index - 1].revents & POLLIN) HandleSignals(now);
    HandleUserEvents(now);
    if (transport->connection().has_remote()) {
      std::string remote = transport->connection().remote().ToString();
      if (remote != last_remote) {
        Log(LogLevel::kInfo, "server now attached to client at " + remote);
        last_remote = remote;
      }
    }

    if (pty_open) {
      if (pty_index < fds.size() && (fds[pty_index].revents & (POLLIN | POLLHUP | POLLERR))) {
        ReadPty(now);
      }
      WritePty();
    }
    (void)child->PollExit();  // reaps the program once it has ended

    // Push the screen and the echo-ack into the synced state (never after
    // shutdown began: the final state is frozen).
    if (!transport->shutdown_in_progress()) {
      const bool ack_moved = echo_ack.Update(now);
      if (ack_moved) transport->current_state().SetEchoAck(echo_ack.echo_ack());
      if (pacer.ShouldPush(now, interval) || (!pty_open && pacer.dirty())) {
        transport->current_state().SetFramebuffer(emulator->fb());
        pacer.OnPushed(now);
      }
      if (!pty_open) {
        Log(LogLevel::kInfo, "the session's program exited; shutting down");
        StartShutdown(now);
      } else if (timeouts->NetworkTimedOut(now)) {
        Log(LogLevel::kInfo, "network timeout; shutting down");
        StartShutdown(now);
      } else if (timeouts->NoClientExpired(now)) {
        Log(LogLevel::kInfo, "no connection within 60 seconds");
        exit_requested = true;
      }
    }

    Status flushed = pump->Flush(now);
    if (!flushed.ok()) Log(LogLevel::kWarning, flushed.message());
    if (!transport->fatal_error().ok()) {
      Log(LogLevel::kError, transport->fatal_error().message());
      exit_status = 1;
      break;
    }

    utmp->SetHost(
        UtmpHost(getpid(), timeouts->ClientAttached(now) && transport->connection().has_remote()
                               ? transport->connection().remote().HostString()
                               : ""));

    // How the session ends.
    if (transport->counterparty_shutdown_ack_sent()) break;  // the client quit
    if (transport->shutdown_in_progress() &&
        (transport->shutdown_acknowledged() || transport->shutdown_ack_timed_out(now) ||
         !transport->connection().has_remote())) {
      break;
    }
  }
  return exit_status;
}

}  // namespace roam::session
