// `roam` through sshd to a host that has only the stock mosh-server: roam's
// default remote command (docs/protocol.md §0.2; src/client/ssh_argv.h) finds no
// roam-server on the remote PATH, falls back to mosh-server, and roam's
// client speaks plain Mosh to it. The fixture's remote PATH here is the
// system one, without this build's directory; the test first checks that
// it really holds no roam-server (else it would prove nothing) and does
// hold mosh-server, then types a command, sees its output and exits 0.

#include <gtest/gtest.h>

#include <chrono>
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

constexpr milliseconds kConnectTimeout(30000);
constexpr milliseconds kExitTimeout(20000);

// The first line of `text`, without its newline.
std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(RoamFallbackTest, UsesStockMoshServerWhenNoRoamServerIsOnThePath) {
  ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();

  // The remote PATH as roam's remote command will see it.
  const CommandResult roam_server = sshd.RunSsh("command -v roam-server");
  ASSERT_NE(roam_server.status, 0) << "a roam-server is installed on the system PATH ("
                                   << roam_server.output << "): the fallback cannot be tested";
  const CommandResult mosh_server = sshd.RunSsh("command -v mosh-server");
  ASSERT_EQ(mosh_server.status, 0) << "mosh-server missing: " << mosh_server.output;
  const std::string mosh_server_path = FirstLine(mosh_server.output);

  const std::string command = ShellQuote(RoamProgram("roam")) +
                              " --ssh=" + ShellQuote(sshd.SshCommandString()) +
                              " --predict=never " + sshd.destination() + " -- " + kShellCommand +
                              "; echo ROAM_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, 80, 24, {"LANG=C.UTF-8", kTermEntry});
  ASSERT_TRUE(pane.started());
  const Context context = [&] {
    return "command: " + command + "\nscreen:\n" + pane.CaptureText() + "\nsession processes:\n" +
           DescribeProcesses(sshd.RemoteProcesses()) + "sshd log:\n" + sshd.ServerLog();
  };

  ASSERT_TRUE(pane.WaitForText(kPromptMark, kConnectTimeout)) << context();
  const std::vector<pid_t> session = sshd.RemoteProcesses();
  EXPECT_TRUE(AnyRuns(session, mosh_server_path)) << context();
  EXPECT_FALSE(AnyRuns(session, RoamProgram("roam-server"))) << context();

  ASSERT_TRUE(CommandShowsOutput(pane, context));

  TypeLine(pane, "exit");
  ASSERT_TRUE(pane.WaitForText("ROAM_EXIT=", kExitTimeout)) << context();
  EXPECT_NE(pane.CaptureText().find("ROAM_EXIT=0"), std::string::npos) << context();
  // A stock mosh-server reports no exit status: one line says so.
  EXPECT_NE(pane.CaptureText().find("the server does not report the command's exit status"),
            std::string::npos)
      << context();
  EXPECT_TRUE(PollUntil([&] { return sshd.RemoteProcesses().empty(); }, kExitTimeout))
      << DescribeProcesses(sshd.RemoteProcesses()) << context();
}

}  // namespace
}  // namespace roam::testing
