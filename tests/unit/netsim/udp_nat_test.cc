// UdpNat: untouched until the first rebind; then the client's UDP leaves
// from new external ports with checksums that still verify, replies are
// translated back, replies to forgotten ports are dropped and counted, and
// everything that is not a whole UDP packet passes as it was.

#include "netsim/udp_nat.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace roam::netsim {
namespace {

uint16_t Get16(const std::string& p, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[at]) << 8) |
                               static_cast<uint8_t>(p[at + 1]));
}
void Put16(std::string* p, size_t at, uint16_t v) {
  (*p)[at] = static_cast<char>(v >> 8);
  (*p)[at + 1] = static_cast<char>(v & 0xff);
}

// The one's-complement sum of `data` (padded to even length), folded.
uint32_t Sum(const std::string& data, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < data.size(); i += 2) sum += Get16(data, i);
  if (data.size() % 2) sum += static_cast<uint8_t>(data.back()) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

// The UDP checksum of `packet` computed from scratch (pseudo-header
// included), with the checksum field taken as zero.
uint16_t FreshChecksum(std::string packet, bool ipv6) {
  const size_t udp = ipv6 ? 40 : 20;
  Put16(&packet, udp + 6, 0);
  std::string pseudo = ipv6 ? packet.substr(8, 32) : packet.substr(12, 8);
  const uint16_t length = static_cast<uint16_t>(packet.size() - udp);
  if (ipv6) {
    pseudo += std::string("\0\0", 2) + static_cast<char>(length >> 8) +
              static_cast<char>(length & 0xff) + std::string("\0\0\0\x11", 4);
  } else {
    pseudo += std::string("\0\x11", 2) + static_cast<char>(length >> 8) +
              static_cast<char>(length & 0xff);
  }
  const uint16_t c = static_cast<uint16_t>(~Sum(packet.substr(udp), Sum(pseudo)));
  return c == 0 ? 0xffff : c;
}

std::string Udp4(uint16_t src_port, uint16_t dst_port, const std::string& payload,
                 bool with_checksum = true) {
  std::string p(20, '\0');
  p[0] = 0x45;
  Put16(&p, 2, static_cast<uint16_t>(28 + payload.size()));
  p[8] = 64;
  p[9] = 17;
  p.replace(12, 4, "\xc6\x12\x01\x01");  // 198.18.1.1
  p.replace(16, 4, "\xc6\x12\x02\x01");  // 198.18.2.1
  std::string udp(8, '\0');
  Put16(&udp, 0, src_port);
  Put16(&udp, 2, dst_port);
  Put16(&udp, 4, static_cast<uint16_t>(8 + payload.size()));
  p += udp + payload;
  if (with_checksum) Put16(&p, 26, FreshChecksum(p, false));
  return p;
}

std::string Udp6(uint16_t src_port, uint16_t dst_port, const std::string& payload) {
  std::string p(40, '\0');
  p[0] = 0x60;
  Put16(&p, 4, static_cast<uint16_t>(8 + payload.size()));
  p[6] = 17;
  p[7] = 64;
  p[23] = 1;  // ::1 .. ::2 style addresses
  p[39] = 2;
  std::string udp(8, '\0');
  Put16(&udp, 0, src_port);
  Put16(&udp, 2, dst_port);
  Put16(&udp, 4, static_cast<uint16_t>(8 + payload.size()));
  p += udp + payload;
  Put16(&p, 46, FreshChecksum(p, true));
  return p;
}

TEST(UdpNatTest, TranslatesNothingBeforeTheFirstRebind) {
  UdpNat nat;
  std::string out = Udp4(60001, 60002, "hello");
  const std::string before = out;
  nat.Outbound(&out);
  EXPECT_EQ(out, before);
  std::string in = Udp4(60002, 60001, "back");
  EXPECT_TRUE(nat.Inbound(&in));
  EXPECT_EQ(in, Udp4(60002, 60001, "back"));
}

