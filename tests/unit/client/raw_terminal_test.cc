// Raw mode on a real pty pair (openpty).

#include "client/raw_terminal.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace roam::client {
namespace {

class PtyPair {
 public:
  PtyPair() {
    EXPECT_EQ(openpty(&master_, &slave_, nullptr, nullptr, nullptr), 0);
    // A typical cooked terminal.
    struct termios t;
    tcgetattr(slave_, &t);
    t.c_lflag |= ICANON | ECHO | ISIG;
    t.c_iflag &= ~IUTF8;
    tcsetattr(slave_, TCSANOW, &t);
  }
  ~PtyPair() {
    close(slave_);
    close(master_);
  }
  int master() const { return master_; }
  int slave() const { return slave_; }
  struct termios Get() const {
    struct termios t;
    EXPECT_EQ(tcgetattr(slave_, &t), 0);
    return t;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
};

bool NonBlocking(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

// What the client does after Enter: its reads must not block.
void MakeNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

bool IsCooked(const struct termios& t) {
  return (t.c_lflag & ICANON) && (t.c_lflag & ECHO) && (t.c_lflag & ISIG) && !(t.c_iflag & IUTF8);
}

// Waits for a child with bounded polling; returns its wait status.
int WaitChild(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    poll(nullptr, 0, 10);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  ADD_FAILURE() << "child did not finish";
  return status;
}

TEST(RawTerminalTest, EntersRawModeAndRestores) {
  PtyPair pty;
  ASSERT_TRUE(IsCooked(pty.Get()));
  {
    Result<std::unique_ptr<RawTerminal>> raw = RawTerminal::Enter(pty.slave());
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    struct termios t = pty.Get();
    EXPECT_FALSE(t.c_lflag & ICANON);
    EXPECT_FALSE(t.c_lflag & ECHO);
    EXPECT_FALSE(t.c_lflag & ISIG);
    EXPECT_FALSE(t.c_oflag & OPOST);
    EXPECT_TRUE(t.c_iflag & IUTF8);
    EXPECT_EQ(t.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
    EXPECT_EQ(t.c_cc[VMIN], 1);

    ASSERT_TRUE((*raw)->Restore().ok());
    EXPECT_TRUE(IsCooked(pty.Get()));
    ASSERT_TRUE((*raw)->Reenter().ok());
    EXPECT_FALSE(pty.Get().c_lflag & ICANON);
  }
  EXPECT_TRUE(IsCooked(pty.Get()));
}

// The descriptor's open file description is shared with the user's shell:
// O_NONBLOCK left on it makes later programs fail with EAGAIN.
TEST(RawTerminalTest, FileStatusFlagsComeBackOnRestoreAndDestruction) {
  PtyPair pty;
  ASSERT_FALSE(NonBlocking(pty.slave()));
  {
    Result<std::unique_ptr<RawTerminal>> raw = RawTerminal::Enter(pty.slave());
    ASSERT_TRUE(raw.ok());
    MakeNonBlocking(pty.slave());
    // Suspend: the shell gets a blocking terminal back...
    ASSERT_TRUE((*raw)->Restore().ok());
    EXPECT_FALSE(NonBlocking(pty.slave()));
    // ...and the resumed client its non-blocking one.
    ASSERT_TRUE((*raw)->Reenter().ok());
    EXPECT_TRUE(NonBlocking(pty.slave()));
  }
  EXPECT_FALSE(NonBlocking(pty.slave()));
}

TEST(RawTerminalTest, NotATerminal) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Result<std::unique_ptr<RawTerminal>> raw = RawTerminal::Enter(fds[0]);
  EXPECT_FALSE(raw.ok());
  EXPECT_EQ(raw.status().code(), StatusCode::kIoError);
  close(fds[0]);
  close(fds[1]);
  // A failed Enter leaves nothing armed: a real one still works.
  PtyPair pty;
  EXPECT_TRUE(RawTerminal::Enter(pty.slave()).ok());
}

TEST(RawTerminalTest, RestoredWhenKilledBySignal) {
  for (int sig : {SIGTERM, SIGHUP, SIGQUIT}) {
    PtyPair pty;
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (sig == SIGQUIT) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
      }
      Result<std::unique_ptr<RawTerminal>> raw = RawTerminal::Enter(pty.slave());
      if (!raw.ok()) _exit(3);
      MakeNonBlocking(pty.slave());
      struct termios t;
      tcgetattr(pty.slave(), &t);
      if (t.c_lflag & ICANON) _exit(4);
      raise(sig);
      _exit(5);  // not reached: the signal ends the process
    }
    int status = WaitChild(pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "signal " << sig << " status " << status;
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_TRUE(IsCooked(pty.Get())) << "signal " << sig;
    EXPECT_FALSE(NonBlocking(pty.slave())) << "signal " << sig;
  }
}

RawTerminal* g_never_destroyed = nullptr;

TEST(RawTerminalTest, RestoredAtExitWithoutDestructor) {
  PtyPair pty;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Result<std::unique_ptr<RawTerminal>> raw = RawTerminal::Enter(pty.slave());
    if (!raw.ok()) _exit(3);
    MakeNonBlocking(pty.slave());
    // Keep it alive past exit() in a global (so leak checkers see it as
    // reachable): only the atexit hook can restore the terminal.
    g_never_destroyed = raw.value().release();
    exit(0);
  }
  int status = WaitChild(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(IsCooked(pty.Get()));
  EXPECT_FALSE(NonBlocking(pty.slave()));
}

TEST(RawTerminalTest, HandlerDoesNotReplaceExistingPoliteHandler) {
  struct sigaction ignore;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  struct sigaction old;
  ASSERT_EQ(sigaction(SIGHUP, &ignore, &old), 0);
  PtyPair pty;
  {
    Result<std::unique_ptr<RawTerminal>> raw = RawTerminal::Enter(pty.slave());
    ASSERT_TRUE(raw.ok());
    struct sigaction now;
    sigaction(SIGHUP, nullptr, &now);
    EXPECT_EQ(now.sa_handler, SIG_IGN);
  }
  sigaction(SIGHUP, &old, nullptr);
}

TEST(WindowSizeTest, QueriesTheTerminal) {
  PtyPair pty;
  struct winsize ws = {};
  ws.ws_col = 100;
  ws.ws_row = 30;
  ASSERT_EQ(ioctl(pty.master(), TIOCSWINSZ, &ws), 0);
  Result<WindowSize> size = QueryWindowSize(pty.slave());
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, (WindowSize{100, 30}));
  EXPECT_FALSE(QueryWindowSize(-1).ok());
}

TEST(WindowSizeTest, HugeWindowsAreClampedToTheEmulatorsLimit) {
  PtyPair pty;
  struct winsize ws = {};
  ws.ws_col = 5000;
  ws.ws_row = 50;
  ASSERT_EQ(ioctl(pty.master(), TIOCSWINSZ, &ws), 0);
  EXPECT_EQ(*QueryWindowSize(pty.slave()), (WindowSize{4096, 50}));
  ws.ws_col = 65535;
  ws.ws_row = 65535;
  ASSERT_EQ(ioctl(pty.master(), TIOCSWINSZ, &ws), 0);
  EXPECT_EQ(*QueryWindowSize(pty.slave()), (WindowSize{4096, 4096}));
  ws.ws_col = 0;  // unknown stays unknown
  ws.ws_row = 0;
  ASSERT_EQ(ioctl(pty.master(), TIOCSWINSZ, &ws), 0);
  EXPECT_EQ(*QueryWindowSize(pty.slave()), (WindowSize{0, 0}));
}

}  // namespace
}  // namespace roam::client
