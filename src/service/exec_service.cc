#include "service/exec_service.h"

#include <fcntl.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace roam::service {

namespace {

// Bytes held for the command's stdin before the channel is read again.
constexpr size_t kMaxToChild = 256 * 1024;
// Signals a client may send to the command (as sshd's "signal" request).
constexpr int kAllowedSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGKILL,
                                   SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE};
// Signals the server handles or ignores that a command must find at default.
constexpr int kResetSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGPIPE,
                                 SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM, SIGWINCH};

bool AllowedEnv(const std::string& entry) {
  const size_t eq = entry.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  const std::string name = entry.substr(0, eq);
  return name == "LANG" || name == "LANGUAGE" || name.rfind("LC_", 0) == 0;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Everything the child needs, computed before fork so that the child only
// makes async-signal-safe calls.
struct ChildPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string home;

  void Finish() {
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
};

[[noreturn]] void RunChild(const ChildPlan& plan) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : kResetSignals) signal(sig, SIG_DFL);
  if (chdir(plan.home.c_str()) != 0) (void)chdir("/");
  execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  const char msg[] = "roam-server: cannot run the shell\n";
  (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
  _exit(127);
}

// Commands hung up by Abort() before they ended, to be reaped later.
std::vector<pid_t>& Abandoned() {
  static std::vector<pid_t> pids;
  return pids;
}

}  // namespace

void ReapAbandonedCommands() {
  std::erase_if(Abandoned(), [](pid_t pid) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    return r == pid || (r < 0 && errno == ECHILD);
  });
}

ExecEnvironment CurrentExecEnvironment() {
  ExecEnvironment e;
  for (char** p = environ; p && *p; ++p) e.env.emplace_back(*p);
  const passwd* pw = getpwuid(getuid());
  const char* shell = std::getenv("SHELL");
  if (shell && *shell) {
    e.shell = shell;
  } else if (pw && pw->pw_shell && *pw->pw_shell) {
    e.shell = pw->pw_shell;
  }
  const char* home = std::getenv("HOME");
  if (home && *home) {
    e.home = home;
  } else if (pw && pw->pw_dir) {
    e.home = pw->pw_dir;
  }
  for (const char* candidate : {"/usr/lib/openssh/sftp-server", "/usr/libexec/sftp-server",
                                "/usr/libexec/openssh/sftp-server"}) {
    if (access(candidate, X_OK) == 0) {
      e.sftp_server = candidate;
      break;
    }
  }
  return e;
}

Result<std::unique_ptr<ExecService>> ExecService::Start(uint64_t channel,
                                                        const RoamChannel::Exec& request,
                                                        const ExecEnvironment& environment) {
  std::string command;
  if (request.has_subsystem()) {
    if (request.subsystem() != "sftp") {
      return InvalidArgument("unknown subsystem \"" + request.subsystem() + "\"");
    }
    command = environment.sftp_server;
  } else if (request.has_command()) {
    command = request.command();
  } else {
    return InvalidArgument("exec request without a command");
  }
  ChildPlan plan;
  plan.home = environment.home;
  plan.argv_storage = {environment.shell, "-c", command};
  for (const std::string& e : environment.env) {
    const std::string name = e.substr(0, e.find('='));
    if (name == "TERM" && request.pty()) continue;
    // The session's own key never reaches a command.
    if (name == "MOSH_KEY") continue;
    const bool overridden = std::any_of(
        request.env().begin(), request.env().end(),
        [&](const std::string& r) { return AllowedEnv(r) && r.substr(0, r.find('=')) == name; });
    if (!overridden) plan.env_storage.push_back(e);
  }
  for (const std::string& e : request.env()) {
    if (AllowedEnv(e)) plan.env_storage.push_back(e);
  }
  if (request.pty()) {
    plan.env_storage.push_back("TERM=" +
                               (request.term().empty() ? std::string("xterm") : request.term()));
  }
  plan.Finish();

  if (request.pty()) {
    winsize ws{};
    ws.ws_col = static_cast<unsigned short>(std::clamp<uint32_t>(request.cols(), 1, 4096));
    ws.ws_row = static_cast<unsigned short>(std::clamp<uint32_t>(request.rows(), 1, 4096));
    if (request.cols() == 0) ws.ws_col = 80;
    if (request.rows() == 0) ws.ws_row = 24;
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
    if (pid < 0) return IoError(std::string("forkpty: ") + std::strerror(errno));
    if (pid == 0) RunChild(plan);
    SetNonBlocking(master);
    UniqueFd out(master);
    UniqueFd in(dup(master));
    return std::unique_ptr<ExecService>(
        new ExecService(channel, pid, true, std::move(in), std::move(out), UniqueFd()));
  }

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return IoError("pipe failed");
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return IoError("pipe failed");
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) close(fd);
    return IoError("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    return IoError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    setsid();
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    RunChild(plan);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]}) SetNonBlocking(fd);
  return std::unique_ptr<ExecService>(new ExecService(
      channel, pid, false, UniqueFd(in_pipe[1]), UniqueFd(out_pipe[0]), UniqueFd(err_pipe[0])));
}

ExecService::ExecService(uint64_t channel, pid_t pid, bool pty, UniqueFd in, UniqueFd out,
                         UniqueFd err)
    : channel_(channel),
      pid_(pid),
      pty_(pty),
      stdin_(std::move(in)),
      stdout_(std::move(out)),
      stderr_(std::move(err)),
      stderr_open_(!pty) {}

ExecService::~ExecService() { Abort(); }

