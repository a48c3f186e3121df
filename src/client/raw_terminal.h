// RawTerminal: the user's terminal in raw mode for the life of the client,
// and put back the way it was however the client ends.
//
// Enter() saves the terminal's termios and its file status flags (F_GETFL)
// and switches to raw mode (cfmakeraw plus IUTF8, so the kernel's line
// discipline handles UTF-8 backspace if the terminal drops back to cooked
// mode mid-session). The client then makes the descriptor non-blocking; the
// open file description is shared with the user's shell, so O_NONBLOCK left
// behind would make later programs fail with EAGAIN. The saved settings
// and flags are restored by the destructor, by Restore() (for suspend;
// Reenter() brings back raw mode and the flags Restore() found), at exit()
// through an atexit hook, and on fatal signals (SIGSEGV, SIGBUS, SIGFPE,
// SIGILL, SIGABRT, SIGQUIT, and SIGTERM/SIGINT/SIGHUP while they still have
// their default action) by an async-signal-safe handler that calls
// tcsetattr and fcntl with copies kept in static storage and then re-raises
// the signal with its default action. Only one RawTerminal may exist at a
// time.
//
// Also here: the terminal's size (TIOCGWINSZ). SIGWINCH reaches the
// client's poll loop through its SignalPipe (base/signal_pipe.h).

#ifndef ROAM_CLIENT_RAW_TERMINAL_H_
#define ROAM_CLIENT_RAW_TERMINAL_H_

#include <signal.h>
#include <termios.h>

#include <cstdint>
#include <memory>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam::client {

class RawTerminal {
 public:
  // Saves the settings of terminal `fd` (not owned; must stay open) and
  // switches it to raw mode. Errors: IoError if `fd` is not a terminal or
  // tcsetattr fails; nothing is changed then.
  // REQUIRES: no other RawTerminal exists.
  static Result<std::unique_ptr<RawTerminal>> Enter(int fd);

  // Restores the saved settings and removes the signal handlers.
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  // Puts the saved settings and file status flags back (before
  // suspending), remembering the flags in use. Errors: IoError.
  Status Restore();
  // Raw mode again, and the flags Restore() found (after SIGCONT).
  // Errors: IoError.
  Status Reenter();

  const struct termios& saved() const { return saved_; }

 private:
  RawTerminal(int fd, const struct termios& saved, int saved_flags)
      : fd_(fd), saved_(saved), saved_flags_(saved_flags) {}

  int fd_;
  struct termios saved_;
  int saved_flags_;         // F_GETFL at Enter; -1 if it failed
  int session_flags_ = -1;  // F_GETFL at the last Restore()
};

// The raw settings RawTerminal uses: cfmakeraw(original) plus IUTF8.
struct termios MakeRawTermios(const struct termios& original);

struct WindowSize {
  uint16_t cols = 0;
  uint16_t rows = 0;
  friend bool operator==(const WindowSize&, const WindowSize&) = default;
};

// The size of terminal `fd`, each dimension clamped to at most
// term::Emulator::kMaxDimension (a window of 5000 columns is used as 4096;
// the rest stays blank); 0 (size unknown) stays 0.
// Errors: IoError if it is not a terminal.
Result<WindowSize> QueryWindowSize(int fd);

}  // namespace roam::client

#endif  // ROAM_CLIENT_RAW_TERMINAL_H_
