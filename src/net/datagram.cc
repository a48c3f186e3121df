// Datagram: plaintext framing. See datagram.h.

#include "net/datagram.h"

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace roam::net {

std::string Datagram::Encode() const {
  std::string out;
  out.reserve(kHeaderSize + payload.size());
  ByteWriter w(&out);
  w.WriteU16(timestamp);
  w.WriteU16(timestamp_reply);
  w.WriteBytes(payload);
  return out;
}

Result<Datagram> Datagram::Decode(std::string_view plaintext) {
  ByteReader r(plaintext);
  Datagram d;
  if (!r.ReadU16(&d.timestamp) || !r.ReadU16(&d.timestamp_reply)) {
    return Malformed("datagram plaintext of " + std::to_string(plaintext.size()) +
                     " bytes is shorter than its 4-byte header");
  }
  d.payload = std::string(r.ReadRest());
  return d;
}

}  // namespace roam::net
