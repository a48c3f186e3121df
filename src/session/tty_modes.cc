// Reading a pty's echo state, and the schedule for reading it.

#include "session/tty_modes.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>

namespace roam::session {

std::optional<state::EchoHint> ReadTtyModes(int master_fd) {
  termios modes{};
  if (tcgetattr(master_fd, &modes) != 0) return std::nullopt;
  state::EchoHint hint;
  hint.echo = (modes.c_lflag & ECHO) != 0;
  hint.canonical = (modes.c_lflag & ICANON) != 0;
  const pid_t group = tcgetpgrp(master_fd);
  hint.foreground = group > 0 ? static_cast<uint64_t>(group) : 0;
  return hint;
}

void TtyModesWatch::OnActivity(TimePoint now) {
  if (!last_activity_ || now > *last_activity_) last_activity_ = now;
}

TimePoint TtyModesWatch::NextSample(TimePoint now) const {
  if (!last_activity_) return kNever;
  const TimePoint start = *last_activity_;
  if (now < start) return start;
  // The next tick of a period's grid, counted from where the period starts.
  auto next_tick = [&](TimePoint from, Duration period) {
    return from + ((now - from) / period + 1) * period;
  };
  if (now < start + kFastWindow) return next_tick(start, kFastPeriod);
  if (now < start + kSlowWindow) {
    const TimePoint next = next_tick(start + kFastWindow, kSlowPeriod);
    return next <= start + kSlowWindow ? next : kNever;
  }
  return kNever;
}

}  // namespace roam::session
