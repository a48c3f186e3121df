// The server side of native scrollback (docs/protocol.md §8.5, §9.13).
//
// A roam client with the history feature writes every line that leaves the
// top of the remote primary screen into the user's own terminal. The server
// numbers those lines (its emulator's scrollback, in history mode) and
// tells the client how far they go with each screen state
// (HistorySnapshot), carrying the newest lines along; lines the client
// missed (frames it skipped, an outage, a flood of output) it asks for by
// number over a history channel, which HistoryService answers from the
// scrollback: a gap record for lines no longer held, the lines in order,
// then FIN. The scrollback is read only as the channel takes the records,
// so a client that is slow to read never makes the server hold more than
// the scrollback itself.

#ifndef ROAM_SESSION_HISTORY_SERVICE_H_
#define ROAM_SESSION_HISTORY_SERVICE_H_

#include <cstdint>
#include <string>

#include "channel/mux.h"
#include "state/history_state.h"
#include "term/emulator.h"

namespace roam::session {

// The history part of the next screen state for `emulator`: its line count,
// erase marks and resize ranges, and (in `recent`) its newest lines, up to
// state::kMaxInlineLines, none erased. `previous` is the state sent before,
// whose lines are reused when none were added.
state::HistoryState HistorySnapshot(const term::Emulator& emulator,
                                    const state::HistoryState& previous);

class HistoryService {
 public:
  // Sends lines [first, end) of `scrollback` (numbers as in
  // Scrollback::end_number) on channel `id`; an `end` beyond the lines that
  // exist is cut to them. REQUIRES: `scrollback` outlives the service.
  HistoryService(uint64_t id, uint64_t first, uint64_t end, const term::Scrollback* scrollback);

  // Moves what the channel takes; call whenever it may have room.
  void Run(channel::Mux* mux);
  // Finished (everything sent, or the client went away) and released.
  bool done() const { return done_; }

  uint64_t lines_sent() const { return lines_sent_; }
  uint64_t lines_missing() const { return lines_missing_; }

 private:
  // Appends the records for the next lines to pending_ (about a batch).
  void Produce();

  uint64_t id_;
  uint64_t next_;
  uint64_t end_;
  const term::Scrollback* scrollback_;
  std::string pending_;
  uint64_t lines_sent_ = 0;
  uint64_t lines_missing_ = 0;
  bool done_ = false;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_HISTORY_SERVICE_H_
