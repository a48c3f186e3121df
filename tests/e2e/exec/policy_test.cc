// roam-server's policy switches (docs/protocol.md §9.8), through a real sshd
// on loopback: each kind a server turns off is refused with a line that
// says which, the session goes on, and the same request works on a server
// that allows it.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "e2e/common/process_probe.h"
#include "e2e/ssh/process_view.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRunTimeout(60000);

// A TCP listener on 127.0.0.1 with a port the kernel chose.
UniqueFd Listen(uint16_t* port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd.get(), 8) != 0)
    return UniqueFd();
  socklen_t len = sizeof a;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// A port nobody listens on right now (for roam's own -L and -R listeners).
uint16_t FreePort() {
  uint16_t port = 0;
  UniqueFd fd = Listen(&port);
  return port;
}

// Connects to 127.0.0.1:port, retrying while the listener is not there yet.
UniqueFd Connect(uint16_t port, milliseconds timeout) {
  UniqueFd out;
  PollUntil(
      [&] {
        UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
        out = std::move(fd);
        return true;
      },
      timeout);
  return out;
}

// Whether `fd` has something to read (or its end) within `timeout`.
bool Readable(int fd, milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

// Reads until the peer closes (bounded); returns what arrived, or nullopt
// if it never closed.
std::optional<std::string> ReadToEnd(int fd, milliseconds timeout) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Readable(fd, milliseconds(200))) continue;
    char buf[256];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<size_t>(n));
  }
  return std::nullopt;
}

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
    sshd_.RemotePathPrepend(ROAM_BIN_DIR);
    ASSERT_TRUE(sshd_.Start()) << sshd_.error();
    dir_ = sshd_.dir();
    runtime_ = dir_ + "/run";
    ASSERT_EQ(mkdir(runtime_.c_str(), 0700), 0);
  }
  void TearDown() override {
    session_.reset();
    EXPECT_TRUE(PollUntil([&] { return sshd_.RemoteProcesses().empty(); }, milliseconds(15000)))
        << DescribeProcesses(sshd_.RemoteProcesses());
  }

  // roam's argv with the server started as `roam-server <server_flags>`.
  std::vector<std::string> RoamArgv(const std::string& server_flags,
                                    const std::vector<std::string>& flags) const {
    std::vector<std::string> argv = {"env",
                                     "XDG_RUNTIME_DIR=" + runtime_,
                                     "SSH_AUTH_SOCK=" + dir_ + "/no-agent.sock",
                                     RoamProgram("roam"),
                                     "--ssh=" + sshd_.SshCommandString(),
                                     "--server=" + RoamProgram("roam-server") +
                                         (server_flags.empty() ? "" : " ") + server_flags};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(sshd_.user() + "@127.0.0.1");
    return argv;
  }

  // Runs `roam <flags> host -- remote` to completion; fills out_ and err_.
  int Command(const std::string& server_flags, const std::vector<std::string>& flags,
              const std::string& remote) {
    std::vector<std::string> argv = RoamArgv(server_flags, flags);
    argv.push_back("--");
    argv.push_back(remote);
    const std::string command = ShellJoin(argv) + " </dev/null >" + ShellQuote(dir_ + "/out") +
                                " 2>" + ShellQuote(dir_ + "/err");
    CommandResult r = RunCommand({"sh", "-c", command}, kRunTimeout);
    out_ = ReadFileBytes(dir_ + "/out");
    err_ = ReadFileBytes(dir_ + "/err");
    return r.status;
  }

  // Starts `roam -N <flags> host` (its stdout and stderr in session_).
  void StartSession(const std::string& server_flags, const std::vector<std::string>& flags) {
    std::vector<std::string> f = flags;
    f.push_back("-N");
    session_ = std::make_unique<Subprocess>(RoamArgv(server_flags, f));
  }

  bool SessionSays(const std::string& text) {
    return session_->ReadUntil(
        [&](const std::string& out) { return out.find(text) != std::string::npos; },
        milliseconds(30000));
  }

  SshdFixture sshd_;
  std::string dir_;
  std::string runtime_;
  std::unique_ptr<Subprocess> session_;
  std::string out_;
  std::string err_;
};

TEST_F(PolicyTest, NoExecRefusesCommandsWithTheReason) {
  EXPECT_EQ(Command("--no-exec", {}, "echo ran"), 255);
  EXPECT_EQ(out_, "");
  EXPECT_NE(err_.find("exec channels are disabled on this server"), std::string::npos) << err_;

  EXPECT_EQ(Command("", {}, "echo ran"), 0) << err_;
  EXPECT_EQ(out_, "ran\n");
}

