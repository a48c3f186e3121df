#include "oracle/common/pty_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace roam::oracle {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Grace given to a child between SIGTERM and SIGKILL when the runner ends.
constexpr auto kKillGrace = std::chrono::milliseconds(500);
// Bound on one write of typed input (the pty input queue is small, and a
// program that never reads would otherwise block the test forever).
constexpr auto kSendTimeout = std::chrono::milliseconds(5000);

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "pty runner: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

int RemainingMs(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

PtyRunner::PtyRunner(std::vector<std::string> argv, PtyOptions options) {
  // Everything the child needs is built before fork: only async-signal-safe
  // calls happen after it.
  std::vector<std::string> adds = {"TERM=" + options.term, "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                                   "COLUMNS=" + std::to_string(options.cols),
                                   "LINES=" + std::to_string(options.rows)};
  adds.insert(adds.end(), options.env.begin(), options.env.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& add : adds) {
      size_t eq = add.find('=');
      if (entry.compare(0, eq + 1, add, 0, eq + 1) == 0) replaced = true;
    }
    // Programs must not believe they run inside the test's own tmux.
    if (entry.rfind("TMUX=", 0) == 0 || entry.rfind("TMUX_PANE=", 0) == 0) replaced = true;
    if (!replaced) env_strings.push_back(entry);
  }
  // Later entries override earlier ones with the same name.
  for (size_t i = 0; i < adds.size(); ++i) {
    size_t eq = adds[i].find('=');
    bool overridden = false;
    for (size_t j = i + 1; j < adds.size(); ++j) {
      if (adds[j].compare(0, eq + 1, adds[i], 0, eq + 1) == 0) overridden = true;
    }
    if (!overridden) env_strings.push_back(adds[i]);
  }
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (auto& e : env_strings) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  const char* cwd = options.cwd.empty() ? nullptr : options.cwd.c_str();

  struct winsize ws = {};
  ws.ws_col = static_cast<unsigned short>(options.cols);
  ws.ws_row = static_cast<unsigned short>(options.rows);
  pid_ = forkpty(&master_, nullptr, nullptr, &ws);
  if (pid_ < 0) Fatal("forkpty");
  if (pid_ == 0) {
    if (cwd != nullptr && chdir(cwd) != 0) _exit(126);
    execvpe(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
  fcntl(master_, F_SETFD, FD_CLOEXEC);
}

PtyRunner::~PtyRunner() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGHUP);
    kill(pid_, SIGTERM);
    auto deadline = SteadyClock::now() + kKillGrace;
    while (!reaped_ && SteadyClock::now() < deadline) {
      if (!eof_) {
        ReadOnce(20);
      } else {
        poll(nullptr, 0, 20);
      }
      Reap(false);
    }
    if (!reaped_) {
      kill(pid_, SIGKILL);
      Reap(true);
    }
  }
  if (master_ >= 0) close(master_);
}

void PtyRunner::Reap(bool block) {
  if (reaped_) return;
  int status = 0;
  pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}

bool PtyRunner::ReadOnce(int wait_ms) {
  if (eof_) return false;
  struct pollfd pfd = {master_, POLLIN, 0};
  int n = poll(&pfd, 1, wait_ms);
  if (n <= 0) return true;
  char buf[65536];
  ssize_t got = read(master_, buf, sizeof(buf));
  if (got > 0) {
    output_.append(buf, static_cast<size_t>(got));
    if (responder_) {
      std::string reply = responder_(std::string_view(buf, static_cast<size_t>(got)));
      if (!reply.empty()) Send(reply);
    }
    return true;
  }
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  // EIO: the slave side is closed (the program and its children exited).
  eof_ = true;
  return false;
}

