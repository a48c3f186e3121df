// PacketForwarder on a fake clock: packets cross to the other device, wait
// exactly their delay, are dropped by loss and outages, keep their order,
// and are counted. Unix SOCK_SEQPACKET pairs stand in for the two TUN
// devices (a read or write is one whole packet on both), so no root and no
// namespace is needed; the root-only end-to-end test is
// tests/e2e/netsim/packet_link_test.cc.

#include "netsim/packet_forwarder.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace roam::netsim {
namespace {

using std::chrono::milliseconds;

class PacketForwarderTest : public ::testing::Test {
 protected:
  // Builds the forwarder with `profile` between two fresh socket pairs:
  // the test holds the "kernel" ends, the forwarder the "device" ends.
  void Start(const Profile& profile) {
    int client[2];
    int server[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, client), 0);
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, server), 0);
    client_kernel_.Reset(client[0]);
    server_kernel_.Reset(server[0]);
    forwarder_ = std::make_unique<PacketForwarder>(UniqueFd(client[1]), UniqueFd(server[1]),
                                                   profile, 7, clock_);
  }

  static Profile Delay(int ms) {
    Profile p;
    p.name = "test";
    p.up.delay = p.down.delay = milliseconds(ms);
    return p;
  }

  // The client's kernel sends a packet into its device.
  void ClientSends(const std::string& packet) {
    ASSERT_EQ(write(client_kernel_.get(), packet.data(), packet.size()),
              static_cast<ssize_t>(packet.size()));
  }
  void ServerSends(const std::string& packet) {
    ASSERT_EQ(write(server_kernel_.get(), packet.data(), packet.size()),
              static_cast<ssize_t>(packet.size()));
  }
  // One forwarder step that never waits: read what is there, write what is due.
  void Step() { ASSERT_TRUE(forwarder_->RunOnce(Duration::zero()).ok()); }
  void Advance(int ms) {
    clock_.Advance(milliseconds(ms));
    Step();
  }
  // Packets the server's (client's) kernel has received so far.
  std::vector<std::string> ServerGot() { return Drain(server_kernel_.get()); }
  std::vector<std::string> ClientGot() { return Drain(client_kernel_.get()); }

  static std::vector<std::string> Drain(int fd) {
    std::vector<std::string> got;
    char buf[2048];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) got.emplace_back(buf, static_cast<size_t>(n));
    return got;
  }

  FakeClock clock_;
  UniqueFd client_kernel_;
  UniqueFd server_kernel_;
  std::unique_ptr<PacketForwarder> forwarder_;
};

TEST_F(PacketForwarderTest, EachDirectionReachesTheOtherDevice) {
  Start(Delay(0));
  ClientSends("up packet");
  ServerSends("down packet");
  Step();
  EXPECT_EQ(ServerGot(), std::vector<std::string>{"up packet"});
  EXPECT_EQ(ClientGot(), std::vector<std::string>{"down packet"});
  const PacketForwarderStats s = forwarder_->stats();
  EXPECT_EQ(s.packets_from_client, 1u);
  EXPECT_EQ(s.packets_to_server, 1u);
  EXPECT_EQ(s.bytes_to_server, 9u);
  EXPECT_EQ(s.packets_from_server, 1u);
  EXPECT_EQ(s.packets_to_client, 1u);
}

TEST_F(PacketForwarderTest, APacketWaitsExactlyItsDelay) {
  Start(Delay(30));
  ClientSends("late");
  Step();
  Advance(29);
  EXPECT_TRUE(ServerGot().empty());
  Advance(1);
  EXPECT_EQ(ServerGot(), std::vector<std::string>{"late"});
}

TEST_F(PacketForwarderTest, WithoutDelayPacketsKeepTheirOrder) {
  Start(Delay(0));
  std::vector<std::string> sent;
  for (int i = 0; i < 200; ++i) sent.push_back("packet " + std::to_string(i));
  std::vector<std::string> got;
  // Bounded: 200 packets, at most 64 read per step.
  for (const std::string& p : sent) ClientSends(p);
  for (int i = 0; i < 10; ++i) {
    Step();
    for (std::string& p : ServerGot()) got.push_back(std::move(p));
  }
  EXPECT_EQ(got, sent);
}

