// PtyChild: the session's application, running on a pseudo-terminal.
//
// Start() opens a pty (forkpty) of the given size and forks the child. The
// child prepares itself as mosh-server's does: default signal dispositions
// (see below) and an empty signal mask, IUTF8 on the tty, TERM (xterm-256color when the client
// has 256 colours, else xterm), NCURSES_NO_UTF8_ACS=1, STY removed, the
// working directory and PWD set to $HOME; with no command it runs the login
// shell ("-" + basename as argv[0]) after printing the message of the day
// unless ~/.hushlogin exists, and then the caller's login notice (the
// warning about other detached sessions).
//
// Then the child BLOCKS until released. roam's mechanism is a pipe: the child
// keeps only its read end and waits for one byte; Release() writes that byte.
// The server releases the child when the first client state arrives, so the
// program starts only once someone is watching and the pty already has the
// client's window size. (mosh 1.4 instead writes "\n" into the pty master and
// the child reads a line from its tty; the pipe leaves no byte in the tty's
// input and cannot be confused by typeahead.) If the parent closes the pipe
// without releasing (destroyed, or died), the child exits with status 1
// without running the program.
//
// Signals: the child is forked with every signal blocked and, before it
// unblocks them, puts every disposition back to the default (SIGHUP:
// ignored until released). Otherwise the server's handlers, inherited
// across fork, would turn a signal meant for the program (a Ctrl-C typed
// before the program ran) into an event in the server's own signal pipe.
//
// Input: bytes written to the pty before the program has been exec'd reach
// the waiting child instead (a Ctrl-C would end it). ExecConfirmed() tells
// when the program runs; the server holds queued input until then.
//
// Everything the child needs (argv, environment, paths, motd file names) is
// computed in the parent before fork; the child uses only async-signal-safe
// calls until exec.

#ifndef ROAM_SESSION_PTY_CHILD_H_
#define ROAM_SESSION_PTY_CHILD_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"
#include "bootstrap/locale.h"

namespace roam::session {

struct PtyChildOptions {
  std::vector<std::string> command;  // program and arguments; empty = login shell
  int colors = 0;                    // from -c; 256 selects xterm-256color
  uint16_t cols = 80;
  uint16_t rows = 24;
  // Applied to a copy of the parent's environment before the fixed settings
  // above: first the removals, then the assignments (e.g. a LocaleChoice).
  std::vector<std::string> env_unset;
  std::vector<std::pair<std::string, std::string>> env_set;
  // Printed into the pty after the motd when running the login shell (e.g.
  // DetachedSessionsWarning); ignored when a command is given.
  std::string login_notice;
};

// The shell to run as a login shell and its argv[0].
struct LoginShell {
  std::string path;
  std::string argv0;  // "-" + basename of path
};

// Picks $SHELL if non-empty, else the passwd shell if non-empty, else /bin/sh.
LoginShell ChooseLoginShell(std::string_view shell_env, std::string_view passwd_shell);

// The child's environment as "NAME=VALUE" strings: `parent` with the
// options' unset/set applied, then TERM, NCURSES_NO_UTF8_ACS=1, PWD=`home`,
// and STY removed.
std::vector<std::string> BuildChildEnvironment(const bootstrap::Environment& parent,
                                               const PtyChildOptions& options,
                                               std::string_view home);

// The motd files a login shell shows, in order: the first existing of
// /run/motd.dynamic and /var/run/motd.dynamic, then /etc/motd; none if
// `home`/.hushlogin exists. Only existing files are returned.
std::vector<std::string> MotdFiles(std::string_view home);

class PtyChild {
 public:
  // Opens the pty and forks the (blocked) child.
  // Errors: IoError if the pipe, forkpty or the tty setup in the parent fail.
  static Result<std::unique_ptr<PtyChild>> Start(const PtyChildOptions& options);

  // Closes the master and the release pipe. A child not yet released exits
  // with status 1; a running one gets SIGHUP from the kernel when the master
  // closes. The caller should have collected the exit with PollExit.
  ~PtyChild();
  PtyChild(const PtyChild&) = delete;
  PtyChild& operator=(const PtyChild&) = delete;

  pid_t pid() const { return pid_; }
  // The pty master: read the program's output, write its input. Owned here.
  int master_fd() const { return master_.get(); }

  // Lets the child exec its program. Idempotent.
  // Errors: IoError if the byte cannot be written (the child is gone); no
  // SIGPIPE is raised in that case.
  Status Release();
  bool released() const { return released_; }

  // Whether the released child has exec'd its program (or has exited): from
  // then on, input written to the pty reaches the program. Non-blocking;
  // false before Release() unless the child has already died. Once true,
  // stays true.
  bool ExecConfirmed();
  // A descriptor that becomes readable (POLLIN or POLLHUP) when the exec
  // happens; poll it while ExecConfirmed() is false. -1 once confirmed.
  int exec_watch_fd() const { return exec_watch_.valid() ? exec_watch_.get() : -1; }

  // Sets the pty's window size (TIOCSWINSZ); the kernel then sends SIGWINCH
  // to the pty's foreground process group. Errors: IoError.
  Status Resize(uint16_t cols, uint16_t rows);

  // Non-blocking: the child's exit status once it has ended (WEXITSTATUS, or
  // 128 + signal number if killed by a signal), nullopt while it runs.
  std::optional<int> PollExit();

 private:
  PtyChild(pid_t pid, UniqueFd master, UniqueFd release, UniqueFd exec_watch)
      : pid_(pid),
        master_(std::move(master)),
        release_(std::move(release)),
        exec_watch_(std::move(exec_watch)) {}

  pid_t pid_;
  UniqueFd master_;
  UniqueFd release_;     // write end of the release pipe
  UniqueFd exec_watch_;  // read end of the exec watch pipe, until EOF
  bool released_ = false;
  std::optional<int> exit_status_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_PTY_CHILD_H_
