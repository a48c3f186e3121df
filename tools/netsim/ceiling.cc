// MeasureCeiling: UDP and TCP traffic made by threads inside the link's
// namespaces while the calling thread forwards.

#include "netsim/ceiling.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "base/unique_fd.h"

namespace roam::netsim {
namespace {

using std::chrono::milliseconds;

constexpr uint16_t kUdpPort = 9000;
constexpr uint16_t kTcpPort = 9001;
constexpr int kUdpPayload = kUdpPacketBytes - 28;  // minus IPv4 and UDP headers
constexpr int kBatch = 64;                         // datagrams per sendmmsg / recvmmsg
constexpr Duration kWarmUp = milliseconds(200);
// A sender waiting this long with no datagram received counts what is in
// flight as lost, so a dropped packet cannot stall it.
constexpr auto kStallTimeout = milliseconds(5);
constexpr int kPollMs = 10;
constexpr size_t kTcpChunk = 64 * 1024;

sockaddr_in ServerAddress(const PacketLink& link, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, link.server_address().c_str(), &a.sin_addr);
  return a;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// What the traffic threads share with the forwarding thread.
struct Shared {
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::atomic<bool> failed{false};
  std::string error;  // written once, by the thread that sets `failed`
  std::mutex error_mutex;
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> received{0};  // datagrams, or TCP bytes
  std::mutex mutex;
  std::condition_variable progress;

