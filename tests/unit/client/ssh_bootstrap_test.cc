#include "client/bootstrap_messages.h"
#include "client/bootstrap_outcome.h"
#include "client/roam_options.h"
#include "client/shell_words.h"
#include "client/ssh_argv.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>

#include <fstream>
#include <map>

#include "support/subprocess.h"

namespace roam::client {
namespace {

using Args = std::vector<std::string>;

RoamOptions ParseOk(const Args& args) {
  Result<RoamOptions> r = ParseRoamOptions(args);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : RoamOptions{};
}

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(RoamOptionsTest, Defaults) {
  RoamOptions o = ParseOk({"user@host"});
  EXPECT_EQ(o.mode, RoamOptions::Mode::kConnect);
  EXPECT_EQ(o.destination, "user@host");
  EXPECT_EQ(o.ssh, Args{"ssh"});
  EXPECT_FALSE(o.server.has_value());
  EXPECT_EQ(o.port, "");
  EXPECT_EQ(o.predict_mode, predict::DisplayMode::kAdaptive);
  EXPECT_EQ(o.family, AddressFamily::kPreferInet);
  EXPECT_EQ(o.bind, BindServer::kSsh);
  EXPECT_TRUE(o.command.empty());
}

TEST(RoamOptionsTest, AllOptionsBothSpellings) {
  RoamOptions o =
      ParseOk({"--ssh=ssh -p 2222", "--server", "/opt/roam-server", "-p", "60100:60200",
               "--predict=never", "--family", "inet6", "--bind-server=any", "--no-init", "-v", "-v",
               "--no-ssh-pty", "--no-clipboard", "host", "--", "top", "-d", "1"});
  EXPECT_EQ(o.ssh, (Args{"ssh", "-p", "2222"}));
  EXPECT_EQ(o.server, "/opt/roam-server");
  EXPECT_EQ(o.port, "60100:60200");
  EXPECT_EQ(o.predict_mode, predict::DisplayMode::kNever);
  EXPECT_EQ(o.family, AddressFamily::kInet6);
  EXPECT_EQ(o.bind, BindServer::kAny);
  EXPECT_TRUE(o.no_init);
  EXPECT_TRUE(o.no_ssh_pty);
  EXPECT_TRUE(o.no_clipboard);
  EXPECT_FALSE(ParseOk({"host"}).no_clipboard);
  EXPECT_EQ(o.verbose, 2);
  EXPECT_EQ(o.destination, "host");
  EXPECT_EQ(o.command, (Args{"top", "-d", "1"}));
}

TEST(RoamOptionsTest, ShortFlags) {
  EXPECT_EQ(ParseOk({"-a", "h"}).predict_mode, predict::DisplayMode::kAlways);
  EXPECT_EQ(ParseOk({"-n", "h"}).predict_mode, predict::DisplayMode::kNever);
  EXPECT_EQ(ParseOk({"-4", "h"}).family, AddressFamily::kInet);
  EXPECT_EQ(ParseOk({"-6", "h"}).family, AddressFamily::kInet6);
  RoamOptions clustered = ParseOk({"-4vp60001", "h"});
  EXPECT_EQ(clustered.family, AddressFamily::kInet);
  EXPECT_EQ(clustered.verbose, 1);
  EXPECT_EQ(clustered.port, "60001");
  EXPECT_EQ(ParseOk({"--port=0", "h"}).port, "0");
  EXPECT_EQ(ParseOk({"--predict=experimental", "h"}).predict_mode,
            predict::DisplayMode::kExperimental);
  EXPECT_EQ(ParseOk({"--family=auto", "h"}).family, AddressFamily::kAuto);
  EXPECT_EQ(ParseOk({"--family=prefer-inet6", "h"}).family, AddressFamily::kPreferInet6);
}

TEST(RoamOptionsTest, CommandWithoutSeparatorAndOptionsAfterHost) {
  RoamOptions o = ParseOk({"h", "ls", "-l"});
  EXPECT_EQ(o.command, (Args{"ls", "-l"}));
  RoamOptions sep = ParseOk({"--", "h", "--", "-x"});
  EXPECT_EQ(sep.destination, "h");
  EXPECT_EQ(sep.command, (Args{"-x"}));
}

TEST(RoamOptionsTest, BindServerIp) {
  RoamOptions o = ParseOk({"--bind-server=192.0.2.1", "h"});
  EXPECT_EQ(o.bind, BindServer::kIp);
  EXPECT_EQ(o.bind_ip, "192.0.2.1");
  EXPECT_EQ(ParseOk({"--bind-server=ssh", "h"}).bind, BindServer::kSsh);
}

TEST(RoamOptionsTest, HelpVersionLocalAndFakeProxy) {
  EXPECT_EQ(ParseOk({"--help"}).mode, RoamOptions::Mode::kHelp);
  EXPECT_EQ(ParseOk({"-h"}).mode, RoamOptions::Mode::kHelp);
  EXPECT_EQ(ParseOk({"--version"}).mode, RoamOptions::Mode::kVersion);
  RoamOptions local = ParseOk({"--local"});
  EXPECT_TRUE(local.local);
  EXPECT_EQ(local.destination, "");
  // With --local there is no host: everything after `--` is the command.
  RoamOptions local_command = ParseOk({"--local", "--", "/bin/bash", "--norc"});
  EXPECT_EQ(local_command.destination, "");
  EXPECT_EQ(local_command.command, (std::vector<std::string>{"/bin/bash", "--norc"}));
  RoamOptions local_host = ParseOk({"--local", "127.0.0.1", "--", "top"});
  EXPECT_EQ(local_host.destination, "127.0.0.1");
  EXPECT_EQ(local_host.command, (std::vector<std::string>{"top"}));
  RoamOptions proxy = ParseOk({"--family=inet", "--fake-proxy", "--", "example.org", "22"});
  EXPECT_EQ(proxy.mode, RoamOptions::Mode::kFakeProxy);
  EXPECT_EQ(proxy.proxy_host, "example.org");
  EXPECT_EQ(proxy.proxy_port, "22");
  EXPECT_EQ(proxy.family, AddressFamily::kInet);
}

TEST(RoamOptionsTest, Errors) {
  const std::vector<Args> bad = {
      {},
      {"--bogus", "h"},
      {"-Z", "h"},  // -x is ssh's "no X11" now (ssh_options_test)
      {"-p", "65536", "h"},
      {"-p", "0:10", "h"},
      {"-p", "20:10", "h"},
      {"-p", "1:65536", "h"},
      {"--port=abc", "h"},
      {"--port"},
      {"-p"},
      {"--predict=sometimes", "h"},
      {"--family=ipx", "h"},
      {"--bind-server=myhost", "h"},
      {"--ssh=ssh 'unterminated", "h"},
      {"--ssh=", "h"},
      {"--no-init=1", "h"},
      {"--fake-proxy", "--", "host"},
      {"--fake-proxy", "--", "host", "99999"},
  };
  for (const Args& args : bad) {
    Result<RoamOptions> r = ParseRoamOptions(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_FALSE(r.ok()) << joined;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_NE(ParseRoamOptions({"-p", "0:10", "h"}).status().message().find("\"0:10\""),
            std::string::npos);
}

TEST(RoamOptionsTest, HostNamesOutsideTheStrictSetAreRejected) {
  // ssh runs the ProxyCommand through /bin/sh with %h replaced by the host:
  // none of these may get that far.
  for (const char* host : {"x$(touch pwned)",
                           "x`id`",
                           "a;b",
                           "a|b",
                           "a&b",
                           "a b",
                           "a\tb",
                           "a\nb",
                           "'a'",
                           "\"a\"",
                           "a>b",
                           "a<b",
                           "a*",
                           "a?",
                           "a{b,c}",
                           "a!b",
                           "a\\b",
                           "a/b",
                           "-oProxyCommand=x",
                           "u@-h",
                           "u@",
                           "@h",
                           "u@x$(id)",
                           "a~b",
                           "a#b",
                           "a=b",
                           "a,b"}) {
    Result<RoamOptions> r = ParseRoamOptions({host});
    EXPECT_FALSE(r.ok()) << host;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << host;
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << host;
    }
  }
  EXPECT_FALSE(ParseRoamOptions({std::string(256, 'a')}).ok());
  // The fake proxy, which ssh runs with the host, checks it too.
  EXPECT_FALSE(ParseRoamOptions({"--fake-proxy", "--", "a;b", "22"}).ok());
}

TEST(RoamOptionsTest, OrdinaryHostNamesAreAccepted) {
  for (const char* destination :
       {"h", "example.org", "my-host_1.example.org", "user@host", "first.last@host", "a@b@host",
        "127.0.0.1", "::1", "[::1]", "fe80::1%eth0", "[fe80::1%25eth0]", "DOMAIN\\user@host"}) {
    Result<RoamOptions> r = ParseRoamOptions({destination});
    EXPECT_TRUE(r.ok()) << destination << ": " << r.status().ToString();
  }
  EXPECT_TRUE(ParseRoamOptions({std::string(255, 'a')}).ok());
}

TEST(RoamOptionsTest, ValidPortEdges) {
  for (const char* port : {"0", "1", "65535", "1:1", "1:65535", "60001:60999"}) {
    EXPECT_TRUE(ParseRoamOptions({"-p", port, "h"}).ok()) << port;
  }
}

TEST(ShellWordsTest, Splitting) {
  EXPECT_EQ(*SplitShellWords("ssh -p 2222"), (Args{"ssh", "-p", "2222"}));
  EXPECT_EQ(*SplitShellWords("  a\t b  "), (Args{"a", "b"}));
  EXPECT_EQ(*SplitShellWords("ssh -o 'ProxyJump a b'"), (Args{"ssh", "-o", "ProxyJump a b"}));
  EXPECT_EQ(*SplitShellWords("a\"b c\"d"), (Args{"ab cd"}));
  EXPECT_EQ(*SplitShellWords(R"("x\"y\\z\$w\n")"), (Args{R"(x"y\z$w\n)"}));
  EXPECT_EQ(*SplitShellWords(R"(a\ b)"), (Args{"a b"}));
  EXPECT_EQ(*SplitShellWords("''"), (Args{""}));
  EXPECT_EQ(*SplitShellWords(""), Args{});
  EXPECT_FALSE(SplitShellWords("'open").ok());
  EXPECT_FALSE(SplitShellWords("\"open").ok());
  EXPECT_FALSE(SplitShellWords("trailing\\").ok());
}

TEST(ShellQuoteTest, Quoting) {
  EXPECT_EQ(ShellQuote("new"), "'new'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$HOME `x` \"q\""), "'$HOME `x` \"q\"'");
}

TEST(ServerArgumentsTest, WrapperOrder) {
  RoamOptions o = ParseOk({"-p", "60100:60200", "host", "--", "/bin/bash", "--norc"});
  Args args = ServerArguments(
      o, 256, Env({{"LC_ALL", "x"}, {"LANG", "C.UTF-8"}, {"LC_CTYPE", "C.UTF-8"}, {"HOME", "/"}}));
  EXPECT_EQ(args, (Args{"new", "-c", "256", "-s", "-p", "60100:60200", "-l", "LANG=C.UTF-8", "-l",
                        "LC_CTYPE=C.UTF-8", "-l", "LC_ALL=x", "--", "/bin/bash", "--norc"}));
}

TEST(ServerArgumentsTest, BindVariants) {
  EXPECT_EQ(ServerArguments(ParseOk({"--bind-server=any", "h"}), 8, Env({})),
            (Args{"new", "-c", "8"}));
  EXPECT_EQ(ServerArguments(ParseOk({"--bind-server=::1", "h"}), 8, Env({})),
            (Args{"new", "-c", "8", "-i", "::1"}));
  EXPECT_EQ(ServerArguments(ParseOk({"--local"}), 0, Env({})),
            (Args{"new", "-c", "0", "-i", "127.0.0.1"}));
}

TEST(RemoteCommandTest, MoshStyleStringWithCustomServer) {
  RoamOptions o = ParseOk(
      {"--server=mosh-server", "-p", "60100:60200", "user@localhost", "--", "/bin/bash", "--norc"});
  Args args = ServerArguments(o, 256, Env({{"LANG", "C.UTF-8"}, {"LC_CTYPE", "C.UTF-8"}}));
  EXPECT_EQ(RemoteCommand(o, args),
            "mosh-server 'new' '-c' '256' '-s' '-p' '60100:60200' '-l' 'LANG=C.UTF-8' '-l' "
            "'LC_CTYPE=C.UTF-8' '--' '/bin/bash' '--norc'");
}

TEST(RemoteCommandTest, DefaultFallsBackToMoshServer) {
  RoamOptions o = ParseOk({"h"});
  EXPECT_EQ(RemoteCommand(o, {"new", "-c", "8"}),
            "sh -c 'if command -v roam-server >/dev/null 2>&1; then exec roam-server \"$@\"; fi; "
            "exec mosh-server \"$@\"' roam 'new' '-c' '8'");
}

TEST(SshArgvTest, WrapperStyle) {
  RoamOptions o = ParseOk({"--ssh=ssh -p 2222", "--transport=udp", "user@host"});
  Args argv = SshArgv(o, "/usr/bin/roam", "REMOTE");
  EXPECT_EQ(argv,
            (Args{"ssh", "-p", "2222", "-n", "-tt", "-S", "none", "-o",
                  "ProxyCommand='/usr/bin/roam' '--family=prefer-inet' --fake-proxy -- '%h' %p",
                  "user@host", "--", "REMOTE"}));
  RoamOptions no_pty = ParseOk({"--no-ssh-pty", "--transport=udp", "-6", "h"});
  Args argv2 = SshArgv(no_pty, "/p/it's/roam", "R");
  EXPECT_EQ(argv2, (Args{"ssh", "-n", "-S", "none", "-o",
                         "ProxyCommand='/p/it'\\''s/roam' '--family=inet6' --fake-proxy -- '%h' %p",
                         "h", "--", "R"}));
}

TEST(SshArgvTest, TheSshThatCarriesTheStreamKeepsItsStdinAndHasNoPty) {
  // --transport=auto (the default) and ssh keep the bootstrap ssh as the
  // session's stream: binary frames on its stdin and stdout.
  for (const char* t : {"--transport=auto", "--transport=ssh"}) {
    Args argv = SshArgv(ParseOk({t, "h"}), "/usr/bin/roam", "R");
    EXPECT_EQ(argv[1], "-T") << t;
    EXPECT_EQ(std::count(argv.begin(), argv.end(), "-n"), 0) << t;
    EXPECT_EQ(std::count(argv.begin(), argv.end(), "-tt"), 0) << t;
  }
  EXPECT_TRUE(KeepsSshStream(ParseOk({"h"})));
  EXPECT_FALSE(KeepsSshStream(ParseOk({"--transport=tcp", "h"})));
  EXPECT_FALSE(KeepsSshStream(ParseOk({"--local"})));
}

TEST(SshArgvTest, RelayArgvAsksNothingAndRunsTheRelay) {
  Args argv = RelaySshArgv(ParseOk({"--ssh=ssh -p 2222", "h"}), "/usr/bin/roam", 60001);
  EXPECT_EQ((Args{argv.begin(), argv.begin() + 6}),
            (Args{"ssh", "-p", "2222", "-o", "BatchMode=yes", "-T"}));
  EXPECT_EQ(argv.back(), "roam-server relay 60001");
  EXPECT_EQ(RelayLocalArgv(ParseOk({"--local", "--server=/x/roam-server"}), "127.0.0.1", 7),
            (Args{"/x/roam-server", "relay", "127.0.0.1", "7"}));
}

TEST(RoamServerOnlyArgumentsTest, StreamsAndAgentGoOnlyToRoamServer) {
  EXPECT_EQ(RoamServerOnlyArguments(ParseOk({"h"})), (Args{"--ssh-stream"}));
  EXPECT_EQ(RoamServerOnlyArguments(ParseOk({"--transport=udp", "h"})), (Args{}));
  EXPECT_EQ(RoamServerOnlyArguments(ParseOk({"--transport=tcp", "-A", "h"})),
            (Args{"--forward-agent", "--tcp"}));
  RoamOptions o = ParseOk({"h"});
  EXPECT_EQ(RemoteCommand(o, {"new"}, {"--ssh-stream"}),
            "sh -c 'if command -v roam-server >/dev/null 2>&1; then exec roam-server --ssh-stream "
            "\"$@\"; fi; exec mosh-server \"$@\"' roam 'new'");
  RoamOptions mosh = ParseOk({"--server=mosh-server", "h"});
  EXPECT_EQ(RemoteCommand(mosh, {"new"}, {"--ssh-stream"}), "mosh-server 'new'");
}

TEST(SshArgvTest, ProxyCommandHandsTheHostToTheShellQuoted) {
  // ssh substitutes %h and runs the ProxyCommand with /bin/sh. An IPv6
  // literal in brackets is a glob pattern to the shell: unquoted, a file
  // named "1" in the working directory would replace it.
  char tmpl[] = "/tmp/roam-proxy-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  std::ofstream(dir + "/1").close();
  RoamOptions o = ParseOk({"[::1]"});
  Args argv = SshArgv(o, "/bin/echo", "R");
  std::string proxy;
  for (const std::string& a : argv) {
    if (a.rfind("ProxyCommand=", 0) == 0) proxy = a.substr(13);
  }
  ASSERT_FALSE(proxy.empty());
  const size_t h = proxy.find("%h");
  ASSERT_NE(h, std::string::npos);
  proxy.replace(h, 2, o.destination);
  const size_t p = proxy.find("%p");
  ASSERT_NE(p, std::string::npos);
  proxy.replace(p, 2, "22");
  roam::testing::CommandResult r = roam::testing::RunCommand(
      {"/bin/sh", "-c", "cd '" + dir + "' && " + proxy}, std::chrono::milliseconds(10000));
  unlink((dir + "/1").c_str());
  rmdir(dir.c_str());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "--family=prefer-inet --fake-proxy -- [::1] 22\n");
}

