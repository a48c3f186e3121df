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

#include "base/byte_writer.h"
#include "base/clock.h"
#include "base/logging.h"
#include "base/poll_wait.h"
#include "base/random.h"
#include "base/signal_pipe.h"
#include "base/varint.h"
#include "net/stream_link.h"
#include "service/exec_service.h"
#include "service/forward_listener.h"
#include "service/socket_bridge.h"
#include "service/sockets.h"
#include "session/server_core.h"
#include "session/stream_relay.h"
#include "session/tty_modes.h"
#include "session/utmp_record.h"
#include "ssp/udp_pump.h"

namespace roam::session {

namespace {

// Application output read per round before the loop turns to the network.
constexpr size_t kMaxPtyReadPerRound = 256 * 1024;
constexpr Duration kPollCap = std::chrono::seconds(1);
// TCP streams carried at once (docs/protocol.md §10).
constexpr size_t kMaxStreams = 4;
// How long the TCP relays get, after the session ended, to pass on what the
// session sent last.
constexpr Duration kStreamDrain = std::chrono::milliseconds(200);

}  // namespace

struct ServerSession::Impl {
  Impl(crypto::Key k, net::UdpEndpoint e, ServerSessionConfig c)
      : key(std::move(k)), endpoint(std::move(e)), config(std::move(c)) {}

