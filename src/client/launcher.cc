#include "client/launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crypto/secret_hygiene.h"

namespace roam::client {

namespace {

// How long one wait for ssh's output lasts before the deadline is checked.
constexpr std::chrono::milliseconds kOutputPollStep(200);

void ApplyEnv(const EnvChanges& env) {
  for (const auto& [name, value] : env) {
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
}

[[noreturn]] void Exec(const std::vector<std::string>& argv) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  std::fprintf(stderr, "%s: %s\n", argv[0].c_str(), std::strerror(errno));
  _exit(127);
}

// Waits for `pid` to exit: polls at 1, 2, 4, ... ms (capped at 100 ms), so
// the session does not start a whole poll period late; SIGTERM after 5 s,
// SIGKILL after 10 s. Returns the exit status unless it had to be ended.
std::optional<int> Reap(pid_t pid) {
  int status = 0;
  bool ended_by_us = false;
  const auto start = std::chrono::steady_clock::now();
  for (int step_ms = 1;; step_ms = std::min(2 * step_ms, 100)) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited >= std::chrono::seconds(10)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return std::nullopt;
    }
    if (waited >= std::chrono::seconds(5) && !ended_by_us) {
      kill(pid, SIGTERM);
      ended_by_us = true;
    }
    poll(nullptr, 0, step_ms);
  }
  if (ended_by_us) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

}  // namespace

Launched Launch(const LaunchOptions& options) {
  Launched result;
  // stdout carries the bootstrap lines (and, with a stream, the stream);
  // stderr is merged into it unless stdout must stay clean for the stream.
  int out[2];
  int err[2] = {-1, -1};
  int in[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0) return result;
  if (options.keep_stream && (pipe2(err, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0)) {
    for (int fd : {out[0], out[1], err[0], err[1], in[0], in[1]}) {
      if (fd >= 0) close(fd);
    }
    return result;
  }
  const pid_t pid = fork();
  if (pid < 0) return result;
  if (pid == 0) {
    ApplyEnv(options.env);
    dup2(out[1], STDOUT_FILENO);
    dup2(options.keep_stream ? err[1] : out[1], STDERR_FILENO);
    if (options.keep_stream) dup2(in[0], STDIN_FILENO);
    Exec(options.argv);
  }
  close(out[1]);
  if (options.keep_stream) {
    close(err[1]);
    close(in[0]);
  }
  bootstrap::ConnectLineScanner scanner;
  // With a separate stderr, the ProxyCommand's `MOSH IP` line comes there.
  bootstrap::ConnectLineScanner err_scanner;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buf[4096];
  auto show = [&](std::string_view text) {
    AppendBootstrapOutput(&result.outcome, text);
    if (options.show_output) std::fwrite(text.data(), 1, text.size(), stderr);
  };
  bool out_open = true;
  bool err_open = options.keep_stream;
  while (!scanner.done() && out_open && std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(kOutputPollStep.count())) <= 0) continue;
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(err[0], buf, sizeof buf);
      if (n > 0) {
        show(err_scanner.Feed(std::string_view(buf, static_cast<size_t>(n))));
      } else {
        err_open = false;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) {
        out_open = false;
        break;
      }
      // With a stream, nothing follows the CONNECT line until the client
      // sends (the relay only answers), so a read holds no stream bytes.
      show(scanner.Feed(std::string_view(buf, static_cast<size_t>(n))));
    }
  }
  if (!scanner.done()) show(scanner.Finish());
  if (options.keep_stream) show(err_scanner.Finish());
  crypto::Wipe(buf, sizeof buf);  // it held the CONNECT line
  result.outcome.saw_connect = scanner.done();
  result.connect = scanner.connect();
  result.ip = scanner.ip() ? scanner.ip() : err_scanner.ip();
  result.tcp_port = scanner.tcp_port();
  result.notes = scanner.notes();
  if (options.keep_stream && scanner.done()) {
    // ssh stays: its stdout and stdin are the stream; its stderr is no
    // longer read (the server's start printed everything it had to say).
    result.stream = StreamProcess{pid, UniqueFd(out[0]), UniqueFd(in[1]), UniqueFd(err[0])};
    return result;
  }
  close(out[0]);
  if (options.keep_stream) {
    close(err[0]);
    close(in[1]);
  }
  // ssh exits once the server has detached (or, without a CONNECT line,
  // once the remote command ended); a bounded wait, then it is ended. An ssh
  // ended that way has no exit status of its own to report.
  result.outcome.ssh_exit_status = Reap(pid);
  return result;
}

Result<StreamProcess> StartStreamProcess(const std::vector<std::string>& argv,
                                         const EnvChanges& env) {
  int out[2];
  int in[2];
  if (pipe2(out, O_CLOEXEC) != 0) return IoError("pipe failed");
  if (pipe2(in, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return IoError("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], in[0], in[1]}) close(fd);
    return IoError("fork failed");
  }
  if (pid == 0) {
    ApplyEnv(env);
    dup2(out[1], STDOUT_FILENO);
    dup2(in[0], STDIN_FILENO);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDERR_FILENO);
    Exec(argv);
  }
  close(out[1]);
  close(in[0]);
  return StreamProcess{pid, UniqueFd(out[0]), UniqueFd(in[1]), UniqueFd()};
}

void EndProcess(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) return;
  kill(pid, SIGTERM);
  const auto start = std::chrono::steady_clock::now();
  for (int step_ms = 1; std::chrono::steady_clock::now() - start < grace;
       step_ms = std::min(2 * step_ms, 50)) {
    if (waitpid(pid, &status, WNOHANG) == pid) return;
    poll(nullptr, 0, step_ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
}

}  // namespace roam::client
