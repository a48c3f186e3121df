// roam-netsim as a program: prints its port, relays with the profile's delay,
// obeys control lines on stdin, stops on SIGTERM or after --duration, writes
// its stats JSON, and refuses bad flags. Waits are bounded polling.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/clock.h"
#include "netsim/loopback_endpoint.h"
#include "support/subprocess.h"

namespace roam::netsim {
namespace {

using roam::testing::Subprocess;
using roam::testing::SubprocessOptions;
using std::chrono::milliseconds;

// Reads the port from "NETSIM LISTEN <port>", or 0 if it never appears.
uint16_t ListenPort(Subprocess& p) {
  const bool ok = p.ReadUntil(
      [](const std::string& out) {
        return out.find('\n', out.find("NETSIM LISTEN ")) != std::string::npos;
      },
      milliseconds(3000));
  if (!ok) return 0;
  const std::string& out = p.output();
  return static_cast<uint16_t>(std::stoi(out.substr(out.find("NETSIM LISTEN ") + 14)));
}

UniqueFd UdpSocket(const char* host) {
  Result<UniqueFd> fd = OpenBoundSocket(SOCK_DGRAM, *LoopbackEndpoint::FromHost(host, 0));
  EXPECT_TRUE(fd.ok());
  return fd.ok() ? std::move(fd).value() : UniqueFd();
}

// Sends `msg` from `client` to the relay, echoes it at `echo`, and waits for
// the reply. Returns the source the echo server saw (empty on timeout) and
// sets *rtt.
LoopbackEndpoint Ping(int client, int echo, uint16_t relay_port, const std::string& msg,
                      Duration* rtt) {
  SystemClock clock;
  const LoopbackEndpoint relay = *LoopbackEndpoint::FromHost("127.0.0.1", relay_port);
  const TimePoint start = clock.Now();
  sendto(client, msg.data(), msg.size(), 0, relay.sockaddr_ptr(), relay.sockaddr_len());
  LoopbackEndpoint seen;
  char buf[256];
  while (clock.Now() - start < milliseconds(2000)) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const ssize_t n =
        recvfrom(echo, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n > 0) {
      seen = LoopbackEndpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
      sendto(echo, buf, static_cast<size_t>(n), 0, seen.sockaddr_ptr(), seen.sockaddr_len());
    }
    if (recv(client, buf, sizeof buf, MSG_DONTWAIT) > 0) {
      *rtt = clock.Now() - start;
      return seen;
    }
    pollfd fds[2] = {{echo, POLLIN, 0}, {client, POLLIN, 0}};
    poll(fds, 2, 5);
  }
  return LoopbackEndpoint();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(NetsimCliTest, RelaysObeysControlLinesAndWritesStats) {
  UniqueFd echo = UdpSocket("127.0.0.1");
  UniqueFd client = UdpSocket("127.0.0.1");
  const LoopbackEndpoint echo_addr = *LocalEndpoint(echo.get());
  const std::string stats =
      ::testing::TempDir() + "netsim_cli_stats_" + std::to_string(getpid()) + ".json";
  std::remove(stats.c_str());
  SubprocessOptions opts;
  opts.pipe_stdin = true;
  Subprocess p({ROAM_NETSIM_BINARY, "udp", "--listen", "127.0.0.1:0", "--to", echo_addr.ToString(),
                "--profile", "lan", "--delay-ms", "40", "--seed", "5", "--duration", "30",
                "--stats-json", stats, "--control-stdin"},
               opts);
  const uint16_t port = ListenPort(p);
  ASSERT_NE(port, 0) << p.output();

  Duration rtt{};
  LoopbackEndpoint first = Ping(client.get(), echo.get(), port, "one", &rtt);
  ASSERT_FALSE(first.empty());
  EXPECT_GE(rtt, milliseconds(80));
  EXPECT_LE(rtt, milliseconds(200));
  EXPECT_EQ(first.HostString(), "127.0.0.1");

  ASSERT_TRUE(p.WriteStdin("rebind 127.0.0.2\n"));
  // The rebind takes effect when the relay reads the line; ping until it has.
  LoopbackEndpoint moved;
  for (int i = 0; i < 20 && (moved.empty() || moved.HostString() != "127.0.0.2"); ++i) {
    moved = Ping(client.get(), echo.get(), port, "two", &rtt);
  }
  EXPECT_EQ(moved.HostString(), "127.0.0.2");

  p.Signal(SIGTERM);
  std::optional<int> status = p.Wait(milliseconds(3000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0) << p.output();
  const std::string json = ReadFile(stats);
  EXPECT_NE(json.find("\"mode\": \"udp\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"rebinds\": 1"), std::string::npos) << json;
  std::remove(stats.c_str());
}

TEST(NetsimCliTest, StopsByItselfAfterTheDuration) {
  Subprocess p({ROAM_NETSIM_BINARY, "tcp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9",
                "--profile", "3g", "--duration", "0.3"});
  ASSERT_NE(ListenPort(p), 0) << p.output();
  std::optional<int> status = p.Wait(milliseconds(3000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

TEST(NetsimCliTest, BadFlagsExitWithUsage) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"udp", "--listen", "127.0.0.1:0"},
           {"udp", "--listen", "127.0.0.1:0", "--to", "10.1.2.3:9"},
           {"udp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--loss", "2"},
           {"udp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--duration", "7200"},
           {"sctp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9"},
           {"tcp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--rebind-at", "1"},
           {"udp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--control-stdin",
            "--control-fifo", "/nonexistent/fifo"},
           {"udp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--bogus", "1"},
       }) {
    std::vector<std::string> argv = {ROAM_NETSIM_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const roam::testing::CommandResult r = roam::testing::RunCommand(argv, milliseconds(3000));
    EXPECT_EQ(r.status, 2) << args.back() << ": " << r.output;
  }
}

}  // namespace
}  // namespace roam::netsim
