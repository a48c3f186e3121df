// TtyModes: the echo state of the session's pty, read from its master side
// (docs/protocol.md §8.4), and when to read it again.
//
// A program changes its terminal's modes without writing anything: a shell
// leaves readline's raw mode before it starts a command, `read -s` and
// `stty -echo` turn echo off, a password prompt turns it off before it
// prints itself. The kernel tells the master side of a pty nothing about
// such a change, so roam-server asks: after every read of output and every
// write of input, and on a timer for a while after either (TtyModesWatch),
// because the program reacts to input or output and then goes quiet.

#ifndef ROAM_SESSION_TTY_MODES_H_
#define ROAM_SESSION_TTY_MODES_H_

#include <chrono>
#include <optional>

#include "base/clock.h"
#include "state/echo_hint.h"

namespace roam::session {

// The modes of the pty whose master is `master_fd` (tcgetattr and
// tcgetpgrp on the master report the terminal side's), with the foreground
// process group as the hint's foreground (0 when there is none). nullopt
// when the pty cannot be asked (closed, or not a pty); the caller should
// keep what it knew.
std::optional<state::EchoHint> ReadTtyModes(int master_fd);

// When the modes should be read again. Pure logic on injected time: the
// caller reports input and output (OnActivity) and reads the modes at
// every wake-up; the schedule depends only on the time of the last
// activity, so a wake-up without a read costs nothing more.
class TtyModesWatch {
 public:
  // Read every kFastPeriod for kFastWindow after the last input or output
  // (a program reacting to it), then every kSlowPeriod until kSlowWindow
  // after it (a slow start, a timer), then only on input or output again.
  static constexpr auto kFastPeriod = std::chrono::milliseconds(10);
  static constexpr auto kFastWindow = std::chrono::seconds(1);
  static constexpr auto kSlowPeriod = std::chrono::milliseconds(250);
  static constexpr auto kSlowWindow = std::chrono::seconds(60);

  // The program read input or wrote output at `now`.
  void OnActivity(TimePoint now);
  // The next read time after `now` (always later than `now`); kNever when
  // nothing happened for kSlowWindow (or ever).
  TimePoint NextSample(TimePoint now) const;

 private:
  std::optional<TimePoint> last_activity_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_TTY_MODES_H_
