#include "service/exec_records.h"

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/check.h"
#include "base/varint.h"

namespace roam::service {

void AppendRecord(RecordType type, std::string_view payload, std::string* out) {
  ROAM_CHECK(payload.size() <= kMaxRecordPayload);
  ByteWriter w(out);
  w.WriteU8(static_cast<uint8_t>(type));
  WriteVarint(&w, payload.size());
  w.WriteBytes(payload);
}

namespace {
std::string NumbersRecord(RecordType type, std::initializer_list<uint64_t> numbers) {
  std::string payload;
  ByteWriter w(&payload);
  for (uint64_t n : numbers) WriteVarint(&w, n);
  std::string out;
  AppendRecord(type, payload, &out);
  return out;
}
}  // namespace

std::string ExitRecord(int status) {
  return NumbersRecord(RecordType::kExit, {static_cast<uint64_t>(status < 0 ? 255 : status)});
}
std::string WindowRecord(int cols, int rows) {
  return NumbersRecord(RecordType::kWindow,
                       {static_cast<uint64_t>(cols), static_cast<uint64_t>(rows)});
}
std::string SignalRecord(int signal) {
  return NumbersRecord(RecordType::kSignal, {static_cast<uint64_t>(signal)});
}

Result<uint64_t> RecordNumber(std::string_view payload) {
  ByteReader r(payload);
  uint64_t v = 0;
  if (!ReadVarint(&r, &v) || !r.empty()) return Malformed("bad number in an exec record");
  return v;
}

Result<std::pair<uint64_t, uint64_t>> RecordNumberPair(std::string_view payload) {
  ByteReader r(payload);
  uint64_t a = 0, b = 0;
  if (!ReadVarint(&r, &a) || !ReadVarint(&r, &b) || !r.empty()) {
    return Malformed("bad numbers in an exec record");
  }
  return std::make_pair(a, b);
}

Result<std::optional<Record>> RecordReader::Next() {
  ByteReader r(std::string_view(buffer_).substr(pos_));
  uint8_t type = 0;
  uint64_t length = 0;
  if (!r.ReadU8(&type)) return std::optional<Record>();
  if (type < 1 || type > 5) return Malformed("unknown exec record type");
  if (!ReadVarint(&r, &length)) return std::optional<Record>();
  if (length > kMaxRecordPayload) return Malformed("oversized exec record");
  std::string_view payload;
  if (!r.ReadBytes(static_cast<size_t>(length), &payload)) return std::optional<Record>();
  Record record{static_cast<RecordType>(type), std::string(payload)};
  pos_ += r.position();
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ >= 64 * 1024) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  return std::optional<Record>(std::move(record));
}

}  // namespace roam::service
