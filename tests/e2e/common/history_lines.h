// Reading a tmux pane's history in end-to-end tests of native scrollback
// (docs/protocol.md §8.5): captures split into lines, SGR stripped, and the
// check that a run of numbers reached the history once each, in order.

#ifndef ROAM_TESTS_E2E_COMMON_HISTORY_LINES_H_
#define ROAM_TESTS_E2E_COMMON_HISTORY_LINES_H_

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/tmux_session.h"

namespace roam::testing {

// The lines of a capture (TmuxSession::CaptureHistory) with trailing blanks
// (and the SGR resets tmux adds after the last coloured cell) removed, and
// the blank lines at the end dropped.
std::vector<std::string> Lines(const std::string& capture);

// `line` without SGR sequences.
std::string Plain(const std::string& line);

// Checks that after the line that holds `command` (the end of the typed
// command line) come the numbers 1 to `last` in order, each once, except
// that at most one marker line ("[roam: N lines not shown]") may stand for
// exactly the lines missing where it is (the command line included, when
// the flood took it too). *skipped: the marker's count (0 without one);
// *after_marker: the numbers after it.
::testing::AssertionResult NumbersOnceInOrder(const std::vector<std::string>& lines,
                                              const std::string& command, long last, long* skipped,
                                              long* after_marker);

// Lines() from the first line that starts with the shell's prompt ("e2e$")
// on: what comes before it is a wrapper's start-up (the server's start-up
// output passed through, as mosh's wrapper does: blank lines, and the
// server's banner when it wins the race with the connect line), not the
// session's.
std::vector<std::string> SessionLines(const std::string& capture);

// Polls (bounded by `timeout`) until both panes' history and screen from the
// first prompt on are equal, SGR sequences included; else the first
// difference.
::testing::AssertionResult HistoriesMatch(TmuxSession& roam, TmuxSession& direct,
                                          std::chrono::milliseconds timeout);

// Types `command; echo ok-N` (N = `step`) and waits for ok-N with the
// prompt ("e2e$") under it.
bool RunStep(TmuxSession& pane, const std::string& command, int step,
             std::chrono::milliseconds timeout);

// The same session typed into a roam pane and a direct pane (both at the
// prompt "e2e$ ", `dir` an empty temporary directory): `seq 1 5000`, 2,000
// coloured lines (eight colours, bold, underline), `less`, `vim` and
// `man ls` (the alternate screen) with output between them; then both
// histories must be equal and hold the numbers. Then `clear` (which erases
// the history) and `seq 1 40`: equal again, and the old lines gone.
void CompareScrollbackSession(TmuxSession& roam, TmuxSession& direct, const std::string& dir,
                              std::chrono::milliseconds step_timeout);

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_HISTORY_LINES_H_
