// `roam` through a real sshd on loopback (docs/protocol.md §0.2), as a user
// runs it:
//
//   roam --ssh="<SshdFixture::SshCommandString()>" --predict=never
//        DESTINATION -- env 'PS1=e2e-ready> ' /bin/sh
//
// in a tmux pane of 80x24 (TERM=xterm-256color, LANG=C.UTF-8). roam runs the
// fixture's ssh with `-n -tt -S none -o ProxyCommand=<roam> --fake-proxy ...`
// and its default remote command, which prefers roam-server. The fixture
// puts this build's directory first on the remote PATH, so the server must
// be this build's roam-server: the test checks the executable of the
// detached server process, not a banner.
//
// DESTINATION is USER@127.0.0.1 (the address sshd listens on) or plain
// `localhost`, which only roam's ProxyCommand resolves (ssh itself never
// does, and the fixture's sshd accepts the current user by default).
//
// One session walks through: a typed command and its output, a resize that
// the shell follows (`stty size`), Ctrl-C interrupting `sleep 100`, `less`
// on a known file whose screens equal a direct pane's, and `exit`, after
// which roam exits 0 and no session process is left.

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>

#include "e2e/common/process_probe.h"
#include "e2e/ssh/process_view.h"
#include "e2e/ssh/shell_steps.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kCols = 80;
constexpr int kRows = 24;
// ssh's round trip, the server start and the first screen.
constexpr milliseconds kConnectTimeout(30000);
// The shutdown handshake after `exit`, and the detached server's exit.
constexpr milliseconds kExitTimeout(20000);

struct DestinationCase {
  const char* name;
  bool with_user;    // USER@HOST rather than HOST
  const char* host;  // what roam is given; the ProxyCommand resolves it
};

void PrintTo(const DestinationCase& c, std::ostream* os) { *os << c.name; }

class RoamThroughSshdTest : public ::testing::TestWithParam<DestinationCase> {};

TEST_P(RoamThroughSshdTest, ShellSessionFromTypingToExit) {
  const DestinationCase& c = GetParam();
  ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
  ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("less")) << "tmux or less missing";

  SshdFixture sshd;
  sshd.RemotePathPrepend(ROAM_BIN_DIR);
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  const std::string known_file = sshd.dir() + "/known.txt";
  ASSERT_TRUE(WriteKnownFile(known_file));

  const std::string destination = c.with_user ? sshd.user() + "@" + c.host : std::string(c.host);
  const std::string command = ShellQuote(RoamProgram("roam")) +
                              " --ssh=" + ShellQuote(sshd.SshCommandString()) +
                              " --predict=never " + destination + " -- " + kShellCommand +
                              "; echo ROAM_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, kCols, kRows, {"LANG=C.UTF-8", kTermEntry});
  ASSERT_TRUE(pane.started());
  const Context context = [&] {
    return "command: " + command + "\nscreen:\n" + pane.CaptureText() + "\nsession processes:\n" +
           DescribeProcesses(sshd.RemoteProcesses()) + "sshd log:\n" + sshd.ServerLog();
  };

  ASSERT_TRUE(pane.WaitForText(kPromptMark, kConnectTimeout)) << context();
  // The server that answered is this build's roam-server, found on the
  // remote PATH; the stock mosh-server did not run.
  const std::vector<pid_t> session = sshd.RemoteProcesses();
  EXPECT_TRUE(AnyRuns(session, RoamProgram("roam-server"))) << context();
  EXPECT_FALSE(AnyRuns(session, "/usr/bin/mosh-server")) << context();

  ASSERT_TRUE(ClearScreen(pane, context));
  ASSERT_TRUE(CommandShowsOutput(pane, context));
  ASSERT_TRUE(ShellFollowsResize(pane, 90, 30, kCols, kRows, context));
  ASSERT_TRUE(CtrlCInterruptsSleep(pane, sshd, context));
  ASSERT_TRUE(
      LessMatchesDirectPane(pane, known_file, kCols, kRows, AlternateScreen::kYes, context));

  TypeLine(pane, "exit");
  ASSERT_TRUE(pane.WaitForText("ROAM_EXIT=", kExitTimeout)) << context();
  const std::string screen = pane.CaptureText();
  EXPECT_NE(screen.find("ROAM_EXIT=0"), std::string::npos) << context();
  EXPECT_EQ(screen.find("did not shut down cleanly"), std::string::npos) << context();
  // The server ends with its shell; nothing of the session is left.
  EXPECT_TRUE(PollUntil([&] { return sshd.RemoteProcesses().empty(); }, kExitTimeout))
      << DescribeProcesses(sshd.RemoteProcesses()) << context();
}

INSTANTIATE_TEST_SUITE_P(Destinations, RoamThroughSshdTest,
                         ::testing::Values(DestinationCase{"UserAt127001", true, "127.0.0.1"},
                                           DestinationCase{"PlainLocalhost", false, "localhost"}),
                         [](const ::testing::TestParamInfo<DestinationCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace roam::testing
