// History records: what a history channel carries from a roam server to its
// client (docs/protocol.md §9.13), the lines a client asked for by number:
//
//   record = type(u8) ‖ varint length ‖ payload          (RFC 9000 varint)
//   type 1, line: one line in the scrollback line format (§8.6)
//   type 2, gap:  varint count of lines the server no longer holds
//
// Lines and gaps come in line order from the first line asked for; the
// server sends FIN after the last. HistoryRecordReader takes the bytes as
// they arrive and hands out whole records; an unknown type, a length above
// kMaxHistoryRecord, a gap whose payload is not one varint, or a line that
// does not decode (or is wider than the emulator's limit) is malformed, and
// the caller resets the channel.

#ifndef ROAM_STATE_HISTORY_RECORDS_H_
#define ROAM_STATE_HISTORY_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::state {

// The longest record payload (a 4096-column line of the most complex cells
// fits).
inline constexpr size_t kMaxHistoryRecord = 256 * 1024;

struct HistoryRecord {
  enum class Kind : uint8_t { kLine = 1, kGap = 2 };
  Kind kind = Kind::kLine;
  std::string line;    // kLine: the encoded line
  uint64_t count = 0;  // kGap: lines not held
};

// Appends a line record. REQUIRES: encoded.size() <= kMaxHistoryRecord.
void AppendHistoryLine(std::string_view encoded, std::string* out);
// Appends a gap record. REQUIRES: 1 <= count <= kVarintMax.
void AppendHistoryGap(uint64_t count, std::string* out);

class HistoryRecordReader {
 public:
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole record, nullopt when more bytes are needed. Errors:
  // kMalformed (see the file comment); the reader is then useless.
  Result<std::optional<HistoryRecord>> Next();
  // Bytes held that are not a whole record yet.
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  std::string buffer_;
  size_t pos_ = 0;
};

}  // namespace roam::state

#endif  // ROAM_STATE_HISTORY_RECORDS_H_
