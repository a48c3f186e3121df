#include "session/ssh_connection.h"

#include <gtest/gtest.h>

#include "session/stream_relay.h"

namespace roam::session {
namespace {

TEST(SshConnectionTest, TakesThirdField) {
  EXPECT_EQ(LocalIpFromSshConnection("192.168.1.5 51234 192.168.1.1 22"), "192.168.1.1");
  EXPECT_EQ(LocalIpFromSshConnection("  10.0.0.2   4000\t10.0.0.1  22 "), "10.0.0.1");
}

TEST(SshConnectionTest, StripsIpv4MappedPrefix) {
  EXPECT_EQ(LocalIpFromSshConnection("::ffff:10.1.1.1 5000 ::ffff:10.1.1.2 22"), "10.1.1.2");
}

TEST(SshConnectionTest, KeepsIpv6) {
  EXPECT_EQ(LocalIpFromSshConnection("::1 5000 ::1 22"), "::1");
  EXPECT_EQ(LocalIpFromSshConnection("fe80::1 5000 2001:db8::7 22"), "2001:db8::7");
  // "::ffff:" followed by something that is not IPv4 is left as it is.
  EXPECT_EQ(LocalIpFromSshConnection("::1 5000 ::ffff:1:2 22"), "::ffff:1:2");
}

TEST(SshConnectionTest, MissingOrUnparseable) {
  EXPECT_EQ(LocalIpFromSshConnection(std::nullopt), std::nullopt);
  EXPECT_EQ(LocalIpFromSshConnection(""), std::nullopt);
  EXPECT_EQ(LocalIpFromSshConnection("1.2.3.4 5 6.7.8.9"), std::nullopt);
  EXPECT_EQ(LocalIpFromSshConnection("1.2.3.4 5 hostname 22"), std::nullopt);
  EXPECT_EQ(LocalIpFromSshConnection("1.2.3.4 5 300.1.1.1 22"), std::nullopt);
}

// `roam-server relay PORT` under a new ssh connection reaches the session
// where roam started it: bound (with -s) to the local address of the ssh
// connection. Loopback would find nothing there, and the stream that was to
// carry a session whose UDP is blocked stayed silent.
TEST(RelayTargetTest, TheSshConnectionsLocalAddressUnlessAnAddressIsGiven) {
  EXPECT_EQ(RelayTarget(std::nullopt, "198.18.1.2 40000 198.18.2.1 22", 60001)->ToString(),
            "198.18.2.1:60001");
  EXPECT_EQ(RelayTarget("127.0.0.1", "198.18.1.2 40000 198.18.2.1 22", 7)->ToString(),
            "127.0.0.1:7");
  EXPECT_EQ(RelayTarget(std::nullopt, std::nullopt, 7)->ToString(), "127.0.0.1:7");
  EXPECT_EQ(RelayTarget(std::nullopt, "garbage", 7)->ToString(), "127.0.0.1:7");
  EXPECT_FALSE(RelayTarget("not-an-address", std::nullopt, 7).ok());
}

}  // namespace
}  // namespace roam::session