void ExecService::AddPollFds(std::vector<pollfd>* fds) const {
  if (done_) return;
  if (stdout_open_) fds->push_back(pollfd{stdout_.get(), POLLIN, 0});
  if (stderr_open_) fds->push_back(pollfd{stderr_.get(), POLLIN, 0});
  if (!to_child_.empty() && stdin_.valid()) fds->push_back(pollfd{stdin_.get(), POLLOUT, 0});
}

void ExecService::ReadChannel(channel::Mux* mux) {
  for (int round = 0; round < 16 && to_child_.size() < kMaxToChild; ++round) {
    std::string bytes;
    if (mux->Read(channel_, &bytes, kMaxToChild - to_child_.size()) == 0) break;
    reader_.Feed(bytes);
    for (;;) {
      Result<std::optional<Record>> record = reader_.Next();
      if (!record.ok()) {
        mux->Reset(channel_, channel::kErrorBadRequest);
        Abort();
        return;
      }
      if (!*record) break;
      const Record& r = **record;
      switch (r.type) {
        case RecordType::kData:
          if (!stdin_closed_) to_child_ += r.payload;
          break;
        case RecordType::kWindow:
          if (Result<std::pair<uint64_t, uint64_t>> size = RecordNumberPair(r.payload);
              size.ok() && pty_) {
            winsize ws{};
            ws.ws_col = static_cast<unsigned short>(std::clamp<uint64_t>(size->first, 1, 4096));
            ws.ws_row = static_cast<unsigned short>(std::clamp<uint64_t>(size->second, 1, 4096));
            ioctl(stdout_.get(), TIOCSWINSZ, &ws);
          }
          break;
        case RecordType::kSignal:
          if (Result<uint64_t> sig = RecordNumber(r.payload); sig.ok()) {
            for (int allowed : kAllowedSignals) {
              if (static_cast<uint64_t>(allowed) == *sig && !exit_status_) kill(-pid_, allowed);
            }
          }
          break;
        default:
          break;  // the server's own record types mean nothing coming in
      }
    }
  }
}

void ExecService::WriteChild() {
  while (!to_child_.empty() && stdin_.valid()) {
    ssize_t n = write(stdin_.get(), to_child_.data(), to_child_.size());
    if (n > 0) {
      to_child_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // The command closed its stdin: drop what it will never read.
    to_child_.clear();
    stdin_closed_ = true;
    if (!pty_) stdin_.Reset();
  }
}

void ExecService::ReadChild(channel::Mux* mux, const std::vector<pollfd>& fds) {
  struct Stream {
    UniqueFd* fd;
    bool* open;
    RecordType type;
  };
  for (Stream s : {Stream{&stdout_, &stdout_open_, RecordType::kData},
                   Stream{&stderr_, &stderr_open_, RecordType::kStderr}}) {
    if (!*s.open || !(Revents(fds, s.fd->get()) & (POLLIN | POLLHUP | POLLERR))) continue;
    for (int round = 0; round < 16; ++round) {
      std::optional<channel::ChannelInfo> info = mux->Info(channel_);
      if (!info || info->writable <= kMaxRecordHeader) break;
      char buf[kMaxRecordPayload];
      const size_t room = std::min(info->writable - kMaxRecordHeader, sizeof buf);
      ssize_t n = read(s.fd->get(), buf, room);
      if (n > 0) {
        std::string record;
        AppendRecord(s.type, std::string_view(buf, static_cast<size_t>(n)), &record);
        (void)mux->Write(channel_, record);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      // EOF, or EIO on a pty whose program (and everyone holding it) ended.
      *s.open = false;
      break;
    }
  }
}

void ExecService::Reap() {
  if (exit_status_) return;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return;
  if (WIFEXITED(status)) {
    exit_status_ = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit_status_ = 128 + WTERMSIG(status);
  } else {
    exit_status_ = 255;
  }
}

void ExecService::Finish(channel::Mux* mux) {
  // All output read and the command gone: the exit record, then FIN.
  std::optional<channel::ChannelInfo> info = mux->Info(channel_);
  if (!info) {
    done_ = true;
    return;
  }
  const std::string record = ExitRecord(*exit_status_);
  if (info->writable < record.size()) return;  // room comes as the client reads
  (void)mux->Write(channel_, record);
  mux->CloseWrite(channel_);
  mux->Release(channel_);
  done_ = true;
}

void ExecService::Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint) {
  if (done_) return;
  std::optional<channel::ChannelInfo> info = mux->Info(channel_);
  if (!info || info->peer_reset || info->stop_sending) {
    Abort();
    if (info) mux->Release(channel_);
    return;
  }
  ReadChannel(mux);
  if (done_) return;
  WriteChild();
  info = mux->Info(channel_);
  if (info && info->eof && to_child_.empty() && !stdin_closed_) {
    stdin_closed_ = true;
    if (!pty_) stdin_.Reset();  // the command sees EOF on its stdin
  }
  ReadChild(mux, fds);
  Reap();
  if (exit_status_ && !stdout_open_ && !stderr_open_) Finish(mux);
}

void ExecService::Abort() {
  if (!exit_status_ && pid_ > 0) {
    kill(-pid_, SIGHUP);
    kill(pid_, SIGHUP);
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = 255;
    } else {
      Abandoned().push_back(pid_);
      exit_status_ = 255;
    }
  }
  stdin_.Reset();
  stdout_.Reset();
  stderr_.Reset();
  stdout_open_ = stderr_open_ = false;
  done_ = true;
}

}  // namespace roam::service