bool PtyRunner::Send(std::string_view bytes) {
  auto deadline = SteadyClock::now() + kSendTimeout;
  while (!bytes.empty()) {
    ssize_t n = write(master_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (SteadyClock::now() >= deadline) return false;
    // Keep draining output so a program blocked on writing can read input.
    ReadOnce(10);
  }
  return true;
}

bool PtyRunner::WaitFor(std::string_view needle, size_t from, std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    if (output_.find(needle, from <= output_.size() ? from : output_.size()) != std::string::npos) {
      return true;
    }
    if (eof_ || SteadyClock::now() >= deadline) return false;
    ReadOnce(RemainingMs(deadline) < 50 ? RemainingMs(deadline) : 50);
  }
}

bool PtyRunner::WaitQuiet(std::chrono::milliseconds quiet, std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  auto last_change = SteadyClock::now();
  size_t seen = output_.size();
  for (;;) {
    if (eof_) return true;
    auto now = SteadyClock::now();
    if (now - last_change >= quiet) return true;
    if (now >= deadline) return false;
    ReadOnce(10);
    if (output_.size() != seen) {
      seen = output_.size();
      last_change = SteadyClock::now();
    }
  }
}

std::optional<int> PtyRunner::WaitExit(std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    if (!eof_) ReadOnce(20);
    Reap(false);
    if (reaped_ && eof_) return status_;
    if (reaped_) {
      // Drain what is left; stop at EOF or once nothing more arrives.
      for (;;) {
        size_t before = output_.size();
        ReadOnce(20);
        if (eof_ || output_.size() == before || SteadyClock::now() >= deadline) break;
      }
      return status_;
    }
    if (SteadyClock::now() >= deadline) return std::nullopt;
    if (eof_) poll(nullptr, 0, 10);
  }
}

size_t CompletePrefix(std::string_view bytes) {
  size_t n = bytes.size();
  size_t esc = bytes.rfind('\x1b');
  if (esc != std::string_view::npos) {
    if (esc + 1 >= n) return esc;
    unsigned char kind = static_cast<unsigned char>(bytes[esc + 1]);
    if (kind == '[') {
      // CSI: parameters and intermediates, then a final byte 0x40-0x7E.
      size_t i = esc + 2;
      while (i < n && static_cast<unsigned char>(bytes[i]) >= 0x20 &&
             static_cast<unsigned char>(bytes[i]) <= 0x3F) {
        ++i;
      }
      if (i >= n) return esc;
    } else if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
      // A string: ends with BEL or ST (ESC \, whose ESC would be the last
      // one found, so only BEL can end it here).
      if (bytes.find('\x07', esc + 2) == std::string_view::npos) return esc;
    } else if (kind >= 0x20 && kind <= 0x2F) {
      // Intermediates, then a final byte.
      size_t i = esc + 2;
      while (i < n && static_cast<unsigned char>(bytes[i]) >= 0x20 &&
             static_cast<unsigned char>(bytes[i]) <= 0x2F) {
        ++i;
      }
      if (i >= n) return esc;
    }
  }
  // A UTF-8 character cut short: back up to its lead byte.
  size_t cont = 0;
  while (cont < 3 && cont < n && (static_cast<unsigned char>(bytes[n - 1 - cont]) & 0xC0) == 0x80) {
    ++cont;
  }
  if (cont < n) {
    unsigned char lead = static_cast<unsigned char>(bytes[n - 1 - cont]);
    size_t need = (lead & 0xE0) == 0xC0   ? 1
                  : (lead & 0xF0) == 0xE0 ? 2
                  : (lead & 0xF8) == 0xF0 ? 3
                                          : 0;
    if (need > cont) return n - 1 - cont;
  }
  return n;
}

size_t PtyRunner::Checkpoint() {
  size_t begin = checkpoints_.empty() ? 0 : checkpoints_.back();
  size_t end = begin + CompletePrefix(std::string_view(output_).substr(begin));
  checkpoints_.push_back(end);
  return end;
}

std::vector<std::string> PtyRunner::Segments() const {
  std::vector<std::string> out;
  size_t begin = 0;
  for (size_t end : checkpoints_) {
    out.push_back(output_.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

}  // namespace roam::oracle
