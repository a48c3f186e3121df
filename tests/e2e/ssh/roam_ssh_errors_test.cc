// What `roam` tells the user when the way to the server fails, through a
// real sshd: each failure ends roam with a non-zero status and one line,
// starting "roam: ", that names the problem and what to do about it
// (src/client/bootstrap_messages.h BootstrapProblemMessage, and for the UDP
// case the connect-phase text of src/predict/connect_phase.h).
//
//   * ssh cannot connect (the fixture's ssh command aimed at a loopback
//     port that refuses connections): the line mentions ssh;
//   * --server=no-such-server: the line says the server was not found;
//   * a server that prints no CONNECT line (/bin/true, `echo hello`): the
//     line says no "MOSH CONNECT" line came, and what the server printed is
//     still shown;
//   * a server that prints a CONNECT line for a UDP port nobody listens on:
//     roam's client gives up after its connect phase (15 s) and says which
//     UDP port to check.
//
// The message is roam's last line of output; what ssh, roam's ProxyCommand
// or the server printed comes before it. The bootstrap failures happen
// before roam needs a terminal, so roam runs
// as a plain child with its output captured; the UDP case needs the client,
// so it runs in a tmux pane.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "e2e/common/process_probe.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

// A failed bootstrap takes one ssh round trip (or a refused connect).
constexpr milliseconds kBootstrapTimeout(30000);
// The client's connect phase (15 s) plus its shutdown, with margin.
constexpr milliseconds kConnectPhaseTimeout(40000);

// A loopback socket of the given type bound to a port the kernel chose.
// The destructor closes it.
class BoundSocket {
 public:
  explicit BoundSocket(int type) : fd_(socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      Close();
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~BoundSocket() { Close(); }
  BoundSocket(const BoundSocket&) = delete;
  BoundSocket& operator=(const BoundSocket&) = delete;

  int port() const { return port_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  int port_ = 0;
};

// The last non-empty line of `output`, without its line ending.
std::string LastLine(const std::string& output) {
  std::string line;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string candidate = output.substr(start, end - start);
    if (!candidate.empty() && candidate.back() == '\r') candidate.pop_back();
    if (!candidate.empty()) line = candidate;
    start = end + 1;
  }
  return line;
}

class RoamSshErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
    sshd_.RemotePathPrepend(ROAM_BIN_DIR);
    ASSERT_TRUE(sshd_.Start()) << sshd_.error();
  }

  // Runs roam with `options` (each one argv word) against the fixture and
  // returns its status and merged output.
  CommandResult RunRoam(const std::vector<std::string>& options, const std::string& ssh) {
    std::vector<std::string> argv = {RoamProgram("roam"), "--ssh=" + ssh};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {sshd_.destination(), "--", "true"});
    return RunCommand(argv, kBootstrapTimeout, {{"LANG=C.UTF-8", "TERM=xterm-256color"}});
  }

  // roam's message: the last line of its output (ssh's and the server's own
  // lines come before it), which must start with "roam: ".
  static std::string Message(const CommandResult& r) {
    const std::string line = LastLine(r.output);
    EXPECT_EQ(line.rfind("roam: ", 0), 0u) << r.output;
    return line;
  }

  SshdFixture sshd_;
};

TEST_F(RoamSshErrorsTest, SshThatCannotConnectIsNamed) {
  // A bound TCP socket that does not listen: connecting to it is refused.
  BoundSocket refusing(SOCK_STREAM);
  ASSERT_GT(refusing.port(), 0);
  std::vector<std::string> ssh = sshd_.SshCommand();
  bool replaced = false;
  for (size_t i = 0; i + 1 < ssh.size(); ++i) {
    if (ssh[i] == "-p") {
      ssh[i + 1] = std::to_string(refusing.port());
      replaced = true;
    }
  }
  ASSERT_TRUE(replaced);
  const CommandResult r = RunRoam({}, ShellJoin(ssh));
  ASSERT_NE(r.status, -1) << "roam did not finish\n" << r.output;
  EXPECT_NE(r.status, 0) << r.output;
  const std::string line = Message(r);
  EXPECT_NE(line.find("ssh could not connect to 127.0.0.1"), std::string::npos) << r.output;
  EXPECT_NE(line.find("check that \"ssh 127.0.0.1\" works"), std::string::npos) << r.output;
}

