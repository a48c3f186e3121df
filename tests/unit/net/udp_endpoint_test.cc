// UdpEndpoint on real loopback sockets (127.0.0.1 and ::1): binding in a port
// range, sending and receiving, socket ids, closing, ECN marks and oversize
// datagrams. No traffic leaves the machine; every wait is a bounded poll().

#include "net/udp_endpoint.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "base/unique_fd.h"

namespace roam::net {

// Readable failure messages for addresses.
void PrintTo(const Address& a, std::ostream* os) { *os << a.ToString(); }

namespace {

// Waits up to 2 s for `fd` to become readable, then reads one datagram.
std::optional<Received> ReceiveWithin2s(UdpEndpoint& ep, int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 2000) != 1) return std::nullopt;
  return ep.Receive(fd);
}

// Waits for a datagram on any of `ep`'s sockets.
std::optional<Received> ReceiveAnyWithin2s(UdpEndpoint& ep) {
  std::vector<pollfd> fds;
  for (int fd : ep.fds()) fds.push_back(pollfd{fd, POLLIN, 0});
  if (poll(fds.data(), fds.size(), 2000) <= 0) return std::nullopt;
  for (const pollfd& p : fds) {
    if (p.revents & POLLIN) return ep.Receive(p.fd);
  }
  return std::nullopt;
}

bool HaveIpv6Loopback() {
  UniqueFd fd(socket(AF_INET6, SOCK_DGRAM, 0));
  if (!fd.valid()) return false;
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_loopback;
  return bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
}

// A port the OS considers free right now, to start a search range at.
uint16_t SomeFreePort() {
  Result<UdpEndpoint> ep = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  EXPECT_TRUE(ep.ok());
  return ep.ok() ? ep->LocalAddress()->port() : 0;
}

TEST(UdpEndpointTest, BindsTheFirstFreePortOfARangeAscending) {
  const uint16_t base = SomeFreePort();
  ASSERT_NE(base, 0);
  const PortRange range{base, static_cast<uint16_t>(base + 20)};
  Result<UdpEndpoint> first = UdpEndpoint::BindServer("127.0.0.1", range);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const uint16_t p1 = first->LocalAddress()->port();
  EXPECT_GE(p1, range.low);
  EXPECT_LE(p1, range.high);
  Result<UdpEndpoint> second = UdpEndpoint::BindServer("127.0.0.1", range);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const uint16_t p2 = second->LocalAddress()->port();
  // The search is ascending and p1 is taken, so the second gets a higher port
  // (normally p1 + 1, unless another process holds that one).
  EXPECT_GT(p2, p1);
  EXPECT_LE(p2, range.high);
  EXPECT_EQ(first->fds().size(), 1u);
}

TEST(UdpEndpointTest, ExactPortThatIsTakenFails) {
  Result<UdpEndpoint> first = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(first.ok());
  const uint16_t port = first->LocalAddress()->port();
  Result<UdpEndpoint> again = UdpEndpoint::BindServer("127.0.0.1", PortRange{port, port});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kIoError);
  EXPECT_NE(again.status().message().find(std::to_string(port)), std::string::npos);
}

TEST(UdpEndpointTest, PortZeroLetsTheOsChoose) {
  Result<UdpEndpoint> ep = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(ep.ok());
  EXPECT_NE(ep->LocalAddress()->port(), 0);
  EXPECT_EQ(ep->LocalAddress()->HostString(), "127.0.0.1");
}

TEST(UdpEndpointTest, UnusableIpFallsBackToTheWildcard) {
  // 192.0.2.1 (TEST-NET-1) is not an address of this machine: bind fails and
  // the server binds the wildcard instead. Nothing is sent.
  Result<UdpEndpoint> ep = UdpEndpoint::BindServer("192.0.2.1", PortRange{0, 0});
  ASSERT_TRUE(ep.ok()) << ep.status().ToString();
  const Address local = *ep->LocalAddress();
  EXPECT_TRUE(local.HostString() == "0.0.0.0" || local.HostString() == "::") << local.ToString();
}

void ExchangeOver(const char* loopback) {
  Result<UdpEndpoint> server = UdpEndpoint::BindServer(loopback, PortRange{0, 0});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const Address server_addr = *server->LocalAddress();
  ASSERT_EQ(server_addr.HostString(), loopback);

  UdpEndpoint client = UdpEndpoint::ForClient();
  EXPECT_TRUE(client.fds().empty());
  ASSERT_TRUE(client.Send(OutgoingDatagram{"hello server", server_addr, 0}).ok());
  ASSERT_EQ(client.fds().size(), 1u);

  std::optional<Received> got = ReceiveWithin2s(*server, server->fds()[0]);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->bytes, "hello server");
  EXPECT_EQ(got->socket_id, 0);
  EXPECT_FALSE(got->ecn_ce);
  // The client socket is bound to the wildcard; the server sees loopback.
  EXPECT_EQ(got->from, server_addr.WithPort(client.LocalAddress(0)->port()));

  // The server answers the address it saw.
  ASSERT_TRUE(server->Send(OutgoingDatagram{"hello client", got->from, 0}).ok());
  std::optional<Received> back = ReceiveAnyWithin2s(client);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->bytes, "hello client");
  EXPECT_EQ(back->from, server_addr);
  EXPECT_EQ(back->socket_id, 0);

  // Nothing more to read: Receive does not block.
  EXPECT_FALSE(client.Receive(client.fds()[0]).has_value());
}

TEST(UdpEndpointTest, ExchangesDatagramsOverIpv4Loopback) { ExchangeOver("127.0.0.1"); }

