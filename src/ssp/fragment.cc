// Fragment encoding and the Fragmenter (docs/protocol.md §4.1).

#include "ssp/fragment.h"

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "ssp/compressor.h"

namespace roam::ssp {
namespace {

constexpr uint16_t kFinalBit = 0x8000;

}  // namespace

std::string Fragment::Encode() const {
  ROAM_CHECK(num < kMaxFragments);
  std::string out;
  out.reserve(kFragmentHeaderBytes + contents.size());
  ByteWriter writer(&out);
  writer.WriteU64(id);
  writer.WriteU16(static_cast<uint16_t>((final ? kFinalBit : 0) | num));
  writer.WriteBytes(contents);
  return out;
}

Result<Fragment> Fragment::Decode(std::string_view bytes) {
  ByteReader reader(bytes);
  Fragment fragment;
  uint16_t word = 0;
  if (!reader.ReadU64(&fragment.id) || !reader.ReadU16(&word)) {
    return Malformed("fragment shorter than its 10-byte header");
  }
  fragment.final = (word & kFinalBit) != 0;
  fragment.num = static_cast<uint16_t>(word & ~kFinalBit);
  fragment.contents = std::string(reader.ReadRest());
  return fragment;
}

size_t FragmentRoom(size_t mtu) {
  ROAM_CHECK(mtu > kDatagramOverheadBytes + kFragmentHeaderBytes);
  return mtu - kDatagramOverheadBytes - kFragmentHeaderBytes;
}

Result<std::vector<Fragment>> Fragmenter::Split(std::string_view serialized_instruction,
                                                size_t mtu) {
  const size_t room = FragmentRoom(mtu);
  Result<std::string> compressed = Compress(serialized_instruction);
  if (!compressed.ok()) return compressed.status();
  const std::string& payload = *compressed;
  const size_t count = payload.empty() ? 1 : (payload.size() + room - 1) / room;
  if (count > kMaxFragments) {
    return OutOfRange("instruction needs more than 32768 fragments");
  }
  const uint64_t id = next_id_++;
  std::vector<Fragment> fragments;
  fragments.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Fragment fragment;
    fragment.id = id;
    fragment.num = static_cast<uint16_t>(i);
    fragment.final = (i + 1 == count);
    fragment.contents = payload.substr(i * room, room);
    fragments.push_back(std::move(fragment));
  }
  return fragments;
}

}  // namespace roam::ssp
