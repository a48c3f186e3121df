// History records (see history_records.h).

#include "state/history_records.h"

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/check.h"
#include "base/varint.h"
#include "state/history_state.h"

namespace roam::state {

namespace {

void AppendRecord(HistoryRecord::Kind kind, std::string_view payload, std::string* out) {
  ROAM_CHECK(payload.size() <= kMaxHistoryRecord);
  ByteWriter w(out);
  w.WriteU8(static_cast<uint8_t>(kind));
  WriteVarint(&w, payload.size());
  w.WriteBytes(payload);
}

}  // namespace

void AppendHistoryLine(std::string_view encoded, std::string* out) {
  AppendRecord(HistoryRecord::Kind::kLine, encoded, out);
}

void AppendHistoryGap(uint64_t count, std::string* out) {
  ROAM_CHECK(count >= 1 && count <= kVarintMax);
  std::string payload;
  ByteWriter w(&payload);
  WriteVarint(&w, count);
  AppendRecord(HistoryRecord::Kind::kGap, payload, out);
}

Result<std::optional<HistoryRecord>> HistoryRecordReader::Next() {
  ByteReader r(std::string_view(buffer_).substr(pos_));
  uint8_t type = 0;
  uint64_t length = 0;
  if (!r.ReadU8(&type)) return std::optional<HistoryRecord>();
  if (type != static_cast<uint8_t>(HistoryRecord::Kind::kLine) &&
      type != static_cast<uint8_t>(HistoryRecord::Kind::kGap)) {
    return Malformed("history record of unknown type " + std::to_string(type));
  }
  if (!ReadVarint(&r, &length)) return std::optional<HistoryRecord>();
  if (length > kMaxHistoryRecord) return Malformed("history record too long");
  if (r.remaining() < length) return std::optional<HistoryRecord>();
  const size_t header = r.position();
  const std::string_view payload = std::string_view(buffer_).substr(pos_ + header, length);
  HistoryRecord record;
  record.kind = static_cast<HistoryRecord::Kind>(type);
  if (record.kind == HistoryRecord::Kind::kGap) {
    ByteReader p(payload);
    if (!ReadVarint(&p, &record.count) || p.remaining() != 0 || record.count == 0) {
      return Malformed("history gap record is not one count");
    }
  } else {
    if (!ValidHistoryLine(payload)) return Malformed("history line does not decode");
    record.line.assign(payload);
  }
  pos_ += header + static_cast<size_t>(length);
  // Keep the buffer from growing without bound: drop what was read.
  if (pos_ > 64 * 1024 && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  return std::optional<HistoryRecord>(std::move(record));
}

}  // namespace roam::state
