// The server's echo-ack bookkeeping.

#include "session/echo_ack.h"

namespace roam::session {

void EchoAckTracker::RecordUserEvents(uint64_t state_num, TimePoint arrival) {
  if (state_num <= newest_ || state_num <= echo_ack_) return;
  newest_ = state_num;
  entries_.push_back(Entry{state_num, arrival});
}

bool EchoAckTracker::Update(TimePoint now) {
  uint64_t before = echo_ack_;
  while (!entries_.empty() && now - entries_.front().arrival >= kEchoAckDelay) {
    if (entries_.front().state_num > echo_ack_) echo_ack_ = entries_.front().state_num;
    entries_.pop_front();
  }
  return echo_ack_ != before;
}

TimePoint EchoAckTracker::NextWakeup() const {
  if (entries_.empty()) return kNever;
  return entries_.front().arrival + kEchoAckDelay;
}

}  // namespace roam::session
