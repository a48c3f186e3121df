// ServerSession: the I/O adapter around ServerCore (see server_session.h).

#include "session/server_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "base/logging.h"
#include "base/random.h"
#include "base/signal_pipe.h"
#include "service/exec_service.h"
#include "session/server_core.h"
#include "session/tty_modes.h"
#include "session/utmp_record.h"
#include "ssp/udp_pump.h"

namespace roam::session {

namespace {

// Application output read per round before the loop turns to the network.
constexpr size_t kMaxPtyReadPerRound = 256 * 1024;
constexpr int kPollCapMs = 1000;

}  // namespace

struct ServerSession::Impl {
  Impl(crypto::Key k, net::UdpEndpoint e, ServerSessionConfig c)
      : key(std::move(k)), endpoint(std::move(e)), config(std::move(c)) {}

  int Run();
  void ReadPty(TimePoint now);
  void WritePty();
  void StartServices();
  void RunServices(const std::vector<pollfd>& fds, TimePoint now);

  crypto::Key key;
  net::UdpEndpoint endpoint;
  ServerSessionConfig config;

  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<PtyChild> child;
  std::unique_ptr<ServerCore> core;
  std::unique_ptr<UtmpRecord> utmp;
  std::unique_ptr<SignalPipe> signals;
  bool pty_open = true;
  service::ExecEnvironment exec_environment;
  std::map<uint64_t, std::unique_ptr<service::FdService>> services;
};

ServerSession::ServerSession(crypto::Key key, net::UdpEndpoint endpoint, ServerSessionConfig config)
    : impl_(std::make_unique<Impl>(std::move(key), std::move(endpoint), std::move(config))) {}

ServerSession::~ServerSession() = default;

int ServerSession::Run() { return impl_->Run(); }

void ServerSession::Impl::ReadPty(TimePoint now) {
  char buf[65536];
  size_t total = 0;
  while (total < kMaxPtyReadPerRound) {
    ssize_t n = read(child->master_fd(), buf, sizeof buf);
    if (n > 0) {
      core->OnPtyOutput(std::string_view(buf, static_cast<size_t>(n)), now);
      total += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    // EOF or EIO: the program and everything holding the pty are gone.
    pty_open = false;
    core->OnPtyClosed(now);
    break;
  }
}

void ServerSession::Impl::WritePty() {
  while (!core->pty_input().empty()) {
    const std::string& input = core->pty_input();
    ssize_t n = write(child->master_fd(), input.data(), input.size());
    if (n > 0) {
      core->ConsumePtyInput(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EAGAIN: the application is not reading; try next round
  }
}

void ServerSession::Impl::StartServices() {
  for (ServerCore::ServiceRequest& r : core->TakeServiceRequests()) {
    channel::Mux* mux = core->mux();
    if (!mux) continue;
    if (r.request.has_exec()) {
      Result<std::unique_ptr<service::ExecService>> started =
          service::ExecService::Start(r.channel, r.request.exec(), exec_environment);
      if (!started.ok()) {
        (void)mux->Refuse(r.channel, started.status().message());
        continue;
      }
      (void)mux->Accept(r.channel);
      services[r.channel] = std::move(*started);
    } else {
      (void)mux->Refuse(r.channel, "not available on this server");
    }
  }
}

void ServerSession::Impl::RunServices(const std::vector<pollfd>& fds, TimePoint now) {
  channel::Mux* mux = core->mux();
  if (!mux) return;
  for (auto it = services.begin(); it != services.end();) {
    it->second->Run(mux, fds, now);
    it = it->second->done() ? services.erase(it) : std::next(it);
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

  ServerCoreConfig core_config;
  core_config.cols = config.child.cols;
  core_config.rows = config.child.rows;
  core_config.timeouts = config.timeouts;
  TimePoint now = clock.Now();
  core = std::make_unique<ServerCore>(std::move(key), std::move(core_config), &random, now);
  ssp::UdpPump<ServerCore> pump(core.get(), &endpoint);
  exec_environment = service::CurrentExecEnvironment();

  while (!core->done()) {
    now = clock.Now();
    std::vector<pollfd> fds;
    pump.AddPollFds(&fds);
    const size_t signal_index = fds.size();
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    const size_t pty_index = fds.size();
    if (pty_open) {
      short events = POLLIN;
      if (!core->pty_input().empty()) events |= POLLOUT;
      fds.push_back(pollfd{child->master_fd(), events, 0});
    }
    for (const auto& [id, s] : services) s->AddPollFds(&fds);
    const TimePoint wake = core->NextWakeup(now);
    const int timeout_ms = static_cast<int>(
        std::clamp<int64_t>(std::chrono::ceil<Millis>(wake - now).count(), 0, kPollCapMs));
    poll(fds.data(), fds.size(), timeout_ms);
    now = clock.Now();

    pump.OnPolled(fds, now);
    if (fds[signal_index].revents & POLLIN) {
      for (int sig : signals->Drain()) {
        // SIGCHLD: the pty path and the exec services notice by themselves.
        if (sig == SIGCHLD) service::ReapAbandonedCommands();
        core->OnSignal(sig, now);
      }
    }
    if (pty_open) {
      if (pty_index < fds.size() && (fds[pty_index].revents & (POLLIN | POLLHUP | POLLERR))) {
        ReadPty(now);
      }
      if (pty_open) WritePty();
      // After output and input, and at the core's wake-ups for it: the
      // modes change without output too.
      if (pty_open) {
        if (std::optional<state::EchoHint> modes = ReadTtyModes(child->master_fd())) {
          core->OnTtyModes(*modes, now);
        }
      }
    }
    std::optional<std::pair<int, int>> size = core->TakePtyResize();
    if (child && !core->wants_program()) {
      // A terminal-less client (docs/protocol.md §8.1): the program never
      // runs. Closing the pty and the release pipe ends the waiting child
      // (status 1, nothing executed); the session goes on with channels.
      pty_open = false;
      utmp.reset();
      child.reset();
    }
    if (child) {
      if (size) {
        (void)child->Resize(static_cast<uint16_t>(size->first),
                            static_cast<uint16_t>(size->second));
      }
      if (core->release_child() && !child->released()) (void)child->Release();
      // Reaps the program once it has ended.
      if (std::optional<int> status = child->PollExit()) core->OnProgramExit(*status, now);
    }

    StartServices();
    RunServices(fds, now);
    Status flushed = pump.Flush(now);
    if (!flushed.ok()) Log(LogLevel::kWarning, flushed.message());
    if (utmp) utmp->SetHost(UtmpHost(getpid(), core->AttachedHost(now)));
  }
  for (auto& [id, s] : services) s->Abort();
  services.clear();
  service::ReapAbandonedCommands();
  return core->exit_status();
}

}  // namespace roam::session
