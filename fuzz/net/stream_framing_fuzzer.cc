// Fuzz target: the stream deframer fed bytes in input-chosen pieces, as a
// TCP or ssh stream delivers them (docs/protocol.md §10.1). Every datagram
// it hands out is within the bounds, it holds at most one frame beyond what
// was fed, and once the framing breaks it stays broken.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "net/stream_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const size_t piece = 1 + static_cast<uint8_t>(input[0]) % 251;
  input.remove_prefix(1);
  roam::net::StreamDeframer deframer;
  bool broken = false;
  for (size_t i = 0; i < input.size(); i += piece) {
    deframer.Feed(input.substr(i, piece));
    for (int n = 0; n < 10000; ++n) {
      roam::Result<std::optional<std::string>> d = deframer.Next();
      if (!d.ok()) {
        broken = true;
        break;
      }
      ROAM_CHECK(!broken);
      if (!*d) break;
      ROAM_CHECK((*d)->size() >= roam::net::kMinFramedDatagram &&
                 (*d)->size() <= roam::net::kMaxFramedDatagram);
    }
    if (broken) {
      ROAM_CHECK(!deframer.Next().ok());
      return 0;
    }
  }
  return 0;
}
