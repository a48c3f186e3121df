// TerminalSequences: the fixed byte sequences the client writes to the
// user's terminal at start, exit and suspend, and the window-title rules
// (docs/protocol.md §12.5).
//
//   start:    smcup (terminfo; left out with MOSH_NO_TERM_INIT), "ESC[?1h"
//   exit:     "ESC[?1l ESC[0m ESC[?25h", mouse modes off (?1003 ?1002 ?1001
//             ?1000), mouse encodings off (?1015 ?1006 ?1005), focus events
//             off (?1004), bracketed paste off (?2004), reverse video off
//             (?5), the default cursor shape (ESC[0 SP q), no open OSC 8
//             link (ESC]8;;ST), then rmcup (terminfo; left out with
//             MOSH_NO_TERM_INIT). That is every mode the client's display
//             may turn on (Mosh leaves bracketed paste and focus events on).
//   suspend:  the exit sequence, then "\n ESC[37;44m[<program> is
//             suspended.]ESC[m\n" (after termios is restored).
// Window titles are written only when TERM starts with xterm, rxvt, kterm,
// Eterm, alacritty, screen or tmux. The title gets the prefix "[roam] "
// (roam's own name, as Mosh uses "[mosh] ") unless MOSH_TITLE_NOPREFIX is
// set; Mosh users' variable keeps its meaning.
// Terminfo is read once with setupterm and released again; the results are
// plain data.

#ifndef ROAM_CLIENT_TERMINAL_SEQUENCES_H_
#define ROAM_CLIENT_TERMINAL_SEQUENCES_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::client {

inline constexpr std::string_view kDefaultTitlePrefix = "[roam] ";

// What the client needs from terminfo for $TERM.
struct TerminalCapabilities {
  std::string smcup;     // enter the alternate screen; may be empty
  std::string rmcup;     // leave it; may be empty
  bool has_ech = false;  // "erase characters" may be used in diffs
  bool has_bce = false;  // background colour erase
  int colors = 0;        // terminfo "colors"; 0 when absent
};

// Looks up `term` in terminfo. Errors: InvalidArgument if terminfo has no
// entry for it (the client then uses EmptyCapabilities()).
Result<TerminalCapabilities> LoadTerminalCapabilities(const std::string& term);

// Whether titles are written for this TERM.
bool TermSupportsTitle(std::string_view term);

// The title prefix: "" if MOSH_TITLE_NOPREFIX is set (any value), else
// kDefaultTitlePrefix. `nopref_env` is that variable's value, nullopt if
// unset.
std::string TitlePrefix(std::optional<std::string_view> nopref_env);

// "ESC]0;" + prefix + title + BEL: sets the window and icon titles.
std::string TitleSequence(std::string_view prefix, std::string_view title);

// Start sequence; smcup is left out when `no_term_init`.
std::string InitSequence(const TerminalCapabilities& caps, bool no_term_init);
// Exit sequence; rmcup is left out when `no_term_init`.
std::string ExitSequence(const TerminalCapabilities& caps, bool no_term_init);
// "\n\x1b[37;44m[<program> is suspended.]\x1b[m\n".
std::string SuspendText(std::string_view program);
// "[<program> is exiting.]\n", printed after the terminal is restored.
std::string ExitingText(std::string_view program);

}  // namespace roam::client

#endif  // ROAM_CLIENT_TERMINAL_SEQUENCES_H_
