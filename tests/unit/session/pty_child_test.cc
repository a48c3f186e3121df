// Real-pty tests of PtyChild. They wait on real processes with bounded
// polling only.

#include "session/pty_child.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "base/signal_pipe.h"

namespace roam::session {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Reads the master until `needle` has appeared or `timeout` passed. Returns
// everything read.
std::string ReadUntil(int fd, const std::string& needle, milliseconds timeout,
                      std::string sofar = "") {
  auto deadline = steady_clock::now() + timeout;
  while (sofar.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) break;
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child side is closed
    sofar.append(buf, static_cast<size_t>(n));
  }
  return sofar;
}

std::optional<int> WaitExit(PtyChild& child, milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  while (steady_clock::now() < deadline) {
    if (auto status = child.PollExit()) return status;
    // Drain output so the child never blocks on a full pty buffer.
    struct pollfd pfd = {child.master_fd(), POLLIN, 0};
    if (poll(&pfd, 1, 20) > 0) {
      char buf[1024];
      if (read(child.master_fd(), buf, sizeof buf) < 0) {
        // EIO after the child closed its side; keep polling for the exit.
      }
    }
  }
  return child.PollExit();
}

std::unique_ptr<PtyChild> StartOrDie(const PtyChildOptions& options) {
  Result<std::unique_ptr<PtyChild>> r = PtyChild::Start(options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

TEST(PtyChildTest, BlocksUntilReleasedThenRunsAtTheGivenSize) {
  PtyChildOptions options;
  options.command = {"/bin/sh", "-c", "stty size; echo ready"};
  options.login_notice = "NOT FOR COMMANDS\n";
  options.cols = 100;
  options.rows = 30;
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  ASSERT_TRUE(child);
  EXPECT_GT(child->pid(), 0);

  // Not released: nothing runs, so nothing is printed.
  std::string before = ReadUntil(child->master_fd(), "ready", milliseconds(300));
  EXPECT_EQ(before, "");
  EXPECT_FALSE(child->PollExit().has_value());

  ASSERT_TRUE(child->Release().ok());
  EXPECT_TRUE(child->released());
  std::string out = ReadUntil(child->master_fd(), "ready", milliseconds(5000));
  EXPECT_NE(out.find("30 100"), std::string::npos) << out;
  EXPECT_NE(out.find("ready"), std::string::npos) << out;
  EXPECT_EQ(out.find("NOT FOR COMMANDS"), std::string::npos) << out;
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 0);
}

TEST(PtyChildTest, ResizeReachesTheChildAsSigwinch) {
  PtyChildOptions options;
  options.command = {"/bin/sh", "-c",
                     "trap 'stty size' WINCH; echo armed; i=0; "
                     "while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done"};
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->Release().ok());
  std::string out = ReadUntil(child->master_fd(), "armed", milliseconds(5000));
  ASSERT_NE(out.find("armed"), std::string::npos) << out;
  ASSERT_TRUE(child->Resize(120, 40).ok());
  out = ReadUntil(child->master_fd(), "40 120", milliseconds(5000), out);
  EXPECT_NE(out.find("40 120"), std::string::npos) << out;
  ASSERT_EQ(kill(child->pid(), SIGKILL), 0);
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 128 + SIGKILL);
}

TEST(PtyChildTest, ExitStatusIsReported) {
  PtyChildOptions options;
  options.command = {"/bin/sh", "-c", "exit 7"};
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->Release().ok());
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 7);
  EXPECT_EQ(child->PollExit(), 7);  // stays reported
}

