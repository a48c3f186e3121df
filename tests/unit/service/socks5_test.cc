// The SOCKS5 handshake of -D (RFC 1928).

#include "service/socks5.h"

#include <gtest/gtest.h>

namespace roam::service {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

TEST(Socks5Test, ConnectToADomainName) {
  Socks5Server s;
  EXPECT_EQ(s.Feed(Bytes({5, 2, 2, 0})), Bytes({5, 0}));
  EXPECT_EQ(s.state(), Socks5Server::State::kRequest);
  EXPECT_EQ(s.Feed(Bytes({5, 1, 0, 3, 9}) + "localhost" + Bytes({0x1f, 0x90})), "");
  ASSERT_EQ(s.state(), Socks5Server::State::kDone);
  EXPECT_EQ(s.target().host, "localhost");
  EXPECT_EQ(s.target().port, 8080);
}

TEST(Socks5Test, ConnectToIpv4AndIpv6ByteByByte) {
  Socks5Server v4;
  const std::string all = Bytes({5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 80});
  std::string answers;
  for (char c : all) answers += v4.Feed(std::string(1, c));
  EXPECT_EQ(answers, Bytes({5, 0}));
  ASSERT_EQ(v4.state(), Socks5Server::State::kDone);
  EXPECT_EQ(v4.target().host, "127.0.0.1");
  EXPECT_EQ(v4.target().port, 80);

  Socks5Server v6;
  v6.Feed(Bytes({5, 1, 0}));
  v6.Feed(Bytes({5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 187}));
  ASSERT_EQ(v6.state(), Socks5Server::State::kDone);
  EXPECT_EQ(v6.target().host, "::1");
  EXPECT_EQ(v6.target().port, 443);
}

TEST(Socks5Test, DataAfterTheRequestIsKeptForTheTarget) {
  Socks5Server s;
  s.Feed(Bytes({5, 1, 0}) + Bytes({5, 1, 0, 1, 10, 0, 0, 1, 0, 22}) + "SSH-2.0");
  ASSERT_EQ(s.state(), Socks5Server::State::kDone);
  EXPECT_EQ(s.TakeLeftover(), "SSH-2.0");
}

TEST(Socks5Test, OnlyNoAuthenticationIsOffered) {
  Socks5Server s;
  EXPECT_EQ(s.Feed(Bytes({5, 1, 2})), Bytes({5, 0xff}));
  EXPECT_EQ(s.state(), Socks5Server::State::kFailed);
}

TEST(Socks5Test, OtherCommandsAndAddressTypesAreRefusedWithTheirCode) {
  Socks5Server bind;
  bind.Feed(Bytes({5, 1, 0}));
  EXPECT_EQ(bind.Feed(Bytes({5, 2, 0, 1, 1, 2, 3, 4, 0, 1})),
            Socks5Server::ConnectReply(Socks5Server::kCommandNotSupported));
  EXPECT_EQ(bind.state(), Socks5Server::State::kFailed);
  Socks5Server atyp;
  atyp.Feed(Bytes({5, 1, 0}));
  EXPECT_EQ(atyp.Feed(Bytes({5, 1, 0, 9, 0, 0})),
            Socks5Server::ConnectReply(Socks5Server::kAddressTypeNotSupported));
}

TEST(Socks5Test, NotSocks5IsDroppedWithoutAnswer) {
  Socks5Server s;
  EXPECT_EQ(s.Feed("GET / HTTP/1.1\r\n"), "");
  EXPECT_EQ(s.state(), Socks5Server::State::kFailed);
}

TEST(Socks5Test, ReplyCarriesTheCode) {
  EXPECT_EQ(Socks5Server::ConnectReply(Socks5Server::kSucceeded),
            Bytes({5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Socks5Server::ConnectReply(Socks5Server::kConnectionRefused)[1], 5);
}

}  // namespace
}  // namespace roam::service
