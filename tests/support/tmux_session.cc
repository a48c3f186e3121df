#include "support/tmux_session.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <sstream>

#include "support/subprocess.h"

namespace roam::testing {

namespace {
std::atomic<int> g_counter{0};
constexpr std::chrono::milliseconds kTmuxCommandTimeout(10000);
}  // namespace

TmuxSession::TmuxSession(const std::string& shell_command, int cols, int rows,
                         const std::vector<std::string>& env, int history_limit) {
  socket_ = "roam-test-" + std::to_string(getpid()) + "-" + std::to_string(g_counter++);
  std::string command;
  for (const auto& e : env) command += "export '" + e + "'; ";
  command += shell_command;
  int status = -1;
  std::vector<std::string> args = {"-f", "/dev/null"};
  if (history_limit > 0) {
    // Set before the pane exists: a pane takes the limit it was born with.
    args.insert(args.end(), {"start-server", ";", "set-option", "-g", "history-limit",
                             std::to_string(history_limit), ";"});
  }
  args.insert(args.end(), {"new-session", "-d", "-x", std::to_string(cols), "-y",
                           std::to_string(rows), "/bin/sh", "-c", command});
  Tmux(args, &status);
  if (status == 0) {
    // Keep the pane (and its last screen) after the program exits, and make
    // the window follow explicit resizes.
    Tmux({"set-option", "-g", "remain-on-exit", "on"});
    Tmux({"set-option", "-g", "window-size", "manual"});
    Tmux({"set-option", "-g", "status", "off"});
    Tmux({"resize-window", "-x", std::to_string(cols), "-y", std::to_string(rows)});
  }
  started_ = status == 0;
}

TmuxSession::~TmuxSession() {
  // End the pane's own process group first (tmux makes the pane's process a
  // session leader, so its group id is its pid): a program that keeps a pty
  // of its own (script, a client under test) must not outlive the test just
  // because the tmux server went away.
  std::string pid_text = Tmux({"display-message", "-p", "#{pane_pid}"});
  const long pane_pid = std::strtol(pid_text.c_str(), nullptr, 10);
  if (pane_pid > 1) kill(static_cast<pid_t>(-pane_pid), SIGTERM);
  Tmux({"kill-server"});
}

std::string TmuxSession::Tmux(const std::vector<std::string>& args, int* status) {
  std::vector<std::string> argv = {"tmux", "-L", socket_};
  argv.insert(argv.end(), args.begin(), args.end());
  SubprocessOptions options;
  options.merge_stderr = false;
  CommandResult r = RunCommand(argv, kTmuxCommandTimeout, options);
  if (status) *status = r.status;
  return r.output;
}

// "--" ends the options, so text that starts with "-" is typed, not parsed.
void TmuxSession::Type(const std::string& text) { Tmux({"send-keys", "-l", "--", text}); }

void TmuxSession::Keys(const std::vector<std::string>& keys) {
  std::vector<std::string> args = {"send-keys"};
  args.insert(args.end(), keys.begin(), keys.end());
  Tmux(args);
}

void TmuxSession::Resize(int cols, int rows) {
  Tmux({"resize-window", "-x", std::to_string(cols), "-y", std::to_string(rows)});
}

std::vector<std::string> TmuxSession::Capture() {
  std::string text = Tmux({"capture-pane", "-p"});
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string TmuxSession::CaptureText() { return Tmux({"capture-pane", "-p"}); }

std::string TmuxSession::CaptureHistory() {
  return Tmux({"capture-pane", "-p", "-e", "-S", "-", "-E", "-"});
}

bool TmuxSession::WaitForScreen(const std::function<bool(const std::string&)>& pred,
                                std::chrono::milliseconds timeout) {
  return PollUntil([&] { return pred(CaptureText()); }, timeout, std::chrono::milliseconds(100));
}

bool TmuxSession::WaitForText(const std::string& needle, std::chrono::milliseconds timeout) {
  return WaitForScreen([&](const std::string& s) { return s.find(needle) != std::string::npos; },
                       timeout);
}

std::pair<int, int> TmuxSession::Cursor() {
  std::string out = Tmux({"display-message", "-p", "#{cursor_x} #{cursor_y}"});
  std::istringstream in(out);
  int x = -1, y = -1;
  in >> x >> y;
  return {x, y};
}

bool TmuxSession::PaneAlive() {
  std::string out = Tmux({"display-message", "-p", "#{pane_dead}"});
  return out.rfind("0", 0) == 0;
}

}  // namespace roam::testing
