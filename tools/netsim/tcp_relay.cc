// TcpRelay: the poll loop, connection bookkeeping and paced writes around
// stream-mode LinkModels.

#include "netsim/tcp_relay.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "netsim/json_object.h"

namespace roam::netsim {
namespace {

// Chunks read per pipe per RunOnce, so one fast sender cannot starve the rest.
constexpr int kMaxReadsPerWake = 16;
// How soon to look again at a pipe whose bottleneck queue is full.
constexpr Duration kBacklogRecheck = std::chrono::milliseconds(2);
// Distinct random streams per connection and direction.
constexpr uint64_t kSeedStride = 0x9E3779B97F4A7C15ULL;

timespec ToTimespec(Duration d) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::max(d, Duration::zero()));
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns.count() % 1'000'000'000);
  return ts;
}

void AddTo(LinkCounters* sum, const LinkCounters& c) {
  sum->received += c.received;
  sum->passed += c.passed;
  sum->lost_random += c.lost_random;
  sum->lost_burst += c.lost_burst;
  sum->lost_outage += c.lost_outage;
  sum->dropped_queue += c.dropped_queue;
  sum->duplicated += c.duplicated;
  sum->reordered += c.reordered;
  sum->bytes_passed += c.bytes_passed;
}

}  // namespace

// One direction of one connection: bytes read from the source wait here,
// in order, until the model says they arrive.
struct TcpRelay::Pipe {
  Pipe(const LinkConfig& config, uint64_t seed, TimePoint start)
      : model(config, seed, start, LinkMode::kStream) {}

  // Room to read more from the source without exceeding the bottleneck
  // queue or the in-flight bound.
  bool CanRead(TimePoint now) const {
    if (source_eof || in_flight_bytes >= kMaxInFlightBytes) return false;
    return model.config().rate_bytes_per_sec == 0 ||
           model.BacklogBytes(now) < model.config().queue_bytes;
  }
  bool BacklogFull(TimePoint now) const {
    return !source_eof && in_flight_bytes < kMaxInFlightBytes && !CanRead(now);
  }

  LinkModel model;
  std::deque<Delivery> in_flight;
  size_t in_flight_bytes = 0;
  size_t written_of_front = 0;
  bool source_eof = false;
  bool shut_down = false;  // the destination got shutdown(SHUT_WR)
  bool write_blocked = false;
};

struct TcpRelay::Connection {
  Connection(const Profile& profile, uint64_t seed, TimePoint start)
      : up(profile.up, seed, start), down(profile.down, seed + kSeedStride, start) {}

  UniqueFd client;
  UniqueFd server;
  bool connected = false;
  Pipe up;
  Pipe down;
};

TcpRelay::TcpRelay(TcpRelayConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), start_(clock.Now()) {}

TcpRelay::~TcpRelay() = default;

Result<std::unique_ptr<TcpRelay>> TcpRelay::Create(TcpRelayConfig config, const Clock& clock) {
  if (config.listen.family() != config.target.family()) {
    return InvalidArgument("listen and target addresses must be the same IP family");
  }
  std::unique_ptr<TcpRelay> relay(new TcpRelay(std::move(config), clock));
  Result<UniqueFd> fd = OpenBoundSocket(SOCK_STREAM, relay->config_.listen);
  if (!fd.ok()) return fd.status();
  relay->listen_fd_ = std::move(fd).value();
  Result<LoopbackEndpoint> addr = LocalEndpoint(relay->listen_fd_.get());
  if (!addr.ok()) return addr.status();
  relay->listen_addr_ = *addr;
  return relay;
}

void TcpRelay::StartOutage(Duration duration) {
  const TimePoint now = clock_.Now();
  outages_.emplace_back(now, duration);
  for (auto& c : connections_) {
    c->up.model.AddOutageNow(now, duration);
    c->down.model.AddOutageNow(now, duration);
  }
}

void TcpRelay::SetProfile(const Profile& profile) {
  config_.profile = profile;
  for (auto& c : connections_) {
    c->up.model.SetConfig(profile.up);
    c->down.model.SetConfig(profile.down);
  }
}

