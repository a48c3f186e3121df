// Sharing a session (client/control_socket.h), through a real sshd on
// loopback: while `roam -N host` (or a terminal session) is alive, `roam
// host -- command`, rsync -e roam and friends open their channel through it
// — ssh does not run again (a counting ssh wrapper shows it, and sshd logs
// no new login) — with the same semantics as a session of their own: exit
// status, stdout and stderr apart, stdin streamed. The socket is private
// (0700 directory, 0600 socket), goes with its session, and an unsafe
// directory, a stale socket, -S none or ControlMaster=no behave as a user
// would expect.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "e2e/common/process_probe.h"
#include "e2e/ssh/process_view.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRunTimeout(60000);

size_t CountLines(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class SharedSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SshdFixture::Available()) << "openssh-server/openssh-client missing";
    sshd_.RemotePathPrepend(ROAM_BIN_DIR);
    ASSERT_TRUE(sshd_.Start()) << sshd_.error();
    dir_ = sshd_.dir();
    // Every roam here keeps its control sockets under the test's own
    // runtime directory, and runs ssh through a wrapper that counts.
    runtime_ = dir_ + "/run";
    ASSERT_EQ(mkdir(runtime_.c_str(), 0700), 0);
    control_dir_ = runtime_ + "/roam";
    ssh_ = dir_ + "/counting-ssh";
    std::ofstream(ssh_) << "#!/bin/sh\necho run >> " << ShellQuote(dir_ + "/ssh.count") << "\nexec "
                        << ShellQuote(sshd_.ssh_wrapper()) << " \"$@\"\n";
    chmod(ssh_.c_str(), 0755);
    destination_ = sshd_.user() + "@127.0.0.1";
  }
  void TearDown() override {
    master_.reset();
    EXPECT_TRUE(PollUntil([&] { return sshd_.RemoteProcesses().empty(); }, milliseconds(15000)))
        << DescribeProcesses(sshd_.RemoteProcesses());
  }

  size_t SshRuns() const { return CountLines(ReadFileBytes(dir_ + "/ssh.count"), "run"); }
  size_t Logins() const { return CountLines(sshd_.ServerLog(), "Accepted publickey"); }

  std::vector<std::string> RoamArgv(const std::vector<std::string>& flags) const {
    std::vector<std::string> argv = {"env", "XDG_RUNTIME_DIR=" + runtime_, RoamProgram("roam"),
                                     "--ssh=" + ssh_};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return argv;
  }

  // The control socket a serving session made, once there is one.
  std::string WaitForSocket() {
    std::string found;
    PollUntil(
        [&] {
          std::error_code ec;
          for (const auto& e : std::filesystem::directory_iterator(control_dir_, ec)) {
            if (e.path().extension() == ".sock") found = e.path().string();
          }
          return !found.empty();
        },
        milliseconds(30000));
    return found;
  }

  // Starts `roam -N host` (plus `flags`) and waits for its control socket.
  std::string StartMaster(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> f = flags;
    f.push_back("-N");
    f.push_back(destination_);
    master_ = std::make_unique<Subprocess>(RoamArgv(f));
    return WaitForSocket();
  }

  // Runs `roam <flags> host -- remote` with `input` on stdin; fills out_/err_.
  int Roam(const std::vector<std::string>& flags, const std::string& remote,
           const std::string& input = "") {
    std::ofstream(dir_ + "/in", std::ios::binary) << input;
    std::vector<std::string> argv = RoamArgv(flags);
    argv.push_back(destination_);
    argv.push_back("--");
    argv.push_back(remote);
    const std::string command = ShellJoin(argv) + " <" + ShellQuote(dir_ + "/in") + " >" +
                                ShellQuote(dir_ + "/out") + " 2>" + ShellQuote(dir_ + "/err");
    CommandResult r = RunCommand({"sh", "-c", command}, kRunTimeout);
    out_ = ReadFileBytes(dir_ + "/out");
    err_ = ReadFileBytes(dir_ + "/err");
    return r.status;
  }

  SshdFixture sshd_;
  std::string dir_;
  std::string runtime_;
  std::string control_dir_;
  std::string ssh_;
  std::string destination_;
  std::unique_ptr<Subprocess> master_;
  std::string out_;
  std::string err_;
};

