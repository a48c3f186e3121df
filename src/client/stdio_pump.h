// StdioPump: this process's stdin, stdout and stderr joined to the byte
// stream of a remote command or test service — the part of `roam host --
// command` that is the same whether the stream is a channel of this
// process's own session (ChannelSession) or a control socket into another
// roam process's session (ControlClient, client/control_socket.h).
//
// stdin goes into the stream (as exec records for a command, docs/protocol.md
// §9.11; its EOF becomes the stream's end); what comes back goes to stdout
// and, for a command, stderr, and the command's exit status is kept. Every
// buffer is bounded: stdin is read only while the stream has room, the
// stream only while less than kMaxPendingOutput waits for stdout.

#ifndef ROAM_CLIENT_STDIO_PUMP_H_
#define ROAM_CLIENT_STDIO_PUMP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "service/exec_records.h"

namespace roam::client {

// The far end as StdioPump sees it.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Bytes Write would take now.
  virtual size_t writable() const = 0;
  virtual size_t Write(std::string_view data) = 0;
  // Appends at most `max` bytes to `out`; 0 when nothing is there now.
  virtual size_t Read(std::string* out, size_t max) = 0;
  // Nothing more will be written (stdin ended).
  virtual void CloseWrite() = 0;
  // Nobody will read what comes (stdout is gone): stop the service.
  virtual void Cancel() = 0;
  // The far end finished sending and everything has been read.
  virtual bool eof() const = 0;
  // Why the stream broke (refused, reset, the carrying session ended), if it did.
  virtual std::optional<std::string> broken() const = 0;
};

class StdioPump {
 public:
  static constexpr size_t kMaxPendingOutput = 1 << 20;
  static constexpr int kFailureStatus = 255;

  // `exec`: the stream carries exec records (a command), else raw bytes.
  explicit StdioPump(bool exec) : exec_(exec) {}

  // Poll interest.
  bool wants_stdin(const ByteStream& stream) const;
  bool wants_stdout() const { return !output_.empty() && stdout_open_; }
  bool wants_stream_input() const {
    return !finished_ && output_.size() < kMaxPendingOutput && errors_.size() < kMaxPendingOutput;
  }

  // The command reads nothing (ssh -n): its stdin ends now.
  void CloseStdin(ByteStream* stream);
  // One round: stdin into the stream if `stdin_ready`, the stream's bytes to
  // stderr and (if `stdout_ready`) stdout; finishes when the far end has
  // ended and everything was written, or fails.
  void Step(ByteStream* stream, bool stdin_ready, bool stdout_ready);
  // An interrupt: the first one goes to a command (as if typed at its
  // terminal) and true is returned; otherwise the caller ends roam.
  bool PassSignal(ByteStream* stream, int sig);
  // Ends with roam's own failure `message` (255).
  void Fail(const std::string& message);

  bool finished() const { return finished_; }
  // The exit status: the command's, 0 for a test service, 255 on failure.
  int status() const { return status_; }
  const std::string& failure() const { return failure_; }
  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }

 private:
  void ReadStream(ByteStream* stream);

  const bool exec_;
  bool stdin_open_ = true;
  bool stdout_open_ = true;
  bool finished_ = false;
  std::string output_;  // for stdout
  std::string errors_;  // for stderr (exec)
  service::RecordReader records_;
  std::optional<int> exit_status_;
  int signals_passed_ = 0;
  int status_ = 0;
  std::string failure_;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_STDIO_PUMP_H_
