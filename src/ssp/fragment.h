// Fragment: one piece of a compressed Instruction, the payload of one
// datagram (docs/protocol.md §4.1), and the Fragmenter that cuts Instructions into them.
//
// Layout: u64 instruction id (big-endian) || u16 (final << 15 | number) ||
// contents. The header is 10 bytes, so an encoded fragment is never shorter
// than 10 bytes (a stock Mosh peer aborts on shorter ones). The Fragmenter
// compresses a serialized Instruction, splits the zlib stream into chunks that
// fit the datagram MTU, and gives every Instruction a fresh id, starting at 1.

#ifndef ROAM_SSP_FRAGMENT_H_
#define ROAM_SSP_FRAGMENT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace roam::ssp {

// Bytes of the fragment header (id + number/final word).
inline constexpr size_t kFragmentHeaderBytes = 10;
// Datagram overhead around a fragment: nonce 8 + tag 16 + timestamps 4.
inline constexpr size_t kDatagramOverheadBytes = 8 + 16 + 4;
// Fragment numbers are 15 bits.
inline constexpr size_t kMaxFragments = 32768;

struct Fragment {
  uint64_t id = 0;
  uint16_t num = 0;  // 0..32767
  bool final = false;
  std::string contents;

  // Returns the wire form. REQUIRES: num < kMaxFragments.
  std::string Encode() const;

  // Parses a fragment received from a peer. Errors: kMalformed when `bytes` is
  // shorter than the 10-byte header.
  static Result<Fragment> Decode(std::string_view bytes);

  friend bool operator==(const Fragment&, const Fragment&) = default;
};

// The chunk size for a datagram MTU: MTU - 8 - 16 - 4 - 10 (1214 for IPv4's
// 1252). REQUIRES: mtu > 38.
size_t FragmentRoom(size_t mtu);

class Fragmenter {
 public:
  // Compresses `serialized_instruction` and splits it into fragments whose
  // encoded size fits in `mtu` minus the datagram overhead, under a new id.
  // Errors: kOutOfRange when the compressed Instruction would need more than
  // 32768 fragments (a bug in the caller's state; nothing must be sent);
  // kInternal if compression fails. REQUIRES: mtu > 38.
  Result<std::vector<Fragment>> Split(std::string_view serialized_instruction, size_t mtu);

  // The id the next Instruction will get.
  uint64_t next_id() const { return next_id_; }

 private:
  uint64_t next_id_ = 1;
};

}  // namespace roam::ssp

#endif  // ROAM_SSP_FRAGMENT_H_
