// Direct pane: the reference side of a screen comparison.
//
// Runs a command straight in a tmux pane (no roam, no mosh, no ssh) with a
// given size, so that what it shows can be compared with what the same
// command shows through roam (screen_compare.h). After the command ends the
// pane keeps running an idle `sleep`, so the screen stays exactly as the
// command left it: no "Pane is dead" line, and the shell prompt never appears.

#ifndef ROAM_TESTS_SUPPORT_DIRECT_PANE_H_
#define ROAM_TESTS_SUPPORT_DIRECT_PANE_H_

#include <memory>
#include <string>
#include <vector>

#include "support/tmux_session.h"

namespace roam::testing {

// Starts `command` (run by /bin/sh -c) in a new cols x rows TmuxSession with
// LANG=C.UTF-8 plus `env` ("NAME=VALUE"). Returns the session; check
// started() before use. The idle sleep after the command is bounded (one
// hour) and ends with the session anyway.
// `history_limit` as for TmuxSession.
std::unique_ptr<TmuxSession> OpenDirectPane(const std::string& command, int cols, int rows,
                                            const std::vector<std::string>& env = {},
                                            int history_limit = 0);

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_DIRECT_PANE_H_
