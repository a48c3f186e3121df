// UdpRelay: the poll loop and timer heap around two LinkModels.

#include "netsim/udp_relay.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "netsim/json_object.h"

namespace roam::netsim {
namespace {

// Largest datagram the relay carries (the UDP maximum).
constexpr size_t kMaxDatagram = 65535;
// Datagrams read per socket per RunOnce, so one busy side cannot starve the other.
constexpr int kMaxReadsPerWake = 64;
// The downstream model gets a seed of its own, derived from the relay's.
constexpr uint64_t kDownSeedOffset = 0x9E3779B97F4A7C15ULL;

timespec ToTimespec(Duration d) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::max(d, Duration::zero()));
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns.count() % 1'000'000'000);
  return ts;
}

}  // namespace

UdpRelay::UdpRelay(UdpRelayConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      start_(clock.Now()),
      up_(config_.profile.up, config_.seed, start_),
      down_(config_.profile.down, config_.seed + kDownSeedOffset, start_) {
  std::sort(config_.rebind_at.begin(), config_.rebind_at.end());
}

Result<std::unique_ptr<UdpRelay>> UdpRelay::Create(UdpRelayConfig config, const Clock& clock) {
  if (config.listen.family() != config.server.family()) {
    return InvalidArgument("listen and server addresses must be the same IP family");
  }
  if (!config.rebind_ip.empty()) {
    Result<LoopbackEndpoint> ip = LoopbackEndpoint::FromHost(config.rebind_ip, 0);
    if (!ip.ok()) return ip.status();
    if (ip->family() != config.server.family()) {
      return InvalidArgument("rebind IP must be the server's IP family");
    }
  }
  std::unique_ptr<UdpRelay> relay(new UdpRelay(std::move(config), clock));
  Result<UniqueFd> listen = OpenBoundSocket(SOCK_DGRAM, relay->config_.listen);
  if (!listen.ok()) return listen.status();
  relay->listen_fd_ = std::move(listen).value();
  Result<LoopbackEndpoint> listen_addr = LocalEndpoint(relay->listen_fd_.get());
  if (!listen_addr.ok()) return listen_addr.status();
  relay->listen_addr_ = *listen_addr;
  // The first upstream socket uses the listen socket's IP: a NAT's outside
  // address, as far as a loopback test can tell.
  ROAM_RETURN_IF_ERROR(relay->Rebind(""));
  relay->stats_.rebinds = 0;
  return relay;
}

Status UdpRelay::Rebind(std::string_view ip) {
  LoopbackEndpoint local;
  if (ip.empty()) {
    local = upstream_fd_.valid() ? upstream_addr_.WithPort(0) : listen_addr_.WithPort(0);
  } else {
    Result<LoopbackEndpoint> parsed = LoopbackEndpoint::FromHost(ip, 0);
    if (!parsed.ok()) return parsed.status();
    if (parsed->family() != config_.server.family()) {
      return InvalidArgument("rebind: IP must be the server's IP family");
    }
    local = *parsed;
  }
  // Open the new socket while the old one still holds its port, so the
  // kernel cannot hand the same port back.
  Result<UniqueFd> fd = OpenBoundSocket(SOCK_DGRAM, local);
  if (!fd.ok()) return fd.status();
  Result<LoopbackEndpoint> bound = LocalEndpoint(fd->get());
  if (!bound.ok()) return bound.status();
  upstream_fd_ = std::move(fd).value();
  upstream_addr_ = *bound;
  ++stats_.rebinds;
  return Status::Ok();
}

void UdpRelay::StartOutage(Duration duration) {
  const TimePoint now = clock_.Now();
  up_.AddOutageNow(now, duration);
  down_.AddOutageNow(now, duration);
}

void UdpRelay::SetProfile(const Profile& profile) {
  up_.SetConfig(profile.up);
  down_.SetConfig(profile.down);
}

Status UdpRelay::Apply(const ControlCommand& command) {
  switch (command.kind) {
    case ControlCommand::Kind::kRebind:
      return Rebind(command.arg);
    case ControlCommand::Kind::kOutage:
      StartOutage(command.duration);
      return Status::Ok();
    case ControlCommand::Kind::kProfile: {
      Result<Profile> p = ProfileByName(command.arg);
      if (!p.ok()) return p.status();
      SetProfile(*p);
      return Status::Ok();
    }
    case ControlCommand::Kind::kMove:
      return InvalidArgument(
          "move: only the packet-level link (roam-netsim link) moves the client; use rebind");
    case ControlCommand::Kind::kBlock:
      return InvalidArgument("block: only the packet-level link (roam-netsim link) blocks UDP");
  }
  return Status::Ok();
}

void UdpRelay::Schedule(std::vector<Delivery> deliveries, Direction direction) {
  for (Delivery& d : deliveries) {
    if (heap_.size() >= kMaxInFlightPackets || heap_bytes_ + d.bytes.size() > kMaxInFlightBytes) {
      ++stats_.heap_overflow;
      continue;
    }
    heap_bytes_ += d.bytes.size();
    heap_.push(Pending{d.at, next_seq_++, direction, std::move(d.bytes)});
  }
}

void UdpRelay::ReceiveFromClient(TimePoint now) {
  std::string buf(kMaxDatagram, '\0');
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(listen_fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;  // EAGAIN, or a transient error: try again next wake
    ++stats_.from_client;
    const LoopbackEndpoint source =
        LoopbackEndpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&from), from_len);
    if (!client_.empty() && !(source == client_)) ++stats_.client_moves;
    client_ = source;  // follow the client like a NAT: last source wins
    Schedule(up_.Send(std::string_view(buf.data(), static_cast<size_t>(n)), now), Direction::kUp);
  }
}

