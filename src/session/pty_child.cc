// Starting the session's program on a pty, blocked until released.

#include "session/pty_child.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "base/write_all.h"

namespace roam::session {

namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string ErrnoText(const char* what) { return std::string(what) + ": " + strerror(errno); }

// Async-signal-safe helpers for the child between fork and exec.
void WriteString(int fd, const char* s) { WriteAll(fd, std::string_view(s, strlen(s))); }

void CopyFileTo(const char* path, int out_fd) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[4096];
  for (int chunks = 0; chunks < 1024; ++chunks) {  // at most 4 MiB of motd
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    WriteAll(out_fd, std::string_view(buf, static_cast<size_t>(n)));
  }
  close(fd);
}

struct ChildPlan {
  std::string file;  // what to exec (searched on PATH if it has no '/')
  std::vector<std::string> argv;
  std::vector<std::string> envp;
  std::string home;
  std::vector<std::string> motd;
  std::string notice;
};

[[noreturn]] void RunChild(const ChildPlan& plan, char* const* argv, char* const* envp,
                           int release_read, int release_write, int exec_watch_read) {
  // Every signal is still blocked (Start blocked them across forkpty), and
  // every disposition is the server's: its handlers write into the
  // server's own signal pipe, which this process shares. Put every signal
  // back to its default before unblocking, so that a signal meant for the
  // program (a Ctrl-C typed early) acts on this process, not on the server.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &dfl, nullptr);  // fails harmlessly for reserved signals
  }
  // Until released, a hang-up (the server closing the pty master as it
  // gives up) must not kill the child before it sees EOF on the release
  // pipe and exits with status 1; the program itself gets the default.
  struct sigaction ign = dfl;
  ign.sa_handler = SIG_IGN;
  sigaction(SIGHUP, &ign, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  close(release_write);
  close(exec_watch_read);

  struct termios tio;
  if (tcgetattr(STDIN_FILENO, &tio) == 0) {
    tio.c_iflag |= IUTF8;
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
  }

  if (plan.home.empty() || chdir(plan.home.c_str()) != 0) {
    if (chdir("/") != 0) {
      // Stay where we are.
    }
  }

  for (const std::string& path : plan.motd) CopyFileTo(path.c_str(), STDOUT_FILENO);
  WriteAll(STDOUT_FILENO, plan.notice);

  // Block until released: one byte means go, EOF means the server gave up.
  char go = 0;
  ssize_t n;
  do {
    n = read(release_read, &go, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) _exit(1);
  close(release_read);
  sigaction(SIGHUP, &dfl, nullptr);

  execvpe(plan.file.c_str(), argv, envp);
  int err = errno;
  WriteString(STDERR_FILENO, "roam-server: cannot run ");
  WriteString(STDERR_FILENO, plan.file.c_str());
  WriteString(STDERR_FILENO, ": ");
  WriteString(STDERR_FILENO, strerror(err));
  WriteString(STDERR_FILENO, "\r\n");
  _exit(127);
}

// Reads the exec watch pipe without blocking: true once it reports EOF
// (the child exec'd its program, or exited).
bool ExecWatchClosed(int fd) {
  char buf[64];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n > 0) continue;  // nothing is ever written; tolerate it anyway
    if (errno == EINTR) continue;
    return errno != EAGAIN;  // an error counts as closed: nothing more to wait for
  }
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

LoginShell ChooseLoginShell(std::string_view shell_env, std::string_view passwd_shell) {
  LoginShell shell;
  shell.path = !shell_env.empty()      ? std::string(shell_env)
               : !passwd_shell.empty() ? std::string(passwd_shell)
                                       : std::string("/bin/sh");
  size_t slash = shell.path.rfind('/');
  shell.argv0 = "-" + (slash == std::string::npos ? shell.path : shell.path.substr(slash + 1));
  return shell;
}

