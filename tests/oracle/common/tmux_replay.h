// TmuxReplay: plays a recorded byte stream into a real tmux pane and reads
// back what tmux shows, so tmux's screen can be compared with an emulator
// fed the very same bytes.
//
// The recording is split into segments (PtyRunner checkpoints). A pane of
// the requested size runs a small shell loop: the terminal is put in raw
// mode (no output processing, the recorded bytes already carry the pty's
// CR LF), then for each segment it `cat`s the segment, sets an invisible
// marker title (OSC 2), and waits on a tmux wait-for channel. The test
// polls the pane title until the marker shows (so tmux has parsed every
// byte of the segment), captures the pane (capture-pane -p) and the cursor,
// and signals the channel to go on. Every wait is bounded.

#ifndef ROAM_TESTS_ORACLE_COMMON_TMUX_REPLAY_H_
#define ROAM_TESTS_ORACLE_COMMON_TMUX_REPLAY_H_

#include <string>
#include <vector>

#include "oracle/common/grid_compare.h"

namespace roam::oracle {

struct TmuxReplayResult {
  bool ok = false;
  std::string error;                // why !ok
  std::vector<TextScreen> screens;  // one per segment, in order
};

// Replays `segments` into a fresh cols x rows tmux pane (own server socket)
// and returns the screen after each one.
TmuxReplayResult ReplayInTmux(const std::vector<std::string>& segments, int cols, int rows);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_TMUX_REPLAY_H_
