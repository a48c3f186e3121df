// `roam --install-server` through a real sshd, to a "remote" that has
// neither roam-server nor mosh-server: the session PATH is a directory of a
// few tools (a shell, coreutils for the install script, readlink) and HOME
// is a fresh directory, so nothing of this machine's is touched. The
// command runs without a terminal (an exec channel, which only roam-server
// offers), and prints which executable its server is.
//
//   1. roam copies roam-server-static to ~/.local/bin/roam-server (the
//      bytes arrive intact), starts it, and the command runs on it;
//   0. before that, a plain roam (no --install-server, no terminal to ask
//      on) copies nothing and says how to;
//   2. a second run finds the copy (its SHA-256 matches) and copies nothing:
//      the file is the same inode with the same mtime; so does a plain roam;
//   3. a copy that was tampered with is detected and replaced, and the
//      session runs on the good one.
//
// The protocol is docs/protocol.md §0.1 (src/client/server_install.h).

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/common/process_probe.h"
#include "e2e/ssh/process_view.h"
#include "e2e/ssh/shell_steps.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

// One run: an ssh for the install step, an ssh for the start, the command.
constexpr milliseconds kRunTimeout(60000);
constexpr milliseconds kExitTimeout(20000);
// What the remote may run: a shell for the login and the scripts, what the
// install script uses, and readlink for the test's command.
constexpr const char* kRemoteTools[] = {"sh", "bash", "cat",       "mkdir", "chmod",    "mv",
                                        "rm", "cut",  "sha256sum", "uname", "readlink", "env"};
constexpr const char* kCommand = "echo ROAM_RAN; echo EXE=$(readlink /proc/$PPID/exe); exit 3";

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class InstallServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
    char pattern[] = "/tmp/roam-install-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    home_ = dir_ + "/home";
    const std::string tools = dir_ + "/tools";
    std::filesystem::create_directories(home_);
    std::filesystem::create_directories(tools);
    for (const char* tool : kRemoteTools) {
      std::string target;
      for (const char* d : {"/usr/bin/", "/bin/"}) {
        if (access((std::string(d) + tool).c_str(), X_OK) == 0) {
          target = std::string(d) + tool;
          break;
        }
      }
      ASSERT_FALSE(target.empty()) << tool << " not found";
      std::filesystem::create_symlink(target, tools + "/" + tool);
    }
    sshd_.SetRemoteBasePath(tools);
    sshd_.SetRemoteEnv("HOME=" + home_);
    ASSERT_TRUE(sshd_.Start()) << sshd_.error();
    installed_ = home_ + "/.local/bin/roam-server";
    static_server_ = ReadWholeFile(RoamProgram("roam-server-static"));
    ASSERT_GT(static_server_.size(), 1000u);
  }

  void TearDown() override {
    sshd_.Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // roam with --install-server, or (`install` false) without it.
  CommandResult RunRoam(bool install = true) {
    std::vector<std::string> argv = {RoamProgram("roam"), "--ssh=" + sshd_.SshCommandString()};
    if (install) argv.push_back("--install-server");
    argv.insert(argv.end(), {sshd_.destination(), "--", kCommand});
    return RunCommand(argv, kRunTimeout, {{"LANG=C.UTF-8"}});
  }

  // The command's own lines prove where it ran.
  void ExpectRanOnInstalledCopy(const CommandResult& r) {
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("ROAM_RAN"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("EXE=" + installed_), std::string::npos) << r.output;
    EXPECT_TRUE(ReadWholeFile(installed_) == static_server_)
        << installed_ << " is not roam-server-static";
    EXPECT_TRUE(PollUntil([&] { return sshd_.RemoteProcesses().empty(); }, kExitTimeout))
        << DescribeProcesses(sshd_.RemoteProcesses());
  }

  SshdFixture sshd_;
  std::string dir_;
  std::string home_;
  std::string installed_;
  std::string static_server_;
};