TEST_F(PolicyTest, NoTcpForwardingRefusesLocalAndDynamicForwards) {
  uint16_t target_port = 0;
  UniqueFd target = Listen(&target_port);
  ASSERT_TRUE(target.valid());
  const uint16_t l_port = FreePort();
  const uint16_t d_port = FreePort();
  const std::string to = "127.0.0.1:" + std::to_string(target_port);
  StartSession("--no-tcp-forwarding",
               {"-L", std::to_string(l_port) + ":" + to, "-D", std::to_string(d_port)});

  // -L: the connection is closed without reaching the target, and roam says why.
  UniqueFd via_l = Connect(l_port, milliseconds(30000));
  ASSERT_TRUE(via_l.valid()) << session_->output();
  EXPECT_EQ(ReadToEnd(via_l.get(), milliseconds(30000)), std::string());
  EXPECT_TRUE(
      SessionSays("refused by the server: TCP forwarding channels are disabled on this "
                  "server"))
      << session_->output();
  EXPECT_FALSE(Readable(target.get(), milliseconds(0))) << "the target was reached";

  // -D: the SOCKS client is told "connection refused" (reply 05 05).
  UniqueFd via_d = Connect(d_port, milliseconds(30000));
  ASSERT_TRUE(via_d.valid());
  const std::string hello("\x05\x01\x00", 3);
  ASSERT_EQ(send(via_d.get(), hello.data(), hello.size(), 0), 3);
  std::string connect_request("\x05\x01\x00\x01\x7f\x00\x00\x01", 8);
  connect_request.push_back(static_cast<char>(target_port >> 8));
  connect_request.push_back(static_cast<char>(target_port & 0xff));
  ASSERT_EQ(send(via_d.get(), connect_request.data(), connect_request.size(), 0), 10);
  std::optional<std::string> reply = ReadToEnd(via_d.get(), milliseconds(30000));
  ASSERT_TRUE(reply.has_value());
  ASSERT_GE(reply->size(), 4u);
  EXPECT_EQ(reply->substr(0, 2), std::string("\x05\x00", 2));
  EXPECT_EQ((*reply)[2], '\x05');
  EXPECT_EQ((*reply)[3], '\x05') << "SOCKS5 reply code";
  EXPECT_TRUE(SessionSays("-D: connection to " + to + " refused by the server"))
      << session_->output();
  EXPECT_FALSE(Readable(target.get(), milliseconds(0))) << "the target was reached";
}

TEST_F(PolicyTest, AnAllowedLocalForwardReachesItsTarget) {
  // The same forward as above on a server that allows it: the target is
  // reached (what makes the refusals above mean something).
  uint16_t target_port = 0;
  UniqueFd target = Listen(&target_port);
  ASSERT_TRUE(target.valid());
  const uint16_t l_port = FreePort();
  StartSession("", {"-L", std::to_string(l_port) + ":127.0.0.1:" + std::to_string(target_port)});
  UniqueFd via_l = Connect(l_port, milliseconds(30000));
  ASSERT_TRUE(via_l.valid()) << session_->output();
  EXPECT_TRUE(Readable(target.get(), milliseconds(30000))) << session_->output();
}

TEST_F(PolicyTest, NoRemoteForwardingRefusesTheListener) {
  uint16_t target_port = 0;
  UniqueFd target = Listen(&target_port);
  ASSERT_TRUE(target.valid());
  const uint16_t r_port = FreePort();
  StartSession("--no-remote-forwarding",
               {"-R", std::to_string(r_port) + ":127.0.0.1:" + std::to_string(target_port)});
  EXPECT_TRUE(SessionSays("remote port forwarding failed for listen"));
  EXPECT_TRUE(SessionSays("remote forwarding channels are disabled on this server"))
      << session_->output();
  // Nothing listens on the remote side's port.
  UniqueFd none = Connect(r_port, milliseconds(500));
  EXPECT_FALSE(none.valid());
}

TEST_F(PolicyTest, NoAgentForwardingSaysSoAndSetsNoSocket) {
  const std::string show = "echo \"[${SSH_AUTH_SOCK:-}]\"";
  EXPECT_EQ(Command("--no-agent-forwarding", {"-A"}, show), 0) << err_;
  EXPECT_EQ(out_, "[]\n");
  EXPECT_NE(err_.find("agent forwarding is disabled on this server"), std::string::npos) << err_;

  EXPECT_EQ(Command("", {"-A"}, show), 0) << err_;
  EXPECT_NE(out_.find("roam-agent-"), std::string::npos) << out_;
  EXPECT_EQ(err_.find("disabled"), std::string::npos) << err_;
}

TEST_F(PolicyTest, NoForwardingRefusesEveryForwardButNotCommands) {
  uint16_t target_port = 0;
  UniqueFd target = Listen(&target_port);
  ASSERT_TRUE(target.valid());
  const std::string to = "127.0.0.1:" + std::to_string(target_port);
  const uint16_t l_port = FreePort();
  const uint16_t r_port = FreePort();
  StartSession("--no-forwarding", {"-A", "-L", std::to_string(l_port) + ":" + to, "-R",
                                   std::to_string(r_port) + ":" + to});
  EXPECT_TRUE(SessionSays("agent forwarding is disabled on this server")) << session_->output();
  EXPECT_TRUE(SessionSays("remote forwarding channels are disabled on this server"))
      << session_->output();
  UniqueFd via_l = Connect(l_port, milliseconds(30000));
  ASSERT_TRUE(via_l.valid()) << session_->output();
  EXPECT_EQ(ReadToEnd(via_l.get(), milliseconds(30000)), std::string());
  EXPECT_TRUE(SessionSays("TCP forwarding channels are disabled on this server"))
      << session_->output();
  EXPECT_FALSE(Readable(target.get(), milliseconds(0)));

  EXPECT_EQ(Command("--no-forwarding", {}, "echo still"), 0) << err_;
  EXPECT_EQ(out_, "still\n");
}

}  // namespace
}  // namespace roam::testing
