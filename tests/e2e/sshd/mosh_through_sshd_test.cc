// The stock `mosh` wrapper through SshdFixture: the bootstrap that roam's
// programs will later take part in (docs/protocol.md §0.2).
//
// How the wrapper is invoked, and why:
//   mosh --ssh="<SshdFixture::SshCommandString()>" --predict=never
//        [--experimental-remote-ip=MODE] [--server=S] [--client=C]
//        USER@127.0.0.1 -- env PS1=... /bin/sh
// * --ssh= carries the fixture's whole ssh command (port, key, known-hosts
//   file, -F /dev/null); the wrapper splits it shell-style and adds its own
//   `-n -tt` and, in proxy mode, `-S none -o ProxyCommand=...`.
// * The host is the numeric 127.0.0.1: the address the fixture listens on,
//   and one every mode can resolve without /etc/hosts.
// * The default remote-ip mode ("proxy") works here: ssh's ProxyCommand runs
//   `mosh --fake-proxy -- 127.0.0.1 PORT`, which connects to the fixture's
//   sshd over TCP and reports `MOSH IP 127.0.0.1`. "local" (the wrapper
//   resolves the host itself) and "remote" (the server side prints
//   $SSH_CONNECTION, whose third field is 127.0.0.1) also work and are
//   covered below, so a regression in either path shows up.
// * --predict=never keeps local echo out of the way: every character on the
//   screen came back from the server.
// * The remote command sets a known prompt, so the test can wait for it.
// * The wrapper must run in a terminal (mosh-client needs a tty), hence tmux;
//   LANG=C.UTF-8 because both mosh ends insist on a UTF-8 locale.
// * Quitting: Ctrl-^ then `.` (the escape key) makes the client run the
//   shutdown handshake; the wrapper then exits 0 and the server exits too.
//
// Where roam plugs in: --server= names the remote program, found on the
// remote PATH (SshdFixture::RemotePathPrepend puts a build directory first);
// --client= names the local one. The shim cases below do exactly that with
// two small scripts that log their arguments and exec the stock programs.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include "support/direct_pane.h"
#include "support/screen_compare.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr int kCols = 80;
constexpr int kRows = 24;
constexpr const char* kPrompt = "e2e-ready>";
// The wrapper's ssh round trip, the server start and the first screen.
constexpr milliseconds kConnectTimeout(30000);
constexpr milliseconds kEchoTimeout(15000);
constexpr milliseconds kExitTimeout(20000);

struct MoshCase {
  const char* name;
  const char* remote_ip;  // --experimental-remote-ip value; empty: the default (proxy)
  bool shims;             // run through --server= / --client= shims found by path
};

void PrintTo(const MoshCase& c, std::ostream* os) { *os << c.name; }

class MoshThroughSshdTest : public ::testing::TestWithParam<MoshCase> {};

// Writes an executable script at `path` that appends its arguments to `log`
// and then execs `target` with them.
void WriteShim(const std::string& path, const std::string& log, const std::string& target) {
  {
    std::ofstream out(path);
    out << "#!/bin/sh\n"
        << "echo \"$0 $*\" >> " << ShellQuote(log) << "\n"
        << "exec " << ShellQuote(target) << " \"$@\"\n";
  }
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
}

