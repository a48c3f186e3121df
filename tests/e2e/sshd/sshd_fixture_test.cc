// SshdFixture with the stock OpenSSH client: commands run and return their
// output and status, the ssh-wrapper script works, a test's directory comes
// first on the remote PATH, extra session variables arrive, and tearing the
// fixture down ends what the sessions left running, closes the port and
// removes the temporary directory, without touching ~/.ssh.

#include "support/sshd_fixture.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr milliseconds kGoneTimeout(10000);

std::string Describe(const SshdFixture& f, const CommandResult& r) {
  return "status " + std::to_string(r.status) + ", output:\n" + r.output + "\nserver log:\n" +
         f.ServerLog();
}

// Whether a TCP connection to 127.0.0.1:port succeeds.
bool Connects(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Names and modification times under `dir` (empty if it does not exist).
std::map<std::string, fs::file_time_type> Snapshot(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> entries;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return entries;
  entries[dir.string()] = fs::last_write_time(dir, ec);
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    entries[entry.path().string()] = fs::last_write_time(entry.path(), ec);
  }
  return entries;
}

fs::path UserSshDir() {
  const passwd* pw = getpwuid(geteuid());
  return fs::path(pw != nullptr ? pw->pw_dir : "/nonexistent") / ".ssh";
}

class SshdFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available())
        << SshdFixture::kSshdPath << ", ssh or ssh-keygen missing (scripts/install-deps.sh)";
  }
};

TEST_F(SshdFixtureTest, SshRunsACommandAndReturnsItsOutput) {
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  const CommandResult r = sshd.RunSsh("echo hello");
  EXPECT_EQ(r.status, 0) << Describe(sshd, r);
  EXPECT_EQ(r.output, "hello\n") << Describe(sshd, r);
  EXPECT_NE(sshd.ServerLog().find("Accepted publickey for " + sshd.user()), std::string::npos)
      << sshd.ServerLog();
}

TEST_F(SshdFixtureTest, RemoteExitStatusComesBack) {
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  const CommandResult r = sshd.RunSsh("echo before; exit 3");
  EXPECT_EQ(r.status, 3) << Describe(sshd, r);
  EXPECT_EQ(r.output, "before\n");
}

TEST_F(SshdFixtureTest, ServerListensOnLoopbackOnly) {
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  EXPECT_EQ(sshd.host(), "127.0.0.1");
  EXPECT_GT(sshd.port(), 0);
  EXPECT_NE(sshd.ServerLog().find("Server listening on 127.0.0.1 port " +
                                  std::to_string(sshd.port()) + "."),
            std::string::npos)
      << sshd.ServerLog();
  // The session sees the loopback connection it came in on.
  const CommandResult r = sshd.RunSsh("echo \"$SSH_CONNECTION\"");
  EXPECT_EQ(r.status, 0) << Describe(sshd, r);
  EXPECT_NE(r.output.find(" 127.0.0.1 " + std::to_string(sshd.port())), std::string::npos)
      << r.output;
}

TEST_F(SshdFixtureTest, SshWrapperScriptTakesArgumentsLikeSsh) {
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  ASSERT_EQ(access(sshd.ssh_wrapper().c_str(), X_OK), 0) << sshd.ssh_wrapper();
  const CommandResult r = RunCommand(
      {sshd.ssh_wrapper(), sshd.destination(), "echo via-wrapper $((20+1))"}, milliseconds(20000));
  EXPECT_EQ(r.status, 0) << Describe(sshd, r);
  EXPECT_EQ(r.output, "via-wrapper 21\n");
}

TEST_F(SshdFixtureTest, CommandStringSplitsBackIntoTheSameArgv) {
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  // What `mosh --ssh=STRING` and `roam --ssh=STRING` do with the string: a
  // shell-style split. Here a real shell does the split and prints each word.
  const CommandResult r = RunCommand(
      {"/bin/sh", "-c", "for w in " + sshd.SshCommandString() + "; do echo \"$w\"; done"},
      milliseconds(5000));
  ASSERT_EQ(r.status, 0) << r.output;
  std::string expected;
  for (const auto& word : sshd.SshCommand()) expected += word + "\n";
  EXPECT_EQ(r.output, expected);
}

