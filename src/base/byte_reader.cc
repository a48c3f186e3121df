#include "base/byte_reader.h"

namespace roam {

namespace {
template <typename T>
bool ReadBigEndian(std::string_view data, size_t* pos, T* out) {
  if (data.size() - *pos < sizeof(T)) return false;
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v = static_cast<T>((v << 8) | static_cast<uint8_t>(data[*pos + i]));
  }
  *pos += sizeof(T);
  *out = v;
  return true;
}
}  // namespace

bool ByteReader::ReadU8(uint8_t* out) { return ReadBigEndian(data_, &pos_, out); }
bool ByteReader::ReadU16(uint16_t* out) { return ReadBigEndian(data_, &pos_, out); }
bool ByteReader::ReadU32(uint32_t* out) { return ReadBigEndian(data_, &pos_, out); }
bool ByteReader::ReadU64(uint64_t* out) { return ReadBigEndian(data_, &pos_, out); }

bool ByteReader::ReadBytes(size_t n, std::string_view* out) {
  if (remaining() < n) return false;
  *out = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

std::string_view ByteReader::ReadRest() {
  std::string_view rest = data_.substr(pos_);
  pos_ = data_.size();
  return rest;
}

}  // namespace roam
