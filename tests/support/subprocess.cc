#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace roam::testing {

namespace {

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "test support: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

using SteadyClock = std::chrono::steady_clock;

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv, SubprocessOptions options) {
  int out[2];
  int in[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0) Fatal("pipe");
  if (options.pipe_stdin && pipe2(in, O_CLOEXEC) != 0) Fatal("pipe");

  // Build argv/envp before fork: only async-signal-safe calls after it.
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& add : options.env) {
      auto eq = add.find('=');
      if (entry.compare(0, eq + 1, add, 0, eq + 1) == 0) replaced = true;
    }
    if (!replaced) env_strings.push_back(entry);
  }
  for (const auto& add : options.env) env_strings.push_back(add);
  std::vector<char*> cenv;
  for (auto& e : env_strings) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) Fatal("fork");
  if (pid_ == 0) {
    setpgid(0, 0);  // own process group, so Kill() also reaches grandchildren
    dup2(out[1], STDOUT_FILENO);
    if (options.merge_stderr) dup2(out[1], STDERR_FILENO);
    if (options.pipe_stdin) {
      dup2(in[0], STDIN_FILENO);
    } else {
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    }
    execvpe(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  close(out[1]);
  out_fd_ = out[0];
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  if (options.pipe_stdin) {
    close(in[0]);
    in_fd_ = in[1];
  }
}

Subprocess::~Subprocess() {
  if (!reaped_) Kill();
  if (out_fd_ >= 0) close(out_fd_);
  if (in_fd_ >= 0) close(in_fd_);
}

void Subprocess::Drain(int timeout_ms) {
  if (out_fd_ < 0) return;
  pollfd p{out_fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return;
  char buf[4096];
  for (int i = 0; i < 64; ++i) {
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n > 0) {
      output_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {  // EOF: every writer closed
      close(out_fd_);
      out_fd_ = -1;
    }
    break;
  }
}

bool Subprocess::ReadUntil(const std::function<bool(const std::string&)>& pred,
                           std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    if (pred(output_)) return true;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    if (out_fd_ < 0) {
      // No more output will come; only the predicate on what we have counts.
      return pred(output_);
    }
    Drain(static_cast<int>(std::min<long>(left.count(), 100)));
  }
}

bool Subprocess::WriteStdin(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(in_fd_, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

void Subprocess::CloseStdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!reaped_) {
    int st;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    if (SteadyClock::now() >= deadline) return std::nullopt;
    if (out_fd_ >= 0) {
      Drain(20);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  for (int i = 0; i < 10 && out_fd_ >= 0; ++i) Drain(0);
  return status_;
}

void Subprocess::Signal(int sig) {
  if (!reaped_ && pid_ > 0) kill(pid_, sig);
}

void Subprocess::Kill() {
  if (reaped_ || pid_ <= 0) return;
  kill(-pid_, SIGTERM);  // the child's own process group (setpgid above)
  kill(pid_, SIGTERM);
  if (!Wait(std::chrono::milliseconds(2000))) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    Wait(std::chrono::milliseconds(5000));
  }
}

CommandResult RunCommand(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                         SubprocessOptions options) {
  Subprocess p(std::move(argv), std::move(options));
  CommandResult result;
  auto st = p.Wait(timeout);
  if (!st) {
    p.Kill();
  } else {
    result.status = *st;
  }
  result.output = p.output();
  return result;
}

bool PollUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval) {
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

bool HaveProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string p(path);
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string candidate = p.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string ReadFileBytes(const std::string& path) {
  std::string bytes;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return bytes;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      bytes.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fd);
  return bytes;
}

}  // namespace roam::testing
