// EscapeKey: the client's escape-key state machine (docs/protocol.md §13.2).
//
// The default escape key is Ctrl-^ (0x1E). After it, the next byte means:
//   "."        quit;
//   Ctrl-Z     suspend;
//   pass key   send one literal escape key ("^" for Ctrl-^);
//   other      send the escape key and that byte.
// Pressing the escape key shows the help text until the next key.
//
// MOSH_ESCAPE_KEY chooses another key: a single ASCII character 1-127 (a
// literal control character, not "^X" notation).
//   * Control character k: the pass key is k + 0x40 (so 0x1E -> "^"), and
//     also its lowercase form when that is a letter; the name shown is
//     "Ctrl-<pass key>". DEL (0x7F) is treated as Ctrl-? by the same rule.
//   * Printable character: it acts only right after a CR or LF has been
//     typed (ssh style; the very first keystroke is never an escape), is
//     passed by typing it twice, and is shown in double quotes.
//   * Empty string: no escape key at all.
//   * Ctrl-C, Ctrl-D, LF, Ctrl-L and CR are refused (the default is used), as
//     is any value longer than one character or outside 1-127.
// The state machine takes the bytes the user typed and returns, in order,
// the bytes to send to the server and the actions for the client. Pure logic.

#ifndef ROAM_CLIENT_ESCAPE_KEY_H_
#define ROAM_CLIENT_ESCAPE_KEY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roam::client {

inline constexpr char kDefaultEscapeKey = 0x1E;  // Ctrl-^

struct EscapeKeyConfig {
  bool enabled = true;
  char key = kDefaultEscapeKey;
  char pass_key = '^';
  char pass_key_alt = '^';      // lowercase form of a letter pass key, else pass_key
  bool needs_newline = false;   // printable keys act only after CR or LF
  std::string name = "Ctrl-^";  // "Ctrl-^", or "\"~\"" for a printable key

  // Builds the configuration from MOSH_ESCAPE_KEY's value (nullopt = unset).
  static EscapeKeyConfig FromEnv(std::optional<std::string_view> value);

  // `Commands: Ctrl-Z suspends, "." quits, "<pass>" gives literal <name>`,
  // or empty when disabled.
  std::string HelpText() const;
  // ` [To quit: <name> .]`, or empty when disabled.
  std::string QuitHint() const;
};

struct EscapeEvent {
  enum class Kind {
    kSend,       // send `bytes` to the server
    kShowHelp,   // the escape key was pressed: show HelpText() until the next key
    kClearHelp,  // the key after the escape key arrived: remove the help
    kQuit,       // "." after the escape key
    kSuspend,    // Ctrl-Z after the escape key
  };
  Kind kind;
  std::string bytes;  // for kSend
  friend bool operator==(const EscapeEvent&, const EscapeEvent&) = default;
};

class EscapeKey {
 public:
  explicit EscapeKey(EscapeKeyConfig config = {}) : config_(std::move(config)) {}

  // Processes typed bytes. Returns the events in order; consecutive sends are
  // merged into one kSend.
  std::vector<EscapeEvent> Feed(std::string_view typed);

  const EscapeKeyConfig& config() const { return config_; }
  // Whether the next byte will be read as an escape command.
  bool waiting_for_command() const { return waiting_; }

 private:
  EscapeKeyConfig config_;
  bool waiting_ = false;
  bool after_newline_ = false;  // the last byte typed was CR or LF
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_ESCAPE_KEY_H_
