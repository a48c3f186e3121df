// Start/exit/suspend sequences and title rules.

#include "client/terminal_sequences.h"

#include <curses.h>
#include <term.h>

namespace roam::client {

namespace {

std::string StringCap(const char* name) {
  char* value = tigetstr(const_cast<char*>(name));
  if (value == nullptr || value == reinterpret_cast<char*>(-1)) return "";
  return value;
}

}  // namespace

Result<TerminalCapabilities> LoadTerminalCapabilities(const std::string& term) {
  TERMINAL* previous = cur_term;
  int err = 0;
  if (setupterm(const_cast<char*>(term.c_str()), -1, &err) != OK) {
    set_curterm(previous);
    return InvalidArgument("terminfo has no entry for TERM=\"" + term + "\"");
  }
  TerminalCapabilities caps;
  caps.smcup = StringCap("smcup");
  caps.rmcup = StringCap("rmcup");
  caps.has_ech = !StringCap("ech").empty();
  caps.has_bce = tigetflag(const_cast<char*>("bce")) > 0;
  int colors = tigetnum(const_cast<char*>("colors"));
  caps.colors = colors > 0 ? colors : 0;
  TERMINAL* ours = set_curterm(previous);
  del_curterm(ours);
  return caps;
}

bool TermSupportsTitle(std::string_view term) {
  for (std::string_view prefix :
       {"xterm", "rxvt", "kterm", "Eterm", "alacritty", "screen", "tmux"}) {
    if (term.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

std::string TitlePrefix(std::optional<std::string_view> nopref_env) {
  return nopref_env ? "" : std::string(kDefaultTitlePrefix);
}

std::string TitleSequence(std::string_view prefix, std::string_view title) {
  std::string out = "\x1b]0;";
  out.append(prefix);
  out.append(title);
  out += '\a';
  return out;
}

std::string InitSequence(const TerminalCapabilities& caps, bool no_term_init) {
  std::string out;
  if (!no_term_init) out += caps.smcup;
  out += "\x1b[?1h";
  return out;
}

std::string ExitSequence(const TerminalCapabilities& caps, bool no_term_init) {
  std::string out =
      "\x1b[?1l\x1b[0m\x1b[?25h"
      "\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l"
      "\x1b[?1015l\x1b[?1006l\x1b[?1005l"
      "\x1b[?1004l\x1b[?2004l\x1b[?5l\x1b[0 q\x1b]8;;\x1b\\";
  if (!no_term_init) out += caps.rmcup;
  return out;
}

std::string SuspendText(std::string_view program) {
  return "\n\x1b[37;44m[" + std::string(program) + " is suspended.]\x1b[m\n";
}

std::string ExitingText(std::string_view program) {
  return "[" + std::string(program) + " is exiting.]\n";
}

}  // namespace roam::client