  void Fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (!failed.exchange(true)) error = what + ": " + std::strerror(errno);
  }
};

void UdpReceiver(const PacketLink& link, Shared* shared) {
  Result<NamespaceGuard> inside = link.server_namespace().Enter();
  if (!inside.ok()) return shared->Fail("enter the server namespace");
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in local = ServerAddress(link, kUdpPort);
  if (!fd.valid() || bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    return shared->Fail("udp receiver socket");
  }
  ++shared->ready;
  std::vector<std::vector<char>> buffers(kBatch, std::vector<char>(kUdpPayload));
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  for (int i = 0; i < kBatch; ++i) {
    iov[static_cast<size_t>(i)] = {buffers[static_cast<size_t>(i)].data(), kUdpPayload};
    msgs[static_cast<size_t>(i)].msg_hdr.msg_iov = &iov[static_cast<size_t>(i)];
    msgs[static_cast<size_t>(i)].msg_hdr.msg_iovlen = 1;
  }
  while (!shared->stop) {
    pollfd p{fd.get(), POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int n = recvmmsg(fd.get(), msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) continue;
    shared->received += static_cast<uint64_t>(n);
    shared->progress.notify_one();
  }
}

void UdpSender(const PacketLink& link, Shared* shared) {
  Result<NamespaceGuard> inside = link.client_namespace().Enter();
  if (!inside.ok()) return shared->Fail("enter the client namespace");
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in server = ServerAddress(link, kUdpPort);
  if (!fd.valid() ||
      connect(fd.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    return shared->Fail("udp sender socket");
  }
  ++shared->ready;
  std::vector<char> payload(kUdpPayload, 'c');
  iovec iov{payload.data(), payload.size()};
  std::vector<mmsghdr> msgs(kBatch);
  for (mmsghdr& m : msgs) {
    m.msg_hdr.msg_iov = &iov;
    m.msg_hdr.msg_iovlen = 1;
  }
  uint64_t forgiven = 0;  // datagrams presumed lost
  while (!shared->stop) {
    const uint64_t in_flight = shared->sent - shared->received - forgiven;
    if (in_flight >= static_cast<uint64_t>(kUdpWindow)) {
      std::unique_lock<std::mutex> lock(shared->mutex);
      const uint64_t before = shared->received;
      if (!shared->progress.wait_for(lock, kStallTimeout,
                                     [&] { return shared->received != before || shared->stop; })) {
        forgiven += in_flight;
      }
      continue;
    }
    const unsigned room = static_cast<unsigned>(
        std::min<uint64_t>(kBatch, static_cast<uint64_t>(kUdpWindow) - in_flight));
    const int n = sendmmsg(fd.get(), msgs.data(), room, 0);
    if (n > 0) shared->sent += static_cast<uint64_t>(n);
  }
}

void TcpReceiver(const PacketLink& link, Shared* shared) {
  Result<NamespaceGuard> inside = link.server_namespace().Enter();
  if (!inside.ok()) return shared->Fail("enter the server namespace");
  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in local = ServerAddress(link, kTcpPort);
  if (!listener.valid() ||
      bind(listener.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
      listen(listener.get(), 1) != 0) {
    return shared->Fail("tcp listener");
  }
  ++shared->ready;
  UniqueFd conn;
  while (!shared->stop && !conn.valid()) {
    pollfd p{listener.get(), POLLIN, 0};
    if (poll(&p, 1, kPollMs) > 0)
      conn.Reset(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  }
  std::vector<char> buf(kTcpChunk);
  while (!shared->stop && conn.valid()) {
    pollfd p{conn.get(), POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const ssize_t n = recv(conn.get(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n == 0) break;
    if (n > 0) shared->received += static_cast<uint64_t>(n);
  }
}

void TcpSender(const PacketLink& link, Shared* shared) {
  Result<NamespaceGuard> inside = link.client_namespace().Enter();
  if (!inside.ok()) return shared->Fail("enter the client namespace");
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in server = ServerAddress(link, kTcpPort);
  // Blocking sends time out now and then, so `stop` is seen.
  const timeval timeout{0, kPollMs * 1000};
  if (!fd.valid() || setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) != 0 ||
      connect(fd.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    return shared->Fail("tcp connect");
  }
  ++shared->ready;
  std::vector<char> chunk(kTcpChunk, 't');
  while (!shared->stop) {
    const ssize_t n = send(fd.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n > 0) shared->sent += static_cast<uint64_t>(n);
    if (n < 0 && errno != EAGAIN && errno != EINTR) break;
  }
}

struct PhaseResult {
  uint64_t units = 0;  // datagrams or bytes received in the measured window
  double seconds = 0;
  double forwarder_cpu = 0;
};

// Forwards while `sender` and `receiver` run: warm-up, then `each` measured.
Result<PhaseResult> RunPhase(PacketLink& link, Duration each, Shared* shared,
                             void (*receiver)(const PacketLink&, Shared*),
                             void (*sender)(const PacketLink&, Shared*)) {
  std::thread rx(receiver, std::cref(link), shared);
  // The receiver listens before the sender starts (the TCP connect needs
  // the forwarder, which runs below).
  const auto rx_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (shared->ready < 1 && !shared->failed && std::chrono::steady_clock::now() < rx_deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  std::thread tx(sender, std::cref(link), shared);
  Status st = Status::Ok();
  PhaseResult r;
  SystemClock clock;
  const TimePoint begin = clock.Now();
  const TimePoint measure_from = begin + kWarmUp;
  const TimePoint end = measure_from + each;
  bool measuring = false;
  uint64_t units_at_start = 0;
  double cpu_at_start = 0;
  // Bounded by `end`.
  while (st.ok() && !shared->failed) {
    const TimePoint now = clock.Now();
    if (now >= end) break;
    if (!measuring && now >= measure_from) {
      measuring = true;
      units_at_start = shared->received;
      cpu_at_start = ThreadCpuSeconds();
    }
    st = link.RunOnce(std::min<Duration>(milliseconds(1), end - now));
  }
  const TimePoint stopped = clock.Now();
  r.units = shared->received - units_at_start;
  r.seconds = std::chrono::duration<double>(stopped - std::max(measure_from, begin)).count();
  r.forwarder_cpu = (ThreadCpuSeconds() - cpu_at_start) / std::max(r.seconds, 1e-9);
  shared->stop = true;
  shared->progress.notify_all();
  // Keep forwarding while the threads notice `stop` (a TCP sender may be
  // inside a send that needs the link to drain).
  const TimePoint drain_end = clock.Now() + milliseconds(200);
  while (clock.Now() < drain_end) (void)link.RunOnce(milliseconds(1));
  tx.join();
  rx.join();
  if (!st.ok()) return st;
  if (shared->failed) return IoError(shared->error);
  if (!measuring) return IoError("the measurement window never started");
  return r;
}

}  // namespace

Result<Ceiling> MeasureCeiling(PacketLink& link, Duration each) {
  Ceiling c;
  {
    Shared shared;
    Result<PhaseResult> udp = RunPhase(link, each, &shared, UdpReceiver, UdpSender);
    if (!udp.ok()) return udp.status();
    c.udp_packets_per_s = static_cast<double>(udp->units) / udp->seconds;
    c.udp_megabytes_per_s = c.udp_packets_per_s * kUdpPacketBytes / 1e6;
    c.forwarder_cpu_share = udp->forwarder_cpu;
    c.udp_packets_sent = shared.sent;
    c.udp_packets_received = shared.received;
  }
  {
    Shared shared;
    Result<PhaseResult> tcp = RunPhase(link, each, &shared, TcpReceiver, TcpSender);
    if (!tcp.ok()) return tcp.status();
    c.tcp_megabytes_per_s = static_cast<double>(tcp->units) / tcp->seconds / 1e6;
  }
  return c;
}

std::string CeilingLine(const Ceiling& c) {
  char line[256];
  std::snprintf(line, sizeof line,
                "NETSIM CEILING udp_packets_per_s=%.0f udp_mb_per_s=%.1f tcp_mb_per_s=%.1f "
                "forwarder_cpu=%.2f packet_bytes=%d",
                c.udp_packets_per_s, c.udp_megabytes_per_s, c.tcp_megabytes_per_s,
                c.forwarder_cpu_share, kUdpPacketBytes);
  return line;
}

}  // namespace roam::netsim
