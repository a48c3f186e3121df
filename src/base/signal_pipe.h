// SignalPipe: delivers signals to an event loop as a readable descriptor.
//
// The handler only writes the signal number into a non-blocking pipe (the
// self-pipe trick), so the loop polls the read end with its sockets and ptys
// and handles signals in ordinary code. Handlers are installed with
// sigaction and no signal is blocked, so children forked later inherit no
// unusual mask. One SignalPipe per process: installing a second replaces the
// first's handlers.

#ifndef ROAM_BASE_SIGNAL_PIPE_H_
#define ROAM_BASE_SIGNAL_PIPE_H_

#include <initializer_list>
#include <memory>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam {

class SignalPipe {
 public:
  // Routes each of `signals` to the pipe. Errors: kIoError if the pipe
  // cannot be made.
  static Result<std::unique_ptr<SignalPipe>> Install(std::initializer_list<int> signals);
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  // Poll this for POLLIN.
  int read_fd() const { return read_.get(); }
  // The signals that arrived since the last call, in order (never blocks).
  std::vector<int> Drain();

 private:
  SignalPipe(UniqueFd read, UniqueFd write) : read_(std::move(read)), write_(std::move(write)) {}
  UniqueFd read_;
  UniqueFd write_;
};

}  // namespace roam

#endif  // ROAM_BASE_SIGNAL_PIPE_H_
