#include "client/stdio_pump.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace roam::client {

namespace {

constexpr size_t kReadChunk = 256 * 1024;

size_t HeaderRoom(bool exec) { return exec ? service::kMaxRecordHeader : 0; }

}  // namespace

bool StdioPump::wants_stdin(const ByteStream& stream) const {
  // Only when the stream can take what would be read: a readable stdin
  // must not spin the loop while the far end is slow.
  return stdin_open_ && !finished_ && stream.writable() > HeaderRoom(exec_);
}

void StdioPump::CloseStdin(ByteStream* stream) {
  if (!stdin_open_) return;
  stdin_open_ = false;
  stream->CloseWrite();
}

void StdioPump::Fail(const std::string& message) {
  if (failure_.empty()) failure_ = message;
  status_ = kFailureStatus;
  finished_ = true;
}

void StdioPump::Step(ByteStream* stream, bool stdin_ready, bool stdout_ready) {
  if (finished_) return;
  const size_t header = HeaderRoom(exec_);
  if (stdin_ready && stdin_open_ && stream->writable() > header) {
    size_t room = std::min(stream->writable() - header, kReadChunk);
    if (exec_) room = std::min(room, service::kMaxRecordPayload);
    std::string buf(room, '\0');
    ssize_t n = read(STDIN_FILENO, buf.data(), buf.size());
    if (n > 0) {
      buf.resize(static_cast<size_t>(n));
      if (exec_) {
        std::string record;
        service::AppendRecord(service::RecordType::kData, buf, &record);
        buf = std::move(record);
      }
      (void)stream->Write(buf);
      bytes_out_ += static_cast<uint64_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      CloseStdin(stream);
    }
  }
  ReadStream(stream);
  if (finished_) return;
  while (!errors_.empty()) {
    ssize_t n = write(STDERR_FILENO, errors_.data(), errors_.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      errors_.clear();  // stderr is gone; nothing to do about it
      break;
    }
    errors_.erase(0, static_cast<size_t>(n));
  }
  if (stdout_ready && !output_.empty() && stdout_open_) {
    ssize_t n = write(STDOUT_FILENO, output_.data(), output_.size());
    if (n > 0) {
      output_.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      stdout_open_ = false;  // nobody reads our output: stop the service
      stream->Cancel();
    }
  }
  if (std::optional<std::string> why = stream->broken()) return Fail(*why);
  if (stream->eof() && (output_.empty() || !stdout_open_)) {
    finished_ = true;
    if (exec_) {
      if (exit_status_) {
        status_ = *exit_status_;
      } else {
        failure_ = "the command's exit status did not arrive";
        status_ = kFailureStatus;
      }
    }
    stream->CloseWrite();
  }
}

void StdioPump::ReadStream(ByteStream* stream) {
  for (int round = 0; round < 16; ++round) {
    if (!wants_stream_input()) return;
    std::string bytes;
    const size_t n = stream->Read(&bytes, kMaxPendingOutput - output_.size());
    if (n == 0) return;
    bytes_in_ += n;
    if (!exec_) {
      output_ += bytes;
      continue;
    }
    records_.Feed(bytes);
    for (;;) {
      Result<std::optional<service::Record>> record = records_.Next();
      if (!record.ok()) return Fail("unreadable data from the command's channel");
      if (!*record) break;
      service::Record& r = **record;
      if (r.type == service::RecordType::kData) {
        output_ += r.payload;
      } else if (r.type == service::RecordType::kStderr) {
        errors_ += r.payload;
      } else if (r.type == service::RecordType::kExit) {
        Result<uint64_t> code = service::RecordNumber(r.payload);
        if (!code.ok()) return Fail(code.status().message());
        exit_status_ = static_cast<int>(std::min<uint64_t>(*code, 255));
      }
    }
  }
}

bool StdioPump::PassSignal(ByteStream* stream, int sig) {
  if (!exec_ || finished_ || signals_passed_ > 0 || sig == SIGPIPE) return false;
  ++signals_passed_;
  (void)stream->Write(service::SignalRecord(sig));
  return true;
}

}  // namespace roam::client
