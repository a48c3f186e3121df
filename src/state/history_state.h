// HistoryState: the part of a roam server's terminal state that tells a
// client how far the session's history has grown (docs/protocol.md §8.5):
// every line that leaves the top of the primary screen gets the next
// number, and the client writes each one into the user's own terminal once,
// in order.
//
// The state says how many lines there are (`end`), whether and where the
// history was erased (CSI 3 J), and which lines a shrinking window scrolled
// off (the user's terminal did the same to its own screen, so the client
// must not write them again). On the server `recent` holds the newest
// lines; a diff carries the lines that are new to the client when they are
// few (kMaxInlineLines, kMaxInlineBytes), and otherwise the client fetches
// them over a history channel (§9.13). On the client `recent` holds the
// lines that came with the latest diff.
//
// Peer input is never trusted: ApplyHistory checks that the numbers only
// grow, that ranges lie below `end`, and that every line decodes.

#ifndef ROAM_STATE_HISTORY_STATE_H_
#define ROAM_STATE_HISTORY_STATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "term/emulator.h"

namespace RoamBuffers {
class History;
}

namespace roam::state {

// At most this many lines, and about this many bytes of them, ride in one
// diff; more are fetched over a channel.
inline constexpr size_t kMaxInlineLines = 256;
inline constexpr size_t kMaxInlineBytes = 32 * 1024;
// Ranges of lines scrolled off by a shrinking window that a state carries.
inline constexpr size_t kMaxResizeRanges = term::Emulator::kResizePushesKept;
// The widest line a peer may send (the emulator's limit).
inline constexpr int kMaxHistoryLineWidth = term::Emulator::kMaxDimension;

// Lines [first, first + lines.size()), each in the scrollback line format
// (term/scrollback.h, docs/protocol.md §8.6).
struct HistoryLines {
  uint64_t first = 0;
  std::vector<std::string> lines;
  uint64_t end() const { return first + lines.size(); }
};

struct HistoryState {
  uint64_t end = 0;                            // lines that have left the primary screen
  uint64_t erased_below = 0;                   // the history below this line was erased
  uint64_t erase_count = 0;                    // times the history was erased
  std::vector<term::LineRange> resized;        // oldest first
  std::shared_ptr<const HistoryLines> recent;  // see the file comment

  // `recent` is not compared: on the server it follows from the rest.
  friend bool operator==(const HistoryState& a, const HistoryState& b) {
    return a.end == b.end && a.erased_below == b.erased_below && a.erase_count == b.erase_count &&
           a.resized == b.resized;
  }
};

// Fills *out with what takes a client holding `old` to `now`: the numbers,
// and the lines [max(old.end, now.erased_below), now.end) when `now.recent`
// has them and they are within the inline limits.
void HistoryDiff(const HistoryState& old, const HistoryState& now, RoamBuffers::History* out);

// Applies a History message to *state (its `recent` becomes the message's
// lines, or null). Errors (kMalformed), leaving *state unchanged: no `end`,
// a number that decreased, erased_below above end, more than
// kMaxResizeRanges ranges or one that is empty or not below end, lines that
// do not end at `end` or start below the previous end, more than
// kMaxInlineLines lines, or a line that ValidHistoryLine refuses.
Status ApplyHistory(const RoamBuffers::History& message, HistoryState* state);

// The environment variable that sets the history size (`--scrollback=N`
// wins over it), on both sides.
inline constexpr const char* kScrollbackEnv = "ROAM_SCROLLBACK";
// The most lines a history may be given.
inline constexpr size_t kMaxScrollbackLines = 10'000'000;

// Parses a history size: a decimal number of lines, 0 (off) to
// kMaxScrollbackLines. Errors: InvalidArgument, with a message that names
// `text`.
Result<size_t> ParseScrollbackLines(std::string_view text);

// Whether `encoded` is a line a peer may send: it decodes, and its width is
// at most kMaxHistoryLineWidth (checked before anything is allocated).
bool ValidHistoryLine(std::string_view encoded);

}  // namespace roam::state

#endif  // ROAM_STATE_HISTORY_STATE_H_