TEST(UdpEndpointTest, ExchangesDatagramsOverIpv6Loopback) {
  if (!HaveIpv6Loopback()) {
    GTEST_SKIP() << "this kernel has no ::1 (IPv6 disabled); IPv6 exchange NOT tested";
  }
  ExchangeOver("::1");
}

TEST(UdpEndpointTest, ClientOpensASocketPerIdAndClosesOnRequest) {
  Result<UdpEndpoint> server = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(server.ok());
  const Address to = *server->LocalAddress();
  UdpEndpoint client = UdpEndpoint::ForClient();
  ASSERT_TRUE(client.Send(OutgoingDatagram{"from 0", to, 0}).ok());
  ASSERT_TRUE(client.Send(OutgoingDatagram{"from 1", to, 1}).ok());
  ASSERT_TRUE(client.Send(OutgoingDatagram{"from 1 again", to, 1}).ok());
  ASSERT_EQ(client.fds().size(), 2u);
  const Address a0 = *client.LocalAddress(0);
  const Address a1 = *client.LocalAddress(1);
  EXPECT_NE(a0.port(), a1.port());  // a port hop is a new source port

  std::optional<Received> r0 = ReceiveWithin2s(*server, server->fds()[0]);
  std::optional<Received> r1 = ReceiveWithin2s(*server, server->fds()[0]);
  std::optional<Received> r2 = ReceiveWithin2s(*server, server->fds()[0]);
  ASSERT_TRUE(r0 && r1 && r2);
  EXPECT_EQ(r0->from, to.WithPort(a0.port()));
  EXPECT_EQ(r1->from, to.WithPort(a1.port()));
  EXPECT_EQ(r2->from, to.WithPort(a1.port()));

  // Old sockets still receive, and report their id.
  ASSERT_TRUE(server->Send(OutgoingDatagram{"to old", r0->from, 0}).ok());
  std::optional<Received> old = ReceiveAnyWithin2s(client);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->socket_id, 0);

  client.Close({0, 7});  // unknown ids are ignored
  EXPECT_EQ(client.fds().size(), 1u);
  EXPECT_FALSE(client.LocalAddress(0).ok());
  EXPECT_TRUE(client.LocalAddress(1).ok());
}

TEST(UdpEndpointTest, ReceivingOnAForeignFdReturnsNothing) {
  UdpEndpoint client = UdpEndpoint::ForClient();
  EXPECT_FALSE(client.Receive(0).has_value());
}

TEST(UdpEndpointTest, CongestionExperiencedMarkIsReported) {
  Result<UdpEndpoint> server = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(server.ok());
  const Address to = *server->LocalAddress();
  // A raw sender that marks its datagram CE (TOS low bits 11), as a
  // congested router would.
  UniqueFd marker(socket(AF_INET, SOCK_DGRAM, 0));
  ASSERT_TRUE(marker.valid());
  int tos = 0x03;
  ASSERT_EQ(setsockopt(marker.get(), IPPROTO_IP, IP_TOS, &tos, sizeof(tos)), 0);
  ASSERT_EQ(sendto(marker.get(), "ce", 2, 0, to.sockaddr_ptr(), to.sockaddr_len()), 2);
  std::optional<Received> got = ReceiveWithin2s(*server, server->fds()[0]);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->ecn_ce);

  // Our own sockets send ECT(0), which is not CE.
  UdpEndpoint client = UdpEndpoint::ForClient();
  ASSERT_TRUE(client.Send(OutgoingDatagram{"ect0", to, 0}).ok());
  got = ReceiveWithin2s(*server, server->fds()[0]);
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ecn_ce);
  int sent_tos = 0;
  socklen_t len = sizeof(sent_tos);
  ASSERT_EQ(getsockopt(client.fds()[0], IPPROTO_IP, IP_TOS, &sent_tos, &len), 0);
  EXPECT_EQ(sent_tos, 0x02);
}

TEST(UdpEndpointTest, OversizeDatagramArrivesLongerThan2048) {
  Result<UdpEndpoint> server = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(server.ok());
  UdpEndpoint client = UdpEndpoint::ForClient();
  const Address to = *server->LocalAddress();
  ASSERT_TRUE(client.Send(OutgoingDatagram{std::string(3000, 'x'), to, 0}).ok());
  std::optional<Received> got = ReceiveWithin2s(*server, server->fds()[0]);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->bytes.size(), kMaxDatagramSize + 1);  // truncated; Connection drops it
  ASSERT_TRUE(client.Send(OutgoingDatagram{std::string(2048, 'y'), to, 0}).ok());
  got = ReceiveWithin2s(*server, server->fds()[0]);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->bytes.size(), kMaxDatagramSize);
}

TEST(UdpEndpointTest, TooBigForUdpIsReportedAsOutOfRange) {
  Result<UdpEndpoint> server = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(server.ok());
  UdpEndpoint client = UdpEndpoint::ForClient();
  // Larger than any UDP datagram can be: the kernel says EMSGSIZE, which the
  // caller turns into Connection::OnMessageTooBig().
  Status st = client.Send(OutgoingDatagram{std::string(70000, 'z'), *server->LocalAddress(), 0});
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange) << st.ToString();
}

TEST(UdpEndpointTest, PathMtuDiscoveryIsOff) {
  UdpEndpoint client = UdpEndpoint::ForClient();
  Result<UdpEndpoint> server = UdpEndpoint::BindServer("127.0.0.1", PortRange{0, 0});
  ASSERT_TRUE(server.ok());
  int v = -1;
  socklen_t len = sizeof(v);
  ASSERT_EQ(getsockopt(server->fds()[0], IPPROTO_IP, IP_MTU_DISCOVER, &v, &len), 0);
  EXPECT_EQ(v, IP_PMTUDISC_DONT);
}

}  // namespace
}  // namespace roam::net
