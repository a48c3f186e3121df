// EchoAckTracker: the server's echo acknowledgement (docs/protocol.md §7.3).
//
// For each client state that carried user events the server notes (state
// number, arrival time). echo_ack is the highest such number whose events
// arrived at least 50 ms ago: by the time the client sees it, the host
// application has had 50 ms to echo those keystrokes, so the screen sent
// with it shows whether they were echoed. Entries are dropped once counted;
// echo_ack never decreases (a stock client aborts if it does). Pure logic on
// injected time.

#ifndef ROAM_SESSION_ECHO_ACK_H_
#define ROAM_SESSION_ECHO_ACK_H_

#include <chrono>
#include <cstdint>
#include <deque>

#include "base/clock.h"

namespace roam::session {

inline constexpr auto kEchoAckDelay =
    std::chrono::milliseconds(50);  // time the application gets to echo

class EchoAckTracker {
 public:
  // Notes that client state `state_num`, which carried user events, arrived
  // at `arrival`. Numbers not above the newest recorded one (duplicates,
  // reordering) are ignored.
  void RecordUserEvents(uint64_t state_num, TimePoint arrival);

  // Advances echo_ack over every entry that arrived at least kEchoAckDelay
  // before `now` and drops those entries. Returns whether echo_ack changed.
  bool Update(TimePoint now);

  uint64_t echo_ack() const { return echo_ack_; }
  // When Update next has something to do (kNever if nothing is pending).
  TimePoint NextWakeup() const;
  size_t pending() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t state_num;
    TimePoint arrival;
  };
  std::deque<Entry> entries_;
  uint64_t echo_ack_ = 0;
  uint64_t newest_ = 0;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_ECHO_ACK_H_
