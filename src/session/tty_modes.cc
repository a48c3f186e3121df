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

TimePoint TtyModesWatch::NextSample() const {
  if (!last_activity_) return kNever;
  // A read before the activity counts from the activity.
  const TimePoint from = std::max(last_sample_, *last_activity_);
  const Duration since = from - *last_activity_;
  if (since < kFastWindow) return from + kFastPeriod;
  if (since < kSlowWindow) return from + kSlowPeriod;
  return kNever;
}

}  // namespace roam::session