TEST_F(PacketForwarderTest, WhatTheModelLosesNeverArrives) {
  Profile p = Delay(0);
  p.up.loss = 1.0;
  Start(p);
  for (int i = 0; i < 5; ++i) ClientSends("lost");
  ServerSends("kept");
  Step();
  EXPECT_TRUE(ServerGot().empty());
  EXPECT_EQ(ClientGot(), std::vector<std::string>{"kept"});
  EXPECT_EQ(forwarder_->stats().up.lost_random, 5u);
  EXPECT_EQ(forwarder_->stats().packets_to_server, 0u);
}

TEST_F(PacketForwarderTest, AnOutageDropsBothWaysUntilItEnds) {
  Start(Delay(10));
  ClientSends("in flight");  // entered before the outage: still arrives
  Step();
  forwarder_->StartOutage(milliseconds(500));
  ClientSends("dropped up");
  ServerSends("dropped down");
  Advance(10);
  EXPECT_EQ(ServerGot(), std::vector<std::string>{"in flight"});
  Advance(490);
  ClientSends("after");
  Step();
  Advance(10);
  EXPECT_EQ(ServerGot(), std::vector<std::string>{"after"});
  EXPECT_TRUE(ClientGot().empty());
  EXPECT_EQ(forwarder_->stats().up.lost_outage, 1u);
  EXPECT_EQ(forwarder_->stats().down.lost_outage, 1u);
}

TEST_F(PacketForwarderTest, ANewProfileAppliesToTheNextPacket) {
  Start(Delay(100));
  ClientSends("slow");
  Step();
  forwarder_->SetProfile(Delay(5));
  ClientSends("fast");
  Advance(5);
  EXPECT_EQ(ServerGot(), std::vector<std::string>{});  // FIFO: never before "slow"
  Advance(95);
  EXPECT_EQ(ServerGot(), (std::vector<std::string>{"slow", "fast"}));
}

// A minimal IPv4 UDP packet (checksum 0: none) from `src` to `dst` port.
std::string Udp4(uint16_t src, uint16_t dst) {
  std::string p(28, '\0');
  p[0] = 0x45;
  p[3] = 28;
  p[9] = 17;
  p[20] = static_cast<char>(src >> 8);
  p[21] = static_cast<char>(src & 0xff);
  p[22] = static_cast<char>(dst >> 8);
  p[23] = static_cast<char>(dst & 0xff);
  p[25] = 8;
  return p;
}

uint16_t SourcePort(const std::string& p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[20]) << 8) | static_cast<uint8_t>(p[21]));
}

TEST_F(PacketForwarderTest, ANatRebindGivesTheClientNewPortsAndDropsRepliesToOldOnes) {
  Start(Delay(0));
  ClientSends(Udp4(5000, 60001));
  Step();
  std::vector<std::string> got = ServerGot();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(SourcePort(got[0]), 5000) << "no NAT before the first rebind";

  forwarder_->RebindNat();
  ClientSends(Udp4(5000, 60001));
  Step();
  got = ServerGot();
  ASSERT_EQ(got.size(), 1u);
  const uint16_t external = SourcePort(got[0]);
  EXPECT_NE(external, 5000);

  ServerSends(Udp4(60001, 5000));      // to the old port: the NAT drops it
  ServerSends(Udp4(60001, external));  // to the mapping: back to port 5000
  Step();
  got = ClientGot();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Udp4(60001, 5000));
  EXPECT_EQ(forwarder_->stats().nat_dropped, 1u);
  EXPECT_EQ(forwarder_->stats().nat_rebinds, 1u);
}

TEST_F(PacketForwarderTest, StatsJsonCarriesBothModelsAndTheForwarder) {
  Start(Delay(0));
  ClientSends("x");
  Step();
  JsonObject json;
  forwarder_->AddStats(&json);
  const std::string text = json.ToString();
  EXPECT_NE(text.find("\"up\": {\"received\": 1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"packets_to_server\": 1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"delay_line_overflow\": 0"), std::string::npos) << text;
}

}  // namespace
}  // namespace roam::netsim