TEST_F(SshdFixtureTest, PrependedDirectoryComesFirstOnTheRemotePath) {
  SshdFixture sshd;
  const std::string bin = sshd.dir() + "/remote bin";  // a space, to exercise the quoting
  ASSERT_TRUE(fs::create_directory(bin));
  {
    std::ofstream probe(bin + "/roam-e2e-probe");
    probe << "#!/bin/sh\necho probe-ran \"$@\"\n";
  }
  fs::permissions(bin + "/roam-e2e-probe", fs::perms::owner_all);
  sshd.RemotePathPrepend(bin);
  ASSERT_TRUE(sshd.Start()) << sshd.error();

  const CommandResult r =
      sshd.RunSsh("command -v roam-e2e-probe; roam-e2e-probe 'a b'; printf '%s\\n' \"$PATH\"");
  ASSERT_EQ(r.status, 0) << Describe(sshd, r);
  EXPECT_EQ(r.output.substr(0, r.output.find('\n')), bin + "/roam-e2e-probe") << r.output;
  EXPECT_NE(r.output.find("\nprobe-ran a b\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n" + bin + ":"), std::string::npos)
      << "PATH does not start with the prepended directory:\n"
      << r.output;
  // The forced command that re-asserts PATH keeps the exit status.
  const CommandResult failing = sshd.RunSsh("exit 4");
  EXPECT_EQ(failing.status, 4) << Describe(sshd, failing);
}

TEST_F(SshdFixtureTest, ExtraSessionVariablesAndLocaleArrive) {
  SshdFixture sshd;
  sshd.SetRemoteEnv("ROAM_E2E_GREETING=hi-there");
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  // AcceptEnv LANG LC_*: a client that sends its locale gets it through.
  std::vector<std::string> argv = sshd.SshCommand();
  argv.insert(argv.end(), {"-o", "SendEnv=LANG", sshd.destination(),
                           "echo \"$ROAM_E2E_GREETING $LANG $MOSH_SERVER_NETWORK_TMOUT\""});
  SubprocessOptions options;
  options.env = {"LANG=C.UTF-8"};
  const CommandResult r = RunCommand(argv, milliseconds(20000), options);
  EXPECT_EQ(r.status, 0) << Describe(sshd, r);
  EXPECT_EQ(r.output, "hi-there C.UTF-8 " +
                          std::to_string(SshdFixture::kDefaultServerNetworkTimeoutSeconds) + "\n");
}

TEST_F(SshdFixtureTest, TeardownEndsLeftoversClosesThePortAndRemovesTheDirectory) {
  const std::map<std::string, fs::file_time_type> ssh_dir_before = Snapshot(UserSshDir());
  auto sshd = std::make_unique<SshdFixture>();
  ASSERT_TRUE(sshd->Start()) << sshd->error();
  const std::string dir = sshd->dir();
  const int port = sshd->port();
  ASSERT_TRUE(fs::exists(dir));

  // A session that leaves a process behind, the way mosh-server detaches.
  const CommandResult r = sshd->RunSsh("sleep 300 </dev/null >/dev/null 2>&1 & echo $!");
  ASSERT_EQ(r.status, 0) << Describe(*sshd, r);
  const pid_t leftover = static_cast<pid_t>(std::stol(r.output));
  const std::vector<pid_t> remote = sshd->RemoteProcesses();
  EXPECT_NE(std::find(remote.begin(), remote.end(), leftover), remote.end())
      << "the background sleep " << leftover << " is not found by its marker";

  sshd.reset();
  EXPECT_TRUE(PollUntil([&] { return kill(leftover, 0) != 0; }, kGoneTimeout))
      << "pid " << leftover << " survived the fixture";
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(Connects(port)) << "something still answers on port " << port;
  EXPECT_EQ(Snapshot(UserSshDir()), ssh_dir_before) << "~/.ssh was touched";
}

TEST(ShellQuoteTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(ShellQuote("ssh"), "ssh");
  EXPECT_EQ(ShellQuote("UserKnownHostsFile=/tmp/x/known_hosts"),
            "UserKnownHostsFile=/tmp/x/known_hosts");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$HOME"), "'$HOME'");
  EXPECT_EQ(ShellJoin({"echo", "a b", "c"}), "echo 'a b' c");
}

}  // namespace
}  // namespace roam::testing
