// Subprocess: runs a real program for end-to-end and interop tests.
//
// Starts a child with its stdout/stderr captured through a pipe (optionally
// stdin too), waits with a bounded deadline, and ends only that child, by its
// PID (never by name). Destroying a running Subprocess kills and reaps it.

#ifndef ROAM_TESTS_SUPPORT_SUBPROCESS_H_
#define ROAM_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace roam::testing {

struct SubprocessOptions {
  std::vector<std::string> env;  // "NAME=VALUE" added to (or replacing in) the environment
  bool pipe_stdin = false;
  bool merge_stderr = true;  // stderr goes to the same pipe as stdout
};

class Subprocess {
 public:
  // Starts argv[0] (searched on PATH) with argv. Aborts the test binary if
  // fork/exec plumbing fails (a broken test environment, not a test result).
  explicit Subprocess(std::vector<std::string> argv, SubprocessOptions options = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Reads available output into the buffer until `pred(output)` holds or the
  // deadline passes. Returns whether pred held.
  bool ReadUntil(const std::function<bool(const std::string&)>& pred,
                 std::chrono::milliseconds timeout);
  // Everything read so far.
  const std::string& output() const { return output_; }
  // Returns what was read so far and empties the buffer (for children that
  // print more than a test wants to hold).
  std::string TakeOutput() { return std::exchange(output_, std::string()); }
  // Writes to the child's stdin. REQUIRES: options.pipe_stdin.
  bool WriteStdin(const std::string& bytes);
  void CloseStdin();

  // Waits up to `timeout` for the child to exit (draining output). Returns
  // its exit status (WEXITSTATUS, or 128+signal), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Sends `sig` to the child (only if it has not been reaped).
  void Signal(int sig);
  // SIGTERM, then SIGKILL after a grace period; reaps.
  void Kill();

 private:
  void Drain(int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string output_;
};

// Runs a command to completion (bounded) and returns its output and status.
struct CommandResult {
  int status = -1;  // -1 on timeout
  std::string output;
};
CommandResult RunCommand(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                         SubprocessOptions options = {});

// Polls `pred` every `interval` until it holds or `timeout` passes. For
// end-to-end tests only; returns whether pred held.
bool PollUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(50));

// Whether an executable with this name is on PATH.
bool HaveProgram(const std::string& name);

// The whole file's bytes: what could be read before an error ("" if it
// cannot be opened). Never throws: a /proc file of a process that exits
// while it is read fails with ESRCH.
std::string ReadFileBytes(const std::string& path);

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_SUBPROCESS_H_
