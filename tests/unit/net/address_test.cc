// Address: numeric parsing, printing, comparison.

#include "net/address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace roam::net {
namespace {

TEST(AddressTest, EmptyByDefault) {
  Address a;
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.family(), AF_UNSPEC);
  EXPECT_EQ(a, Address());
  EXPECT_EQ(a.ToString(), "(none)");
}

TEST(AddressTest, ParsesIpv4) {
  Result<Address> a = Address::Parse("127.0.0.1", 60001);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->port(), 60001);
  EXPECT_EQ(a->HostString(), "127.0.0.1");
  EXPECT_EQ(a->ToString(), "127.0.0.1:60001");
  EXPECT_EQ(a->sockaddr_len(), sizeof(sockaddr_in));
}

TEST(AddressTest, ParsesIpv6WithOrWithoutBrackets) {
  Result<Address> a = Address::Parse("::1", 5);
  Result<Address> b = Address::Parse("[::1]", 5);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->ToString(), "[::1]:5");
  Result<Address> mapped = Address::Parse("::ffff:10.0.0.1", 7);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->family(), AF_INET6);
  EXPECT_EQ(mapped->HostString(), "::ffff:10.0.0.1");
}

TEST(AddressTest, RejectsNamesAndJunk) {
  for (const char* text :
       {"", "localhost", "1.2.3", "1.2.3.4.5", "::g", "[::1", "[]", "1.2.3.4 "}) {
    Result<Address> a = Address::Parse(text, 1);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(AddressTest, EqualityComparesFamilyHostAndPort) {
  const Address a = *Address::Parse("127.0.0.1", 1000);
  EXPECT_EQ(a, *Address::Parse("127.0.0.1", 1000));
  EXPECT_NE(a, a.WithPort(1001));
  EXPECT_NE(a, *Address::Parse("127.0.0.2", 1000));
  EXPECT_NE(a, *Address::Parse("::ffff:127.0.0.1", 1000));
  EXPECT_NE(a, Address());
  EXPECT_EQ(a.WithPort(1001).port(), 1001);
  EXPECT_EQ(a.WithPort(1001).WithPort(1000), a);
}

TEST(AddressTest, FromSockaddrCopiesKernelAddresses) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(4242);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Address a = Address::FromSockaddr(reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  EXPECT_EQ(a, *Address::Parse("127.0.0.1", 4242));
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(9);
  sin6.sin6_addr = in6addr_loopback;
  Address b = Address::FromSockaddr(reinterpret_cast<sockaddr*>(&sin6), sizeof(sin6));
  EXPECT_EQ(b, *Address::Parse("::1", 9));
}

}  // namespace
}  // namespace roam::net
