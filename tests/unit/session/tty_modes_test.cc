// TtyModes: a real pty's echo state as the master side sees it, and the
// schedule of reads on a fake clock.

#include "session/tty_modes.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace roam::session {
namespace {

using namespace std::chrono_literals;

TEST(ReadTtyModesTest, FreshPtyIsCanonicalWithEchoAndNoForegroundGroup) {
  int master = -1;
  int slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  std::optional<state::EchoHint> modes = ReadTtyModes(master);
  ASSERT_TRUE(modes.has_value());
  EXPECT_TRUE(modes->echo);
  EXPECT_TRUE(modes->canonical);
  EXPECT_EQ(modes->foreground, 0u) << "no session has this terminal";
  close(slave);
  close(master);
}

TEST(ReadTtyModesTest, SomethingThatIsNotAPtyHasNoModes) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_FALSE(ReadTtyModes(fds[0]).has_value());
  close(fds[0]);
  close(fds[1]);
}

// A program on the terminal side turns echo off, then goes raw; each time
// the master side reads the change and names the program's process group.
TEST(ReadTtyModesTest, ProgramsChangesAreSeenFromTheMaster) {
  int master = -1;
  int slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  int to_parent[2];
  int to_child[2];
  ASSERT_EQ(pipe(to_parent), 0);
  ASSERT_EQ(pipe(to_child), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The program: its own session with the pty as controlling terminal.
    close(master);
    char go = 0;
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0) _exit(2);
    termios t{};
    tcgetattr(slave, &t);
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);  // a password prompt
    tcsetattr(slave, TCSAFLUSH, &t);
    if (write(to_parent[1], "1", 1) != 1 || read(to_child[0], &go, 1) != 1) _exit(3);
    t.c_lflag &= ~static_cast<tcflag_t>(ICANON);  // an editor
    tcsetattr(slave, TCSANOW, &t);
    if (write(to_parent[1], "2", 1) != 1 || read(to_child[0], &go, 1) != 1) _exit(3);
    _exit(0);
  }
  close(slave);
  char step = 0;
  ASSERT_EQ(read(to_parent[0], &step, 1), 1);
  std::optional<state::EchoHint> modes = ReadTtyModes(master);
  ASSERT_TRUE(modes.has_value());
  EXPECT_FALSE(modes->echo);
  EXPECT_TRUE(modes->canonical);
  EXPECT_EQ(modes->foreground, static_cast<uint64_t>(pid));

  ASSERT_EQ(write(to_child[1], "g", 1), 1);
  ASSERT_EQ(read(to_parent[0], &step, 1), 1);
  modes = ReadTtyModes(master);
  ASSERT_TRUE(modes.has_value());
  EXPECT_FALSE(modes->echo);
  EXPECT_FALSE(modes->canonical);

  ASSERT_EQ(write(to_child[1], "g", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  for (int fd : {master, to_parent[0], to_parent[1], to_child[0], to_child[1]}) close(fd);
}

TEST(TtyModesWatchTest, NothingToWatchBeforeAnyInputOrOutput) {
  TtyModesWatch watch;
  EXPECT_EQ(watch.NextSample(FromMillis(5000)), kNever);
}

TEST(TtyModesWatchTest, ReadsOftenRightAfterActivityThenSlowlyThenNotAtAll) {
  FakeClock clock;
  TtyModesWatch watch;
  const TimePoint start = clock.Now();
  watch.OnActivity(start);
  EXPECT_EQ(watch.NextSample(start), start + 10ms);
  EXPECT_EQ(watch.NextSample(start + 3ms), start + 10ms) << "on a grid, whenever asked";
  // The adapter wakes whenever asked.
  int wakeups = 0;
  for (TimePoint t = watch.NextSample(start); t != kNever; t = watch.NextSample(t)) {
    ASSERT_LT(wakeups, 10000);
    ++wakeups;
    clock.Set(t);
    if (t - start == 500ms) {
      EXPECT_EQ(watch.NextSample(t), t + 10ms);
    }
    if (t - start == 2s) {
      EXPECT_EQ(watch.NextSample(t), t + 250ms);
    }
  }
  // 100 in the first second, then one per 250 ms up to a minute.
  EXPECT_EQ(wakeups, 100 + 236);
  EXPECT_EQ(clock.Now() - start, 60s);
}

TEST(TtyModesWatchTest, MissedWakeupsDoNotPileUp) {
  TtyModesWatch watch;
  const TimePoint start = FromMillis(1000);
  watch.OnActivity(start);
  // Asked again long after: the next tick from now, never one in the past.
  EXPECT_EQ(watch.NextSample(start + 123ms), start + 130ms);
  EXPECT_EQ(watch.NextSample(start + 1100ms), start + 1250ms);
  EXPECT_EQ(watch.NextSample(start + 61s), kNever);
}

TEST(TtyModesWatchTest, NewActivityRestartsTheFastReads) {
  FakeClock clock;
  TtyModesWatch watch;
  watch.OnActivity(clock.Now());
  clock.Advance(5s);
  EXPECT_EQ(watch.NextSample(clock.Now()), clock.Now() + 250ms);
  clock.Advance(100ms);
  watch.OnActivity(clock.Now());  // the user typed
  EXPECT_EQ(watch.NextSample(clock.Now()), clock.Now() + 10ms);
  watch.OnActivity(clock.Now() - 1s);  // older news changes nothing
  EXPECT_EQ(watch.NextSample(clock.Now()), clock.Now() + 10ms);
}

}  // namespace
}  // namespace roam::session
