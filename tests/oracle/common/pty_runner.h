// PtyRunner: runs a real program on a pseudo-terminal of a given size,
// types scripted input into it and records every byte it writes, so the
// recording can be replayed into several terminal emulators.
//
// Waiting is bounded polling on the program's output, never a fixed sleep:
// WaitFor() returns when a marker appears, WaitQuiet() when the program has
// written nothing for a while; both give up at a deadline. An optional
// responder sees each chunk of output as it arrives and may return bytes to
// write back (a terminal model answering the program's DA/DSR queries).
//
// Checkpoint() marks the current end of the recording; Segments() cuts the
// recording there, so a replay can stop at the same moments the script
// looked at. A checkpoint never splits an escape sequence or a UTF-8
// character: bytes of an unfinished one go to the next segment, so every
// segment can be replayed on its own (tmux replay appends a marker after
// each one).
//
// The child is ended only by its PID (SIGHUP, SIGTERM, then SIGKILL) when
// the runner is destroyed.

#ifndef ROAM_TESTS_ORACLE_COMMON_PTY_RUNNER_H_
#define ROAM_TESTS_ORACLE_COMMON_PTY_RUNNER_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roam::oracle {

struct PtyOptions {
  int cols = 80;
  int rows = 24;
  std::string term = "xterm-256color";
  // "NAME=VALUE" entries added to (or replacing in) the environment. LANG
  // and LC_ALL default to C.UTF-8.
  std::vector<std::string> env;
  // Working directory of the child; empty keeps the current one.
  std::string cwd;
};

class PtyRunner {
 public:
  // Starts argv[0] (searched on PATH) on a new pty. Aborts the test binary
  // when forkpty fails (a broken environment, not a test result).
  explicit PtyRunner(std::vector<std::string> argv, PtyOptions options = {});
  ~PtyRunner();
  PtyRunner(const PtyRunner&) = delete;
  PtyRunner& operator=(const PtyRunner&) = delete;

  pid_t pid() const { return pid_; }

  // Called with each chunk read from the program; the returned bytes are
  // written back to the program as if typed by the terminal.
  void set_responder(std::function<std::string(std::string_view)> responder) {
    responder_ = std::move(responder);
  }

  // Writes `bytes` to the program's terminal input. Returns false when the
  // pty is gone.
  bool Send(std::string_view bytes);

  // Reads until `needle` occurs in the output at or after offset `from`, or
  // `timeout` passes. Returns whether it was found.
  bool WaitFor(std::string_view needle, size_t from, std::chrono::milliseconds timeout);
  // Reads until no output arrived for `quiet`, or `timeout` passes. Returns
  // whether the program went quiet in time.
  bool WaitQuiet(std::chrono::milliseconds quiet, std::chrono::milliseconds timeout);
  // Reads until the program exits (and its output is drained) or `timeout`
  // passes. Returns its exit status (128+signal when killed), or nullopt.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);

  // Everything the program wrote so far.
  const std::string& output() const { return output_; }
  // Marks the end of the output as a checkpoint, moved back to before an
  // unfinished escape sequence or UTF-8 character. Returns its offset.
  size_t Checkpoint();
  const std::vector<size_t>& checkpoints() const { return checkpoints_; }
  // output() cut at the checkpoints: segment i ends at checkpoint i; bytes
  // after the last checkpoint are not included.
  std::vector<std::string> Segments() const;

 private:
  // Reads whatever is available, waiting at most `wait_ms`. Returns false
  // when the pty reached end of file.
  bool ReadOnce(int wait_ms);
  void Reap(bool block);

  pid_t pid_ = -1;
  int master_ = -1;
  bool eof_ = false;
  bool reaped_ = false;
  int status_ = 0;
  std::string output_;
  std::vector<size_t> checkpoints_;
  std::function<std::string(std::string_view)> responder_;
};

// The length of the longest prefix of `bytes` that does not end inside an
// escape sequence (ESC, CSI, OSC/DCS/APC/PM/SOS strings, ESC with
// intermediates) or inside a UTF-8 character. Strings longer than `bytes`
// allows are cut before their ESC.
size_t CompletePrefix(std::string_view bytes);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_PTY_RUNNER_H_
