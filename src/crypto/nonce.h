// Nonce words: the 64-bit value sent in clear at the head of every datagram
// (docs/protocol.md §1.1).
//
// Bit 63 is the direction (0 = client->server, 1 = server->client); bits 0..62
// are the sender's datagram counter. On the wire it is the 8-byte big-endian
// encoding of the word, and the 12-byte OCB nonce is four zero bytes followed
// by those 8 bytes. Each sender keeps one counter per key, starting at 0 and
// incremented for every datagram it sends.

#ifndef ROAM_CRYPTO_NONCE_H_
#define ROAM_CRYPTO_NONCE_H_

#include <cstdint>

namespace roam::crypto {

enum class Direction { kToServer = 0, kToClient = 1 };

inline constexpr uint64_t kDirectionBit = uint64_t{1} << 63;
inline constexpr uint64_t kSeqMask = kDirectionBit - 1;

// (direction << 63) | (seq & 0x7FFF'FFFF'FFFF'FFFF). Bits of `seq` above 62 are
// discarded; callers end the session long before (see OcbSession's limit).
constexpr uint64_t MakeNonce(Direction direction, uint64_t seq) {
  return (direction == Direction::kToClient ? kDirectionBit : 0) | (seq & kSeqMask);
}

// The direction bit of a nonce word.
constexpr Direction NonceDirection(uint64_t nonce_word) {
  return (nonce_word & kDirectionBit) != 0 ? Direction::kToClient : Direction::kToServer;
}

// The 63-bit counter of a nonce word.
constexpr uint64_t NonceSeq(uint64_t nonce_word) { return nonce_word & kSeqMask; }

}  // namespace roam::crypto

#endif  // ROAM_CRYPTO_NONCE_H_
