#include "base/signal_pipe.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace roam {

namespace {

std::atomic<int> g_write_fd{-1};

void OnSignal(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  ssize_t ignored = write(g_write_fd.load(), &byte, 1);
  (void)ignored;
  errno = saved;
}

}  // namespace

Result<std::unique_ptr<SignalPipe>> SignalPipe::Install(std::initializer_list<int> signals) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return IoError("pipe: " + std::string(std::strerror(errno)));
  }
  std::unique_ptr<SignalPipe> pipe(new SignalPipe(UniqueFd(fds[0]), UniqueFd(fds[1])));
  g_write_fd = fds[1];
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : signals) sigaction(sig, &sa, nullptr);
  return pipe;
}

SignalPipe::~SignalPipe() {
  // A late signal must not write into a reused descriptor number.
  int expected = write_.get();
  g_write_fd.compare_exchange_strong(expected, -1);
}

std::vector<int> SignalPipe::Drain() {
  std::vector<int> out;
  unsigned char buf[64];
  for (int i = 0; i < 16; ++i) {
    ssize_t n = read(read_.get(), buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t k = 0; k < n; ++k) out.push_back(buf[k]);
  }
  return out;
}

}  // namespace roam
