// Screen comparison: do two terminals show the same text?
//
// End-to-end tests run a program through roam (or mosh) in one tmux pane and
// the same program directly in another pane of the same size (a "direct
// pane", see direct_pane.h), then compare what the two panes show. Both
// captures are normalized first: trailing blanks are dropped from every row
// and trailing blank rows from the screen, because a terminal cannot tell
// "nothing written" from "spaces written" and tmux reports both the same way
// only sometimes. Colours and attributes are not compared.

#ifndef ROAM_TESTS_SUPPORT_SCREEN_COMPARE_H_
#define ROAM_TESTS_SUPPORT_SCREEN_COMPARE_H_

#include <chrono>
#include <string>
#include <vector>

#include "support/tmux_session.h"

namespace roam::testing {

// Rows with trailing spaces (and CRs) removed, and trailing empty rows removed.
std::vector<std::string> NormalizeScreen(const std::vector<std::string>& rows);

// The outcome of a comparison. Converts to true when the screens match, so
// `EXPECT_TRUE(r) << r.diff;` reads naturally.
struct ScreenComparison {
  bool match = false;
  // Empty on a match; otherwise every differing row as
  //   row 3:
  //     - <left text>
  //     + <right text>
  // with a caret line under the first differing column.
  std::string diff;
  explicit operator bool() const { return match; }
};

// Compares two screens given as rows (normalized here first). Labels name the
// two sides in the diff header (e.g. "roam", "direct").
ScreenComparison CompareScreens(const std::vector<std::string>& left,
                                const std::vector<std::string>& right,
                                const std::string& left_label = "left",
                                const std::string& right_label = "right");

// Captures both panes once and compares them.
ScreenComparison ScreenMatches(TmuxSession& left, TmuxSession& right,
                               const std::string& left_label = "left",
                               const std::string& right_label = "right");

// Captures both panes until they match or `timeout` passes (bounded polling,
// for screens that are still being drawn). Returns the last comparison.
ScreenComparison WaitForScreensToMatch(TmuxSession& left, TmuxSession& right,
                                       std::chrono::milliseconds timeout,
                                       const std::string& left_label = "left",
                                       const std::string& right_label = "right");

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_SCREEN_COMPARE_H_
