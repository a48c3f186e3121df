// TmuxSession: a real terminal for end-to-end tests, driven through tmux.
//
// Each session runs on its own tmux server socket (tmux -L <unique name>),
// so tests never touch a user's tmux or each other's. The destructor ends
// that server (and with it the programs in its pane).

#ifndef ROAM_TESTS_SUPPORT_TMUX_SESSION_H_
#define ROAM_TESTS_SUPPORT_TMUX_SESSION_H_

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace roam::testing {

class TmuxSession {
 public:
  // Starts `shell_command` (run by /bin/sh -c) in a detached cols x rows pane.
  // `env` entries ("NAME=VALUE") are exported for the command.
  // `history_limit` > 0 sets the pane's history-limit (tmux's default is
  // 2000 lines).
  TmuxSession(const std::string& shell_command, int cols, int rows,
              const std::vector<std::string>& env = {}, int history_limit = 0);
  ~TmuxSession();
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  bool started() const { return started_; }

  // Types literal text (tmux send-keys -l).
  void Type(const std::string& text);
  // Sends tmux key names ("Enter", "C-c", "C-^", "Up").
  void Keys(const std::vector<std::string>& keys);
  // Resizes the window.
  void Resize(int cols, int rows);
  // The visible screen, one string per row, trailing blanks kept as tmux gives them.
  std::vector<std::string> Capture();
  // Capture() joined with '\n'.
  std::string CaptureText();
  // Polls the screen until `pred(text)` holds (bounded). Returns whether it did.
  bool WaitForScreen(const std::function<bool(const std::string&)>& pred,
                     std::chrono::milliseconds timeout);
  bool WaitForText(const std::string& needle, std::chrono::milliseconds timeout);
  // The pane's history and screen, oldest line first, with SGR sequences
  // for colours and attributes (capture-pane -p -e -S - -E -).
  std::string CaptureHistory();
  // Cursor position (col, row), 0-based.
  std::pair<int, int> Cursor();
  // Whether the pane's process is still running.
  bool PaneAlive();

  const std::string& socket_name() const { return socket_; }

 private:
  std::string Tmux(const std::vector<std::string>& args, int* status = nullptr);

  std::string socket_;
  bool started_ = false;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_TMUX_SESSION_H_
