// Raw mode with restoration on every exit path; window size.

#include "client/raw_terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "base/check.h"
#include "term/emulator.h"

namespace roam::client {

namespace {

std::string ErrnoText(const char* what) { return std::string(what) + ": " + strerror(errno); }

// State the signal handler and the atexit hook read. Written only while no
// handler is installed (or before `g_armed` is set), so the handler sees a
// complete copy.
struct termios g_saved;
int g_saved_flags = -1;  // file status flags (F_GETFL) at Enter; -1 if unknown
int g_fd = -1;
volatile sig_atomic_t g_armed = 0;
bool g_atexit_registered = false;

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT};
constexpr int kPoliteSignals[] = {SIGTERM, SIGINT, SIGHUP};
constexpr int kMaxHandled = 16;
struct sigaction g_old_actions[kMaxHandled];
int g_handled_signals[kMaxHandled];
int g_handled_count = 0;

void RestoreFromStatic() {
  if (!g_armed) return;
  tcsetattr(g_fd, TCSADRAIN, &g_saved);
  if (g_saved_flags >= 0) fcntl(g_fd, F_SETFL, g_saved_flags);  // async-signal-safe
}

void OnFatalSignal(int sig) {
  int saved_errno = errno;
  RestoreFromStatic();
  g_armed = 0;
  // SA_RESETHAND has already restored the default action: raise again so the
  // process ends (or dumps core) exactly as it would have.
  errno = saved_errno;
  raise(sig);
}

void AtExit() { RestoreFromStatic(); }

void InstallHandler(int sig, bool only_if_default) {
  struct sigaction old;
  if (sigaction(sig, nullptr, &old) != 0) return;
  if (only_if_default && old.sa_handler != SIG_DFL) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = &OnFatalSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_NODEFER;
  if (sigaction(sig, &sa, nullptr) != 0) return;
  ROAM_CHECK(g_handled_count < kMaxHandled);
  g_handled_signals[g_handled_count] = sig;
  g_old_actions[g_handled_count] = old;
  ++g_handled_count;
}

void RemoveHandlers() {
  for (int i = 0; i < g_handled_count; ++i) {
    struct sigaction current;
    // Put the old action back only if ours is still installed (the client may
    // have installed its own meanwhile).
    if (sigaction(g_handled_signals[i], nullptr, &current) == 0 &&
        current.sa_handler == &OnFatalSignal) {
      sigaction(g_handled_signals[i], &g_old_actions[i], nullptr);
    }
  }
  g_handled_count = 0;
}

}  // namespace

struct termios MakeRawTermios(const struct termios& original) {
  struct termios raw = original;
  cfmakeraw(&raw);
  raw.c_iflag |= IUTF8;
  return raw;
}

Result<std::unique_ptr<RawTerminal>> RawTerminal::Enter(int fd) {
  ROAM_CHECK(!g_armed);
  struct termios saved;
  if (tcgetattr(fd, &saved) != 0) return IoError(ErrnoText("tcgetattr"));
  struct termios raw = MakeRawTermios(saved);
  const int saved_flags = fcntl(fd, F_GETFL);

  g_saved = saved;
  g_saved_flags = saved_flags;
  g_fd = fd;
  if (!g_atexit_registered) {
    g_atexit_registered = atexit(&AtExit) == 0;
  }
  g_armed = 1;
  for (int sig : kFatalSignals) InstallHandler(sig, false);
  for (int sig : kPoliteSignals) InstallHandler(sig, true);

  if (tcsetattr(fd, TCSANOW, &raw) != 0) {
    Status error = IoError(ErrnoText("tcsetattr"));
    g_armed = 0;
    RemoveHandlers();
    return error;
  }
  return std::unique_ptr<RawTerminal>(new RawTerminal(fd, saved, saved_flags));
}

RawTerminal::~RawTerminal() {
  tcsetattr(fd_, TCSADRAIN, &saved_);
  if (saved_flags_ >= 0) fcntl(fd_, F_SETFL, saved_flags_);
  g_armed = 0;
  RemoveHandlers();
}

Status RawTerminal::Restore() {
  // The flags in use now (O_NONBLOCK, typically) come back with Reenter().
  session_flags_ = fcntl(fd_, F_GETFL);
  if (tcsetattr(fd_, TCSADRAIN, &saved_) != 0) return IoError(ErrnoText("tcsetattr"));
  if (saved_flags_ >= 0 && fcntl(fd_, F_SETFL, saved_flags_) != 0) {
    return IoError(ErrnoText("fcntl(F_SETFL)"));
  }
  return Status::Ok();
}

Status RawTerminal::Reenter() {
  struct termios raw = MakeRawTermios(saved_);
  if (tcsetattr(fd_, TCSANOW, &raw) != 0) return IoError(ErrnoText("tcsetattr"));
  if (session_flags_ >= 0 && fcntl(fd_, F_SETFL, session_flags_) != 0) {
    return IoError(ErrnoText("fcntl(F_SETFL)"));
  }
  return Status::Ok();
}

Result<WindowSize> QueryWindowSize(int fd) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return IoError(ErrnoText("TIOCGWINSZ"));
  auto clamp = [](uint16_t n) {
    return n == 0 ? uint16_t{0} : static_cast<uint16_t>(term::Emulator::ClampDimension(n));
  };
  return WindowSize{clamp(ws.ws_col), clamp(ws.ws_row)};
}

}  // namespace roam::client
