// EchoHint: what the line discipline of the server's pty does with the keys
// the user types (docs/protocol.md §8.4), part of a roam server's terminal
// state for a client that asked for it.
//
// Mosh's client has to guess whether the application will echo a key, so it
// shows nothing until a guess was confirmed a round trip later, and a new
// line (where a password prompt may appear) always starts unconfirmed.
// roam-server reads the pty's termios instead: in canonical mode with ECHO
// the kernel itself echoes every key at the cursor, and with ECHO off
// (passwords) it echoes nothing. In raw mode (readline, editors, pagers) the
// program decides, and the hint only names the mode and the foreground
// process group, so that the client can tell one program from another.

#ifndef ROAM_STATE_ECHO_HINT_H_
#define ROAM_STATE_ECHO_HINT_H_

#include <cstdint>

namespace roam::state {

struct EchoHint {
  bool echo = false;       // ECHO: typed characters are echoed by the kernel
  bool canonical = false;  // ICANON: input is edited and delivered a line at a time
  // An opaque name of the terminal's foreground process group (the server
  // sends its id); equal values name the same group. 0: not known.
  uint64_t foreground = 0;

  friend bool operator==(const EchoHint&, const EchoHint&) = default;
};

}  // namespace roam::state

#endif  // ROAM_STATE_ECHO_HINT_H_
