#include "base/varint.h"

#include "base/check.h"

namespace roam {

void WriteVarint(ByteWriter* w, uint64_t v) {
  ROAM_CHECK(v <= kVarintMax);
  switch (VarintSize(v)) {
    case 1:
      w->WriteU8(static_cast<uint8_t>(v));
      break;
    case 2:
      w->WriteU16(static_cast<uint16_t>(v | 0x4000));
      break;
    case 4:
      w->WriteU32(static_cast<uint32_t>(v | 0x80000000u));
      break;
    default:
      w->WriteU64(v | 0xC000000000000000ull);
      break;
  }
}

bool ReadVarint(ByteReader* r, uint64_t* out) {
  ByteReader saved = *r;
  uint8_t first = 0;
  if (!r->ReadU8(&first)) return false;
  const size_t length = size_t{1} << (first >> 6);
  uint64_t v = first & 0x3F;
  for (size_t i = 1; i < length; ++i) {
    uint8_t b = 0;
    if (!r->ReadU8(&b)) {
      *r = saved;
      return false;
    }
    v = (v << 8) | b;
  }
  *out = v;
  return true;
}

}  // namespace roam
