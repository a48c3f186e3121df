// PortRange: which UDP ports the server may bind (docs/protocol.md §0.3, §0.5), and the
// parser for the `-p` / `--port` value of mosh-server and mosh.
//
// Accepted forms: "N" (0..65535; 0 lets the OS choose) and "LOW:HIGH" with
// 1 <= LOW <= HIGH <= 65535 (an inclusive range searched upwards). Without
// `-p` the server searches kDefaultPortLow..kDefaultPortHigh.

#ifndef ROAM_NET_PORT_RANGE_H_
#define ROAM_NET_PORT_RANGE_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace roam::net {

inline constexpr uint16_t kDefaultPortLow = 60001;
inline constexpr uint16_t kDefaultPortHigh = 60999;

struct PortRange {
  uint16_t low = kDefaultPortLow;
  uint16_t high = kDefaultPortHigh;  // inclusive; low == high: exactly that port

  // Errors: kInvalidArgument naming the bad text (not a number, out of
  // 0..65535, an empty side, LOW of 0 or LOW > HIGH in a range).
  static Result<PortRange> Parse(std::string_view text);

  friend bool operator==(const PortRange& a, const PortRange& b) {
    return a.low == b.low && a.high == b.high;
  }
};

}  // namespace roam::net

#endif  // ROAM_NET_PORT_RANGE_H_
