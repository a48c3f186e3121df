// Reading a tmux pane's history in end-to-end tests of native scrollback
// (docs/protocol.md §8.4): captures split into lines, SGR stripped, and the
// check that a run of numbers reached the history once each, in order.

#ifndef ROAM_TESTS_E2E_COMMON_HISTORY_LINES_H_
#define ROAM_TESTS_E2E_COMMON_HISTORY_LINES_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_HISTORY_LINES_H_