TEST(SshArgvTest, EnvironmentChanges) {
  auto changes = SshEnvironmentChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].first, "SHELL");
  EXPECT_EQ(changes[0].second, "/bin/sh");
  EXPECT_EQ(changes[1].first, "MOSH_PREDICTION_DISPLAY");
  EXPECT_FALSE(changes[1].second.has_value());
}

TEST(LocalServerArgvTest, DefaultAndCustom) {
  EXPECT_EQ(*LocalServerArgv(ParseOk({"--local"}), {"new"}), (Args{"roam-server", "new"}));
  EXPECT_EQ(*LocalServerArgv(ParseOk({"--local", "--server=/x/srv --flag"}), {"new"}),
            (Args{"/x/srv", "--flag", "new"}));
}

// Runs RemoteCommand strings through a real `sh -c` (as sshd runs them
// through the login shell) with a PATH holding only stub servers.
class RemoteCommandShellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/roam_remote_cmd_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // The only programs on PATH: sh itself, and the stubs each test adds.
    ASSERT_EQ(symlink("/bin/sh", (dir_ + "/sh").c_str()), 0);
  }
  void TearDown() override {
    for (const char* name : {"sh", "roam-server", "mosh-server"}) {
      unlink((dir_ + "/" + name).c_str());
    }
    rmdir(dir_.c_str());
  }
  // A stub that prints its name and each argument on its own line.
  void AddStub(const std::string& name) {
    std::string path = dir_ + "/" + name;
    std::ofstream f(path);
    f << "#!/bin/sh\necho \"" << name << "\"\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n";
    f.close();
    ASSERT_EQ(chmod(path.c_str(), 0755), 0);
  }
  roam::testing::CommandResult Run(const std::string& remote_command) {
    roam::testing::SubprocessOptions options;
    options.env = {"PATH=" + dir_};
    return roam::testing::RunCommand({"/bin/sh", "-c", remote_command},
                                     std::chrono::milliseconds(10000), options);
  }

  std::string dir_;
};

