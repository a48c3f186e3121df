// DatagramPaths on the fake clock, with a real loopback UDP socket as a
// server that never answers and a pipe as the stream.

#include "client/datagram_paths.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/unique_fd.h"
#include "crypto/key.h"
#include "net/udp_endpoint.h"

namespace roam::client {
namespace {

using namespace std::chrono_literals;

// Everything readable on `fd` now.
std::string DrainPipe(int fd) {
  std::string out;
  char buf[65536];
  for (int i = 0; i < 1000; ++i) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::vector<std::string> DrainUdp(int fd) {
  std::vector<std::string> out;
  char buf[65536];
  for (int i = 0; i < 1000; ++i) {
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) break;
    out.emplace_back(buf, static_cast<size_t>(n));
  }
  return out;
}

// UDP is silent from the start, so the client goes over the stream and
// probes UDP every 2 s. The probe is a datagram sent over UDP instead of the
// stream, never a copy of one sent over both: a server that got the
// stream's copy first would drop the UDP one as a replay and never move back
// to UDP (seen under ASan, where the stream's copy often won).
TEST(DatagramPathsTest, AProbeGoesOverUdpInsteadOfTheStream) {
  UniqueFd server(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(server.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);

  int to_server[2];
  int from_server[2];
  ASSERT_EQ(pipe2(to_server, O_CLOEXEC | O_NONBLOCK), 0);
  ASSERT_EQ(pipe2(from_server, O_CLOEXEC | O_NONBLOCK), 0);
  UniqueFd stream_bytes(to_server[0]);
  UniqueFd server_writes(from_server[1]);
  OpenedStream initial{
      std::make_unique<net::StreamLink>(UniqueFd(from_server[0]), UniqueFd(to_server[1])), nullptr};

  FakeClock clock;
  SeededRandom random(7);
  ClientCoreConfig config;
  config.server = *net::Address::Parse("127.0.0.1", ntohs(addr.sin_port));
  config.no_terminal = true;
  ClientCore core(crypto::Key::FromBytes(std::string(16, 'k')), std::move(config), &random,
                  clock.Now());
  net::UdpEndpoint udp = net::UdpEndpoint::ForClient();
  DatagramPaths paths(&core, &udp, TransportMode::kAuto, nullptr, std::move(initial), clock.Now());

  std::string over_stream;
  std::vector<std::string> probes;           // over UDP once the stream carries the session
  for (int step = 0; step < 2000; ++step) {  // 20 s
    clock.Advance(10ms);
    ASSERT_TRUE(paths.Flush(clock.Now()).ok());
    over_stream += DrainPipe(stream_bytes.get());
    std::vector<std::string> got = DrainUdp(server.get());
    if (paths.Describe(clock.Now()) != "UDP") probes.insert(probes.end(), got.begin(), got.end());
  }
  ASSERT_EQ(paths.Describe(clock.Now()), "ssh");
  EXPECT_FALSE(over_stream.empty());
  // One every 2 s while datagrams go out (the client resends at least that
  // often to a silent server).
  EXPECT_GE(probes.size(), 5u);
  for (const std::string& p : probes) {
    EXPECT_EQ(over_stream.find(p), std::string::npos) << "a probe also went over the stream";
  }
}

}  // namespace
}  // namespace roam::client
