#include "oracle/common/recordings.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "oracle/common/pty_runner.h"
#include "support/subprocess.h"

namespace roam::oracle {

namespace {

using std::chrono::milliseconds;

// A program counts as settled once it wrote nothing for kQuiet; each step
// gives up after kStepTimeout. Programs that redraw on a timer (htop) never
// settle; their steps end at the timeout of kBusyStep instead.
constexpr milliseconds kQuiet(250);
constexpr milliseconds kStepTimeout(8000);
constexpr milliseconds kBusyStep(1500);
constexpr milliseconds kExitTimeout(10000);

// A script runner that records labels with its checkpoints.
class Script {
 public:
  Script(std::vector<std::string> argv, int cols, int rows, std::vector<std::string> env = {})
      : run_(std::move(argv), Options(cols, rows, std::move(env))) {}

  // Waits for the program to settle, then marks a checkpoint.
  void Settle(const std::string& label) {
    if (!run_.WaitQuiet(kQuiet, kStepTimeout)) Fail("never settled before: " + label);
    Mark(label);
  }
  void Mark(const std::string& label) {
    run_.Checkpoint();
    rec_.labels.push_back(label);
  }
  // Waits for `needle` in the output written after the last checkpoint.
  void Expect(const std::string& needle) {
    size_t from = run_.checkpoints().empty() ? 0 : run_.checkpoints().back();
    if (!run_.WaitFor(needle, from, kStepTimeout)) Fail("never printed: " + needle);
  }
  void Type(const std::string& keys) {
    if (!run_.Send(keys)) Fail("could not type: " + keys);
  }
  void Exit(const std::string& label) {
    if (!run_.WaitExit(kExitTimeout).has_value()) Fail("did not exit");
    Mark(label);
  }
  PtyRunner& runner() { return run_; }

  Recording Finish() {
    rec_.segments = run_.Segments();
    rec_.ok = rec_.error.empty();
    return rec_;
  }

 private:
  static PtyOptions Options(int cols, int rows, std::vector<std::string> env) {
    PtyOptions o;
    o.cols = cols;
    o.rows = rows;
    o.env = std::move(env);
    return o;
  }
  void Fail(const std::string& why) {
    if (rec_.error.empty()) rec_.error = why;
  }

  PtyRunner run_;
  Recording rec_;
};

// A known text file of numbered lines, made once per process and removed
// when the process exits.
class KnownFileHolder {
 public:
  KnownFileHolder() {
    const char* base = getenv("TMPDIR");
    path_ = std::string(base && *base ? base : "/tmp") + "/roam-oracle-known-" +
            std::to_string(getpid()) + ".txt";
    std::ofstream f(path_);
    for (int i = 1; i <= 300; ++i) {
      f << "line " << i << ": the quick brown fox jumps over the lazy dog";
      if (i % 7 == 0) f << " \t tabbed\tcolumns";
      if (i % 11 == 0) f << " and a rather longer tail that goes past eighty columns for wrap";
      f << "\n";
    }
  }
  ~KnownFileHolder() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& KnownFile() {
  static const KnownFileHolder holder;
  return holder.path();
}

}  // namespace

Recording RecordLsColor(int cols, int rows) {
  Script s({"sh", "-c", "ls -l --color=always /usr/bin | head -200"}, cols, rows);
  s.Exit("ls -l output");
  return s.Finish();
}

Recording RecordManCat(int cols, int rows) {
  Script s({"man", "-P", "cat", "ls"}, cols, rows, {"MANWIDTH=" + std::to_string(cols - 2)});
  s.Exit("man page printed");
  return s.Finish();
}

Recording RecordManLess(int cols, int rows) {
  Script s({"man", "ls"}, cols, rows, {"MANPAGER=less", "PAGER=less", "LESS="});
  s.Expect("LS(1)");
  s.Settle("first page");
  s.Type(" ");
  s.Settle("second page");
  s.Type("/sort\r");
  s.Settle("search for sort");
  s.Type("q");
  s.Exit("after quitting");
  return s.Finish();
}

Recording RecordBash(int cols, int rows) {
  Script s({"bash", "--norc", "--noprofile", "-i"}, cols, rows,
           {"PS1=$ ", "HISTFILE=/dev/null", "INPUTRC=/dev/null"});
  s.Expect("$ ");
  s.Settle("prompt");
  s.Type("echo hello world");
  s.Settle("typed a command");
  s.Type("\x01");  // Ctrl-A: start of line
  s.Type("X");
  s.Settle("inserted at the start");
  s.Type("\x05");  // Ctrl-E: end of line
  s.Type("\x17");  // Ctrl-W: delete the last word
  s.Settle("deleted a word");
  s.Type("\x01\x04");  // Ctrl-A, Ctrl-D: delete the inserted X
  s.Type("\r");
  s.Expect("hello");
  s.Settle("ran the command");
  s.Type("\x1b[A");  // Up: history
  s.Settle("history recalled");
  s.Type(" again\r");
  s.Settle("ran it again");
  s.Type("exit\r");
  s.Exit("bash exited");
  return s.Finish();
}

Recording RecordVim(int cols, int rows) {
  Script s({"vim", "-u", "NONE", "-N", "-i", "NONE", "-n", KnownFile()}, cols, rows);
  s.Expect("line 1");
  s.Settle("file opened");
  s.Type("jjjw");
  s.Settle("moved");
  s.Type("40G");
  s.Settle("jumped to line 40");
  s.Type("iinserted text \x1b");
  s.Settle("inserted");
  s.Type("ddp");
  s.Settle("moved a line");
  s.Type("\x06");  // Ctrl-F: page down
  s.Settle("paged");
  s.Type(":q!\r");
  s.Exit("vim quit");
  return s.Finish();
}

Recording RecordLess(int cols, int rows) {
  Script s({"less", KnownFile()}, cols, rows, {"LESS=", "LESSHISTFILE=-"});
  s.Expect("line 1");
  s.Settle("first page");
  s.Type(" ");
  s.Settle("second page");
  s.Type("/line 77\r");
  s.Settle("searched");
  s.Type("b");
  s.Settle("back a page");
  s.Type("q");
  s.Exit("less quit");
  return s.Finish();
}

Recording RecordTop(int cols, int rows) {
  bool have_htop = testing::HaveProgram("htop");
  std::vector<std::string> argv = have_htop ? std::vector<std::string>{"htop", "-d", "10"}
                                            : std::vector<std::string>{"top", "-d", "1"};
  Script s(argv, cols, rows, {"HOME=/nonexistent-roam-oracle"});
  // The screen redraws on a timer, so each step ends after a fixed bound.
  s.runner().WaitQuiet(kQuiet, kBusyStep);
  s.Mark("first screen");
  s.runner().WaitQuiet(kQuiet, kBusyStep);
  s.Mark("after a refresh");
  s.Type("q");
  s.Exit("after quitting");
  return s.Finish();
}

Recording RecordAltScreen(int cols, int rows) {
  Script s({"sh", "-c",
            "stty -echo; printf 'primary line 1\\nprimary line 2\\n'; "
            "printf '\\033[?1049h\\033[H\\033[2Jalternate\\033[5;10Hat 5,10'; read x; "
            "printf '\\033[?1049lback\\n'; read x"},
           cols, rows);
  s.Expect("at 5,10");
  s.Settle("alternate screen");
  s.Type("\r");
  s.Expect("back");
  s.Settle("primary screen restored");
  s.Type("\r");
  s.Exit("script ended");
  return s.Finish();
}

}  // namespace roam::oracle