TEST(UdpNatTest, AfterARebindTheClientLeavesFromANewPortAndRepliesComeBack) {
  UdpNat nat;
  nat.Rebind();
  std::string out = Udp4(60001, 60002, "odd-length");
  nat.Outbound(&out);
  const uint16_t external = Get16(out, 20);
  EXPECT_NE(external, 60001);
  EXPECT_GE(external, UdpNat::kFirstExternalPort);
  EXPECT_LE(external, UdpNat::kLastExternalPort);
  EXPECT_EQ(Get16(out, 26), FreshChecksum(out, false)) << "checksum must still verify";

  std::string reply = Udp4(60002, external, "reply");
  ASSERT_TRUE(nat.Inbound(&reply));
  EXPECT_EQ(reply, Udp4(60002, 60001, "reply"));

  // The same client port keeps its mapping until the next rebind.
  std::string again = Udp4(60001, 60002, "again");
  nat.Outbound(&again);
  EXPECT_EQ(Get16(again, 20), external);
}

TEST(UdpNatTest, ARebindForgetsMappingsAndRepliesToOldPortsAreDropped) {
  UdpNat nat;
  nat.Rebind();
  std::string out = Udp4(60001, 60002, "x");
  nat.Outbound(&out);
  const uint16_t first = Get16(out, 20);
  nat.Rebind();
  std::string out2 = Udp4(60001, 60002, "x");
  nat.Outbound(&out2);
  const uint16_t second = Get16(out2, 20);
  EXPECT_NE(first, second);

  std::string stale = Udp4(60002, first, "stale");
  EXPECT_FALSE(nat.Inbound(&stale));
  std::string direct = Udp4(60002, 60001, "to the inside port");
  EXPECT_FALSE(nat.Inbound(&direct));
  EXPECT_EQ(nat.dropped(), 2u);
  EXPECT_EQ(nat.rebinds(), 2u);
  std::string fresh = Udp4(60002, second, "fresh");
  EXPECT_TRUE(nat.Inbound(&fresh));
}

TEST(UdpNatTest, ClientPortsGetDistinctExternalPorts) {
  UdpNat nat;
  nat.Rebind();
  std::string a = Udp4(1000, 9, "a");
  std::string b = Udp4(1001, 9, "b");
  nat.Outbound(&a);
  nat.Outbound(&b);
  EXPECT_NE(Get16(a, 20), Get16(b, 20));
}

TEST(UdpNatTest, Ipv6ChecksumsStayValid) {
  UdpNat nat;
  nat.Rebind();
  std::string out = Udp6(60001, 60002, "over six");
  nat.Outbound(&out);
  EXPECT_NE(Get16(out, 40), 60001);
  EXPECT_EQ(Get16(out, 46), FreshChecksum(out, true));
  std::string reply = Udp6(60002, Get16(out, 40), "reply");
  ASSERT_TRUE(nat.Inbound(&reply));
  EXPECT_EQ(reply, Udp6(60002, 60001, "reply"));
}

TEST(UdpNatTest, AnIpv4PacketWithoutAChecksumKeepsNone) {
  UdpNat nat;
  nat.Rebind();
  std::string out = Udp4(60001, 60002, "none", /*with_checksum=*/false);
  nat.Outbound(&out);
  EXPECT_NE(Get16(out, 20), 60001);
  EXPECT_EQ(Get16(out, 26), 0);
}

TEST(UdpNatTest, ChecksumsVerifyAcrossManyPortsAndPayloads) {
  UdpNat nat;
  nat.Rebind();
  for (int i = 0; i < 500; ++i) {
    std::string payload(static_cast<size_t>(i % 37), static_cast<char>(i * 13));
    std::string out = Udp4(static_cast<uint16_t>(1024 + i * 97), 60002, payload);
    nat.Outbound(&out);
    ASSERT_EQ(Get16(out, 26), FreshChecksum(out, false)) << i;
  }
}

TEST(UdpNatTest, NonUdpAndMalformedPacketsPassUntouched) {
  UdpNat nat;
  nat.Rebind();
  std::string tcp = Udp4(60001, 60002, "tcp");
  tcp[9] = 6;
  std::string fragment = Udp4(60001, 60002, "later fragment");
  fragment[7] = 0x10;  // fragment offset 16
  const std::string cases[] = {"",
                               std::string(1, '\x45'),
                               Udp4(60001, 60002, "x").substr(0, 25),           // UDP header cut
                               std::string("\x70", 1) + std::string(40, '\0'),  // version 7
                               tcp,
                               fragment};
  for (const std::string& c : cases) {
    std::string out = c;
    nat.Outbound(&out);
    EXPECT_EQ(out, c);
    std::string in = c;
    EXPECT_TRUE(nat.Inbound(&in));
    EXPECT_EQ(in, c);
  }
  EXPECT_EQ(nat.dropped(), 0u);
}

}  // namespace
}  // namespace roam::netsim
