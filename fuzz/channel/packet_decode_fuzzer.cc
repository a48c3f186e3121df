// Fuzz target: DecodePacket on arbitrary bytes. A refused packet must be
// refused as kMalformed; an accepted one must re-encode, frame by frame,
// into bytes of exactly EncodedSize, and those bytes must decode to the
// same packet number and the same frames again.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/byte_writer.h"
#include "base/check.h"
#include "base/varint.h"
#include "channel/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace roam::channel;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  roam::Result<DecodedPacket> decoded = DecodePacket(input);
  if (!decoded.ok()) {
    ROAM_CHECK(decoded.status().code() == roam::StatusCode::kMalformed);
    return 0;
  }
  ROAM_CHECK(!decoded->frames.empty());
  ROAM_CHECK(decoded->packet_number <= roam::kVarintMax);

  std::string again;
  roam::ByteWriter w(&again);
  EncodePacketHeader(decoded->packet_number, &w);
  for (const Frame& frame : decoded->frames) {
    if (const auto* ack = std::get_if<AckFrame>(&frame)) {
      ROAM_CHECK(!ack->ranges.empty() && ack->ranges.size() <= kMaxAckRanges);
    }
    if (const auto* stream = std::get_if<StreamFrame>(&frame)) {
      ROAM_CHECK(stream->offset + stream->data.size() <= roam::kVarintMax);
    }
    const size_t before = again.size();
    EncodeFrame(frame, &w);
    ROAM_CHECK(again.size() - before == EncodedSize(frame));
  }
  ROAM_CHECK(again.size() <= input.size() + 8 * decoded->frames.size() + 8);

  roam::Result<DecodedPacket> redecoded = DecodePacket(again);
  ROAM_CHECK(redecoded.ok());
  ROAM_CHECK(redecoded->packet_number == decoded->packet_number);
  ROAM_CHECK(redecoded->frames == decoded->frames);
  return 0;
}
