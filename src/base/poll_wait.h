// PollFor: poll(2) with a timeout of sub-millisecond precision.
//
// poll() takes whole milliseconds, so an event loop that rounds its next
// deadline up (as it must, or it spins) wakes up to a millisecond late on
// every timer: a 250 µs settle becomes 1 ms, and a keystroke's round trip
// on a fast link collects several such delays. PollFor takes the timeout as
// a Duration and waits with ppoll(2), which keeps nanoseconds.

#ifndef ROAM_BASE_POLL_WAIT_H_
#define ROAM_BASE_POLL_WAIT_H_

#include <poll.h>
#include <time.h>

#include <cstddef>

#include "base/clock.h"

namespace roam {

// The ppoll timeout for `timeout`: negative waits are 0; Duration::max()
// (and anything beyond a day) is a day (callers cap their waits far below).
struct timespec PollTimespec(Duration timeout);

// Waits for events on `fds` like poll(), at most `timeout`. Returns poll's
// result (-1 with errno EINTR when a signal interrupted the wait).
int PollFor(pollfd* fds, size_t count, Duration timeout);

// How long to wait from `now` until `wake`: in [0, cap]; kNever gives cap.
Duration WaitUntil(TimePoint now, TimePoint wake, Duration cap);

}  // namespace roam

#endif  // ROAM_BASE_POLL_WAIT_H_