void UdpRelay::ReceiveFromServer(TimePoint now) {
  std::string buf(kMaxDatagram, '\0');
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(upstream_fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    const LoopbackEndpoint source =
        LoopbackEndpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&from), from_len);
    if (!(source == config_.server)) {
      ++stats_.from_stranger;
      continue;
    }
    ++stats_.from_server;
    Schedule(down_.Send(std::string_view(buf.data(), static_cast<size_t>(n)), now),
             Direction::kDown);
  }
}

void UdpRelay::DeliverDue(TimePoint now) {
  while (!heap_.empty() && heap_.top().at <= now) {
    // priority_queue::top is const; the copy is dropped right after sending.
    const Pending& p = heap_.top();
    ssize_t sent = 0;
    if (p.direction == Direction::kUp) {
      sent = sendto(upstream_fd_.get(), p.bytes.data(), p.bytes.size(), MSG_DONTWAIT,
                    config_.server.sockaddr_ptr(), config_.server.sockaddr_len());
    } else if (client_.empty()) {
      ++stats_.no_client;
    } else {
      sent = sendto(listen_fd_.get(), p.bytes.data(), p.bytes.size(), MSG_DONTWAIT,
                    client_.sockaddr_ptr(), client_.sockaddr_len());
    }
    if (sent < 0) ++stats_.send_errors;
    heap_bytes_ -= p.bytes.size();
    heap_.pop();
  }
}

TimePoint UdpRelay::NextDeadline() const {
  TimePoint t = heap_.empty() ? kNever : heap_.top().at;
  if (next_rebind_ < config_.rebind_at.size()) {
    t = std::min(t, start_ + config_.rebind_at[next_rebind_]);
  }
  return t;
}

Status UdpRelay::RunOnce(Duration max_wait, int extra_fd, bool* extra_ready) {
  if (extra_ready != nullptr) *extra_ready = false;
  TimePoint now = clock_.Now();
  const TimePoint deadline = NextDeadline();
  Duration wait = max_wait;
  if (deadline != kNever) wait = std::min(wait, deadline - now);
  pollfd fds[3] = {
      {listen_fd_.get(), POLLIN, 0}, {upstream_fd_.get(), POLLIN, 0}, {extra_fd, POLLIN, 0}};
  const nfds_t nfds = extra_fd >= 0 ? 3 : 2;
  const timespec ts = ToTimespec(wait);
  const int rc = ppoll(fds, nfds, &ts, nullptr);
  if (rc < 0) {
    if (errno == EINTR) return Status::Ok();
    return IoError(std::string("poll: ") + std::strerror(errno));
  }
  now = clock_.Now();
  if (fds[0].revents != 0) ReceiveFromClient(now);
  if (fds[1].revents != 0) ReceiveFromServer(now);
  if (extra_ready != nullptr && nfds == 3) *extra_ready = fds[2].revents != 0;
  while (next_rebind_ < config_.rebind_at.size() &&
         start_ + config_.rebind_at[next_rebind_] <= now) {
    ++next_rebind_;
    // A failed scheduled rebind keeps the old socket; the count shows it.
    (void)Rebind(config_.rebind_ip);
  }
  DeliverDue(now);
  return Status::Ok();
}

UdpRelayStats UdpRelay::stats() const {
  UdpRelayStats s = stats_;
  s.up = up_.counters();
  s.down = down_.counters();
  return s;
}

std::string UdpRelay::StatsJson() const {
  const UdpRelayStats s = stats();
  return JsonObject()
      .AddString("mode", "udp")
      .AddJson("up", CountersToJson(s.up))
      .AddJson("down", CountersToJson(s.down))
      .Add("from_client", s.from_client)
      .Add("from_server", s.from_server)
      .Add("from_stranger", s.from_stranger)
      .Add("no_client", s.no_client)
      .Add("heap_overflow", s.heap_overflow)
      .Add("send_errors", s.send_errors)
      .Add("client_moves", s.client_moves)
      .Add("rebinds", s.rebinds)
      .ToString();
}

}  // namespace roam::netsim