Status TcpRelay::Apply(const ControlCommand& command) {
  switch (command.kind) {
    case ControlCommand::Kind::kRebind:
      return InvalidArgument("rebind: only the UDP relay rebinds");
    case ControlCommand::Kind::kMove:
      return InvalidArgument(
          "move: only the packet-level link (roam-netsim link) moves the client");
    case ControlCommand::Kind::kBlock:
      return InvalidArgument("block: only the packet-level link (roam-netsim link) blocks UDP");
    case ControlCommand::Kind::kOutage:
      StartOutage(command.duration);
      return Status::Ok();
    case ControlCommand::Kind::kProfile: {
      Result<Profile> p = ProfileByName(command.arg);
      if (!p.ok()) return p.status();
      SetProfile(*p);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

void TcpRelay::Accept() {
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    UniqueFd client(accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client.valid()) return;  // EAGAIN, or the peer already gave up
    if (connections_.size() >= config_.max_connections) {
      ++stats_.refused;
      continue;
    }
    UniqueFd server(
        ::socket(config_.target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!server.valid() || (::connect(server.get(), config_.target.sockaddr_ptr(),
                                      config_.target.sockaddr_len()) != 0 &&
                            errno != EINPROGRESS)) {
      ++stats_.connect_failed;
      continue;
    }
    const uint64_t seed = config_.seed + 2 * kSeedStride * next_connection_++;
    auto c = std::make_unique<Connection>(config_.profile, seed, start_);
    c->client = std::move(client);
    c->server = std::move(server);
    for (const auto& [begin, length] : outages_) {
      c->up.model.AddOutageNow(begin, length);
      c->down.model.AddOutageNow(begin, length);
    }
    ++stats_.accepted;
    connections_.push_back(std::move(c));
  }
}

bool TcpRelay::ReadInto(Pipe& pipe, int fd, TimePoint now) {
  std::string buf(kChunkBytes, '\0');
  for (int i = 0; i < kMaxReadsPerWake && pipe.CanRead(now); ++i) {
    const ssize_t n = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n == 0) {
      pipe.source_eof = true;
      return true;
    }
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    for (Delivery& d : pipe.model.Send(std::string_view(buf.data(), static_cast<size_t>(n)), now)) {
      pipe.in_flight_bytes += d.bytes.size();
      pipe.in_flight.push_back(std::move(d));
    }
  }
  return true;
}

bool TcpRelay::WriteDue(Pipe& pipe, int fd, TimePoint now, uint64_t* counter) {
  pipe.write_blocked = false;
  while (!pipe.in_flight.empty() && pipe.in_flight.front().at <= now) {
    if (pipe.model.OutageEnd(now)) return true;  // stalled: bytes wait for the link
    const std::string& bytes = pipe.in_flight.front().bytes;
    const ssize_t n = send(fd, bytes.data() + pipe.written_of_front,
                           bytes.size() - pipe.written_of_front, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        pipe.write_blocked = true;
        return true;
      }
      return false;
    }
    *counter += static_cast<uint64_t>(n);
    pipe.written_of_front += static_cast<size_t>(n);
    if (pipe.written_of_front < bytes.size()) {
      pipe.write_blocked = true;
      return true;
    }
    pipe.in_flight_bytes -= bytes.size();
    pipe.written_of_front = 0;
    pipe.in_flight.pop_front();
  }
  if (pipe.source_eof && pipe.in_flight.empty() && !pipe.shut_down) {
    ::shutdown(fd, SHUT_WR);
    pipe.shut_down = true;
  }
  return true;
}

bool TcpRelay::Service(Connection& c, short client_events, short server_events, TimePoint now) {
  if (!c.connected && server_events != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c.server.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      ++stats_.connect_failed;
      return false;
    }
    c.connected = true;
    server_events = 0;  // that wake-up was the connect finishing
  }
  if ((client_events & (POLLIN | POLLHUP | POLLERR)) != 0 && !ReadInto(c.up, c.client.get(), now)) {
    return false;
  }
  if (!c.connected) return true;  // client bytes wait in the pipe until then
  if ((server_events & (POLLIN | POLLHUP | POLLERR)) != 0 &&
      !ReadInto(c.down, c.server.get(), now)) {
    return false;
  }
  if (!WriteDue(c.up, c.server.get(), now, &stats_.bytes_up)) return false;
  if (!WriteDue(c.down, c.client.get(), now, &stats_.bytes_down)) return false;
  return !(c.up.shut_down && c.down.shut_down);
}

