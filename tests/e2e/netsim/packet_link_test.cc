// The packet-level link (roam-netsim link), end to end: real kernel UDP and
// TCP between the client and the server namespace see the configured delay
// and loss, an outage stops both, the client's address change reaches a UDP
// server, and the link leaves no namespace, device or process behind when it
// ends, is stopped, or fails.
//
// Needs root (network namespaces, TUN devices): otherwise every test is
// skipped with the reason. Label `netns`. Waits are bounded polling.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "netsim/network_namespace.h"
#include "support/netns_link.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
using Seconds = std::chrono::duration<double>;

constexpr uint16_t kUdpPort = 7000;
constexpr uint16_t kTcpPort = 7001;

sockaddr_in Addr(const std::string& ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  return a;
}

const sockaddr* Sa(const sockaddr_in& a) { return reinterpret_cast<const sockaddr*>(&a); }

std::string IpOf(const sockaddr_in& a) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
  return text;
}

double Ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The RTT the link itself gives: the lowest tenth of the samples. Every
// sample is at least the configured RTT (checked separately); on a busy
// machine some are later by a few milliseconds because a process waited for
// a CPU, which says nothing about the link. A link that added delay of its
// own would raise the lowest tenth too.
double LowDecile(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 10];
}

// The samples, sorted, for a failure message.
std::string Sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::string text;
  for (double x : v) text += std::to_string(x).substr(0, 6) + " ";
  return text;
}

bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The counter `name` inside the object `object` of a stats JSON
// ({"up": {"received": 10, ...}}), or -1.
int64_t Counter(const std::string& json, const std::string& object, const std::string& name) {
  const size_t obj = json.find("\"" + object + "\": {");
  if (obj == std::string::npos) return -1;
  const size_t at = json.find("\"" + name + "\": ", obj);
  if (at == std::string::npos || at > json.find('}', obj)) return -1;
  return std::stoll(json.substr(at + name.size() + 4));
}

class PacketLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string* why = [] {
      auto* reason = new std::string;
      if (NetnsLink::Available(ROAM_NETSIM_BINARY, reason)) reason->clear();
      return reason;
    }();
    if (!why->empty()) GTEST_SKIP() << *why;
  }

  // Starts a link with `args` (profile flags and the like).
  std::unique_ptr<NetnsLink> StartLink(std::vector<std::string> args) {
    auto link = std::make_unique<NetnsLink>(ROAM_NETSIM_BINARY, std::move(args));
    EXPECT_TRUE(link->Start()) << link->error();
    return link;
  }

  // A UDP server socket bound inside the server namespace.
  UniqueFd UdpServer(const NetnsLink& link) {
    UniqueFd fd = link.ServerSocket(SOCK_DGRAM);
    const sockaddr_in a = Addr(link.server_address(), kUdpPort);
    EXPECT_EQ(bind(fd.get(), Sa(a), sizeof a), 0) << std::strerror(errno);
    return fd;
  }

  // A connected TCP pair across the link: {client side, server side}.
  std::pair<UniqueFd, UniqueFd> TcpPair(const NetnsLink& link) {
    UniqueFd listener = link.ServerSocket(SOCK_STREAM);
    const sockaddr_in a = Addr(link.server_address(), kTcpPort);
    const int one = 1;
    setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    EXPECT_EQ(bind(listener.get(), Sa(a), sizeof a), 0) << std::strerror(errno);
    EXPECT_EQ(listen(listener.get(), 1), 0);
    UniqueFd client = link.ClientSocket(SOCK_STREAM);
    const timeval limit{5, 0};  // a connect that cannot finish fails the test, bounded
    setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    EXPECT_EQ(connect(client.get(), Sa(a), sizeof a), 0) << std::strerror(errno);
    EXPECT_TRUE(Readable(listener.get(), 5000));
    UniqueFd server(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    EXPECT_TRUE(server.valid());
    for (int fd : {client.get(), server.get()}) {
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return {std::move(client), std::move(server)};
  }

  // One UDP round trip: client -> server (echoed) -> client. Returns the
  // time taken, or nullopt if nothing came back within `timeout_ms`.
  std::optional<Duration> UdpPing(int client, int server, const sockaddr_in& to,
                                  int timeout_ms = 2000) {
    SystemClock clock;
    const TimePoint start = clock.Now();
    char byte = 'p';
    sendto(client, &byte, 1, 0, Sa(to), sizeof to);
    const TimePoint deadline = start + milliseconds(timeout_ms);
    while (clock.Now() < deadline) {
      char buf[64];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      if (recvfrom(server, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from),
                   &len) > 0) {
        last_source_ = IpOf(from);
        sendto(server, buf, 1, 0, reinterpret_cast<sockaddr*>(&from), len);
      }
      if (recv(client, buf, sizeof buf, MSG_DONTWAIT) > 0) return clock.Now() - start;
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      poll(fds, 2, 1);
    }
    return std::nullopt;
  }

  std::string last_source_;  // where the UDP server last heard the client from
};

