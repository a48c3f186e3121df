// roam as the "ssh program" of stock tools, unchanged (issue: remote
// commands over channels): rsync -e roam, sftp -S roam, scp -S roam (SFTP
// mode and -O), git with GIT_SSH_COMMAND=roam — through a real sshd on
// loopback, every file compared byte for byte and every tool exiting 0.
// The roaming variants (a move and a 30 s outage in the middle) are in
// stock_tools_roaming_test.cc.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/random.h"
#include "e2e/common/process_probe.h"
#include "e2e/tools/tool_tree.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kToolTimeout(180000);

class StockToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available());
    for (const char* tool : {"rsync", "sftp", "scp", "git"}) {
      ASSERT_TRUE(HaveProgram(tool)) << tool << " missing (scripts/install-deps.sh)";
    }
    sshd_.RemotePathPrepend(ROAM_BIN_DIR);
    ASSERT_TRUE(sshd_.Start()) << sshd_.error();
    roam_ = WriteRoamWrapper(sshd_.dir(), sshd_.SshCommandString());
  }
  void TearDown() override {
    EXPECT_TRUE(PollUntil([&] { return sshd_.RemoteProcesses().empty(); }, milliseconds(20000)))
        << "session processes left";
  }

  // Runs `command` under sh in the fixture's directory; returns its status,
  // with the output in out_.
  int Run(const std::string& command) {
    CommandResult r =
        RunCommand({"sh", "-c", "cd " + ShellQuote(sshd_.dir()) + " && " + command}, kToolTimeout);
    out_ = r.output;
    return r.status;
  }

  SshdFixture sshd_;
  std::string roam_;
  std::string out_;
};

TEST_F(StockToolsTest, RsyncCopiesATreeAndALargeFileBothWays) {
  const std::string src = sshd_.dir() + "/src";
  WriteTree(src, 1000, 100 << 20, 11);
  const std::string remote = sshd_.user() + "@127.0.0.1:" + sshd_.dir() + "/dst";
  ASSERT_EQ(Run("rsync -a -e " + ShellQuote(roam_) + " src/ " + ShellQuote(remote) + "/"), 0)
      << out_;
  EXPECT_EQ(TreeDigest(src), TreeDigest(sshd_.dir() + "/dst"));
  // And back again, into a third place, with a `-p` of roam's own (the
  // UDP port range, Mosh's meaning) in the -e command, as the issue names.
  ASSERT_EQ(Run("rsync -a -e " + ShellQuote(roam_ + " -p 60001:60999") + " " + ShellQuote(remote) +
                "/ back/"),
            0)
      << out_;
  EXPECT_EQ(TreeDigest(src), TreeDigest(sshd_.dir() + "/back"));
}

TEST_F(StockToolsTest, SftpGetsAndPuts) {
  WriteRandomFile(sshd_.dir() + "/up.bin", 3 << 20, 12);
  WriteRandomFile(sshd_.dir() + "/remote.bin", 2 << 20, 13);
  const std::string batch = sshd_.dir() + "/batch";
  std::ofstream(batch) << "put up.bin " << sshd_.dir() << "/uploaded.bin\n"
                       << "get " << sshd_.dir() << "/remote.bin downloaded.bin\n";
  ASSERT_EQ(Run("sftp -S " + ShellQuote(roam_) + " -b batch " + sshd_.user() + "@127.0.0.1"), 0)
      << out_;
  EXPECT_EQ(FileDigest(sshd_.dir() + "/up.bin"), FileDigest(sshd_.dir() + "/uploaded.bin"));
  EXPECT_EQ(FileDigest(sshd_.dir() + "/remote.bin"), FileDigest(sshd_.dir() + "/downloaded.bin"));
}

TEST_F(StockToolsTest, ScpInSftpModeAndLegacyMode) {
  WriteRandomFile(sshd_.dir() + "/a.bin", 5 << 20, 14);
  const std::string remote = sshd_.user() + "@127.0.0.1:" + sshd_.dir();
  ASSERT_EQ(Run("scp -S " + ShellQuote(roam_) + " a.bin " + ShellQuote(remote + "/sftp.bin")), 0)
      << out_;
  ASSERT_EQ(Run("scp -O -S " + ShellQuote(roam_) + " a.bin " + ShellQuote(remote + "/legacy.bin")),
            0)
      << out_;
  ASSERT_EQ(
      Run("scp -S " + ShellQuote(roam_) + " " + ShellQuote(remote + "/sftp.bin") + " fetched.bin"),
      0)
      << out_;
  const std::string want = FileDigest(sshd_.dir() + "/a.bin");
  EXPECT_EQ(FileDigest(sshd_.dir() + "/sftp.bin"), want);
  EXPECT_EQ(FileDigest(sshd_.dir() + "/legacy.bin"), want);
  EXPECT_EQ(FileDigest(sshd_.dir() + "/fetched.bin"), want);
}

TEST_F(StockToolsTest, GitClonesAndPushes) {
  const std::string origin = sshd_.dir() + "/origin.git";
  ASSERT_EQ(Run("git init -q --bare origin.git && git init -q work && cd work && "
                "git -c user.name=t -c user.email=t@t commit -q --allow-empty -m first && "
                "git push -q " +
                ShellQuote(origin) + " HEAD:refs/heads/main"),
            0)
      << out_;
  const std::string env = "GIT_SSH_COMMAND=" + ShellQuote(roam_) + " ";
  const std::string url = sshd_.user() + "@127.0.0.1:" + origin;
  ASSERT_EQ(Run(env + "git clone -q -b main " + ShellQuote(url) + " clone"), 0) << out_;
  WriteRandomFile(sshd_.dir() + "/clone/blob.bin", 1 << 20, 15);
  ASSERT_EQ(Run("cd clone && git add blob.bin && git -c user.name=t -c user.email=t@t commit -q "
                "-m blob && " +
                env + "git push -q origin main"),
            0)
      << out_;
  ASSERT_EQ(Run("git --git-dir=origin.git rev-parse main"), 0);
  const std::string pushed = out_;
  ASSERT_EQ(Run("cd clone && git rev-parse HEAD"), 0);
  EXPECT_EQ(pushed, out_);
}

}  // namespace
}  // namespace roam::testing
