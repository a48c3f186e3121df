// HistorySync: the client side of native scrollback's catch-up
// (docs/protocol.md §8.5, §9.13). It turns the history part of each server
// state into the sequence of lines the user's terminal must receive, once
// each and in order, fetching the lines it missed over a history channel.
//
// Lines come from two places: the few newest lines that ride in a state's
// diff (used at once when they follow what was written), and fetches by
// number. A fetch starts only once the output has settled: when a state
// jumped further than its lines reach (a flood of output, skipped frames,
// an outage), the client waits until no such jump came for `settle`, so a
// `cat` of a huge file costs one fetch of the newest lines at the end, not
// the whole file. A fetch asks for at most `max_lines` of the newest lines;
// whatever is skipped (by the client's bound, or because the server no
// longer holds it) becomes one marker item where the lines were.
//
// The history being erased (CSI 3 J) becomes an erase item, and the lines
// before it are not written at all; lines a shrinking window scrolled off
// (the user's terminal scrolled them into its own history already) are
// skipped.
//
// Sans-I/O: states, the channel multiplexer and `now` in; items out.
// Everything from the server is checked: a malformed record, or a fetch
// that sends more than it was asked for, resets the channel (and counts).

#ifndef ROAM_CLIENT_HISTORY_SYNC_H_
#define ROAM_CLIENT_HISTORY_SYNC_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "channel/mux.h"
#include "state/history_records.h"
#include "state/history_state.h"

namespace roam::client {

struct HistoryItem {
  enum class Kind { kLine, kMarker, kErase };
  Kind kind = Kind::kLine;
  uint64_t number = 0;   // kLine: its number
  std::string line;      // kLine: the encoded line (scrollback format)
  uint64_t skipped = 0;  // kMarker: lines not shown here
};

struct HistorySyncStats {
  uint64_t fetches = 0;        // history channels opened
  uint64_t lines_fetched = 0;  // line records taken from them
  uint64_t lines_inline = 0;   // lines taken from states
  uint64_t lines_skipped = 0;  // lines behind markers
  uint64_t lines_resized = 0;  // skipped: the terminal scrolled them off itself
  uint64_t bad_fetches = 0;    // channels reset for malformed records
};

class HistorySync {
 public:
  // Catches up on at most `max_lines` of the newest lines (>= 1).
  explicit HistorySync(size_t max_lines);

  // The history part of a new server state (in the order they arrive).
  void OnState(const state::HistoryState& history, TimePoint now);
  // Runs the history channel: reads what arrived, and opens a fetch when
  // lines are missing and no jump came for `settle`. `mux` may be null
  // (no channels): then nothing is fetched.
  void Run(channel::Mux* mux, TimePoint now, Duration settle);
  // Up to `max` items ready for the terminal, oldest first.
  std::vector<HistoryItem> Take(size_t max);
  bool has_ready() const { return !ready_.empty(); }
  // When Run should next be called for a fetch (kNever when none waits).
  TimePoint NextWakeup(Duration settle) const;

  // Every line below this number was handed out, skipped or erased.
  uint64_t next() const { return next_; }
  // The history's end as the latest state said.
  uint64_t known_end() const { return known_end_; }
  bool fetching() const { return fetch_.has_value(); }
  const HistorySyncStats& stats() const { return stats_; }

 private:
  struct Fetch {
    // A constructor rather than member initializers: std::optional<Fetch>
    // must see Fetch as default-constructible inside this class (clang).
    Fetch() : id(0), cursor(0), end(0) {}
    uint64_t id;
    uint64_t cursor;  // the number of the next record's first line
    uint64_t end;
    state::HistoryRecordReader reader;
  };

  // Hands out line `number` (REQUIRES: number == next_), unless a shrinking
  // window scrolled it off.
  void Emit(uint64_t number, std::string line);
  // Lines [next_, to) will not be written: one marker covers them.
  void Skip(uint64_t to);
  // Moves held lines that follow next_ to the ready queue.
  void DrainHeld();
  void ReadFetch(channel::Mux* mux, TimePoint now);
  void StartFetch(channel::Mux* mux, TimePoint now);
  void EndFetch(channel::Mux* mux, bool reset);

  size_t max_lines_;
  uint64_t next_ = 0;
  uint64_t known_end_ = 0;
  uint64_t erase_count_ = 0;
  std::vector<term::LineRange> resized_;
  uint64_t marker_ = 0;  // lines skipped since the last line handed out
  // Lines from states that do not follow next_ yet (a fetch will bring
  // what is before them): [held_first_, held_first_ + held_.size()).
  std::deque<std::string> held_;
  uint64_t held_first_ = 0;
  std::optional<TimePoint> last_jump_;
  std::optional<Fetch> fetch_;
  std::deque<HistoryItem> ready_;
  HistorySyncStats stats_;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_HISTORY_SYNC_H_