// ---------------------------------------------------------------- delay

TEST_F(PacketLinkTest, UdpEchoShowsTheConfiguredRtt) {
  auto link = StartLink({"--delay-ms", "10"});  // 20 ms round trip
  UniqueFd server = UdpServer(*link);
  UniqueFd client = link->ClientSocket(SOCK_DGRAM);
  const sockaddr_in to = Addr(link->server_address(), kUdpPort);
  std::vector<double> rtts;
  for (int i = 0; i < 40; ++i) {
    std::optional<Duration> rtt = UdpPing(client.get(), server.get(), to);
    ASSERT_TRUE(rtt.has_value()) << "ping " << i << " got no echo";
    rtts.push_back(Ms(*rtt));
  }
  EXPECT_GE(*std::min_element(rtts.begin(), rtts.end()), 20.0) << Sorted(rtts);
  EXPECT_LE(LowDecile(rtts), 21.0) << Sorted(rtts);
}

TEST_F(PacketLinkTest, TcpRoundTripShowsTheConfiguredRtt) {
  auto link = StartLink({"--delay-ms", "10"});
  auto [client, server] = TcpPair(*link);
  SystemClock clock;
  std::vector<double> rtts;
  for (int i = 0; i < 30; ++i) {
    const TimePoint start = clock.Now();
    char byte = 'q';
    ASSERT_EQ(send(client.get(), &byte, 1, 0), 1);
    ASSERT_TRUE(Readable(server.get(), 2000));
    ASSERT_EQ(recv(server.get(), &byte, 1, 0), 1);
    ASSERT_EQ(send(server.get(), &byte, 1, 0), 1);
    ASSERT_TRUE(Readable(client.get(), 2000));
    ASSERT_EQ(recv(client.get(), &byte, 1, 0), 1);
    rtts.push_back(Ms(clock.Now() - start));
  }
  EXPECT_GE(*std::min_element(rtts.begin(), rtts.end()), 20.0) << Sorted(rtts);
  EXPECT_LE(LowDecile(rtts), 21.0) << Sorted(rtts);
}

// ---------------------------------------------------------------- loss