TEST_F(SharedSessionTest, WithoutALiveSessionACommandRunsSsh) {
  EXPECT_EQ(Roam({}, "echo alone"), 0) << err_;
  EXPECT_EQ(out_, "alone\n");
  EXPECT_EQ(SshRuns(), 1u);
}

TEST_F(SharedSessionTest, CommandsGoThroughALiveSessionWithoutSsh) {
  const std::string socket = StartMaster();
  ASSERT_FALSE(socket.empty()) << master_->output();
  const size_t ssh_runs = SshRuns();
  const size_t logins = Logins();
  EXPECT_EQ(ssh_runs, 1u);

  EXPECT_EQ(Roam({}, "echo out; echo err >&2; exit 3"), 3) << err_;
  EXPECT_EQ(out_, "out\n");
  EXPECT_EQ(err_, "err\n");
  EXPECT_EQ(Roam({}, "true"), 0) << err_;
  EXPECT_EQ(Roam({}, "kill -INT $$"), 130) << err_;

  std::string input;
  for (int i = 0; i < 200000; ++i) input += std::to_string(i) + "\n";
  EXPECT_EQ(Roam({}, "wc -l; cat > /dev/null", input), 0) << err_;
  EXPECT_EQ(out_, "200000\n");
  EXPECT_EQ(Roam({}, "cat", input), 0) << err_;
  EXPECT_EQ(out_, input);

  // A tool that hands roam an ssh command line.
  std::filesystem::create_directories(dir_ + "/src/sub");
  std::ofstream(dir_ + "/src/a") << "alpha";
  std::ofstream(dir_ + "/src/sub/b") << "beta";
  CommandResult rsync = RunCommand({"env", "XDG_RUNTIME_DIR=" + runtime_, "rsync", "-a", "-e",
                                    ShellJoin({RoamProgram("roam"), "--ssh=" + ssh_}),
                                    dir_ + "/src/", destination_ + ":" + dir_ + "/dst/"},
                                   kRunTimeout);
  EXPECT_EQ(rsync.status, 0) << rsync.output;
  EXPECT_EQ(ReadFileBytes(dir_ + "/dst/sub/b"), "beta");

  EXPECT_EQ(SshRuns(), ssh_runs) << "a command ran ssh although a session was alive";
  EXPECT_EQ(Logins(), logins) << "sshd saw a new login";
}