TEST_F(InstallServerTest, CopiesOnceFindsItThenReplacesATamperedCopy) {
  // The remote really has neither server.
  const CommandResult which = sshd_.RunSsh("command -v roam-server || command -v mosh-server");
  ASSERT_NE(which.status, 0) << "a server is on the remote PATH: " << which.output;
  const CommandResult home = sshd_.RunSsh("echo $HOME");
  ASSERT_EQ(home.output.substr(0, home.output.find('\n')), home_) << home.output;

  // 0. Without --install-server and without a terminal to ask on, roam
  //    copies nothing: it says the server was not found, and how to copy it.
  const CommandResult plain = RunRoam(/*install=*/false);
  EXPECT_NE(plain.status, 0) << plain.output;
  EXPECT_EQ(plain.output.find("ROAM_RAN"), std::string::npos) << plain.output;
  EXPECT_NE(plain.output.find("with --install-server, roam copies its own roam-server"),
            std::string::npos)
      << plain.output;
  EXPECT_FALSE(std::filesystem::exists(installed_));

  // 1. Nothing there: copied, verified, started.
  const CommandResult first = RunRoam();
  EXPECT_NE(first.output.find("copying roam-server ("), std::string::npos) << first.output;
  EXPECT_NE(first.output.find(") to ~/.local/bin/roam-server on "), std::string::npos)
      << first.output;
  ExpectRanOnInstalledCopy(first);
  struct stat before {};
  ASSERT_EQ(stat(installed_.c_str(), &before), 0);
  EXPECT_EQ(before.st_mode & 0777, 0755u);

  // 2. Found, nothing copied.
  const CommandResult second = RunRoam();
  EXPECT_EQ(second.output.find("copying"), std::string::npos) << second.output;
  EXPECT_EQ(second.output.find("replacing"), std::string::npos) << second.output;
  ExpectRanOnInstalledCopy(second);
  struct stat after {};
  ASSERT_EQ(stat(installed_.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

  // 2b. A plain roam finds the verified copy too.
  const CommandResult found = RunRoam(/*install=*/false);
  EXPECT_EQ(found.output.find("copying"), std::string::npos) << found.output;
  ExpectRanOnInstalledCopy(found);
  ASSERT_EQ(stat(installed_.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);

  // 3. Tampered with: detected, replaced, and never run.
  {
    std::ofstream evil(installed_, std::ios::trunc);
    evil << "#!/bin/sh\necho TAMPERED_COPY_RAN\n";
  }
  const CommandResult third = RunRoam();
  EXPECT_NE(third.output.find("replacing ~/.local/bin/roam-server"), std::string::npos)
      << third.output;
  EXPECT_NE(third.output.find("whose SHA-256 differs"), std::string::npos) << third.output;
  EXPECT_EQ(third.output.find("TAMPERED_COPY_RAN"), std::string::npos) << third.output;
  ExpectRanOnInstalledCopy(third);
}

TEST_F(InstallServerTest, AnInteractiveRoamOffersTheCopy) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  const std::string command = ShellQuote(RoamProgram("roam")) +
                              " --ssh=" + ShellQuote(sshd_.SshCommandString()) +
                              " --predict=never " + sshd_.destination() + " -- sh -c " +
                              ShellQuote(kCommand) + "; echo ROAM_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, 100, 24, {"LANG=C.UTF-8", kTermEntry});
  ASSERT_TRUE(pane.started());
  const auto context = [&] { return "screen:\n" + pane.CaptureText(); };
  ASSERT_TRUE(pane.WaitForText("has neither roam-server nor mosh-server", kRunTimeout))
      << context();
  EXPECT_FALSE(std::filesystem::exists(installed_)) << "copied before the answer";
  TypeLine(pane, "y");
  ASSERT_TRUE(pane.WaitForText("ROAM_EXIT=", kRunTimeout)) << context();
  EXPECT_NE(pane.CaptureText().find("ROAM_RAN"), std::string::npos) << context();
  EXPECT_NE(pane.CaptureText().find("EXE=" + installed_), std::string::npos) << context();
  EXPECT_TRUE(ReadWholeFile(installed_) == static_server_);
  EXPECT_TRUE(PollUntil([&] { return sshd_.RemoteProcesses().empty(); }, kExitTimeout))
      << DescribeProcesses(sshd_.RemoteProcesses());
}

}  // namespace
}  // namespace roam::testing