const Args kTrickyArgs = {"new", "-c",   "256",  "-l", "LANG=it's \"quoted\" $HOME `x`",
                          "--",  "echo", "a  b", "*",  ""};
const std::string kTrickyOutput =
    "<new>\n<-c>\n<256>\n<-l>\n<LANG=it's \"quoted\" $HOME `x`>\n<-->\n<echo>\n<a  b>\n<*>\n<>\n";

TEST_F(RemoteCommandShellTest, PrefersRoamServer) {
  AddStub("roam-server");
  AddStub("mosh-server");
  roam::testing::CommandResult r = Run(RemoteCommand(ParseOk({"h"}), kTrickyArgs));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "roam-server\n" + kTrickyOutput);
}

TEST_F(RemoteCommandShellTest, FallsBackToMoshServer) {
  AddStub("mosh-server");
  roam::testing::CommandResult r = Run(RemoteCommand(ParseOk({"h"}), kTrickyArgs));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "mosh-server\n" + kTrickyOutput);
}

TEST_F(RemoteCommandShellTest, NeitherServerExits127AndIsClassified) {
  roam::testing::CommandResult r = Run(RemoteCommand(ParseOk({"h"}), {"new"}));
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.output.find("mosh-server: not found"), std::string::npos) << r.output;
  BootstrapOutcome outcome{r.status, false, r.output};
  EXPECT_EQ(ClassifyBootstrap(outcome), BootstrapProblem::kServerNotFound);
}