TEST_F(SharedSessionTest, TheSocketIsPrivateAndGoesWithItsSession) {
  const std::string socket = StartMaster();
  ASSERT_FALSE(socket.empty()) << master_->output();
  struct stat st {};
  ASSERT_EQ(lstat(control_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(st.st_uid, getuid());
  ASSERT_EQ(lstat(socket.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Nothing else was left in the directory (no temporary names).
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(control_dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);

  master_->Signal(SIGTERM);
  EXPECT_TRUE(master_->Wait(milliseconds(15000)).has_value());
  EXPECT_FALSE(std::filesystem::exists(socket)) << "the socket outlived its session";
  // And a command now starts its own session again.
  EXPECT_EQ(Roam({}, "echo again"), 0) << err_;
  EXPECT_EQ(SshRuns(), 2u);
}

TEST_F(SharedSessionTest, AStaleSocketIsReplacedAndNeverUsed) {
  ASSERT_EQ(mkdir(control_dir_.c_str(), 0700), 0);
  // A socket whose session died (bound, never listened to any more).
  const std::string stale = control_dir_ + "/stale.sock";
  {
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, stale.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  // A command finds no live session there: it starts its own.
  EXPECT_EQ(Roam({"-o", "ControlPath=" + stale}, "echo fresh"), 0) << err_;
  EXPECT_EQ(out_, "fresh\n");
  EXPECT_EQ(SshRuns(), 1u);
  // A serving session takes the name over.
  master_ =
      std::make_unique<Subprocess>(RoamArgv({"-o", "ControlPath=" + stale, "-N", destination_}));
  ASSERT_TRUE(PollUntil(
      [&] {
        UniqueFd fd(socket(AF_UNIX, SOCK_STREAM, 0));
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, stale.c_str(), sizeof a.sun_path - 1);
        return connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      },
      milliseconds(30000)))
      << master_->output();
  EXPECT_EQ(Roam({"-o", "ControlPath=" + stale}, "echo shared"), 0) << err_;
  EXPECT_EQ(out_, "shared\n");
  EXPECT_EQ(SshRuns(), 2u);
}

TEST_F(SharedSessionTest, AnUnsafeDirectoryIsNeverUsed) {
  ASSERT_EQ(mkdir(control_dir_.c_str(), 0755), 0);
  chmod(control_dir_.c_str(), 0755);
  master_ = std::make_unique<Subprocess>(RoamArgv({"-v", "-N", destination_}));
  EXPECT_TRUE(master_->ReadUntil(
      [](const std::string& out) {
        return out.find("is open to other users (mode 0755") != std::string::npos;
      },
      milliseconds(30000)))
      << master_->output();
  EXPECT_EQ(Roam({}, "echo own"), 0) << err_;
  EXPECT_EQ(SshRuns(), 2u) << "the command should have started its own session";
  EXPECT_TRUE(std::filesystem::is_empty(control_dir_));
}

TEST_F(SharedSessionTest, ControlMasterNoServesNoneAndControlPathNoneUsesNone) {
  master_ = std::make_unique<Subprocess>(RoamArgv({"-o", "ControlMaster=no", "-N", destination_}));
  // The session is up once the server runs; then no socket may appear.
  ASSERT_TRUE(PollUntil([&] { return !sshd_.RemoteProcesses().empty(); }, milliseconds(30000)));
  EXPECT_EQ(Roam({}, "true"), 0) << err_;
  EXPECT_EQ(SshRuns(), 2u);
  std::error_code ec;
  EXPECT_TRUE(std::filesystem::is_empty(control_dir_, ec));
  master_.reset();

  ASSERT_FALSE(StartMaster().empty());
  EXPECT_EQ(Roam({"-S", "none"}, "true"), 0) << err_;
  EXPECT_EQ(SshRuns(), 4u) << "-S none must not use the live session";
}

TEST_F(SharedSessionTest, AKilledCommandSideEndsTheRemoteCommand) {
  ASSERT_FALSE(StartMaster().empty());
  const size_t before = sshd_.RemoteProcesses().size();
  Subprocess slave(RoamArgv({destination_, "--", "sleep 600"}));
  ASSERT_TRUE(
      PollUntil([&] { return sshd_.RemoteProcesses().size() > before; }, milliseconds(30000)));
  slave.Kill();
  EXPECT_TRUE(
      PollUntil([&] { return sshd_.RemoteProcesses().size() == before; }, milliseconds(30000)))
      << DescribeProcesses(sshd_.RemoteProcesses());
}

TEST_F(SharedSessionTest, ATerminalSessionServesToo) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
  // A terminal session on a real terminal, with a shell that marks its
  // prompt.
  const std::string command =
      ShellJoin(RoamArgv({destination_, "--", "env", "PS1=shared-prompt: ", "sh"})) +
      "; echo ROAM_EXIT=$?; exec sleep 3600";
  TmuxSession pane(command, 80, 24, {"LANG=C.UTF-8", "TERM=xterm-256color"});
  ASSERT_TRUE(pane.started());
  ASSERT_TRUE(pane.WaitForText("shared-prompt:", kRunTimeout)) << pane.CaptureText();
  const std::string socket = WaitForSocket();
  ASSERT_FALSE(socket.empty()) << pane.CaptureText();

  EXPECT_EQ(Roam({}, "echo via-terminal"), 0) << err_;
  EXPECT_EQ(out_, "via-terminal\n");
  EXPECT_EQ(SshRuns(), 1u);

  // The session ends with its shell, and its socket with it.
  pane.Type("exit");
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("ROAM_EXIT=0", kRunTimeout)) << pane.CaptureText();
  EXPECT_FALSE(std::filesystem::exists(socket));
}

}  // namespace
}  // namespace roam::testing