TEST(PtyChildTest, UnreleasedChildExitsWithoutRunningWhenServerGivesUp) {
  char dir_template[] = "/tmp/roam_pty_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string marker = std::string(dir_template) + "/ran";
  pid_t pid;
  {
    PtyChildOptions options;
    options.command = {"/bin/sh", "-c", "touch '" + marker + "'"};
    std::unique_ptr<PtyChild> child = StartOrDie(options);
    ASSERT_TRUE(child);
    pid = child->pid();
  }
  // The PtyChild is gone; reap the child directly (bounded).
  int status = 0;
  pid_t r = 0;
  for (int i = 0; i < 250 && r == 0; ++i) {
    r = waitpid(pid, &status, WNOHANG);
    if (r == 0) poll(nullptr, 0, 20);
  }
  ASSERT_EQ(r, pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  struct stat st;
  EXPECT_NE(stat(marker.c_str(), &st), 0);
  rmdir(dir_template);
}

TEST(PtyChildTest, ReleasingADeadChildIsAnErrorNotASignal) {
  PtyChildOptions options;
  options.command = {"/bin/true"};
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  ASSERT_TRUE(child);
  ASSERT_EQ(kill(child->pid(), SIGKILL), 0);
  ASSERT_EQ(WaitExit(*child, milliseconds(5000)), 128 + SIGKILL);
  // SIGPIPE has its default action (terminate) here; Release must not raise it.
  Status released = child->Release();
  EXPECT_FALSE(released.ok());
  EXPECT_EQ(released.code(), StatusCode::kIoError);
  EXPECT_FALSE(child->released());
  // Nothing to wait for: queued input may go (and is lost with the child).
  EXPECT_TRUE(child->ExecConfirmed());
}

// A signal meant for the program that reaches the child while it still
// waits for release (a Ctrl-C typed into the first client state) must act on
// the child, never on the server through the server's inherited handlers.
TEST(PtyChildTest, SignalsToTheWaitingChildNeverReachTheServersSignalPipe) {
  struct sigaction saved_usr1;
  struct sigaction saved_usr2;
  sigaction(SIGUSR1, nullptr, &saved_usr1);
  sigaction(SIGUSR2, nullptr, &saved_usr2);
  {
    // As roam-server: its signals arrive through a self-pipe.
    Result<std::unique_ptr<SignalPipe>> server_signals = SignalPipe::Install({SIGUSR1, SIGUSR2});
    ASSERT_TRUE(server_signals.ok());
    PtyChildOptions options;
    options.command = {"/bin/cat"};
    std::unique_ptr<PtyChild> child = StartOrDie(options);
    ASSERT_TRUE(child);
    // At once, before the child can have done anything: it must still act.
    ASSERT_EQ(kill(child->pid(), SIGUSR1), 0);
    EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 128 + SIGUSR1);
    EXPECT_EQ((*server_signals)->Drain(), std::vector<int>{});
  }
  sigaction(SIGUSR1, &saved_usr1, nullptr);
  sigaction(SIGUSR2, &saved_usr2, nullptr);
}

TEST(PtyChildTest, ExecIsConfirmedOnlyOnceTheProgramRuns) {
  PtyChildOptions options;
  options.command = {"/bin/cat"};
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  ASSERT_TRUE(child);
  EXPECT_FALSE(child->ExecConfirmed());
  EXPECT_GE(child->exec_watch_fd(), 0);
  ASSERT_TRUE(child->Release().ok());
  const auto deadline = steady_clock::now() + milliseconds(5000);
  while (!child->ExecConfirmed() && steady_clock::now() < deadline) {
    struct pollfd pfd = {child->exec_watch_fd(), POLLIN, 0};
    poll(&pfd, 1, 100);
  }
  ASSERT_TRUE(child->ExecConfirmed());
  EXPECT_EQ(child->exec_watch_fd(), -1);
  // Confirmed means the program image runs, not the waiting server fork.
  char exe[4096];
  const std::string link = "/proc/" + std::to_string(child->pid()) + "/exe";
  ssize_t n = readlink(link.c_str(), exe, sizeof exe - 1);
  ASSERT_GT(n, 0);
  char* cat = realpath("/bin/cat", nullptr);
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(std::string(exe, static_cast<size_t>(n)), cat);
  free(cat);
  // Input written now reaches cat: Ctrl-C ends it by SIGINT.
  ASSERT_EQ(write(child->master_fd(), "\x03", 1), 1);
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 128 + SIGINT);
}

TEST(PtyChildTest, AFailedExecIsConfirmedToo) {
  PtyChildOptions options;
  options.command = {"/nonexistent/program"};
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->Release().ok());
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 127);
  EXPECT_TRUE(child->ExecConfirmed());
}

TEST(PtyChildTest, ChildEnvironmentAndTty) {
  char dir_template[] = "/tmp/roam_pty_home_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string home = dir_template;
  setenv("STY", "should-vanish", 1);

  PtyChildOptions options;
  options.colors = 256;
  options.env_set = {{"HOME", home}, {"ROAM_EXTRA", "yes"}};
  options.command = {"/bin/sh", "-c",
                     "echo \"T=$TERM A=$NCURSES_NO_UTF8_ACS S=${STY-unset} X=$ROAM_EXTRA\"; "
                     "echo \"P=$PWD D=$(pwd)\"; stty -a | tr ' ' '\\n' | grep -x -- '-*iutf8'; "
                     "echo done"};
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  unsetenv("STY");
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->Release().ok());
  std::string out = ReadUntil(child->master_fd(), "done", milliseconds(5000));
  EXPECT_NE(out.find("T=xterm-256color A=1 S=unset X=yes"), std::string::npos) << out;
  EXPECT_NE(out.find("P=" + home + " D=" + home), std::string::npos) << out;
  EXPECT_NE(out.find("\niutf8"), std::string::npos) << out;
  EXPECT_EQ(out.find("-iutf8"), std::string::npos) << out;
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 0);
  rmdir(dir_template);
}

