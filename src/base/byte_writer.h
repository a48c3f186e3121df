// ByteWriter: appends big-endian integers and raw bytes to a std::string.
//
// roam uses std::string as its byte buffer type throughout (protobuf's bytes
// fields are std::string too), so a writer appends to one it does not own.

#ifndef ROAM_BASE_BYTE_WRITER_H_
#define ROAM_BASE_BYTE_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace roam {

class ByteWriter {
 public:
  // REQUIRES: `out` outlives the writer.
  explicit ByteWriter(std::string* out) : out_(out) {}

  void WriteU8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void WriteU16(uint16_t v) { WriteBigEndian(v); }
  void WriteU32(uint32_t v) { WriteBigEndian(v); }
  void WriteU64(uint64_t v) { WriteBigEndian(v); }
  void WriteBytes(std::string_view bytes) { out_->append(bytes); }

 private:
  template <typename T>
  void WriteBigEndian(T v) {
    for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
      out_->push_back(static_cast<char>((v >> shift) & 0xFF));
    }
  }

  std::string* out_;
};

}  // namespace roam

#endif  // ROAM_BASE_BYTE_WRITER_H_
