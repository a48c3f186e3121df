// Datagram: the plaintext inside one sealed datagram (docs/protocol.md §2.1).
//
// Layout (big-endian):
//
//   offset 0   u16  timestamp        sender's Timestamp16(now)
//   offset 2   u16  timestamp_reply  echo of the peer's timestamp, or 0xFFFF
//                                    (kTimestampNone) when there is none
//   offset 4   ...  payload          one fragment of the SSP layer (>= 10
//                                    bytes when sent; opaque here)
//
// This plaintext is what OcbSession seals: the wire form is
// nonce(8) || OCB(plaintext) || tag(16), so a datagram costs 28 bytes more
// than its payload.

#ifndef ROAM_NET_DATAGRAM_H_
#define ROAM_NET_DATAGRAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/timestamp.h"

namespace roam::net {

struct Datagram {
  static constexpr size_t kHeaderSize = 4;  // bytes: two u16 timestamps

  uint16_t timestamp = kTimestampNone;
  uint16_t timestamp_reply = kTimestampNone;
  std::string payload;

  // The plaintext bytes: timestamp, timestamp_reply, payload.
  std::string Encode() const;

  // Parses a plaintext. Errors: kMalformed if shorter than 4 bytes (drop it).
  // Any payload length, including empty, is accepted here.
  static Result<Datagram> Decode(std::string_view plaintext);
};

}  // namespace roam::net

#endif  // ROAM_NET_DATAGRAM_H_
