// 16-bit wire timestamps (docs/protocol.md §2.2).
//
// Every datagram carries the sender's clock in milliseconds modulo 65536;
// 0xFFFF is reserved to mean "no timestamp" (kTimestampNone), so a clock
// reading of 0xFFFF is sent as 0. Differences are taken modulo 65536.

#ifndef ROAM_NET_TIMESTAMP_H_
#define ROAM_NET_TIMESTAMP_H_

#include <cstdint>

#include "base/clock.h"

namespace roam::net {

inline constexpr uint16_t kTimestampNone = 0xFFFF;

// ms(now) mod 65536, with 0xFFFF replaced by 0.
inline uint16_t Timestamp16(TimePoint now) {
  const auto ts = static_cast<uint16_t>(static_cast<uint64_t>(ToMillis(now)) & 0xFFFF);
  return ts == kTimestampNone ? 0 : ts;
}

// (a - b) mod 65536: how many ms timestamp `a` is after timestamp `b`.
inline uint16_t TimestampDiff(uint16_t a, uint16_t b) { return static_cast<uint16_t>(a - b); }

}  // namespace roam::net

#endif  // ROAM_NET_TIMESTAMP_H_