TEST_F(PacketLinkTest, UdpLossOverAHundredThousandPackets) {
  const std::string stats =
      ::testing::TempDir() + "packet_link_udp_loss_" + std::to_string(getpid()) + ".json";
  auto link = StartLink({"--delay-ms", "0", "--loss", "0.1", "--stats-json", stats});
  UniqueFd server = UdpServer(*link);
  UniqueFd client = link->ClientSocket(SOCK_DGRAM);
  const sockaddr_in to = Addr(link->server_address(), kUdpPort);

  // Datagrams carry their sequence number. The client keeps at most kWindow
  // beyond the highest echo it has seen (far below the device queue, so
  // only the model drops); the server echoes everything it gets.
  constexpr uint32_t kTotal = 100'000;
  constexpr int64_t kWindow = 64;
  constexpr auto kQuiet = milliseconds(20);
  SystemClock clock;
  const TimePoint deadline = clock.Now() + std::chrono::seconds(60);
  uint32_t next = 0;
  int64_t highest_echo = -1;
  uint64_t server_got = 0, client_got = 0;
  TimePoint last_progress = clock.Now();
  while (clock.Now() < deadline) {
    bool progress = false;
    while (next < kTotal && static_cast<int64_t>(next) - highest_echo <= kWindow) {
      char buf[64] = {};
      std::memcpy(buf, &next, sizeof next);
      ASSERT_EQ(sendto(client.get(), buf, sizeof buf, 0, Sa(to), sizeof to), 64);
      ++next;
      progress = true;
    }
    char buf[64];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    while (recvfrom(server.get(), buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from),
                    &len) == 64) {
      ++server_got;
      sendto(server.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), len);
      progress = true;
    }
    while (recv(client.get(), buf, sizeof buf, MSG_DONTWAIT) == 64) {
      uint32_t seq = 0;
      std::memcpy(&seq, buf, sizeof seq);
      ++client_got;
      highest_echo = std::max<int64_t>(highest_echo, seq);
      progress = true;
    }
    if (progress) {
      last_progress = clock.Now();
      continue;
    }
    if (clock.Now() - last_progress > kQuiet) {
      if (next == kTotal) break;  // all sent, nothing more in flight
      highest_echo = next - 1;    // the whole window was lost: go on
    }
    pollfd fds[2] = {{client.get(), POLLIN, 0}, {server.get(), POLLIN, 0}};
    poll(fds, 2, 1);
  }
  ASSERT_EQ(next, kTotal) << "the sender did not finish in time";
  const double up_loss = 1.0 - static_cast<double>(server_got) / kTotal;
  const double down_loss = 1.0 - static_cast<double>(client_got) / static_cast<double>(server_got);
  EXPECT_NEAR(up_loss, 0.10, 0.01) << server_got << " of " << kTotal << " reached the server";
  EXPECT_NEAR(down_loss, 0.10, 0.01) << client_got << " of " << server_got << " echoes came back";

  ASSERT_EQ(link->Stop(), 0) << link->output();
  const std::string json = ReadFile(stats);
  // Every datagram sent reached the model: nothing was lost before it.
  EXPECT_EQ(Counter(json, "up", "received"), kTotal) << json;
  EXPECT_EQ(Counter(json, "down", "received"), static_cast<int64_t>(server_got)) << json;
  std::remove(stats.c_str());
}

TEST_F(PacketLinkTest, TcpLossOverAHundredThousandPackets) {
  auto link = StartLink({"--delay-ms", "0", "--loss", "0.02"});
  auto [client, server] = TcpPair(*link);
  // The sender's kernel counts its data segments (retransmissions
  // included) and its retransmissions: with independent loss p on every
  // packet, each lost data segment is sent again, so the share of
  // retransmissions is p.
  constexpr uint32_t kSegments = 100'000;
  std::vector<char> chunk(64 * 1024, 'd');
  std::vector<char> sink(256 * 1024);
  SystemClock clock;
  const TimePoint deadline = clock.Now() + std::chrono::seconds(90);
  tcp_info info{};
  while (clock.Now() < deadline) {
    socklen_t len = sizeof info;
    ASSERT_EQ(getsockopt(client.get(), IPPROTO_TCP, TCP_INFO, &info, &len), 0);
    if (info.tcpi_data_segs_out >= kSegments) break;
    send(client.get(), chunk.data(), chunk.size(), MSG_DONTWAIT);
    while (recv(server.get(), sink.data(), sink.size(), MSG_DONTWAIT) > 0) {
    }
    pollfd fds[2] = {{client.get(), POLLOUT, 0}, {server.get(), POLLIN, 0}};
    poll(fds, 2, 5);
  }
  ASSERT_GE(info.tcpi_data_segs_out, kSegments) << "the transfer did not finish in time";
  const double retransmitted =
      static_cast<double>(info.tcpi_total_retrans) / info.tcpi_data_segs_out;
  EXPECT_NEAR(retransmitted, 0.02, 0.01)
      << info.tcpi_total_retrans << " of " << info.tcpi_data_segs_out << " segments";
}

