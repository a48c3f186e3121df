// PortRange: parsing of `-p` values. See port_range.h.

#include "net/port_range.h"

#include <string>

namespace roam::net {
namespace {

// A decimal port 0..65535; digits only (no sign, no spaces).
bool ParsePort(std::string_view s, uint16_t* out) {
  if (s.empty() || s.size() > 5) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 65535) return false;
  *out = static_cast<uint16_t>(v);
  return true;
}

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgument("bad port '" + std::string(text) + "': " + std::string(why));
}

}  // namespace

Result<PortRange> PortRange::Parse(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    PortRange r;
    if (!ParsePort(text, &r.low)) return Bad(text, "must be a number from 0 to 65535");
    r.high = r.low;
    return r;
  }
  PortRange r;
  if (!ParsePort(text.substr(0, colon), &r.low) || !ParsePort(text.substr(colon + 1), &r.high)) {
    return Bad(text, "a range must be LOW:HIGH with numbers from 1 to 65535");
  }
  if (r.low == 0) return Bad(text, "a range cannot start at port 0");
  if (r.low > r.high) return Bad(text, "the low port is above the high port");
  return r;
}

}  // namespace roam::net
