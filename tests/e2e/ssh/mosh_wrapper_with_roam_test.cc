// The stock `mosh` wrapper through sshd with roam's programs swapped in, the
// way a user with mosh installed would try them (docs/protocol.md §0.2):
//
//   mosh --ssh="<fixture ssh>" --predict=never [--server=roam-server]
//        [--client=<this build's roam-client>] USER@127.0.0.1 -- env PS1=... /bin/sh
//
// roam-server is found by name on the remote PATH (the fixture puts this
// build's directory first); roam-client is given by its absolute path. Each
// case checks that the swapped-in program really ran (by the executable of
// the process: the detached server among the fixture's session processes,
// the client among the processes carrying this pane's marker variable),
// then a typed command, a resize the shell follows, `less` compared with a
// direct pane, and `exit`, after which the wrapper exits 0 and no session
// process is left. With the stock mosh-server, which has no alternate
// screen, the screen after quitting `less` is checked against what that
// server draws (the last page stays) rather than against the direct pane.

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
constexpr milliseconds kConnectTimeout(30000);
constexpr milliseconds kExitTimeout(20000);
constexpr const char* kMarkerName = "ROAM_E2E_PANE";

struct SwapCase {
  const char* name;
  bool roam_server;  // --server=roam-server (else the stock mosh-server)
  bool roam_client;  // --client=<roam-client> (else the stock mosh-client)
};

void PrintTo(const SwapCase& c, std::ostream* os) { *os << c.name; }

class MoshWrapperWithRoamTest : public ::testing::TestWithParam<SwapCase> {};

TEST_P(MoshWrapperWithRoamTest, SessionThroughTheStockWrapper) {
  const SwapCase& c = GetParam();
  ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
  ASSERT_TRUE(HaveProgram("mosh") && HaveProgram("mosh-server") && HaveProgram("mosh-client"))
      << "mosh missing (scripts/install-deps.sh)";
  ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("less")) << "tmux or less missing";

  SshdFixture sshd;
  sshd.RemotePathPrepend(ROAM_BIN_DIR);
  ASSERT_TRUE(sshd.Start()) << sshd.error();
  const std::string known_file = sshd.dir() + "/known.txt";
  ASSERT_TRUE(WriteKnownFile(known_file));

  std::string options = " --predict=never";
  if (c.roam_server) options += " --server=roam-server";
  if (c.roam_client) options += " --client=" + ShellQuote(RoamProgram("roam-client"));
  const std::string command = "mosh --ssh=" + ShellQuote(sshd.SshCommandString()) + options + " " +
                              sshd.destination() + " -- " + kShellCommand +
                              "; echo WRAPPER_EXIT=$?; exec sleep 3600";
  const std::string marker = std::string(kMarkerName) + "=" + sshd.dir();
  TmuxSession pane(command, kCols, kRows, {"LANG=C.UTF-8", kTermEntry, marker});
  ASSERT_TRUE(pane.started());
  const Context context = [&] {
    return "command: " + command + "\nscreen:\n" + pane.CaptureText() + "\nsession processes:\n" +
           DescribeProcesses(sshd.RemoteProcesses()) + "sshd log:\n" + sshd.ServerLog();
  };

  ASSERT_TRUE(pane.WaitForText(kPromptMark, kConnectTimeout)) << context();
  const std::vector<pid_t> session = sshd.RemoteProcesses();
  if (c.roam_server) {
    EXPECT_TRUE(AnyRuns(session, RoamProgram("roam-server"))) << context();
    EXPECT_FALSE(AnyRuns(session, "/usr/bin/mosh-server")) << context();
  } else {
    EXPECT_TRUE(AnyRuns(session, "/usr/bin/mosh-server")) << context();
  }
  const std::vector<pid_t> roam_clients = ProcessesRunning(RoamProgram("roam-client"), marker);
  if (c.roam_client) {
    EXPECT_EQ(roam_clients.size(), 1u) << DescribeProcesses(roam_clients) << context();
  } else {
    EXPECT_TRUE(roam_clients.empty()) << DescribeProcesses(roam_clients);
  }

  ASSERT_TRUE(ClearScreen(pane, context));
  ASSERT_TRUE(CommandShowsOutput(pane, context));
  ASSERT_TRUE(ShellFollowsResize(pane, 100, 32, kCols, kRows, context));
  ASSERT_TRUE(LessMatchesDirectPane(pane, known_file, kCols, kRows,
                                    c.roam_server ? AlternateScreen::kYes : AlternateScreen::kNo,
                                    context));

  TypeLine(pane, "exit");
  ASSERT_TRUE(pane.WaitForText("WRAPPER_EXIT=", kExitTimeout)) << context();
  const std::string screen = pane.CaptureText();
  EXPECT_NE(screen.find("WRAPPER_EXIT=0"), std::string::npos) << context();
  EXPECT_EQ(screen.find("did not shut down cleanly"), std::string::npos) << context();
  EXPECT_TRUE(PollUntil([&] { return sshd.RemoteProcesses().empty(); }, kExitTimeout))
      << DescribeProcesses(sshd.RemoteProcesses()) << context();
}

INSTANTIATE_TEST_SUITE_P(Swaps, MoshWrapperWithRoamTest,
                         ::testing::Values(SwapCase{"RoamServer", true, false},
                                           SwapCase{"RoamClient", false, true},
                                           SwapCase{"RoamServerAndClient", true, true}),
                         [](const ::testing::TestParamInfo<SwapCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace roam::testing