TEST_F(RoamSshErrorsTest, ServerMissingFromRemotePathIsNamed) {
  const CommandResult r = RunRoam({"--server=no-such-server"}, sshd_.SshCommandString());
  ASSERT_NE(r.status, -1) << "roam did not finish\n" << r.output;
  EXPECT_NE(r.status, 0) << r.output;
  const std::string line = Message(r);
  EXPECT_NE(line.find("\"no-such-server\" was not found on 127.0.0.1"), std::string::npos)
      << r.output;
  EXPECT_NE(line.find("--server"), std::string::npos) << r.output;
  EXPECT_TRUE(sshd_.RemoteProcesses().empty());
}

TEST_F(RoamSshErrorsTest, ServerThatPrintsNoConnectLineIsNamed) {
  for (const char* server : {"/bin/true", "echo hello"}) {
    SCOPED_TRACE(server);
    const CommandResult r = RunRoam({std::string("--server=") + server}, sshd_.SshCommandString());
    ASSERT_NE(r.status, -1) << "roam did not finish\n" << r.output;
    EXPECT_NE(r.status, 0) << r.output;
    const std::string line = Message(r);
    EXPECT_NE(line.find("\"MOSH CONNECT\""), std::string::npos) << r.output;
    EXPECT_NE(line.find(std::string("\"") + server + "\""), std::string::npos) << r.output;
    EXPECT_NE(line.find("exited with status 0"), std::string::npos) << r.output;
  }
  // What the server printed reaches the user.
  const CommandResult hello = RunRoam({"--server=echo hello"}, sshd_.SshCommandString());
  EXPECT_NE(hello.output.find("hello new "), std::string::npos) << hello.output;
}

TEST_F(RoamSshErrorsTest, UnreachableUdpPortTimesOutWithAMessage) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  // A UDP port nobody listens on: bound by the kernel's choice, then closed.
  int port = 0;
  {
    BoundSocket udp(SOCK_DGRAM);
    port = udp.port();
  }
  ASSERT_GT(port, 0);
  const std::string p = std::to_string(port);
  const std::string fake_server = "sh -c \"echo MOSH CONNECT " + p + " AAAAAAAAAAAAAAAAAAAAAA\"";
  const std::string command = ShellQuote(RoamProgram("roam")) +
                              " --ssh=" + ShellQuote(sshd_.SshCommandString()) +
                              " --server=" + ShellQuote(fake_server) + " " + sshd_.destination() +
                              "; echo ROAM_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, 80, 24, {"LANG=C.UTF-8", "TERM=xterm-256color"});
  ASSERT_TRUE(pane.started());
  auto context = [&] { return "command: " + command + "\nscreen:\n" + pane.CaptureText(); };

  // While it waits, the client says so on its notification bar.
  EXPECT_TRUE(
      pane.WaitForText("Nothing received from server on UDP port " + p, milliseconds(10000)))
      << context();
  ASSERT_TRUE(pane.WaitForText("ROAM_EXIT=", kConnectPhaseTimeout)) << context();
  const std::string screen = pane.CaptureText();
  EXPECT_NE(screen.find("ROAM_EXIT=1"), std::string::npos) << context();
  // The one-line message wraps in the 80-column pane: join the rows.
  std::string joined;
  for (char c : screen) {
    if (c != '\n') joined.push_back(c);
  }
  EXPECT_NE(joined.find("roam: no reply from 127.0.0.1 on UDP port " + p +
                        "; check that UDP port " + p + " is not firewalled"),
            std::string::npos)
      << context();
}

}  // namespace
}  // namespace roam::testing
