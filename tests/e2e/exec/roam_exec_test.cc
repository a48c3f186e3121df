// `roam host -- command` without a terminal, through a real sshd on
// loopback, as scripts and tools run it: the command's stdout and stderr
// arrive byte for byte on roam's own, stdin streams to it until EOF, and
// roam exits with the command's status (128 + N for signal N, 255 for
// roam's own failures). Nothing of the session may be left afterwards.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/random.h"
#include "e2e/common/process_probe.h"
#include "e2e/common/sha256_hex.h"
#include "e2e/ssh/process_view.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRunTimeout(60000);

class RoamExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
    sshd_.RemotePathPrepend(ROAM_BIN_DIR);
    ASSERT_TRUE(sshd_.Start()) << sshd_.error();
  }
  void TearDown() override {
    EXPECT_TRUE(PollUntil([&] { return sshd_.RemoteProcesses().empty(); }, milliseconds(15000)))
        << DescribeProcesses(sshd_.RemoteProcesses());
  }

  // Runs `roam <flags> USER@127.0.0.1 -- <remote>` with stdin from `input`;
  // returns the exit status and fills out_ and err_.
  int Roam(const std::string& flags, const std::string& remote, const std::string& input = "") {
    const std::string dir = sshd_.dir();
    {
      std::ofstream in(dir + "/exec.in", std::ios::binary);
      in << input;
    }
    const std::string command =
        ShellQuote(RoamProgram("roam")) + " --ssh=" + ShellQuote(sshd_.SshCommandString()) + " " +
        flags + " " + sshd_.user() + "@127.0.0.1 -- " + ShellQuote(remote) + " <" +
        ShellQuote(dir + "/exec.in") + " >" + ShellQuote(dir + "/exec.out") + " 2>" +
        ShellQuote(dir + "/exec.err");
    CommandResult r = RunCommand({"sh", "-c", command}, kRunTimeout);
    out_ = ReadFileBytes(dir + "/exec.out");
    err_ = ReadFileBytes(dir + "/exec.err");
    return r.status;
  }

  SshdFixture sshd_;
  std::string out_;
  std::string err_;
};

TEST_F(RoamExecTest, ExitStatusesComeBack) {
  EXPECT_EQ(Roam("-T", "true"), 0) << err_;
  EXPECT_EQ(Roam("-T", "exit 3"), 3) << err_;
  EXPECT_EQ(Roam("-T", "kill -INT $$"), 130) << err_;
  // roam's own failure: no such server program.
  EXPECT_EQ(Roam("-T --server=/nonexistent/roam-server", "true"), 255) << err_;
}

TEST_F(RoamExecTest, StdoutAndStderrStaySeparate) {
  ASSERT_EQ(Roam("-T", "printf out1; printf err1 >&2; printf out2; printf err2 >&2"), 0) << err_;
  EXPECT_EQ(out_, "out1out2");
  EXPECT_EQ(err_, "err1err2");
}

TEST_F(RoamExecTest, TenMebibytesOfStdinReachTheCommandWhoseOutputComesBack) {
  SeededRandom random(7);
  std::string input(10 << 20, '\0');
  for (char& c : input) c = static_cast<char>(random.Next());
  // A non-terminal stdin alone selects the exec channel (no -T).
  ASSERT_EQ(Roam("", "sha256sum", input), 0) << err_;
  EXPECT_EQ(out_, Sha256Hex(input) + "  -\n");
  // And the bytes themselves, back through stdout.
  ASSERT_EQ(Roam("", "cat", input), 0) << err_;
  EXPECT_TRUE(out_ == input) << out_.size() << " bytes came back";
}

TEST_F(RoamExecTest, OnATerminalTheOutputStaysAndTheStatusComesBack) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  // The default for an interactive terminal: a pty, the screen drawn as
  // usual; when the command ends its output stays and roam returns its
  // status. (As with Mosh, the words after -- are the program and its
  // arguments.)
  const std::string command =
      ShellQuote(RoamProgram("roam")) + " --ssh=" + ShellQuote(sshd_.SshCommandString()) + " " +
      sshd_.user() + "@127.0.0.1 -- sh -c " +
      ShellQuote("echo pty-out-$((6*7)); [ -t 0 ] && echo on-a-tty; exit 3") +
      "; echo ROAM_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, 80, 24, {"LANG=C.UTF-8", "TERM=xterm-256color"});
  ASSERT_TRUE(pane.started());
  ASSERT_TRUE(pane.WaitForText("ROAM_EXIT=", kRunTimeout)) << pane.CaptureText();
  const std::string screen = pane.CaptureText();
  EXPECT_NE(screen.find("pty-out-42"), std::string::npos) << screen;
  EXPECT_NE(screen.find("on-a-tty"), std::string::npos) << screen;
  EXPECT_NE(screen.find("ROAM_EXIT=3"), std::string::npos) << screen;
}

}  // namespace
}  // namespace roam::testing