TEST_P(MoshThroughSshdTest, TypesACommandSeesItsOutputAndQuitsCleanly) {
  const MoshCase& c = GetParam();
  ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
  ASSERT_TRUE(HaveProgram("mosh") && HaveProgram("mosh-server") && HaveProgram("mosh-client"))
      << "mosh missing (scripts/install-deps.sh)";
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";

  SshdFixture sshd;
  std::string options = " --predict=never";
  if (*c.remote_ip != '\0') options += std::string(" --experimental-remote-ip=") + c.remote_ip;
  const std::string shim_dir = sshd.dir() + "/shims";
  const std::string server_log = shim_dir + "/server.log";
  const std::string client_log = shim_dir + "/client.log";
  if (c.shims) {
    ASSERT_TRUE(fs::create_directory(shim_dir));
    // The remote side finds this one by name on the remote PATH, as it will
    // find roam-server; the client shim is given by its path.
    WriteShim(shim_dir + "/e2e-mosh-server", server_log, "/usr/bin/mosh-server");
    WriteShim(shim_dir + "/e2e-mosh-client", client_log, "/usr/bin/mosh-client");
    sshd.RemotePathPrepend(shim_dir);
    options += " --server=e2e-mosh-server --client=" + ShellQuote(shim_dir + "/e2e-mosh-client");
  }
  ASSERT_TRUE(sshd.Start()) << sshd.error();

  const std::string command = "mosh --ssh=" + ShellQuote(sshd.SshCommandString()) + options + " " +
                              sshd.destination() + " -- env " +
                              ShellQuote(std::string("PS1=") + kPrompt + " ") +
                              " /bin/sh; echo WRAPPER_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, kCols, kRows, {"LANG=C.UTF-8"});
  ASSERT_TRUE(pane.started());
  auto context = [&] {
    return "command: " + command + "\nscreen:\n" + pane.CaptureText() + "\nsshd log:\n" +
           sshd.ServerLog();
  };

  ASSERT_TRUE(pane.WaitForText(kPrompt, kConnectTimeout)) << context();
  // The detached server and its shell carry the fixture's marker: the check
  // after the handshake below is not vacuous.
  EXPECT_GE(sshd.RemoteProcesses().size(), 2u) << context();
  pane.Type("echo mosh-$((6*7))");
  pane.Keys({"Enter"});
  // "mosh-42" appears only as the shell's output, never in the typed line.
  ASSERT_TRUE(pane.WaitForText("mosh-42", kEchoTimeout)) << context();

  pane.Keys({"C-^"});
  pane.Type(".");
  ASSERT_TRUE(pane.WaitForText("WRAPPER_EXIT=", kExitTimeout)) << context();
  const std::string screen = pane.CaptureText();
  EXPECT_NE(screen.find("[mosh is exiting.]"), std::string::npos) << context();
  EXPECT_NE(screen.find("WRAPPER_EXIT=0"), std::string::npos) << context();

  // After the shutdown handshake the server has nothing left to do and exits.
  EXPECT_TRUE(PollUntil([&] { return sshd.RemoteProcesses().empty(); }, kExitTimeout))
      << sshd.RemoteProcesses().size() << " session process(es) still running\n"
      << context();

  if (c.shims) {
    const std::string server_args = ReadFileBytes(server_log);
    const std::string client_args = ReadFileBytes(client_log);
    // Found by name through the remote PATH, started as `new ... -- env ...`.
    EXPECT_NE(server_args.find(shim_dir + "/e2e-mosh-server new "), std::string::npos)
        << server_args;
    EXPECT_NE(server_args.find("-- env PS1="), std::string::npos) << server_args;
    // The client gets the server's numeric address and UDP port.
    EXPECT_NE(client_args.find("| 127.0.0.1 "), std::string::npos) << client_args;
  }
}

// The pattern later "roam shows what a terminal shows" tests follow: the
// same output drawn through mosh (over the fixture's ssh) and in a direct
// pane of the same size gives the same screen. The script starts by homing
// the cursor and clearing the screen: mosh-server 1.4.0 releases its child by
// writing a newline into the pty (docs/protocol.md §0.4), and the terminal's echo of it
// leaves the cursor one row down, which a direct pane does not have.
TEST(MoshScreenTest, ScreenThroughMoshMatchesADirectPane) {
  ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
  ASSERT_TRUE(HaveProgram("mosh") && HaveProgram("tmux")) << "mosh or tmux missing";
  SshdFixture sshd;
  ASSERT_TRUE(sshd.Start()) << sshd.error();

  const std::string script =
      "printf '\\033[H\\033[2Jthrough mosh\\n\\tand a tab\\n\\033[1mbold\\033[0m caf\\303\\251\\n"
      "\\033[8;20Hmoved here\\n\\033[20;1HDONE'; exec sleep 120";
  const std::string command = "mosh --ssh=" + ShellQuote(sshd.SshCommandString()) +
                              " --predict=never " + sshd.destination() + " -- sh -c " +
                              ShellQuote(script) + "; echo WRAPPER_EXIT=$?; exec sleep 3600";
  TmuxSession through_mosh(command, kCols, kRows, {"LANG=C.UTF-8"});
  std::unique_ptr<TmuxSession> direct = OpenDirectPane(script, kCols, kRows);
  ASSERT_TRUE(through_mosh.started() && direct->started());
  ASSERT_TRUE(direct->WaitForText("DONE", kEchoTimeout)) << direct->CaptureText();
  ASSERT_TRUE(through_mosh.WaitForText("DONE", kConnectTimeout))
      << through_mosh.CaptureText() << "\nsshd log:\n"
      << sshd.ServerLog();

  const ScreenComparison r =
      WaitForScreensToMatch(through_mosh, *direct, kEchoTimeout, "mosh", "direct");
  EXPECT_TRUE(r) << r.diff;
  EXPECT_EQ(NormalizeScreen(direct->Capture()).size(), 20u) << direct->CaptureText();

  through_mosh.Keys({"C-^"});
  through_mosh.Type(".");
  EXPECT_TRUE(through_mosh.WaitForText("WRAPPER_EXIT=0", kExitTimeout))
      << through_mosh.CaptureText();
}

INSTANTIATE_TEST_SUITE_P(RemoteIpModes, MoshThroughSshdTest,
                         ::testing::Values(MoshCase{"DefaultProxyMode", "", false},
                                           MoshCase{"LocalModeThroughShims", "local", true},
                                           MoshCase{"RemoteModeThroughShims", "remote", true}),
                         [](const ::testing::TestParamInfo<MoshCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace roam::testing