// ---------------------------------------------------------------- outage and roaming

TEST_F(PacketLinkTest, AnOutageStopsUdpAndTcpUntilItEnds) {
  auto link = StartLink({"--delay-ms", "0"});
  UniqueFd udp_server = UdpServer(*link);
  UniqueFd udp_client = link->ClientSocket(SOCK_DGRAM);
  const sockaddr_in to = Addr(link->server_address(), kUdpPort);
  // Named references, not a structured binding: the lambda below uses them.
  std::pair<UniqueFd, UniqueFd> tcp = TcpPair(*link);
  const UniqueFd& client = tcp.first;
  const UniqueFd& server = tcp.second;
  SystemClock clock;
  // Keeps a TCP stream flowing until `until`: the client writes whenever it
  // can, the server reads everything. Returns the bytes the server got.
  std::vector<char> chunk(16 * 1024, 's');
  auto pump = [&](TimePoint until) {
    uint64_t got = 0;
    char sink[64 * 1024];
    while (clock.Now() < until) {
      send(client.get(), chunk.data(), chunk.size(), MSG_DONTWAIT);
      ssize_t n;
      while ((n = recv(server.get(), sink, sizeof sink, MSG_DONTWAIT)) > 0) got += n;
      pollfd fds[2] = {{client.get(), POLLOUT, 0}, {server.get(), POLLIN, 0}};
      poll(fds, 2, 2);
    }
    return got;
  };
  ASSERT_TRUE(UdpPing(udp_client.get(), udp_server.get(), to).has_value());
  ASSERT_GT(pump(clock.Now() + milliseconds(200)), 0u) << "the stream does not flow";

  ASSERT_EQ(link->Control("outage 2"), "NETSIM OK outage");
  const TimePoint began = clock.Now();  // the outage began at most this early
  pump(began + milliseconds(50));       // what was already through is read
  EXPECT_FALSE(UdpPing(udp_client.get(), udp_server.get(), to, 300).has_value())
      << "a UDP echo crossed the link during the outage";
  EXPECT_EQ(pump(began + milliseconds(1500)), 0u) << "TCP bytes crossed the link during the outage";

  // After the outage both come back: UDP at once, TCP at its next
  // retransmission (the kernel backs off 0.2, 0.4, 0.8, 1.6 s).
  pump(began + milliseconds(2000));
  EXPECT_TRUE(UdpPing(udp_client.get(), udp_server.get(), to).has_value());
  uint64_t after = 0;
  for (int i = 0; i < 50 && after == 0; ++i) after = pump(clock.Now() + milliseconds(200));
  EXPECT_GT(after, 0u) << "the stream did not recover within 10 s of the outage's end";
}

TEST_F(PacketLinkTest, TheClientsNewAddressIsSeenByAUdpServer) {
  auto link = StartLink({"--delay-ms", "1"});
  UniqueFd server = UdpServer(*link);
  // Not bound to an address, as roam's and mosh's clients send: each
  // datagram leaves from whatever address the client has now.
  UniqueFd client = link->ClientSocket(SOCK_DGRAM);
  const sockaddr_in to = Addr(link->server_address(), kUdpPort);
  ASSERT_TRUE(UdpPing(client.get(), server.get(), to).has_value());
  EXPECT_EQ(last_source_, "198.18.1.1");

  EXPECT_EQ(link->Control("move"), "NETSIM OK move 198.18.1.2");
  // The echo goes back to the new address and reaches the same socket.
  ASSERT_TRUE(UdpPing(client.get(), server.get(), to).has_value());
  EXPECT_EQ(last_source_, "198.18.1.2");

  EXPECT_EQ(link->Control("move 198.18.1.77"), "NETSIM OK move 198.18.1.77");
  ASSERT_TRUE(UdpPing(client.get(), server.get(), to).has_value());
  EXPECT_EQ(last_source_, "198.18.1.77");

  // Only addresses of the client's own network are allowed; nothing moves.
  EXPECT_EQ(link->Control("move 10.1.2.3").rfind("NETSIM ERROR", 0), 0u);
  ASSERT_TRUE(UdpPing(client.get(), server.get(), to).has_value());
  EXPECT_EQ(last_source_, "198.18.1.77");
}