  int Run();
  void ReadPty(TimePoint now);
  void WritePty();
  void StartServices();
  void AcceptStreams(const std::vector<pollfd>& fds, TimePoint now);
  void StartRemoteForward(uint64_t channel, const RoamChannel::Listen& listen);
  Status StartAgentForwarding();
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
  std::vector<std::unique_ptr<service::FdService>> services;
  std::unique_ptr<service::ForwardListener> agent_listener;  // --forward-agent
  std::string agent_dir;
  std::vector<std::unique_ptr<StreamRelay>> relays;  // TCP streams (--tcp)
  net::Address udp_address;
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
  // Until the program has been exec'd, input would reach the waiting child
  // (a Ctrl-C would end it): hold it.
  if (!child->ExecConfirmed()) return;
  while (!core->pty_input().empty()) {
    const std::string& input = core->pty_input();
    ssize_t n = write(child->master_fd(), input.data(), input.size());
    if (n > 0) {
      core->ConsumePtyInput(static_cast<size_t>(n), clock.Now());
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EAGAIN: the application is not reading; try next round
  }
}

void ServerSession::Impl::AcceptStreams(const std::vector<pollfd>& fds, TimePoint now) {
  for (auto& relay : relays) relay->OnPolled(fds, now);
  std::erase_if(relays, [](const auto& r) { return !r->up(); });
  if (!config.tcp_listener.valid() ||
      !(service::Revents(fds, config.tcp_listener.get()) & POLLIN)) {
    return;
  }
  std::string origin;
  UniqueFd connection = service::AcceptConnection(config.tcp_listener.get(), &origin);
  if (!connection.valid()) return;
  // A few streams at once: a client that reconnects replaces its old one,
  // and a stranger cannot hold many sockets open.
  if (relays.size() >= kMaxStreams) relays.erase(relays.begin());
  Result<std::unique_ptr<StreamRelay>> relay = StreamRelay::Create(
      std::make_unique<net::StreamLink>(std::move(connection), UniqueFd()), udp_address);
  if (relay.ok()) relays.push_back(std::move(*relay));
  Log(LogLevel::kInfo, "stream from " + origin);
}

void ServerSession::Impl::StartServices() {
  for (ServerCore::ServiceRequest& r : core->TakeServiceRequests()) {
    channel::Mux* mux = core->mux();
    if (!mux) continue;
    if (r.request.has_connect()) {
      const RoamChannel::Connect& c = r.request.connect();
      Result<UniqueFd> fd =
          c.has_path() ? service::StartUnixConnect(c.path())
                       : service::StartTcpConnect(c.host(), static_cast<uint16_t>(c.port()));
      if (!fd.ok()) {
        (void)mux->Refuse(r.channel, fd.status().message());
        continue;
      }
      // Answered once the connect ends: accepted, or refused with its error.
      services.push_back(
          std::make_unique<service::SocketBridge>(r.channel, std::move(*fd), /*connecting=*/true));
    } else if (r.request.has_listen()) {
      StartRemoteForward(r.channel, r.request.listen());
    } else if (r.request.has_exec()) {
      Result<std::unique_ptr<service::ExecService>> started =
          service::ExecService::Start(r.channel, r.request.exec(), exec_environment);
      if (!started.ok()) {
        (void)mux->Refuse(r.channel, started.status().message());
        continue;
      }
      (void)mux->Accept(r.channel);
      services.push_back(std::move(*started));
    } else {
      (void)mux->Refuse(r.channel, "not available on this server");
    }
  }
}

void ServerSession::Impl::RunServices(const std::vector<pollfd>& fds, TimePoint now) {
  channel::Mux* mux = core->mux();
  if (!mux) return;
  std::vector<std::unique_ptr<service::FdService>> spawned;
  if (agent_listener) {
    agent_listener->Run(mux, fds, now);
    spawned = agent_listener->TakeSpawned();
  }
  for (auto& s : services) {
    s->Run(mux, fds, now);
    for (auto& spawn : s->TakeSpawned()) spawned.push_back(std::move(spawn));
  }
  std::erase_if(services, [](const auto& s) { return s->done(); });
  for (auto& s : spawned) services.push_back(std::move(s));
}

void ServerSession::Impl::StartRemoteForward(uint64_t channel, const RoamChannel::Listen& listen) {
  channel::Mux* mux = core->mux();
  Result<UniqueFd> fd =
      listen.has_path()
          ? service::ListenUnix(listen.path())
          : service::ListenTcp(listen.bind_host(), static_cast<uint16_t>(listen.port()));
  if (!fd.ok()) {
    (void)mux->Refuse(channel, fd.status().message());
    return;
  }
  (void)mux->Accept(channel);
  // The answer is followed by the port bound (docs/protocol.md §9.12).
  std::string port;
  ByteWriter w(&port);
  WriteVarint(&w, listen.has_path() ? 0 : service::BoundPort(fd->get()));
  (void)mux->Write(channel, port);
  const uint32_t number = listen.listener();
  auto factory = [number](channel::Mux* m, UniqueFd connection, const std::string& origin,
                          TimePoint now) -> std::unique_ptr<service::FdService> {
    RoamChannel::OpenRequest request;
    request.mutable_forwarded()->set_listener(number);
    request.mutable_forwarded()->set_origin(origin);
    Result<uint64_t> id = m->Open(request.SerializeAsString(), now);
    if (!id.ok()) return nullptr;
    return std::make_unique<service::SocketBridge>(*id, std::move(connection));
  };
  services.push_back(std::make_unique<service::ForwardListener>(
      std::move(*fd), factory, channel, listen.has_path() ? listen.path() : ""));
}

Status ServerSession::Impl::StartAgentForwarding() {
  std::string dir = (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  dir += "/roam-agent-XXXXXX";
  if (!mkdtemp(dir.data())) return IoError("cannot create the agent socket's directory");
  agent_dir = dir;  // mkdtemp makes it 0700
  const std::string path = dir + "/agent.sock";
  Result<UniqueFd> fd = service::ListenUnix(path);
  if (!fd.ok()) return fd.status();
  auto factory = [](channel::Mux* m, UniqueFd connection, const std::string&,
                    TimePoint now) -> std::unique_ptr<service::FdService> {
    if (!m) return nullptr;
    RoamChannel::OpenRequest request;
    request.mutable_agent();
    Result<uint64_t> id = m->Open(request.SerializeAsString(), now);
    if (!id.ok()) return nullptr;
    return std::make_unique<service::SocketBridge>(*id, std::move(connection));
  };
  agent_listener =
      std::make_unique<service::ForwardListener>(std::move(*fd), factory, std::nullopt, path);
  config.child.env_set.emplace_back("SSH_AUTH_SOCK", path);
  exec_environment.env.push_back("SSH_AUTH_SOCK=" + path);
  return Status::Ok();
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
  exec_environment = service::CurrentExecEnvironment();
  if (config.forward_agent) {
    if (Status s = StartAgentForwarding(); !s.ok()) {
      Log(LogLevel::kWarning, "agent forwarding is off: " + s.message());
    }
  }
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
  core_config.policy = config.policy;
  core_config.scrollback_lines = config.scrollback_lines;
  TimePoint now = clock.Now();
  core = std::make_unique<ServerCore>(std::move(key), std::move(core_config), &random, now);
  ssp::UdpPump<ServerCore> pump(core.get(), &endpoint);
  if (Result<net::Address> local = endpoint.LocalAddress(); local.ok()) udp_address = *local;

  while (!core->done()) {
    now = clock.Now();
    std::vector<pollfd> fds;
    pump.AddPollFds(&fds);
    const size_t signal_index = fds.size();
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    const size_t pty_index = fds.size();
    if (pty_open) {
      short events = POLLIN;
      if (!core->pty_input().empty() && child->ExecConfirmed()) events |= POLLOUT;
      fds.push_back(pollfd{child->master_fd(), events, 0});
    }
    if (child && child->exec_watch_fd() >= 0) {
      fds.push_back(pollfd{child->exec_watch_fd(), POLLIN, 0});
    }
    for (const auto& s : services) s->AddPollFds(&fds);
    for (const auto& r : relays) r->AddPollFds(&fds);
    if (config.tcp_listener.valid()) fds.push_back(pollfd{config.tcp_listener.get(), POLLIN, 0});
    if (agent_listener && core->mux()) agent_listener->AddPollFds(&fds);
    const TimePoint wake = core->NextWakeup(now);
    PollFor(fds.data(), fds.size(), WaitUntil(now, wake, kPollCap));
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

    AcceptStreams(fds, now);
    StartServices();
    RunServices(fds, now);
    Status flushed = pump.Flush(now);
    if (!flushed.ok()) Log(LogLevel::kWarning, flushed.message());
    if (utmp) utmp->SetHost(UtmpHost(getpid(), core->AttachedHost(now)));
  }
  // The last datagrams (the shutdown's acknowledgement) went to the
  // session's own UDP socket for a TCP stream's relay: let the relays carry
  // them before the process goes (bounded).
  const TimePoint drain_end = clock.Now() + kStreamDrain;
  while (!relays.empty() && clock.Now() < drain_end) {
    std::vector<pollfd> fds;
    for (const auto& r : relays) r->AddPollFds(&fds);
    if (poll(fds.data(), fds.size(), 20) <= 0) break;
    for (auto& r : relays) r->OnPolled(fds, clock.Now());
  }
  for (auto& s : services) s->Abort();
  services.clear();
  agent_listener.reset();
  if (!agent_dir.empty()) rmdir(agent_dir.c_str());
  service::ReapAbandonedCommands();
  return core->exit_status();
}

}  // namespace roam::session