std::vector<std::string> BuildChildEnvironment(const bootstrap::Environment& parent,
                                               const PtyChildOptions& options,
                                               std::string_view home) {
  bootstrap::Environment env = parent;
  for (const std::string& name : options.env_unset) env.erase(name);
  for (const auto& [name, value] : options.env_set) env[name] = value;
  env["TERM"] = options.colors == 256 ? "xterm-256color" : "xterm";
  env["NCURSES_NO_UTF8_ACS"] = "1";
  env.erase("STY");
  if (!home.empty()) env["PWD"] = std::string(home);
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

std::vector<std::string> MotdFiles(std::string_view home) {
  std::vector<std::string> files;
  if (!home.empty() && FileExists(std::string(home) + "/.hushlogin")) return files;
  if (FileExists("/run/motd.dynamic")) {
    files.push_back("/run/motd.dynamic");
  } else if (FileExists("/var/run/motd.dynamic")) {
    files.push_back("/var/run/motd.dynamic");
  }
  if (FileExists("/etc/motd")) files.push_back("/etc/motd");
  return files;
}

Result<std::unique_ptr<PtyChild>> PtyChild::Start(const PtyChildOptions& options) {
  // Everything the child needs is prepared here, before fork.
  bootstrap::Environment parent_env = bootstrap::CurrentEnvironment();
  for (const std::string& name : options.env_unset) parent_env.erase(name);
  for (const auto& [name, value] : options.env_set) parent_env[name] = value;

  const struct passwd* pw = getpwuid(getuid());
  std::string home;
  if (auto it = parent_env.find("HOME"); it != parent_env.end() && !it->second.empty()) {
    home = it->second;
  } else if (pw != nullptr && pw->pw_dir != nullptr) {
    home = pw->pw_dir;
  }

  ChildPlan plan;
  plan.home = home;
  if (options.command.empty()) {
    std::string shell_env;
    if (auto it = parent_env.find("SHELL"); it != parent_env.end()) shell_env = it->second;
    LoginShell shell = ChooseLoginShell(shell_env, pw != nullptr && pw->pw_shell != nullptr
                                                       ? std::string_view(pw->pw_shell)
                                                       : std::string_view());
    plan.file = shell.path;
    plan.argv = {shell.argv0};
    plan.motd = MotdFiles(home);
    plan.notice = options.login_notice;
  } else {
    plan.file = options.command[0];
    plan.argv = options.command;
  }
  PtyChildOptions env_options = options;
  env_options.env_unset.clear();
  env_options.env_set.clear();
  plan.envp = BuildChildEnvironment(parent_env, env_options, home);
  std::vector<char*> argv = CStrings(plan.argv);
  std::vector<char*> envp = CStrings(plan.envp);

  int release[2];
  if (pipe2(release, O_CLOEXEC) != 0) return IoError(ErrnoText("pipe2"));
  UniqueFd release_read(release[0]);
  UniqueFd release_write(release[1]);
  // The child holds the write end of this pipe until exec (O_CLOEXEC), so
  // EOF on the read end means the program runs (or the child has exited).
  int exec_watch[2];
  if (pipe2(exec_watch, O_CLOEXEC) != 0) return IoError(ErrnoText("pipe2"));
  UniqueFd exec_watch_read(exec_watch[0]);
  UniqueFd exec_watch_write(exec_watch[1]);
  fcntl(exec_watch_read.get(), F_SETFL, O_NONBLOCK);

  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = options.cols;
  ws.ws_row = options.rows;
  int master = -1;
  // The child starts with every signal blocked, so nothing reaches it while
  // it still has the server's handlers: a signal that arrives before
  // RunChild has reset them stays pending and then gets the default action
  // (a hang-up, the master closed by a server that gave up at once, is
  // discarded by SIG_IGN). The parent's mask is restored.
  sigset_t all;
  sigset_t old_mask;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old_mask);
  pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    RunChild(plan, argv.data(), envp.data(), release_read.get(), release_write.get(),
             exec_watch_read.get());
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (pid < 0) return IoError(ErrnoText("forkpty"));
  exec_watch_write.Reset();  // only the child's copy may keep the pipe open
  UniqueFd master_fd(master);
  if (fcntl(master, F_SETFD, FD_CLOEXEC) != 0) {
    // Not fatal: the fd would only leak into programs the server execs.
  }
  return std::unique_ptr<PtyChild>(new PtyChild(pid, std::move(master_fd), std::move(release_write),
                                                std::move(exec_watch_read)));
}

bool PtyChild::ExecConfirmed() {
  if (!exec_watch_.valid()) return true;
  // EOF before release can only mean the child died: nothing to wait for.
  if (!ExecWatchClosed(exec_watch_.get())) return false;
  exec_watch_.Reset();
  return true;
}

PtyChild::~PtyChild() = default;

Status PtyChild::Release() {
  if (released_) return Status::Ok();
  // If the child has already died, the write fails with EPIPE; block SIGPIPE
  // for this thread meanwhile and discard one raised by this write, so the
  // caller gets an error instead of a signal whatever its SIGPIPE setting.
  sigset_t pipe_set;
  sigset_t old_mask;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  const char go = 'g';
  ssize_t n;
  do {
    n = write(release_.get(), &go, 1);
  } while (n < 0 && errno == EINTR);
  const int write_errno = errno;
  if (n < 0 && write_errno == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = write_errno;
  if (n != 1) return IoError(ErrnoText("releasing the session's program"));
  released_ = true;
  release_.Reset();
  return Status::Ok();
}

Status PtyChild::Resize(uint16_t cols, uint16_t rows) {
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = cols;
  ws.ws_row = rows;
  if (ioctl(master_.get(), TIOCSWINSZ, &ws) != 0) return IoError(ErrnoText("TIOCSWINSZ"));
  return Status::Ok();
}

std::optional<int> PtyChild::PollExit() {
  if (exit_status_) return exit_status_;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r != pid_) return std::nullopt;
  if (WIFEXITED(status)) {
    exit_status_ = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit_status_ = 128 + WTERMSIG(status);
  }
  return exit_status_;
}

}  // namespace roam::session
