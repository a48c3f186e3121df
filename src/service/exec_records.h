// ExecRecords: the framing of an exec channel (docs/protocol.md §9.11).
//
// A remote command has more than one byte stream (stdout and stderr), an
// exit status, and, with a pty, window sizes and signals, so the channel
// carries records instead of raw bytes:
//
//   record = type(u8) ‖ varint length ‖ payload (length bytes)
//
//   server → client: 1 stdout, 2 stderr, 3 exit (payload: varint status)
//   client → server: 1 stdin,  4 window (varint cols ‖ varint rows),
//                    5 signal (varint signal number)
//
// The end of stdin is the client's FIN; the server sends FIN after the exit
// record. RecordReader takes bytes as they arrive and hands out whole
// records; a record type it does not know, or a length above
// kMaxRecordPayload, is malformed (the caller resets the channel).

#ifndef ROAM_SERVICE_EXEC_RECORDS_H_
#define ROAM_SERVICE_EXEC_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::service {

enum class RecordType : uint8_t {
  kData = 1,    // stdout (server → client) or stdin (client → server)
  kStderr = 2,  // server → client
  kExit = 3,    // server → client: varint status
  kWindow = 4,  // client → server: varint cols, varint rows
  kSignal = 5,  // client → server: varint signal number
};

// Records never carry more than this; senders cut data into pieces.
inline constexpr size_t kMaxRecordPayload = 64 * 1024;
// The most a record's header (type and length) takes.
inline constexpr size_t kMaxRecordHeader = 1 + 4;

struct Record {
  RecordType type = RecordType::kData;
  std::string payload;
};

// Appends one record. REQUIRES: payload.size() <= kMaxRecordPayload.
void AppendRecord(RecordType type, std::string_view payload, std::string* out);
std::string ExitRecord(int status);
std::string WindowRecord(int cols, int rows);
std::string SignalRecord(int signal);

// Parses the integers of an exit, window or signal record's payload.
// Errors: kMalformed.
Result<uint64_t> RecordNumber(std::string_view payload);
Result<std::pair<uint64_t, uint64_t>> RecordNumberPair(std::string_view payload);

class RecordReader {
 public:
  // Appends bytes from the channel.
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole record, nullopt when more bytes are needed.
  // Errors: kMalformed (unknown type, oversized length); the reader is then
  // useless and the channel must be reset.
  Result<std::optional<Record>> Next();
  // Bytes held that are not a whole record yet (at most one record's worth
  // plus what was fed since).
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  std::string buffer_;
  size_t pos_ = 0;
};

}  // namespace roam::service

#endif  // ROAM_SERVICE_EXEC_RECORDS_H_