// ---------------------------------------------------------------- ssh across the link

TEST_F(PacketLinkTest, SshCatCrossesTheLink) {
  if (!SshdFixture::Available()) GTEST_SKIP() << "needs openssh-server and openssh-client";
  const std::string stats =
      ::testing::TempDir() + "packet_link_ssh_" + std::to_string(getpid()) + ".json";
  auto link = StartLink({"--delay-ms", "5", "--stats-json", stats});
  SshdFixture sshd;
  sshd.UseNetworkNamespaces(link->server_netns(), link->server_address(), link->client_netns());
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  std::string payload;
  for (int i = 0; payload.size() < (1u << 20); ++i) payload += std::to_string(i) + " payload\n";
  const std::string file = sshd.dir() + "/payload";
  std::ofstream(file) << payload;

  CommandResult r = sshd.RunSsh("cat " + file, milliseconds(30000));
  ASSERT_EQ(r.status, 0) << r.output.substr(0, 500) << sshd.ServerLog();
  EXPECT_EQ(r.output.size(), payload.size());
  EXPECT_TRUE(r.output == payload);
  sshd.Stop();

  // The file crossed the link, server to client, as IP packets.
  ASSERT_EQ(link->Stop(), 0) << link->output();
  const std::string json = ReadFile(stats);
  EXPECT_GT(Counter(json, "down", "bytes_passed"), static_cast<int64_t>(payload.size())) << json;
  EXPECT_GT(Counter(json, "up", "passed"), 0) << json;
  std::remove(stats.c_str());
}

// ---------------------------------------------------------------- teardown

// Where a link's namespaces are, read from its banner.
struct LinkPaths {
  pid_t pid = -1;
  std::string client_netns;
  std::string server_netns;
};

LinkPaths ParseBanner(const std::string& out) {
  LinkPaths p;
  const size_t at = out.find("NETSIM LINK ");
  if (at == std::string::npos) return p;
  std::istringstream banner(out.substr(at));
  std::string word;
  while (banner >> word) {
    if (word == "client-netns") banner >> p.client_netns;
    if (word == "server-netns") banner >> p.server_netns;
  }
  std::sscanf(p.client_netns.c_str(), "/proc/%d/", &p.pid);
  return p;
}

// Processes put inside a link's namespaces, the namespaces held open by the
// test (so their devices can be listed after the link is gone), and the
// checks that nothing is left.
class Inhabited {
 public:
  explicit Inhabited(const LinkPaths& paths) {
    Result<netsim::NetworkNamespace> c = netsim::NetworkNamespace::Open(paths.client_netns);
    Result<netsim::NetworkNamespace> s = netsim::NetworkNamespace::Open(paths.server_netns);
    EXPECT_TRUE(c.ok() && s.ok());
    if (!c.ok() || !s.ok()) return;
    client_ = std::move(c).value();
    server_ = std::move(s).value();
    auto in = [](const std::string& ns, std::vector<std::string> argv) {
      std::vector<std::string> full = {"nsenter", "--net=" + ns, "--"};
      full.insert(full.end(), argv.begin(), argv.end());
      return full;
    };
    processes_.push_back(std::make_unique<Subprocess>(in(paths.client_netns, {"sleep", "60"})));
    processes_.push_back(std::make_unique<Subprocess>(in(paths.server_netns, {"sleep", "60"})));
    // One that ignores SIGTERM: the link must fall back to SIGKILL.
    processes_.push_back(std::make_unique<Subprocess>(
        in(paths.server_netns, {"sh", "-c", "trap '' TERM; exec sleep 60"})));
    // Bounded: each is inside once nsenter has entered and exec'd.
    EXPECT_TRUE(PollUntil(
        [&] {
          std::vector<pid_t> inside =
              netsim::ProcessesInNamespace(client_.device(), client_.inode());
          const std::vector<pid_t> more =
              netsim::ProcessesInNamespace(server_.device(), server_.inode());
          inside.insert(inside.end(), more.begin(), more.end());
          for (const auto& p : processes_) {
            if (std::find(inside.begin(), inside.end(), p->pid()) == inside.end()) return false;
          }
          return true;
        },
        milliseconds(5000)))
        << "the processes did not enter the namespaces";
  }

