#include "session/server_options.h"

#include <gtest/gtest.h>

namespace roam::session {
namespace {

using Args = std::vector<std::string>;

ServerOptions ParseOk(const Args& args) {
  Result<ServerOptions> r = ParseServerOptions(args);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ServerOptions{};
}

TEST(ServerOptionsTest, WrapperCommandLineInFull) {
  ServerOptions o = ParseOk({"new", "-c", "256", "-s", "-p", "60100:60200", "-l", "LANG=C.UTF-8",
                             "-l", "LC_CTYPE=C.UTF-8", "--", "/bin/bash", "--norc"});
  EXPECT_EQ(o.mode, ServerOptions::Mode::kRun);
  EXPECT_EQ(o.colors, 256);
  EXPECT_TRUE(o.bind_from_ssh);
  EXPECT_FALSE(o.bind_ip.has_value());
  ASSERT_TRUE(o.port.has_value());
  EXPECT_EQ(*o.port, (net::PortRange{60100, 60200}));
  EXPECT_EQ(o.port_text, "60100:60200");
  EXPECT_EQ(o.locale_vars, (Args{"LANG=C.UTF-8", "LC_CTYPE=C.UTF-8"}));
  EXPECT_EQ(o.command, (Args{"/bin/bash", "--norc"}));
  EXPECT_TRUE(o.usage_problems.empty());
  EXPECT_FALSE(o.verbose);
}

TEST(ServerOptionsTest, GetoptStyleClusteringAndAttachedArguments) {
  ServerOptions o = ParseOk({"new", "-sv", "-p60001", "-c16", "-i127.0.0.1"});
  EXPECT_TRUE(o.bind_from_ssh);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(*o.port, (net::PortRange{60001, 60001}));
  EXPECT_EQ(o.colors, 16);
  EXPECT_EQ(o.bind_ip, "127.0.0.1");
}

TEST(ServerOptionsTest, ClusterEndingInOptionTakesNextWord) {
  ServerOptions o = ParseOk({"new", "-vp", "0"});
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(*o.port, (net::PortRange{0, 0}));
}

TEST(ServerOptionsTest, AtOptionIsIgnoredWithItsArgument) {
  ServerOptions o = ParseOk({"new", "-@", "anything", "-v"});
  EXPECT_TRUE(o.verbose);
  EXPECT_TRUE(o.usage_problems.empty());
}

TEST(ServerOptionsTest, UnknownOptionIsReportedButNotFatal) {
  ServerOptions o = ParseOk({"new", "-x", "-v", "-Z"});
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.usage_problems, (Args{"unknown option -x", "unknown option -Z"}));
}

TEST(ServerOptionsTest, MissingArgumentIsReportedButNotFatal) {
  ServerOptions o = ParseOk({"new", "-v", "-p"});
  EXPECT_TRUE(o.verbose);
  EXPECT_FALSE(o.port.has_value());
  EXPECT_EQ(o.usage_problems, (Args{"option -p needs an argument"}));
}

TEST(ServerOptionsTest, CommandKeepsOptionLookingWords) {
  ServerOptions o = ParseOk({"new", "--", "ls", "-l", "--", "-p"});
  EXPECT_EQ(o.command, (Args{"ls", "-l", "--", "-p"}));
  EXPECT_FALSE(o.port.has_value());
}

TEST(ServerOptionsTest, LegacyForms) {
  ServerOptions bare = ParseOk({});
  EXPECT_EQ(bare.mode, ServerOptions::Mode::kRun);
  EXPECT_FALSE(bare.bind_ip.has_value());

  ServerOptions ip = ParseOk({"10.0.0.5"});
  EXPECT_EQ(ip.bind_ip, "10.0.0.5");
  EXPECT_FALSE(ip.port.has_value());

  ServerOptions ip_port = ParseOk({"::1", "60005"});
  EXPECT_EQ(ip_port.bind_ip, "::1");
  EXPECT_EQ(*ip_port.port, (net::PortRange{60005, 60005}));

  ServerOptions with_command = ParseOk({"127.0.0.1", "--", "top"});
  EXPECT_EQ(with_command.command, (Args{"top"}));
}

TEST(ServerOptionsTest, HelpAndVersion) {
  EXPECT_EQ(ParseOk({"--help"}).mode, ServerOptions::Mode::kHelp);
  EXPECT_EQ(ParseOk({"-h"}).mode, ServerOptions::Mode::kHelp);
  EXPECT_EQ(ParseOk({"new", "--version"}).mode, ServerOptions::Mode::kVersion);
  // After "--" they belong to the command.
  EXPECT_EQ(ParseOk({"new", "--", "prog", "--help"}).mode, ServerOptions::Mode::kRun);
}

TEST(ServerOptionsTest, Errors) {
  EXPECT_FALSE(ParseServerOptions({"old"}).ok());
  EXPECT_FALSE(ParseServerOptions({"127.0.0.1", "70000"}).ok());
  EXPECT_FALSE(ParseServerOptions({"127.0.0.1", "1", "2"}).ok());
  EXPECT_FALSE(ParseServerOptions({"new", "-c", "many"}).ok());
  EXPECT_FALSE(ParseServerOptions({"new", "-c", "-1"}).ok());
  EXPECT_FALSE(ParseServerOptions({"new", "-l", "NOEQUALS"}).ok());
  EXPECT_FALSE(ParseServerOptions({"new", "-l", "=value"}).ok());
  EXPECT_FALSE(ParseServerOptions({"new", "stray"}).ok());
  Result<ServerOptions> bad_port = ParseServerOptions({"new", "-p", "0:10"});
  ASSERT_FALSE(bad_port.ok());
  EXPECT_EQ(bad_port.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_port.status().message().find("'0:10'"), std::string::npos);
}

TEST(ServerOptionsTest, UsageLineNamesProgram) {
  EXPECT_EQ(ServerUsageLine("roam-server"),
            "Usage: roam-server new [-s] [-v] [-i LOCALADDR] [-p PORT[:PORT2]] [-c COLORS] [-l "
            "NAME=VALUE] [-- COMMAND...]");
}

TEST(ServerOptionsTest, RelayTakesAnAddressToSendTo) {
  ServerOptions o = ParseOk({"relay", "127.0.0.1", "60001"});
  EXPECT_EQ(o.mode, ServerOptions::Mode::kRelay);
  EXPECT_EQ(o.relay_port, 60001);
  EXPECT_EQ(o.bind_ip, "127.0.0.1");
  EXPECT_EQ(ParseOk({"relay", "7"}).bind_ip, std::nullopt);
  EXPECT_FALSE(ParseServerOptions({"relay"}).ok());
  EXPECT_FALSE(ParseServerOptions({"relay", "somewhere", "7"}).ok());
  EXPECT_FALSE(ParseServerOptions({"relay", "127.0.0.1", "7", "8"}).ok());
}

}  // namespace
}  // namespace roam::session
