// PacketForwarder: the poll loop between two TUN devices.

#include "netsim/packet_forwarder.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "netsim/json_object.h"

namespace roam::netsim {
namespace {

// The down model's seed is derived from the up model's, as in the relays.
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

PacketForwarder::PacketForwarder(UniqueFd client_tun, UniqueFd server_tun, const Profile& profile,
                                 uint64_t seed, const Clock& clock)
    : clock_(clock),
      client_tun_(std::move(client_tun)),
      server_tun_(std::move(server_tun)),
      up_(profile.up, seed, clock.Now()),
      down_(profile.down, seed + kDownSeedOffset, clock.Now()),
      line_(kMaxInFlightPackets, kMaxInFlightBytes),
      buffer_(kMaxPacket, '\0') {}

void PacketForwarder::StartOutage(Duration duration) {
  const TimePoint now = clock_.Now();
  up_.AddOutageNow(now, duration);
  down_.AddOutageNow(now, duration);
}

void PacketForwarder::SetProfile(const Profile& profile) {
  up_.SetConfig(profile.up);
  down_.SetConfig(profile.down);
}

void PacketForwarder::ReadFrom(int fd, LinkDirection direction, TimePoint now) {
  const bool up = direction == LinkDirection::kUp;
  LinkModel& model = up ? up_ : down_;
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    const ssize_t n = read(fd, buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) ++stats_.read_errors;
      return;
    }
    if (n == 0) return;
    ++(up ? stats_.packets_from_client : stats_.packets_from_server);
    if (block_udp_ && IsUdpPacket(std::string_view(buffer_.data(), static_cast<size_t>(n)))) {
      ++stats_.blocked_udp;
      continue;
    }
    std::string_view packet(buffer_.data(), static_cast<size_t>(n));
    std::string translated;
    if (up && nat_.rebinds() > 0) {
      // The NAT sits at the client's end: its packets leave translated.
      translated.assign(packet);
      nat_.Outbound(&translated);
      packet = translated;
    }
    for (Delivery& d : model.Send(packet, now)) {
      line_.Push(d.at, direction, std::move(d.bytes));
    }
  }
}

bool IsUdpPacket(std::string_view packet) {
  if (packet.empty()) return false;
  const int version = static_cast<uint8_t>(packet[0]) >> 4;
  if (version == 4) return packet.size() >= 20 && static_cast<uint8_t>(packet[9]) == 17;
  // IPv6: the next-header field (no extension headers on this link).
  if (version == 6) return packet.size() >= 40 && static_cast<uint8_t>(packet[6]) == 17;
  return false;
}

void PacketForwarder::DeliverDue(TimePoint now) {
  // Bounded by the packets in the line; each pass removes one.
  while (std::optional<DelayLine::Packet> p = line_.PopDue(now)) {
    const bool up = p->direction == LinkDirection::kUp;
    const int fd = up ? server_tun_.get() : client_tun_.get();
    if (!up && !nat_.Inbound(&p->bytes)) continue;  // no mapping (counted by the NAT)
    if (write(fd, p->bytes.data(), p->bytes.size()) != static_cast<ssize_t>(p->bytes.size())) {
      ++stats_.write_errors;
      continue;
    }
    ++(up ? stats_.packets_to_server : stats_.packets_to_client);
    (up ? stats_.bytes_to_server : stats_.bytes_to_client) += p->bytes.size();
  }
}

Status PacketForwarder::RunOnce(Duration max_wait, int extra_fd, bool* extra_ready) {
  if (extra_ready != nullptr) *extra_ready = false;
  TimePoint now = clock_.Now();
  const TimePoint deadline = line_.NextDeadline();
  Duration wait = max_wait;
  if (deadline != kNever) wait = std::min(wait, deadline - now);
  pollfd fds[3] = {
      {client_tun_.get(), POLLIN, 0}, {server_tun_.get(), POLLIN, 0}, {extra_fd, POLLIN, 0}};
  const nfds_t nfds = extra_fd >= 0 ? 3 : 2;
  const timespec ts = ToTimespec(wait);
  const int rc = ppoll(fds, nfds, &ts, nullptr);
  if (rc < 0) {
    if (errno == EINTR) return Status::Ok();
    return IoError(std::string("poll: ") + std::strerror(errno));
  }
  if (rc > 0) ++stats_.wakes;
  now = clock_.Now();
  if (fds[0].revents != 0) ReadFrom(client_tun_.get(), LinkDirection::kUp, now);
  if (fds[1].revents != 0) ReadFrom(server_tun_.get(), LinkDirection::kDown, now);
  if (extra_ready != nullptr && nfds == 3) *extra_ready = fds[2].revents != 0;
  DeliverDue(clock_.Now());
  return Status::Ok();
}

PacketForwarderStats PacketForwarder::stats() const {
  PacketForwarderStats s = stats_;
  s.up = up_.counters();
  s.down = down_.counters();
  s.nat_rebinds = nat_.rebinds();
  s.nat_dropped = nat_.dropped();
  s.delay_line_overflow = line_.overflows();
  return s;
}

void PacketForwarder::AddStats(JsonObject* json) const {
  const PacketForwarderStats s = stats();
  json->AddJson("up", CountersToJson(s.up))
      .AddJson("down", CountersToJson(s.down))
      .Add("packets_from_client", s.packets_from_client)
      .Add("packets_from_server", s.packets_from_server)
      .Add("packets_to_server", s.packets_to_server)
      .Add("packets_to_client", s.packets_to_client)
      .Add("bytes_to_server", s.bytes_to_server)
      .Add("bytes_to_client", s.bytes_to_client)
      .Add("delay_line_overflow", s.delay_line_overflow)
      .Add("write_errors", s.write_errors)
      .Add("read_errors", s.read_errors)
      .Add("blocked_udp", s.blocked_udp)
      .Add("nat_rebinds", s.nat_rebinds)
      .Add("nat_dropped", s.nat_dropped)
      .Add("wakes", s.wakes);
}

}  // namespace roam::netsim