TEST_F(RemoteCommandShellTest, CustomServerCommandGetsArgumentsVerbatim) {
  AddStub("mosh-server");
  RoamOptions o = ParseOk({"--server=mosh-server", "h"});
  roam::testing::CommandResult r = Run(RemoteCommand(o, kTrickyArgs));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "mosh-server\n" + kTrickyOutput);
}

TEST(BootstrapProblemTest, Classification) {
  EXPECT_EQ(ClassifyBootstrap({0, true, ""}), BootstrapProblem::kNone);
  EXPECT_EQ(ClassifyBootstrap({255, false, "ssh: connect to host h port 22: Connection refused"}),
            BootstrapProblem::kSshFailed);
  EXPECT_EQ(ClassifyBootstrap({127, false, ""}), BootstrapProblem::kServerNotFound);
  EXPECT_EQ(ClassifyBootstrap({1, false, "bash: line 1: roam-server: command not found\r\n"}),
            BootstrapProblem::kServerNotFound);
  EXPECT_EQ(ClassifyBootstrap({1, false, "roam-server: locale problem"}),
            BootstrapProblem::kNoConnectLine);
  EXPECT_EQ(ClassifyBootstrap({std::nullopt, false, ""}), BootstrapProblem::kNoConnectLine);
}

TEST(BootstrapOutputTest, KeepsABoundedTailOfEndlessOutput) {
  BootstrapOutcome outcome;
  const std::string line(1000, 'x');
  for (int i = 0; i < 100'000; ++i) {  // 100 MB without a CONNECT line
    AppendBootstrapOutput(&outcome, line + "\n");
    ASSERT_LE(outcome.output.size(), 2 * kMaxBootstrapOutput);
  }
  AppendBootstrapOutput(&outcome, "sh: 1: roam-server: not found\n");
  EXPECT_GE(outcome.output.size(), kMaxBootstrapOutput);
  EXPECT_EQ(ClassifyBootstrap(outcome), BootstrapProblem::kServerNotFound);
  // One huge piece keeps only its end.
  AppendBootstrapOutput(&outcome, std::string(10 * kMaxBootstrapOutput, 'y') + "end");
  EXPECT_EQ(outcome.output.size(), kMaxBootstrapOutput);
  EXPECT_EQ(outcome.output.substr(outcome.output.size() - 4), "yend");
}

