// The -L, -R and -D arguments, in ssh's syntax.

#include "service/forward_spec.h"

#include <gtest/gtest.h>

namespace roam::service {
namespace {

using Kind = ForwardSpec::Kind;

ForwardSpec Parse(Kind kind, std::string_view text) {
  Result<ForwardSpec> spec = ParseForwardSpec(kind, text);
  EXPECT_TRUE(spec.ok()) << text << ": " << spec.status().ToString();
  return spec.ok() ? *spec : ForwardSpec{};
}

TEST(ForwardSpecTest, LocalPortToHostPort) {
  ForwardSpec s = Parse(Kind::kLocal, "8080:example.org:80");
  EXPECT_EQ(s.listen, (Endpoint{"", 8080, ""}));
  EXPECT_EQ(s.target, (Endpoint{"example.org", 80, ""}));
}

TEST(ForwardSpecTest, BindAddressAndBracketedIpv6) {
  ForwardSpec s = Parse(Kind::kLocal, "[::1]:8080:[2001:db8::1]:443");
  EXPECT_EQ(s.listen, (Endpoint{"::1", 8080, ""}));
  EXPECT_EQ(s.target, (Endpoint{"2001:db8::1", 443, ""}));
  EXPECT_EQ(s.target.ToString(), "[2001:db8::1]:443");
  EXPECT_EQ(Parse(Kind::kLocal, "*:8080:h:1").listen.host, "*");
}

TEST(ForwardSpecTest, SocketsOnEitherSide) {
  ForwardSpec s = Parse(Kind::kLocal, "8080:/run/app.sock");
  EXPECT_EQ(s.target, (Endpoint{"", 0, "/run/app.sock"}));
  s = Parse(Kind::kRemote, "/tmp/remote.sock:localhost:22");
  EXPECT_EQ(s.listen, (Endpoint{"", 0, "/tmp/remote.sock"}));
  EXPECT_EQ(s.target, (Endpoint{"localhost", 22, ""}));
  s = Parse(Kind::kLocal, "/tmp/a.sock:/tmp/b.sock");
  EXPECT_EQ(s.listen.path, "/tmp/a.sock");
  EXPECT_EQ(s.target.path, "/tmp/b.sock");
}

TEST(ForwardSpecTest, RemotePortZeroAsksTheServerToPick) {
  EXPECT_EQ(Parse(Kind::kRemote, "0:localhost:80").listen.port, 0);
}

TEST(ForwardSpecTest, Dynamic) {
  EXPECT_EQ(Parse(Kind::kDynamic, "1080").listen, (Endpoint{"", 1080, ""}));
  EXPECT_EQ(Parse(Kind::kDynamic, "0.0.0.0:1080").listen, (Endpoint{"0.0.0.0", 1080, ""}));
}

TEST(ForwardSpecTest, BadSpecsAreNamed) {
  for (auto [kind, text] : std::vector<std::pair<Kind, std::string>>{
           {Kind::kLocal, ""},
           {Kind::kLocal, "8080"},
           {Kind::kLocal, "8080:host"},
           {Kind::kLocal, "x:host:80"},
           {Kind::kLocal, "8080:host:0"},
           {Kind::kLocal, "8080:host:65536"},
           {Kind::kLocal, "a:b:c:d:e"},
           {Kind::kLocal, "[::1:8080:h:1"},
           {Kind::kLocal, "8080::80"},
           {Kind::kDynamic, "/tmp/socks.sock"},
           {Kind::kDynamic, "a:b:c"},
       }) {
    Result<ForwardSpec> spec = ParseForwardSpec(kind, text);
    EXPECT_FALSE(spec.ok()) << text;
    if (!spec.ok()) {
      EXPECT_NE(spec.status().message().find(text), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace roam::service