  // After the link is gone: every process ended, no device but loopback,
  // nobody in the namespaces, and once the test lets go, nothing refers to
  // them at all (the kernel frees them).
  void ExpectNothingLeft() {
    for (const auto& p : processes_) {
      EXPECT_TRUE(p->Wait(milliseconds(3000)).has_value())
          << "pid " << p->pid() << " is still running";
    }
    EXPECT_EQ(DevicesIn(client_), std::vector<std::string>{"lo"});
    EXPECT_EQ(DevicesIn(server_), std::vector<std::string>{"lo"});
    const NamespaceId ids[2] = {{client_.device(), client_.inode()},
                                {server_.device(), server_.inode()}};
    client_ = netsim::NetworkNamespace();
    server_ = netsim::NetworkNamespace();
    for (const NamespaceId& id : ids) {
      const std::vector<std::string> refs = NamespaceReferences(id);
      EXPECT_TRUE(refs.empty()) << "namespace " << id.inode << " still referred to by "
                                << ::testing::PrintToString(refs);
    }
  }

 private:
  netsim::NetworkNamespace client_;
  netsim::NetworkNamespace server_;
  std::vector<std::unique_ptr<Subprocess>> processes_;
};

LinkPaths PathsOf(const NetnsLink& link) {
  return {link.pid(), link.client_netns(), link.server_netns()};
}

TEST_F(PacketLinkTest, TeardownAfterItsDurationLeavesNothing) {
  auto link = StartLink({"--duration", "1"});
  Inhabited inside(PathsOf(*link));
  EXPECT_EQ(link->Wait(milliseconds(8000)), 0) << link->output();
  inside.ExpectNothingLeft();
}

TEST_F(PacketLinkTest, TeardownAfterSigtermLeavesNothing) {
  auto link = StartLink({});
  Inhabited inside(PathsOf(*link));
  EXPECT_EQ(link->Stop(), 0) << link->output();
  inside.ExpectNothingLeft();
}

TEST_F(PacketLinkTest, TeardownAfterAFailureLeavesNothing) {
  // The run fails (its stats cannot be written): exit status 1, and still
  // nothing is left.
  auto link = StartLink(
      {"--duration", "1", "--stats-json", ::testing::TempDir() + "no-such-dir/stats.json"});
  Inhabited inside(PathsOf(*link));
  EXPECT_EQ(link->Wait(milliseconds(8000)), 1) << link->output();
  inside.ExpectNothingLeft();
}

TEST_F(PacketLinkTest, TeardownWhenWhatStartedTheLinkDiesLeavesNothing) {
  // A harness that dies without cleaning up (here a shell killed by
  // SIGKILL): the link is told by its parent-death signal and tears down.
  Subprocess shell({"sh", "-c", std::string(ROAM_NETSIM_BINARY) + " link; exit 0"});
  ASSERT_TRUE(shell.ReadUntil(
      [](const std::string& out) {
        const size_t at = out.find("NETSIM LINK ");
        return at != std::string::npos && out.find('\n', at) != std::string::npos;
      },
      milliseconds(10000)))
      << shell.output();
  const LinkPaths paths = ParseBanner(shell.output());
  ASSERT_GT(paths.pid, 0) << shell.output();
  Inhabited inside(paths);
  shell.Signal(SIGKILL);
  ASSERT_TRUE(shell.Wait(milliseconds(3000)).has_value());
  EXPECT_TRUE(PollUntil([&] { return kill(paths.pid, 0) != 0; }, milliseconds(8000)))
      << "the link outlived its parent";
  inside.ExpectNothingLeft();
}

}  // namespace
}  // namespace roam::testing
