// Variable-length integers in the encoding of RFC 9000 §16: the two high bits
// of the first byte give the length (00 = 1, 01 = 2, 10 = 4, 11 = 8 bytes),
// the remaining bits hold the value big-endian. Values up to 2^62 - 1.
//
// roam's channel frames (docs/protocol.md §9) use this encoding throughout.

#ifndef ROAM_BASE_VARINT_H_
#define ROAM_BASE_VARINT_H_

#include <cstddef>
#include <cstdint>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace roam {

// The largest value a varint can hold.
inline constexpr uint64_t kVarintMax = (uint64_t{1} << 62) - 1;

// Bytes the shortest encoding of `v` takes: 1, 2, 4 or 8.
// REQUIRES: v <= kVarintMax.
constexpr size_t VarintSize(uint64_t v) {
  if (v < (uint64_t{1} << 6)) return 1;
  if (v < (uint64_t{1} << 14)) return 2;
  if (v < (uint64_t{1} << 30)) return 4;
  return 8;
}

// Appends the shortest encoding of `v`. REQUIRES: v <= kVarintMax (checked).
void WriteVarint(ByteWriter* w, uint64_t v);

// Reads one varint (any of the four lengths, also non-shortest ones). Returns
// false and leaves the reader where it was when the input ends early.
bool ReadVarint(ByteReader* r, uint64_t* out);

}  // namespace roam

#endif  // ROAM_BASE_VARINT_H_
