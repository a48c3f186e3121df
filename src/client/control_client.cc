#include "client/control_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "base/clock.h"
#include "base/signal_pipe.h"
#include "channel/open_header.h"
#include "client/stdio_pump.h"

namespace roam::client {

namespace {

// The command's bytes waiting for the socket, at most (as a channel's send
// buffer bounds them in a session of its own).
constexpr size_t kMaxToSocket = 1 << 20;
constexpr size_t kReadChunk = 64 * 1024;

// The control socket as StdioPump's stream: first the open answer, then the
// channel's bytes.
class ControlStream final : public ByteStream {
 public:
  explicit ControlStream(UniqueFd fd) : fd_(std::move(fd)) {}

  int fd() const { return fd_.get(); }
  bool answered() const { return answered_; }
  bool wants_write() const { return !out_.empty() && !broken_; }

  size_t writable() const override {
    return answered_ && !write_closed_ && !broken_
               ? kMaxToSocket - std::min(kMaxToSocket, out_.size())
               : 0;
  }
  size_t Write(std::string_view data) override {
    const size_t n = std::min(data.size(), writable());
    out_.append(data.substr(0, n));
    return n;
  }
  size_t Read(std::string* out, size_t max) override {
    const size_t n = std::min(max, in_.size());
    out->append(in_, 0, n);
    in_.erase(0, n);
    return n;
  }
  void CloseWrite() override {
    write_closed_ = true;
    MaybeShutdown();
  }
  void Cancel() override {
    // The serving session sees the socket go and resets the channel.
    shutdown(fd_.get(), SHUT_RDWR);
    in_.clear();
    peer_done_ = true;
  }
  bool eof() const override { return peer_done_ && in_.empty(); }
  std::optional<std::string> broken() const override { return broken_; }

  // The request goes first.
  void SendRequest(const std::string& request) { out_ = channel::EncodeOpenRequest(request); }

  // Reads what the socket has (while `room`), then the answer if it is not
  // in yet.
  void OnReadable(bool room) {
    for (int round = 0; round < 16 && room && !peer_done_; ++round) {
      char buf[kReadChunk];
      const ssize_t n = read(fd_.get(), buf, sizeof buf);
      if (n > 0) {
        (answered_ ? in_ : head_).append(buf, static_cast<size_t>(n));
        if (!answered_) ParseAnswer();
        if (in_.size() >= kReadChunk * 4) break;
        continue;
      }
      if (n == 0) {
        peer_done_ = true;
        if (!answered_ && !broken_)
          broken_ = "the session serving this command ended before it started";
      } else if (errno != EAGAIN && errno != EINTR) {
        broken_ = "the session serving this command ended (" + std::string(strerror(errno)) + ")";
      }
      break;
    }
  }
  void OnWritable() {
    while (!out_.empty()) {
      const ssize_t n = send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL);
      if (n > 0) {
        out_.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        broken_ = "the session serving this command ended";
        out_.clear();
      }
      break;
    }
    MaybeShutdown();
  }

 private:
  void ParseAnswer() {
    Result<std::optional<channel::ParsedAnswer>> parsed = channel::ParseOpenAnswer(head_);
    if (!parsed.ok()) {
      broken_ = parsed.status().message();
      return;
    }
    if (!*parsed) return;
    if (!(*parsed)->accepted) {
      broken_ = "the server refused the command: " + (*parsed)->reason;
      return;
    }
    answered_ = true;
    in_ = head_.substr((*parsed)->consumed);
    head_.clear();
  }
  void MaybeShutdown() {
    if (write_closed_ && out_.empty() && !shut_) {
      shut_ = true;
      shutdown(fd_.get(), SHUT_WR);
    }
  }

  UniqueFd fd_;
  std::string head_;  // before the answer is whole
  std::string in_;    // the channel's bytes, read and not yet taken
  std::string out_;   // for the socket
  bool answered_ = false;
  bool write_closed_ = false;
  bool shut_ = false;
  bool peer_done_ = false;
  std::optional<std::string> broken_;
};

}  // namespace

int RunControlClient(UniqueFd socket, const ControlClientConfig& config) {
  Result<std::unique_ptr<SignalPipe>> signals =
      SignalPipe::Install({SIGTERM, SIGINT, SIGHUP, SIGPIPE});
  if (!signals.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), signals.status().message().c_str());
    return StdioPump::kFailureStatus;
  }
  fcntl(socket.get(), F_SETFL, fcntl(socket.get(), F_GETFL) | O_NONBLOCK);
  const int in_flags = fcntl(STDIN_FILENO, F_GETFL);
  const int out_flags = fcntl(STDOUT_FILENO, F_GETFL);
  fcntl(STDIN_FILENO, F_SETFL, in_flags | O_NONBLOCK);
  fcntl(STDOUT_FILENO, F_SETFL, out_flags | O_NONBLOCK);

  const SystemClock clock;
  const TimePoint started = clock.Now();
  ControlStream stream(std::move(socket));
  stream.SendRequest(config.request);
  StdioPump pump(/*exec=*/true);
  bool stdin_closed = false;
  // Bounded by the command: each round either moves bytes or waits in poll
  // for some; the loop ends when the command has ended (or the stream broke).
  while (!pump.finished()) {
    if (stream.answered() && config.stdin_null && !stdin_closed) {
      stdin_closed = true;
      pump.CloseStdin(&stream);
    }
    pollfd fds[4] = {
        {(*signals)->read_fd(), POLLIN, 0},
        {stream.fd(),
         static_cast<short>((pump.wants_stream_input() ? POLLIN : 0) |
                            (stream.wants_write() ? POLLOUT : 0)),
         0},
        {stream.answered() && pump.wants_stdin(stream) ? STDIN_FILENO : -1, POLLIN, 0},
        {pump.wants_stdout() ? STDOUT_FILENO : -1, POLLOUT, 0},
    };
    if (poll(fds, 4, -1) < 0 && errno != EINTR) {
      pump.Fail(std::string("poll: ") + strerror(errno));
      break;
    }
    if (fds[0].revents & POLLIN) {
      for (int sig : (*signals)->Drain()) {
        // Before the answer the command may not run yet: the signal ends roam.
        if (!stream.answered() || !pump.PassSignal(&stream, sig)) pump.Fail("interrupted");
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) stream.OnReadable(pump.wants_stream_input());
    if (!stream.answered()) {
      if (std::optional<std::string> why = stream.broken()) pump.Fail(*why);
      if (fds[1].revents & POLLOUT) stream.OnWritable();
      continue;
    }
    pump.Step(&stream, fds[2].revents & (POLLIN | POLLHUP | POLLERR),
              fds[3].revents & (POLLOUT | POLLERR));
    stream.OnWritable();
  }
  fcntl(STDIN_FILENO, F_SETFL, in_flags);
  fcntl(STDOUT_FILENO, F_SETFL, out_flags);
  if (!pump.failure().empty()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), pump.failure().c_str());
  }
  if (config.verbose) {
    std::fprintf(stderr, "%s: through a shared session: %llu bytes out, %llu bytes in, %.3f s\n",
                 config.program.c_str(), static_cast<unsigned long long>(pump.bytes_out()),
                 static_cast<unsigned long long>(pump.bytes_in()),
                 std::chrono::duration<double>(clock.Now() - started).count());
  }
  return pump.status();
}

}  // namespace roam::client