TEST(BootstrapProblemTest, Messages) {
  BootstrapOutcome ssh_failed{255, false, ""};
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kSshFailed, ssh_failed, "h", ""),
            "roam: ssh could not connect to h (exit status 255); check that \"ssh h\" works on "
            "its own");
  BootstrapOutcome not_found{127, false, ""};
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kServerNotFound, not_found, "h", ""),
            "roam: neither roam-server nor mosh-server was found on h's PATH; install roam (or "
            "mosh) there, or give the server's path with --server=PATH");
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kServerNotFound, not_found, "h", "/x/srv"),
            "roam: the server command \"/x/srv\" was not found on h; check the --server path");
  BootstrapOutcome silent{1, false, ""};
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kNoConnectLine, silent, "h", ""),
            "roam: the server on h exited with status 1 without printing its \"MOSH CONNECT\" "
            "line (its output, if any, is above); check that roam-server (or mosh-server) starts "
            "there");
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kNoConnectLine, silent, "h", "/bin/true"),
            "roam: the server command \"/bin/true\" on h exited with status 1 without printing "
            "its \"MOSH CONNECT\" line (its output, if any, is above); check that --server names "
            "roam-server or mosh-server");
  BootstrapOutcome hung{std::nullopt, false, ""};
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kNoConnectLine, hung, "h", ""),
            "roam: the server on h did not print its \"MOSH CONNECT\" line in time (its output, "
            "if any, is above); check that roam-server (or mosh-server) starts there");
  EXPECT_EQ(BootstrapProblemMessage(BootstrapProblem::kNone, silent, "h", ""), "");
  EXPECT_EQ(UdpUnreachableMessage("h", "192.0.2.1", 60001),
            "roam: no reply from h (192.0.2.1) on UDP port 60001; check that UDP port 60001 is "
            "not firewalled on the way (the server uses a port in 60001-60999 unless -p picks "
            "one)");
  EXPECT_EQ(UdpUnreachableMessage("127.0.0.1", "127.0.0.1", 9).substr(0, 44),
            "roam: no reply from 127.0.0.1 on UDP port 9;");
}

TEST(NamesTest, AddressFamily) {
  EXPECT_EQ(AddressFamilyName(AddressFamily::kInet), "inet");
  EXPECT_EQ(AddressFamilyName(AddressFamily::kInet6), "inet6");
  EXPECT_EQ(AddressFamilyName(AddressFamily::kAuto), "auto");
  EXPECT_EQ(AddressFamilyName(AddressFamily::kPreferInet), "prefer-inet");
  EXPECT_EQ(AddressFamilyName(AddressFamily::kPreferInet6), "prefer-inet6");
}

}  // namespace
}  // namespace roam::client
