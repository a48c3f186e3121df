// Fuzz target: ParseNetlinkAck, the one parser of kernel answers in the
// packet-level link. The first 4 bytes are the sequence number looked for
// (host order), the rest is the datagram. Whatever the bytes, the parser
// returns a value or kMalformed, never reads outside them, and an answer it
// finds is an errno (>= 0).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/check.h"
#include "netsim/route_netlink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < sizeof(uint32_t)) return 0;
  uint32_t seq = 0;
  std::memcpy(&seq, data, sizeof seq);
  const std::string_view reply(reinterpret_cast<const char*>(data) + sizeof seq, size - sizeof seq);
  roam::Result<std::optional<int>> r = roam::netsim::ParseNetlinkAck(reply, seq);
  if (r.ok()) {
    ROAM_CHECK(!r->has_value() || **r >= 0);
  } else {
    ROAM_CHECK(r.status().code() == roam::StatusCode::kMalformed);
  }
  return 0;
}