void TcpRelay::AddCounters(const Connection& c) {
  AddTo(&stats_.up, c.up.model.counters());
  AddTo(&stats_.down, c.down.model.counters());
}

Status TcpRelay::RunOnce(Duration max_wait, int extra_fd, bool* extra_ready) {
  if (extra_ready != nullptr) *extra_ready = false;
  TimePoint now = clock_.Now();
  std::vector<pollfd> fds;
  fds.push_back({listen_fd_.get(), POLLIN, 0});
  fds.push_back({extra_fd, POLLIN, 0});  // fd -1 is ignored by poll
  TimePoint deadline = now + max_wait;
  auto pipe_deadline = [&](const Pipe& p, bool writable) {
    if (p.BacklogFull(now)) deadline = std::min(deadline, now + kBacklogRecheck);
    if (!writable || p.write_blocked || p.in_flight.empty()) return;
    TimePoint t = std::max(p.in_flight.front().at, now);
    if (std::optional<TimePoint> end = p.model.OutageEnd(t)) t = *end;
    deadline = std::min(deadline, t);
  };
  for (const auto& c : connections_) {
    short cev = 0;
    short sev = 0;
    if (c->up.CanRead(now)) cev |= POLLIN;
    if (c->down.write_blocked) cev |= POLLOUT;
    if (!c->connected) {
      sev |= POLLOUT;
    } else {
      if (c->down.CanRead(now)) sev |= POLLIN;
      if (c->up.write_blocked) sev |= POLLOUT;
    }
    // A descriptor with nothing wanted is left out (fd -1) so a pending
    // hangup does not wake the loop until we are ready to read it.
    fds.push_back({cev != 0 ? c->client.get() : -1, cev, 0});
    fds.push_back({sev != 0 ? c->server.get() : -1, sev, 0});
    pipe_deadline(c->up, c->connected);
    pipe_deadline(c->down, true);
  }
  const timespec ts = ToTimespec(deadline - now);
  const int rc = ppoll(fds.data(), fds.size(), &ts, nullptr);
  if (rc < 0) {
    if (errno == EINTR) return Status::Ok();
    return IoError(std::string("poll: ") + std::strerror(errno));
  }
  now = clock_.Now();
  if (extra_ready != nullptr && extra_fd >= 0) *extra_ready = fds[1].revents != 0;
  // Service the connections that existed at poll time, then accept new ones.
  std::vector<std::unique_ptr<Connection>> kept;
  for (size_t i = 0; i < connections_.size(); ++i) {
    Connection& c = *connections_[i];
    if (Service(c, fds[2 + 2 * i].revents, fds[3 + 2 * i].revents, now)) {
      kept.push_back(std::move(connections_[i]));
    } else {
      AddCounters(c);
      ++stats_.closed;
    }
  }
  connections_ = std::move(kept);
  if (fds[0].revents != 0) Accept();
  return Status::Ok();
}

TcpRelayStats TcpRelay::stats() const {
  TcpRelayStats s = stats_;
  for (const auto& c : connections_) {
    AddTo(&s.up, c->up.model.counters());
    AddTo(&s.down, c->down.model.counters());
  }
  return s;
}

std::string TcpRelay::StatsJson() const {
  const TcpRelayStats s = stats();
  return JsonObject()
      .AddString("mode", "tcp")
      .AddJson("up", CountersToJson(s.up))
      .AddJson("down", CountersToJson(s.down))
      .Add("accepted", s.accepted)
      .Add("refused", s.refused)
      .Add("connect_failed", s.connect_failed)
      .Add("closed", s.closed)
      .Add("bytes_up", s.bytes_up)
      .Add("bytes_down", s.bytes_down)
      .ToString();
}

}  // namespace roam::netsim
