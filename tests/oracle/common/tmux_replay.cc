#include "oracle/common/tmux_replay.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::oracle {

namespace {

using std::chrono::milliseconds;

// How long tmux may take to start, or to parse one segment.
constexpr milliseconds kStepTimeout(15000);
constexpr milliseconds kTmuxCommandTimeout(10000);

std::string Tmux(const std::string& socket, std::vector<std::string> args) {
  std::vector<std::string> argv = {"tmux", "-L", socket};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::SubprocessOptions options;
  options.merge_stderr = false;
  return testing::RunCommand(argv, kTmuxCommandTimeout, options).output;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Removes a directory made by mkdtemp and the files in it.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/roam-oracle-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) != nullptr) path_ = buf.data();
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TmuxReplayResult ReplayInTmux(const std::vector<std::string>& segments, int cols, int rows) {
  TmuxReplayResult result;
  TempDir dir;
  if (dir.path().empty()) {
    result.error = "mkdtemp failed";
    return result;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    std::ofstream f(dir.path() + "/seg" + std::to_string(i + 1), std::ios::binary);
    f.write(segments[i].data(), static_cast<std::streamsize>(segments[i].size()));
    if (!f) {
      result.error = "cannot write segment file";
      return result;
    }
  }
  // Channel names and marker titles carry the pid so that nothing in a
  // recording can look like them by accident.
  std::string tag = "roam-oracle-" + std::to_string(getpid());
  std::ostringstream script;
  script << "stty raw -echo; tmux wait-for " << tag << "-go-0; i=1; while [ $i -le "
         << segments.size() << " ]; do cat '" << dir.path() << "/seg'$i; printf '\\033]2;" << tag
         << "-mark-%d\\007' $i; tmux wait-for " << tag
         << "-go-$i; i=$((i+1)); done; exec sleep 600";
  testing::TmuxSession tmux(script.str(), cols, rows);
  if (!tmux.started()) {
    result.error = "tmux did not start";
    return result;
  }
  const std::string& socket = tmux.socket_name();
  std::string want_size = std::to_string(cols) + " " + std::to_string(rows);
  if (!testing::PollUntil(
          [&] {
            return Trim(Tmux(socket, {"display-message", "-p", "#{pane_width} #{pane_height}"})) ==
                   want_size;
          },
          kStepTimeout, milliseconds(20))) {
    result.error = "tmux pane never reached size " + want_size;
    return result;
  }
  Tmux(socket, {"wait-for", "-S", tag + "-go-0"});
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string marker = tag + "-mark-" + std::to_string(i + 1);
    if (!testing::PollUntil(
            [&] {
              return Trim(Tmux(socket, {"display-message", "-p", "#{pane_title}"})) == marker;
            },
            kStepTimeout, milliseconds(10))) {
      result.error = "tmux never finished segment " + std::to_string(i + 1);
      return result;
    }
    TextScreen screen;
    screen.lines = tmux.Capture();
    auto [x, y] = tmux.Cursor();
    screen.cursor_col = x;
    screen.cursor_row = y;
    result.screens.push_back(std::move(screen));
    Tmux(socket, {"wait-for", "-S", tag + "-go-" + std::to_string(i + 1)});
  }
  result.ok = true;
  return result;
}

}  // namespace roam::oracle
