// ByteReader: a bounds-checked cursor over untrusted bytes.
//
// Every read checks the remaining length first and returns false (leaving the
// output untouched and the cursor where it was) when there are not enough
// bytes, so parsers of peer data never read past the end. Integers are
// big-endian, as on the wire.

#ifndef ROAM_BASE_BYTE_READER_H_
#define ROAM_BASE_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace roam {

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  size_t position() const { return pos_; }

  bool ReadU8(uint8_t* out);
  bool ReadU16(uint16_t* out);
  bool ReadU32(uint32_t* out);
  bool ReadU64(uint64_t* out);
  // Points `out` at the next `n` bytes (a view into the input) and skips them.
  bool ReadBytes(size_t n, std::string_view* out);
  // The unread rest; the reader becomes empty.
  std::string_view ReadRest();

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace roam

#endif  // ROAM_BASE_BYTE_READER_H_