// Runs the login shell (SHELL=/bin/sh, HOME=a fresh directory whose .profile
// reports $0 and the working directory) and returns its output.
std::string RunLoginShell(const std::string& home) {
  PtyChildOptions options;  // no command: login shell
  options.env_set = {{"HOME", home}, {"SHELL", "/bin/sh"}};
  options.login_notice = "NOTICE: two detached sessions\n";
  std::unique_ptr<PtyChild> child = StartOrDie(options);
  if (!child) return "";
  EXPECT_TRUE(child->Release().ok());
  std::string out = ReadUntil(child->master_fd(), "END", milliseconds(5000));
  EXPECT_EQ(WaitExit(*child, milliseconds(5000)), 0);
  return out;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) return line;
  }
  return "";
}

TEST(PtyChildTest, LoginShellHasDashArgv0HomeAndMotdUnlessHushlogin) {
  char dir_template[] = "/tmp/roam_pty_login_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string home = dir_template;
  {
    std::ofstream profile(home + "/.profile");
    profile << "echo \"argv0=$0 cwd=$(pwd)\"\necho END\nexit 0\n";
  }
  std::vector<std::string> motd = MotdFiles(home);
  std::string out = RunLoginShell(home);
  EXPECT_NE(out.find("argv0=-sh cwd=" + home), std::string::npos) << out;
  // The notice comes after the motd and before the shell's own output.
  size_t notice = out.find("NOTICE: two detached sessions\r\n");
  EXPECT_NE(notice, std::string::npos) << out;
  EXPECT_LT(notice, out.find("argv0="));
  for (const std::string& file : motd) {
    std::string line = FirstLine(file);
    if (!line.empty()) {
      EXPECT_NE(out.find(line), std::string::npos) << file << "\n" << out;
    }
  }

  { std::ofstream hush(home + "/.hushlogin"); }
  std::string hushed = RunLoginShell(home);
  EXPECT_NE(hushed.find("argv0=-sh"), std::string::npos) << hushed;
  for (const std::string& file : motd) {
    std::string line = FirstLine(file);
    if (!line.empty()) {
      EXPECT_EQ(hushed.find(line), std::string::npos) << file;
    }
  }
  unlink((home + "/.hushlogin").c_str());
  unlink((home + "/.profile").c_str());
  rmdir(dir_template);
}

TEST(PtyChildPureTest, ChooseLoginShell) {
  LoginShell a = ChooseLoginShell("/usr/bin/zsh", "/bin/bash");
  EXPECT_EQ(a.path, "/usr/bin/zsh");
  EXPECT_EQ(a.argv0, "-zsh");
  LoginShell b = ChooseLoginShell("", "/bin/bash");
  EXPECT_EQ(b.path, "/bin/bash");
  EXPECT_EQ(b.argv0, "-bash");
  LoginShell c = ChooseLoginShell("", "");
  EXPECT_EQ(c.path, "/bin/sh");
  EXPECT_EQ(c.argv0, "-sh");
  EXPECT_EQ(ChooseLoginShell("fish", "").argv0, "-fish");
}

TEST(PtyChildPureTest, BuildChildEnvironment) {
  bootstrap::Environment parent{{"TERM", "screen"}, {"STY", "1.x"}, {"LANG", "C"}, {"KEEP", "1"}};
  PtyChildOptions options;
  options.colors = 16;
  options.env_unset = {"LANG"};
  options.env_set = {{"LANG", "C.UTF-8"}};
  std::vector<std::string> env = BuildChildEnvironment(parent, options, "/home/u");
  EXPECT_EQ(env, (std::vector<std::string>{"KEEP=1", "LANG=C.UTF-8", "NCURSES_NO_UTF8_ACS=1",
                                           "PWD=/home/u", "TERM=xterm"}));
}

TEST(PtyChildPureTest, MotdSuppressedByHushlogin) {
  char dir_template[] = "/tmp/roam_motd_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string home = dir_template;
  std::vector<std::string> without = MotdFiles(home);
  for (const std::string& f : without) {
    EXPECT_TRUE(f == "/run/motd.dynamic" || f == "/var/run/motd.dynamic" || f == "/etc/motd") << f;
  }
  { std::ofstream hush(home + "/.hushlogin"); }
  EXPECT_TRUE(MotdFiles(home).empty());
  unlink((home + "/.hushlogin").c_str());
  rmdir(dir_template);
}

}  // namespace
}  // namespace roam::session
