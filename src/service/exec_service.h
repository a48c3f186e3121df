// ExecService: the server's end of an exec channel — a command run as the
// user, with pipes (stdin, stdout, stderr) or on a pseudo-terminal, joined
// to the channel by exec records (exec_records.h, docs/protocol.md §9.11).
//
// The command runs as sshd runs one: `$SHELL -c COMMAND` in the user's home
// directory, in a session of its own (setsid), with the server's environment
// plus the locale variables and TERM the client sent; a subsystem (sftp)
// runs the configured program the same way. Its exit status (or 128 + the
// signal that killed it) goes back in an exit record once its output has
// been read to the end; then the channel is closed. A client that goes away
// (reset, STOP_SENDING, or the session ending) hangs the command up
// (SIGHUP to its process group).

#ifndef ROAM_SERVICE_EXEC_SERVICE_H_
#define ROAM_SERVICE_EXEC_SERVICE_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"
#include "service/exec_records.h"
#include "service/fd_service.h"
#include "wire/channel_open.pb.h"

namespace roam::service {

struct ExecEnvironment {
  std::string shell = "/bin/sh";  // the user's login shell
  std::string home = "/";         // where commands start
  std::vector<std::string> env;   // the server's environment, NAME=VALUE
  // The program behind the "sftp" subsystem.
  std::string sftp_server = "/usr/lib/openssh/sftp-server";
};

// The environment of this process, its user's shell and home directory.
ExecEnvironment CurrentExecEnvironment();

// Reaps commands that were hung up but had not ended yet when their service
// went away (so none stays a zombie). The server calls it on SIGCHLD.
void ReapAbandonedCommands();

class ExecService final : public FdService {
 public:
  // Starts the command for channel `channel`. Errors (the channel should be
  // refused with the message): kInvalidArgument for a request without a
  // command or with an unknown subsystem; kIoError when the process cannot
  // be created.
  static Result<std::unique_ptr<ExecService>> Start(uint64_t channel,
                                                    const RoamChannel::Exec& request,
                                                    const ExecEnvironment& environment);
  ~ExecService() override;

  void AddPollFds(std::vector<pollfd>* fds) const override;
  void Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) override;
  bool done() const override { return done_; }
  void Abort() override;

  pid_t pid() const { return pid_; }

 private:
  ExecService(uint64_t channel, pid_t pid, bool pty, UniqueFd in, UniqueFd out, UniqueFd err);

  void ReadChannel(channel::Mux* mux);
  void WriteChild();
  void ReadChild(channel::Mux* mux, const std::vector<pollfd>& fds);
  void Reap();
  void Finish(channel::Mux* mux);

  uint64_t channel_;
  pid_t pid_;
  bool pty_;
  UniqueFd stdin_;   // the pty master, with a pty
  UniqueFd stdout_;  // the pty master again (shared), with a pty
  UniqueFd stderr_;  // none with a pty
  bool stdout_open_ = true;
  bool stderr_open_ = true;
  bool stdin_closed_ = false;
  std::string to_child_;
  RecordReader reader_;
  std::optional<int> exit_status_;
  bool done_ = false;
};

}  // namespace roam::service

#endif  // ROAM_SERVICE_EXEC_SERVICE_H_
