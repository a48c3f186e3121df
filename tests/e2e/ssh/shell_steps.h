// Shell steps: what a user does in a remote shell, as reusable checks.
//
// The end-to-end tests through sshd run a shell (kShellCommand)
// behind roam or the stock mosh wrapper in a tmux pane, and walk it through
// the same steps: type a command and see its output, resize the window and
// see the shell follow, interrupt a long `sleep` with Ctrl-C, and page
// through a file with `less`, whose screens must equal those of the same
// keys in a direct pane (no ssh, no roam) of the same size and TERM.
//
// Each step records gtest failures with the pane's screen and returns
// whether the pane is still in a state the next step can start from (the
// prompt on a cleared screen), so a caller writes ASSERT_TRUE(Step(...)).
// Every wait is bounded.

#ifndef ROAM_TESTS_E2E_SSH_SHELL_STEPS_H_
#define ROAM_TESTS_E2E_SSH_SHELL_STEPS_H_

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "support/sshd_fixture.h"
#include "support/tmux_session.h"

namespace roam::testing {

// The prompt every shell in these tests shows ("e2e-ready> "), as a screen
// capture shows it: without its trailing blank.
inline constexpr const char* kPromptMark = "e2e-ready>";
// The remote command that starts a shell with that prompt (words for
// `roam ... --` and `mosh ... --`).
inline constexpr const char* kShellCommand = "env 'PS1=e2e-ready> ' /bin/sh";
// The terminal type of every pane, and so of every remote shell.
inline constexpr const char* kTermEntry = "TERM=xterm-256color";
// One step's bound: a keystroke's round trip through ssh-started servers.
inline constexpr std::chrono::milliseconds kStepTimeout{10000};

// Extra text for a failure message (screen, server log ...).
using Context = std::function<std::string()>;

// Types `line` and Enter.
void TypeLine(TmuxSession& pane, const std::string& line);

// Clears the screen with `clear` and waits until only the prompt is left.
bool ClearScreen(TmuxSession& pane, const Context& context);

// `echo typed-$((6*7))` shows typed-42 (which only the shell can print).
bool CommandShowsOutput(TmuxSession& pane, const Context& context);

// Resizes the window to cols x rows; `stty size` in the shell must follow.
// Then resizes back to back_cols x back_rows and clears the screen.
bool ShellFollowsResize(TmuxSession& pane, int cols, int rows, int back_cols, int back_rows,
                        const Context& context);

// Runs `sleep 100`, waits until that sleep runs among the fixture's session
// processes, presses Ctrl-C and expects the sleep gone and the shell to run
// the next command. (Whether the shell then runs the rest of a command list
// differs between shells, so the step does not rely on it.)
bool CtrlCInterruptsSleep(TmuxSession& pane, const SshdFixture& sshd, const Context& context);

// Writes a text file longer than a screen at `path` for LessMatchesDirectPane.
bool WriteKnownFile(const std::string& path);

// Whether the server's terminal has an alternate screen. roam-server's has;
// the stock mosh-server (1.4) ignores the switch, so what a full-screen
// program drew stays on the screen after it quits.
enum class AlternateScreen { kYes, kNo };

// Opens `less <path>` in `pane` and in a new direct pane of cols x rows
// (same prompt, kTermEntry as TERM), then pages (Space, three j) and quits
// (q), comparing the two screens after each step. After quitting, with
// AlternateScreen::kNo the screens cannot match; then `pane` must show the
// last page with the prompt on the bottom row instead. Leaves `pane` at the
// prompt on a cleared screen.
bool LessMatchesDirectPane(TmuxSession& pane, const std::string& path, int cols, int rows,
                           AlternateScreen alternate, const Context& context);

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_SSH_SHELL_STEPS_H_
